/// Sentry-shaped answers, written from the examples in Sentry's API documentation (List Your
/// Organizations, List an Organization's Teams / Projects / Members, Retrieve a Project, List a
/// Project's Client Keys, List a Project's Data Filters), trimmed to the fields that matter and
/// with values of our own.
enum SentryImportFixtures {
    static let organizations = """
        [{"avatar": {"avatarType": "letter_avatar", "avatarUuid": null}, "dateCreated": "2018-11-06T21:19:55.101Z",
          "hasAuthProvider": false, "id": "2", "isEarlyAdopter": false, "name": "The Interstellar Jurisdiction",
          "require2FA": false, "slug": "the-interstellar-jurisdiction", "status": {"id": "active", "name": "active"}}]
        """

    static let teams = """
        [{"id": "3", "slug": "ancient-gabelers", "name": "Ancient Gabelers", "dateCreated": "2018-11-06T21:20:08.115Z",
          "isMember": true, "teamRole": "contributor", "hasAccess": true, "isPending": false, "memberCount": 2,
          "avatar": {"avatarType": "letter_avatar", "avatarUuid": null}, "externalTeams": [], "projects": []},
         {"id": "2", "slug": "powerful-abolitionist", "name": "Powerful Abolitionist", "dateCreated": "2018-10-03T17:47:50.745447Z",
          "isMember": false, "teamRole": null, "hasAccess": true, "isPending": false, "memberCount": 5,
          "avatar": {"avatarType": "letter_avatar", "avatarUuid": null}, "externalTeams": [],
          "projects": [{"id": "6", "slug": "heart-of-gold", "name": "Heart of Gold", "platform": "node-express",
                        "dateCreated": "2018-10-03T17:48:28.553962Z", "isBookmarked": false, "isMember": false,
                        "features": [], "firstEvent": null, "hasAccess": true, "status": "active", "platforms": []}]}]
        """

    static let projects = """
        [{"dateCreated": "2018-11-06T21:19:58.536Z", "firstEvent": null, "hasAccess": true, "id": "6",
          "isBookmarked": false, "isMember": true, "name": "Heart of Gold", "platform": "node-express", "platforms": [],
          "slug": "heart-of-gold", "team": {"id": "2", "name": "Powerful Abolitionist", "slug": "powerful-abolitionist"}},
         {"dateCreated": "2018-11-06T21:19:58.536Z", "firstEvent": null, "hasAccess": true, "id": "3",
          "isBookmarked": false, "isMember": true, "name": "Prime Mover", "platform": "", "platforms": [],
          "slug": "prime-mover", "team": {"id": "3", "name": "Ancient Gabelers", "slug": "ancient-gabelers"}}]
        """

    static let projectDetails = """
        {"id": "6", "slug": "heart-of-gold", "name": "Heart of Gold", "platform": "node-express",
         "options": {"sentry:csp_ignored_sources_defaults": true, "sentry:csp_ignored_sources": "",
                     "filters:blacklisted_ips": "10.0.0.1\\n10.0.0.0/8", "filters:react-hydration-errors": true,
                     "filters:chunk-load-error": false,
                     "filters:releases": "1.0.*\\n\\nstaging-*", "filters:error_messages": "TypeError: *\\n*ResizeObserver*",
                     "feedback:branding": true}}
        """

    static let keys = """
        [{"id": "60120449b6b1d5e45f75561e6dabd80b", "name": "Liked Pegasus", "label": "Liked Pegasus",
          "public": "60120449b6b1d5e45f75561e6dabd80b", "secret": "189485c3b8ccf582bf5e12c530ef8858",
          "projectId": 6, "isActive": true, "rateLimit": {"window": 7200, "count": 1000},
          "dsn": {"secret": "https://60120449b6b1d5e45f75561e6dabd80b:189485c3b8ccf582bf5e12c530ef8858@o2.ingest.sentry.io/6",
                  "public": "https://60120449b6b1d5e45f75561e6dabd80b@o2.ingest.sentry.io/6"},
          "browserSdkVersion": "7.x", "dateCreated": "2023-06-21T19:50:26.036254Z", "dynamicSdkLoaderOptions": {}},
         {"id": "a785682ddda742d7a8a4088810e67791", "name": "Old", "label": "Old",
          "public": "a785682ddda742d7a8a4088810e67791", "secret": "bcd99b3790b3441c85ce4b1eaa854f66",
          "projectId": 6, "isActive": false, "rateLimit": null, "dateCreated": "2023-06-21T19:50:26.036254Z"}]
        """

    static let filters = """
        [{"id": "browser-extensions", "active": false}, {"id": "filtered-transaction", "active": true},
         {"id": "legacy-browsers", "active": ["opera", "edge", "safari", "chrome", "ie", "opera_mini", "firefox", "android"]},
         {"id": "localhost", "active": true}, {"id": "web-crawlers", "active": false}]
        """

    static let members = """
        [{"id": "57377908164", "email": "sirpenguin@antarcticarocks.com", "name": "Sir Penguin",
          "user": {"id": "280094367", "name": "Sir Penguin", "username": "sirpenguin@antarcticarocks.com"},
          "orgRole": "member", "role": "member", "pending": false, "expired": false, "inviteStatus": "approved",
          "dateCreated": "2021-07-06T21:13:01.120263Z", "teams": ["powerful-abolitionist"], "teamRoles": []},
         {"id": "57377908165", "email": "rocket@antarcticarocks.com", "name": "rocket@antarcticarocks.com",
          "orgRole": "admin", "role": "admin", "pending": true, "expired": false, "inviteStatus": "approved",
          "dateCreated": "2021-07-06T21:13:01.120263Z", "teams": ["ancient-gabelers", "no-such-team"]},
         {"id": "57377908166", "email": "ledger@antarcticarocks.com", "orgRole": "billing", "role": "billing",
          "pending": false, "teams": []}]
        """
}
