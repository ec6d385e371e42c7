-- The schema Sources/Store/Migrations/*.sql add up to, read from the catalog of a migrated
-- database (Store/Schema/SchemaCatalog.swift). Not applied by anything: for reading.
-- SchemaTests fails when it differs; regenerate with
--   FAULTLINE_WRITE_SCHEMA=1 swift test --filter SchemaTests

TABLE alert_outbox
    id bigint NOT NULL DEFAULT nextval('alert_outbox_id_seq'::regclass)
    partition integer NOT NULL
    idempotency_key uuid NOT NULL DEFAULT gen_random_uuid()
    project_id bigint NOT NULL
    issue_id bigint
    rule_id bigint
    channel text NOT NULL
    target text NOT NULL
    format text NOT NULL DEFAULT ''::text
    subject jsonb NOT NULL
    state text NOT NULL DEFAULT 'pending'::text
    attempts integer NOT NULL DEFAULT 0
    next_attempt_at timestamp with time zone NOT NULL DEFAULT now()
    last_error text
    created_at timestamp with time zone NOT NULL DEFAULT now()
    sent_at timestamp with time zone
    CONSTRAINT alert_outbox_idempotency_key_key UNIQUE (idempotency_key)
    CONSTRAINT alert_outbox_pkey PRIMARY KEY (id)
    CONSTRAINT alert_outbox_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects(id)
    CONSTRAINT alert_outbox_state_check CHECK ((state = ANY (ARRAY['pending'::text, 'sent'::text, 'dead'::text])))
    CREATE INDEX alert_outbox_due ON public.alert_outbox USING btree (partition, next_attempt_at) WHERE (state = 'pending'::text)
    CREATE INDEX alert_outbox_project ON public.alert_outbox USING btree (project_id, id DESC)

TABLE alert_rule_issues
    project_id bigint NOT NULL
    rule_id bigint NOT NULL
    issue_id bigint NOT NULL
    last_fired_at timestamp with time zone
    muted_until timestamp with time zone
    CONSTRAINT alert_rule_issues_issue_id_fkey FOREIGN KEY (issue_id) REFERENCES issues(id) ON DELETE CASCADE
    CONSTRAINT alert_rule_issues_pkey PRIMARY KEY (project_id, rule_id, issue_id)
    CONSTRAINT alert_rule_issues_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects(id)
    CONSTRAINT alert_rule_issues_rule_id_fkey FOREIGN KEY (rule_id) REFERENCES alert_rules(id) ON DELETE CASCADE
    CREATE INDEX alert_rule_issues_issue ON public.alert_rule_issues USING btree (issue_id)

TABLE alert_rules
    id bigint NOT NULL DEFAULT nextval('alert_rules_id_seq'::regclass)
    project_id bigint NOT NULL
    name text NOT NULL
    definition jsonb NOT NULL
    status text NOT NULL DEFAULT 'active'::text
    snoozed_until timestamp with time zone
    created_by bigint
    created_at timestamp with time zone NOT NULL DEFAULT now()
    updated_at timestamp with time zone NOT NULL DEFAULT now()
    CONSTRAINT alert_rules_created_by_fkey FOREIGN KEY (created_by) REFERENCES users(id)
    CONSTRAINT alert_rules_pkey PRIMARY KEY (id)
    CONSTRAINT alert_rules_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects(id)
    CONSTRAINT alert_rules_status_check CHECK ((status = ANY (ARRAY['active'::text, 'disabled'::text])))
    CREATE INDEX alert_rules_project ON public.alert_rules USING btree (project_id) WHERE (status = 'active'::text)

TABLE api_tokens
    id bigint NOT NULL DEFAULT nextval('api_tokens_id_seq'::regclass)
    organization_id bigint NOT NULL
    token_hash text NOT NULL
    token_prefix text NOT NULL
    label text NOT NULL DEFAULT ''::text
    scopes text[] NOT NULL
    created_at timestamp with time zone NOT NULL DEFAULT now()
    revoked_at timestamp with time zone
    user_email text
    user_id bigint
    CONSTRAINT api_tokens_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations(id)
    CONSTRAINT api_tokens_pkey PRIMARY KEY (id)
    CONSTRAINT api_tokens_token_hash_key UNIQUE (token_hash)
    CONSTRAINT api_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id)
    CREATE INDEX api_tokens_user ON public.api_tokens USING btree (user_id) WHERE (user_id IS NOT NULL)

TABLE artifact_bundles
    id bigint NOT NULL DEFAULT nextval('artifact_bundles_id_seq'::regclass)
    organization_id bigint NOT NULL
    checksum text NOT NULL
    bundle_id text
    release_id bigint
    dist text
    file_count integer NOT NULL
    created_at timestamp with time zone NOT NULL DEFAULT now()
    CONSTRAINT artifact_bundles_organization_id_checksum_key UNIQUE (organization_id, checksum)
    CONSTRAINT artifact_bundles_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations(id) ON DELETE CASCADE
    CONSTRAINT artifact_bundles_pkey PRIMARY KEY (id)
    CONSTRAINT artifact_bundles_release_id_fkey FOREIGN KEY (release_id) REFERENCES releases(id) ON DELETE CASCADE
    CREATE INDEX artifact_bundles_release ON public.artifact_bundles USING btree (release_id)

TABLE artifact_files
    project_id bigint NOT NULL
    bundle_id bigint NOT NULL
    path text NOT NULL
    url text NOT NULL
    kind text NOT NULL
    debug_id text
    release text
    dist text NOT NULL DEFAULT ''::text
    sha1 text NOT NULL
    size bigint NOT NULL
    CONSTRAINT artifact_files_bundle_id_fkey FOREIGN KEY (bundle_id) REFERENCES artifact_bundles(id) ON DELETE CASCADE
    CONSTRAINT artifact_files_pkey PRIMARY KEY (project_id, bundle_id, path)
    CONSTRAINT artifact_files_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects(id) ON DELETE CASCADE
    CREATE INDEX artifact_files_bundle ON public.artifact_files USING btree (bundle_id)
    CREATE INDEX artifact_files_debug_id ON public.artifact_files USING btree (project_id, debug_id, kind) WHERE (debug_id IS NOT NULL)
    CREATE INDEX artifact_files_release_url ON public.artifact_files USING btree (project_id, release, dist, url)
    CREATE INDEX artifact_files_sha1 ON public.artifact_files USING btree (sha1)

TABLE audit_log_entries
    id bigint NOT NULL DEFAULT nextval('audit_log_entries_id_seq'::regclass)
    organization_id bigint NOT NULL
    actor_user_id bigint
    actor_label text NOT NULL
    event text NOT NULL
    target_object bigint
    target_user_id bigint
    ip_address text
    data jsonb NOT NULL DEFAULT '{}'::jsonb
    created_at timestamp with time zone NOT NULL DEFAULT now()
    CONSTRAINT audit_log_entries_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations(id)
    CONSTRAINT audit_log_entries_pkey PRIMARY KEY (id)
    CREATE INDEX audit_log_entries_organization ON public.audit_log_entries USING btree (organization_id, id)

TABLE blob_usage
    organization_id bigint NOT NULL
    bytes bigint NOT NULL DEFAULT 0
    CONSTRAINT blob_usage_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations(id) ON DELETE CASCADE
    CONSTRAINT blob_usage_pkey PRIMARY KEY (organization_id)

TABLE blobs
    organization_id bigint NOT NULL
    sha1 text NOT NULL
    size bigint NOT NULL
    data bytea
    created_at timestamp with time zone NOT NULL DEFAULT now()
    last_used_at timestamp with time zone NOT NULL DEFAULT now()
    CONSTRAINT blobs_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations(id) ON DELETE CASCADE
    CONSTRAINT blobs_pkey PRIMARY KEY (organization_id, sha1)
    CREATE INDEX blobs_last_used ON public.blobs USING btree (last_used_at)

TABLE consumer_offsets
    group_id text NOT NULL
    topic text NOT NULL
    partition integer NOT NULL
    cluster_id text NOT NULL
    next_offset bigint NOT NULL
    updated_at timestamp with time zone NOT NULL DEFAULT now()
    CONSTRAINT consumer_offsets_pkey PRIMARY KEY (group_id, topic, partition)

TABLE dead_letters
    id bigint NOT NULL DEFAULT nextval('dead_letters_id_seq'::regclass)
    topic text NOT NULL
    partition integer NOT NULL
    kafka_offset bigint NOT NULL
    project_id bigint
    reason text NOT NULL
    payload bytea NOT NULL
    created_at timestamp with time zone NOT NULL DEFAULT now()
    CONSTRAINT dead_letters_pkey PRIMARY KEY (id)

TABLE debug_files
    id bigint NOT NULL DEFAULT nextval('debug_files_id_seq'::regclass)
    project_id bigint NOT NULL
    checksum text NOT NULL
    name text NOT NULL
    debug_id text
    kind text NOT NULL
    size bigint NOT NULL
    chunks text[] NOT NULL
    created_at timestamp with time zone NOT NULL DEFAULT now()
    CONSTRAINT debug_files_pkey PRIMARY KEY (project_id, id)
    CONSTRAINT debug_files_project_id_checksum_key UNIQUE (project_id, checksum)
    CONSTRAINT debug_files_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects(id) ON DELETE CASCADE
    CREATE INDEX debug_files_chunks ON public.debug_files USING gin (chunks)
    CREATE INDEX debug_files_debug_id ON public.debug_files USING btree (project_id, debug_id)

TABLE deploys
    id bigint NOT NULL DEFAULT nextval('deploys_id_seq'::regclass)
    release_id bigint NOT NULL
    environment text NOT NULL
    name text
    url text
    date_started timestamp with time zone
    date_finished timestamp with time zone NOT NULL DEFAULT now()
    CONSTRAINT deploys_pkey PRIMARY KEY (id)
    CONSTRAINT deploys_release_id_fkey FOREIGN KEY (release_id) REFERENCES releases(id) ON DELETE CASCADE
    CREATE INDEX deploys_release ON public.deploys USING btree (release_id, date_finished DESC)

TABLE event_ids
    project_id bigint NOT NULL
    event_id uuid NOT NULL
    timestamp timestamp with time zone NOT NULL
    CONSTRAINT event_ids_pkey PRIMARY KEY (project_id, event_id)

TABLE events PARTITION BY RANGE ("timestamp")
    project_id bigint NOT NULL
    event_id uuid NOT NULL
    issue_id bigint NOT NULL
    timestamp timestamp with time zone NOT NULL
    received_at timestamp with time zone NOT NULL
    platform text
    level text NOT NULL
    title text NOT NULL
    release text
    environment text
    trace_id text
    user_key text
    payload jsonb NOT NULL
    CONSTRAINT events_pkey PRIMARY KEY (project_id, event_id, "timestamp")
    CREATE INDEX events_issue_timestamp ON ONLY public.events USING btree (issue_id, "timestamp" DESC)
    CREATE INDEX events_trace ON ONLY public.events USING btree (trace_id) WHERE (trace_id IS NOT NULL)

TABLE events_default PARTITION OF events DEFAULT

TABLE ingest_receipts
    project_id bigint NOT NULL
    spool_id uuid NOT NULL
    sequence bigint NOT NULL
    item integer NOT NULL
    received_at timestamp with time zone NOT NULL DEFAULT now()
    CONSTRAINT ingest_receipts_pkey PRIMARY KEY (project_id, spool_id, sequence, item)
    CREATE INDEX ingest_receipts_spool_sequence ON public.ingest_receipts USING btree (spool_id, sequence)

TABLE issue_activities
    id bigint NOT NULL DEFAULT nextval('issue_activities_id_seq'::regclass)
    issue_id bigint NOT NULL
    type text NOT NULL
    data jsonb NOT NULL DEFAULT '{}'::jsonb
    created_at timestamp with time zone NOT NULL DEFAULT now()
    project_id bigint NOT NULL
    CONSTRAINT issue_activities_pkey PRIMARY KEY (id)
    CREATE INDEX issue_activities_issue ON public.issue_activities USING btree (issue_id, id)
    CREATE INDEX issue_activities_project ON public.issue_activities USING btree (project_id, issue_id)

TABLE issue_environments
    issue_id bigint NOT NULL
    environment text NOT NULL
    first_seen timestamp with time zone NOT NULL
    last_seen timestamp with time zone NOT NULL
    count bigint NOT NULL
    project_id bigint NOT NULL
    CONSTRAINT issue_environments_pkey PRIMARY KEY (issue_id, environment)
    CREATE INDEX issue_environments_project ON public.issue_environments USING btree (project_id, issue_id)

TABLE issue_hashes
    project_id bigint NOT NULL
    hash text NOT NULL
    issue_id bigint NOT NULL
    CONSTRAINT issue_hashes_issue_id_fkey FOREIGN KEY (issue_id) REFERENCES issues(id) DEFERRABLE INITIALLY DEFERRED
    CONSTRAINT issue_hashes_pkey PRIMARY KEY (project_id, hash)

TABLE issue_hourly
    issue_id bigint NOT NULL
    hour timestamp with time zone NOT NULL
    count bigint NOT NULL
    project_id bigint NOT NULL
    CONSTRAINT issue_hourly_pkey PRIMARY KEY (issue_id, hour)
    CREATE INDEX issue_hourly_project ON public.issue_hourly USING btree (project_id, issue_id)

TABLE issue_releases
    issue_id bigint NOT NULL
    release text NOT NULL
    first_seen timestamp with time zone NOT NULL
    last_seen timestamp with time zone NOT NULL
    count bigint NOT NULL
    project_id bigint NOT NULL
    CONSTRAINT issue_releases_pkey PRIMARY KEY (issue_id, release)
    CREATE INDEX issue_releases_project ON public.issue_releases USING btree (project_id, issue_id)

TABLE issue_tag_values
    issue_id bigint NOT NULL
    key text NOT NULL
    value text NOT NULL
    first_seen timestamp with time zone NOT NULL
    last_seen timestamp with time zone NOT NULL
    count bigint NOT NULL
    project_id bigint NOT NULL
    CONSTRAINT issue_tag_values_pkey PRIMARY KEY (issue_id, key, value)
    CREATE INDEX issue_tag_values_key_value ON public.issue_tag_values USING btree (key, value, issue_id)
    CREATE INDEX issue_tag_values_project ON public.issue_tag_values USING btree (project_id, issue_id)

TABLE issue_users
    issue_id bigint NOT NULL
    user_key text NOT NULL
    project_id bigint NOT NULL
    CONSTRAINT issue_users_pkey PRIMARY KEY (issue_id, user_key)
    CREATE INDEX issue_users_project ON public.issue_users USING btree (project_id, issue_id)

TABLE issues
    id bigint NOT NULL DEFAULT nextval('issues_id_seq'::regclass)
    project_id bigint NOT NULL
    short_id bigint NOT NULL
    title text NOT NULL
    culprit text NOT NULL DEFAULT ''::text
    level text NOT NULL
    platform text
    type text NOT NULL DEFAULT 'error'::text
    metadata jsonb NOT NULL DEFAULT '{}'::jsonb
    status text NOT NULL DEFAULT 'unresolved'::text
    substatus text NOT NULL DEFAULT 'new'::text
    first_seen timestamp with time zone NOT NULL
    last_seen timestamp with time zone NOT NULL
    times_seen bigint NOT NULL DEFAULT 0
    user_count bigint NOT NULL DEFAULT 0
    first_release text
    last_release text
    resolved_at timestamp with time zone
    resolution text
    resolved_in_release text
    ignored_at timestamp with time zone
    ignore_until timestamp with time zone
    ignore_count bigint
    ignore_window_minutes integer
    ignore_user_count bigint
    ignore_user_window_minutes integer
    ignore_times_seen_baseline bigint
    ignore_user_count_baseline bigint
    assigned_to text
    CONSTRAINT issues_pkey PRIMARY KEY (id)
    CONSTRAINT issues_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects(id)
    CONSTRAINT issues_project_id_short_id_key UNIQUE (project_id, short_id)
    CREATE INDEX issues_project_last_seen ON public.issues USING btree (project_id, last_seen DESC, id DESC)
    CREATE INDEX issues_project_status_first_seen ON public.issues USING btree (project_id, status, first_seen DESC, id DESC)
    CREATE INDEX issues_project_status_last_seen ON public.issues USING btree (project_id, status, last_seen DESC, id DESC)
    CREATE INDEX issues_project_status_times_seen ON public.issues USING btree (project_id, status, times_seen DESC, id DESC)
    CREATE INDEX issues_project_status_user_count ON public.issues USING btree (project_id, status, user_count DESC, id DESC)

TABLE job_runs
    name text NOT NULL
    last_started_at timestamp with time zone
    last_finished_at timestamp with time zone
    last_success_at timestamp with time zone
    last_error text
    last_summary text
    next_run_at timestamp with time zone
    runs bigint NOT NULL DEFAULT 0
    failures bigint NOT NULL DEFAULT 0
    runner text
    CONSTRAINT job_runs_pkey PRIMARY KEY (name)

TABLE member_invitations
    id bigint NOT NULL DEFAULT nextval('organization_members_id_seq'::regclass)
    organization_id bigint NOT NULL
    email text NOT NULL
    role text NOT NULL
    team_slugs text[] NOT NULL DEFAULT '{}'::text[]
    token_hash text NOT NULL
    invited_by_user_id bigint
    created_at timestamp with time zone NOT NULL DEFAULT now()
    expires_at timestamp with time zone NOT NULL
    accepted_at timestamp with time zone
    accepted_user_id bigint
    CONSTRAINT member_invitations_accepted_user_id_fkey FOREIGN KEY (accepted_user_id) REFERENCES users(id)
    CONSTRAINT member_invitations_invited_by_user_id_fkey FOREIGN KEY (invited_by_user_id) REFERENCES users(id)
    CONSTRAINT member_invitations_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations(id)
    CONSTRAINT member_invitations_pkey PRIMARY KEY (id)
    CONSTRAINT member_invitations_role_check CHECK ((role = ANY (ARRAY['member'::text, 'admin'::text, 'manager'::text, 'owner'::text])))
    CONSTRAINT member_invitations_token_hash_key UNIQUE (token_hash)
    CREATE UNIQUE INDEX member_invitations_open_email ON public.member_invitations USING btree (organization_id, lower(email)) WHERE (accepted_at IS NULL)

TABLE organization_members
    id bigint NOT NULL DEFAULT nextval('organization_members_id_seq'::regclass)
    organization_id bigint NOT NULL
    user_id bigint NOT NULL
    role text NOT NULL
    created_at timestamp with time zone NOT NULL DEFAULT now()
    CONSTRAINT organization_members_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations(id)
    CONSTRAINT organization_members_organization_id_user_id_key UNIQUE (organization_id, user_id)
    CONSTRAINT organization_members_pkey PRIMARY KEY (id)
    CONSTRAINT organization_members_role_check CHECK ((role = ANY (ARRAY['member'::text, 'admin'::text, 'manager'::text, 'owner'::text])))
    CONSTRAINT organization_members_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id)
    CREATE INDEX organization_members_user ON public.organization_members USING btree (user_id)

TABLE organizations
    id bigint NOT NULL DEFAULT nextval('organizations_id_seq'::regclass)
    slug text NOT NULL
    name text NOT NULL
    created_at timestamp with time zone NOT NULL DEFAULT now()
    require_scrub_data boolean NOT NULL DEFAULT false
    require_scrub_defaults boolean NOT NULL DEFAULT false
    require_scrub_ip_addresses boolean NOT NULL DEFAULT false
    sensitive_fields text[] NOT NULL DEFAULT '{}'::text[]
    safe_fields text[] NOT NULL DEFAULT '{}'::text[]
    pii_config text NOT NULL DEFAULT ''::text
    CONSTRAINT organizations_pkey PRIMARY KEY (id)
    CONSTRAINT organizations_slug_key UNIQUE (slug)

TABLE outcomes_hourly
    organization_id bigint NOT NULL
    project_id bigint NOT NULL
    key_id bigint NOT NULL DEFAULT 0
    hour timestamp with time zone NOT NULL
    category smallint NOT NULL
    outcome smallint NOT NULL
    reason text NOT NULL DEFAULT ''::text
    quantity bigint NOT NULL
    times_seen bigint NOT NULL
    CONSTRAINT outcomes_hourly_pkey PRIMARY KEY (project_id, hour, category, outcome, reason, key_id)
    CREATE INDEX outcomes_hourly_organization ON public.outcomes_hourly USING btree (organization_id, hour)

TABLE password_resets
    token_hash text NOT NULL
    user_id bigint NOT NULL
    created_at timestamp with time zone NOT NULL DEFAULT now()
    expires_at timestamp with time zone NOT NULL
    used_at timestamp with time zone
    CONSTRAINT password_resets_pkey PRIMARY KEY (token_hash)
    CONSTRAINT password_resets_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id)
    CREATE INDEX password_resets_user ON public.password_resets USING btree (user_id)

TABLE project_hourly
    project_id bigint NOT NULL
    hour timestamp with time zone NOT NULL
    count bigint NOT NULL
    CONSTRAINT project_hourly_pkey PRIMARY KEY (project_id, hour)

TABLE project_keys
    id bigint NOT NULL DEFAULT nextval('project_keys_id_seq'::regclass)
    project_id bigint NOT NULL
    public_key text NOT NULL
    label text NOT NULL DEFAULT 'Default'::text
    is_active boolean NOT NULL DEFAULT true
    created_at timestamp with time zone NOT NULL DEFAULT now()
    secret_key text NOT NULL DEFAULT replace((gen_random_uuid())::text, '-'::text, ''::text)
    CONSTRAINT project_keys_pkey PRIMARY KEY (id)
    CONSTRAINT project_keys_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects(id)
    CONSTRAINT project_keys_public_key_key UNIQUE (public_key)
    CREATE INDEX project_keys_project ON public.project_keys USING btree (project_id)

TABLE project_plugins
    project_id bigint NOT NULL
    plugin text NOT NULL
    enabled boolean NOT NULL DEFAULT true
    config jsonb NOT NULL DEFAULT '{}'::jsonb
    CONSTRAINT project_plugins_pkey PRIMARY KEY (project_id, plugin)
    CONSTRAINT project_plugins_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects(id)

TABLE project_teams
    project_id bigint NOT NULL
    team_id bigint NOT NULL
    CONSTRAINT project_teams_pkey PRIMARY KEY (project_id, team_id)
    CONSTRAINT project_teams_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects(id)
    CONSTRAINT project_teams_team_id_fkey FOREIGN KEY (team_id) REFERENCES teams(id) ON DELETE CASCADE
    CREATE INDEX project_teams_team ON public.project_teams USING btree (team_id)

TABLE projects
    id bigint NOT NULL DEFAULT nextval('projects_id_seq'::regclass)
    organization_id bigint NOT NULL
    slug text NOT NULL
    name text NOT NULL
    platform text
    next_short_id bigint NOT NULL DEFAULT 0
    created_at timestamp with time zone NOT NULL DEFAULT now()
    filters jsonb NOT NULL DEFAULT '{}'::jsonb
    scrub_data boolean NOT NULL DEFAULT true
    scrub_ip_addresses boolean NOT NULL DEFAULT false
    sensitive_fields text[] NOT NULL DEFAULT '{}'::text[]
    fingerprint_rules text NOT NULL DEFAULT ''::text
    stack_trace_rules text NOT NULL DEFAULT ''::text
    grouping_rules_updated_at timestamp with time zone
    scrub_defaults boolean NOT NULL DEFAULT true
    safe_fields text[] NOT NULL DEFAULT '{}'::text[]
    pii_config text NOT NULL DEFAULT ''::text
    CONSTRAINT projects_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations(id)
    CONSTRAINT projects_organization_id_slug_key UNIQUE (organization_id, slug)
    CONSTRAINT projects_pkey PRIMARY KEY (id)

TABLE quota_usage
    limit_id bigint NOT NULL
    window_start bigint NOT NULL
    used bigint NOT NULL
    CONSTRAINT quota_usage_limit_id_fkey FOREIGN KEY (limit_id) REFERENCES rate_limits(id) ON DELETE CASCADE
    CONSTRAINT quota_usage_pkey PRIMARY KEY (limit_id, window_start)

TABLE rate_limits
    id bigint NOT NULL DEFAULT nextval('rate_limits_id_seq'::regclass)
    project_id bigint NOT NULL
    key_id bigint
    category text NOT NULL
    window_seconds integer NOT NULL
    max_quantity bigint NOT NULL
    created_at timestamp with time zone NOT NULL DEFAULT now()
    CONSTRAINT rate_limits_key_id_fkey FOREIGN KEY (key_id) REFERENCES project_keys(id)
    CONSTRAINT rate_limits_max_quantity_check CHECK ((max_quantity >= 0))
    CONSTRAINT rate_limits_pkey PRIMARY KEY (id)
    CONSTRAINT rate_limits_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects(id)
    CONSTRAINT rate_limits_project_id_key_id_category_window_seconds_key UNIQUE NULLS NOT DISTINCT (project_id, key_id, category, window_seconds)
    CONSTRAINT rate_limits_window_seconds_check CHECK ((window_seconds > 0))

TABLE release_commits
    release_id bigint NOT NULL
    position integer NOT NULL
    commit_id text NOT NULL
    repository text NOT NULL
    author_name text
    author_email text
    message text
    committed_at timestamp with time zone
    paths text[] NOT NULL DEFAULT '{}'::text[]
    change_types text[] NOT NULL DEFAULT '{}'::text[]
    CONSTRAINT release_commits_pkey PRIMARY KEY (release_id, "position")
    CONSTRAINT release_commits_release_id_fkey FOREIGN KEY (release_id) REFERENCES releases(id) ON DELETE CASCADE

TABLE release_files
    id bigint NOT NULL DEFAULT nextval('release_files_id_seq'::regclass)
    release_id bigint NOT NULL
    project_id bigint
    name text NOT NULL
    dist text NOT NULL DEFAULT ''::text
    sha1 text NOT NULL
    size bigint NOT NULL
    headers jsonb NOT NULL DEFAULT '{}'::jsonb
    created_at timestamp with time zone NOT NULL DEFAULT now()
    CONSTRAINT release_files_pkey PRIMARY KEY (id)
    CONSTRAINT release_files_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects(id) ON DELETE CASCADE
    CONSTRAINT release_files_release_id_dist_name_key UNIQUE (release_id, dist, name)
    CONSTRAINT release_files_release_id_fkey FOREIGN KEY (release_id) REFERENCES releases(id) ON DELETE CASCADE
    CREATE INDEX release_files_sha1 ON public.release_files USING btree (sha1)

TABLE release_head_commits
    release_id bigint NOT NULL
    repository text NOT NULL
    commit_id text NOT NULL
    previous_commit text
    CONSTRAINT release_head_commits_pkey PRIMARY KEY (release_id, repository)
    CONSTRAINT release_head_commits_release_id_fkey FOREIGN KEY (release_id) REFERENCES releases(id) ON DELETE CASCADE

TABLE release_projects
    release_id bigint NOT NULL
    project_id bigint NOT NULL
    first_event timestamp with time zone
    last_event timestamp with time zone
    event_count bigint NOT NULL DEFAULT 0
    CONSTRAINT release_projects_pkey PRIMARY KEY (release_id, project_id)
    CONSTRAINT release_projects_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects(id)
    CONSTRAINT release_projects_release_id_fkey FOREIGN KEY (release_id) REFERENCES releases(id) ON DELETE CASCADE

TABLE releases
    id bigint NOT NULL DEFAULT nextval('releases_id_seq'::regclass)
    organization_id bigint NOT NULL
    version text NOT NULL
    created_at timestamp with time zone NOT NULL DEFAULT now()
    date_released timestamp with time zone
    ref text
    url text
    status text NOT NULL DEFAULT 'open'::text
    data jsonb NOT NULL DEFAULT '{}'::jsonb
    CONSTRAINT releases_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations(id)
    CONSTRAINT releases_organization_id_version_key UNIQUE (organization_id, version)
    CONSTRAINT releases_pkey PRIMARY KEY (id)

TABLE repositories
    id bigint NOT NULL DEFAULT nextval('repositories_id_seq'::regclass)
    organization_id bigint NOT NULL
    name text NOT NULL
    provider text NOT NULL DEFAULT 'integrations:custom'::text
    url text
    created_at timestamp with time zone NOT NULL DEFAULT now()
    CONSTRAINT repositories_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations(id) ON DELETE CASCADE
    CONSTRAINT repositories_organization_id_name_key UNIQUE (organization_id, name)
    CONSTRAINT repositories_pkey PRIMARY KEY (id)

TABLE schema_migrations
    version integer NOT NULL
    name text NOT NULL
    applied_at timestamp with time zone NOT NULL DEFAULT now()
    CONSTRAINT schema_migrations_pkey PRIMARY KEY (version)

TABLE sentry_apps
    id bigint NOT NULL DEFAULT nextval('sentry_apps_id_seq'::regclass)
    organization_id bigint NOT NULL
    slug text NOT NULL
    name text NOT NULL
    webhook_url text NOT NULL
    events text[] NOT NULL DEFAULT '{}'::text[]
    client_secret text NOT NULL
    installation_uuid uuid NOT NULL
    created_at timestamp with time zone NOT NULL DEFAULT now()
    CONSTRAINT sentry_apps_installation_uuid_key UNIQUE (installation_uuid)
    CONSTRAINT sentry_apps_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations(id)
    CONSTRAINT sentry_apps_organization_id_slug_key UNIQUE (organization_id, slug)
    CONSTRAINT sentry_apps_pkey PRIMARY KEY (id)

TABLE spool_releases
    spool_id uuid NOT NULL
    released bigint NOT NULL
    updated_at timestamp with time zone NOT NULL DEFAULT now()
    CONSTRAINT spool_releases_pkey PRIMARY KEY (spool_id)

TABLE team_members
    team_id bigint NOT NULL
    user_id bigint NOT NULL
    CONSTRAINT team_members_pkey PRIMARY KEY (team_id, user_id)
    CONSTRAINT team_members_team_id_fkey FOREIGN KEY (team_id) REFERENCES teams(id) ON DELETE CASCADE
    CONSTRAINT team_members_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id)
    CREATE INDEX team_members_user ON public.team_members USING btree (user_id)

TABLE teams
    id bigint NOT NULL DEFAULT nextval('teams_id_seq'::regclass)
    organization_id bigint NOT NULL
    slug text NOT NULL
    name text NOT NULL
    created_at timestamp with time zone NOT NULL DEFAULT now()
    CONSTRAINT teams_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations(id)
    CONSTRAINT teams_organization_id_slug_key UNIQUE (organization_id, slug)
    CONSTRAINT teams_pkey PRIMARY KEY (id)

TABLE user_erasures
    id bigint NOT NULL DEFAULT nextval('user_erasures_id_seq'::regclass)
    organization_id bigint NOT NULL
    kind text NOT NULL
    identifier_hash text NOT NULL
    requested_at timestamp with time zone NOT NULL DEFAULT now()
    finished_at timestamp with time zone
    cursor_project_id bigint NOT NULL DEFAULT 0
    cursor_event_id uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000'::uuid
    events_deleted bigint NOT NULL DEFAULT 0
    issues_deleted bigint NOT NULL DEFAULT 0
    dead_letters_deleted bigint NOT NULL DEFAULT 0
    CONSTRAINT user_erasures_kind_check CHECK ((kind = ANY (ARRAY['id'::text, 'email'::text, 'username'::text, 'ip'::text])))
    CONSTRAINT user_erasures_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations(id) ON DELETE CASCADE
    CONSTRAINT user_erasures_organization_id_kind_identifier_hash_key UNIQUE (organization_id, kind, identifier_hash)
    CONSTRAINT user_erasures_pkey PRIMARY KEY (id)

TABLE user_sessions
    id_hash text NOT NULL
    user_id bigint NOT NULL
    created_at timestamp with time zone NOT NULL DEFAULT now()
    last_seen_at timestamp with time zone NOT NULL DEFAULT now()
    expires_at timestamp with time zone NOT NULL
    CONSTRAINT user_sessions_pkey PRIMARY KEY (id_hash)
    CONSTRAINT user_sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id)
    CREATE INDEX user_sessions_user ON public.user_sessions USING btree (user_id)

TABLE users
    id bigint NOT NULL DEFAULT nextval('users_id_seq'::regclass)
    email text NOT NULL
    name text NOT NULL DEFAULT ''::text
    password_hash text NOT NULL
    is_active boolean NOT NULL DEFAULT true
    created_at timestamp with time zone NOT NULL DEFAULT now()
    password_changed_at timestamp with time zone NOT NULL DEFAULT now()
    CONSTRAINT users_pkey PRIMARY KEY (id)
    CREATE UNIQUE INDEX users_email ON public.users USING btree (lower(email))

VIEW daily_events_by_project AS
 SELECT o.slug AS organization,
    p.slug AS project,
    date_trunc('day'::text, h.hour) AS day,
    sum(h.count) AS events
   FROM project_hourly h
     JOIN projects p ON p.id = h.project_id
     JOIN organizations o ON o.id = p.organization_id
  GROUP BY o.slug, p.slug, (date_trunc('day'::text, h.hour));

VIEW new_issues_per_release AS
 SELECT p.slug AS project,
    i.first_release AS release,
    count(*) AS new_issues,
    min(i.first_seen) AS first_seen
   FROM issues i
     JOIN projects p ON p.id = i.project_id
  WHERE i.first_release IS NOT NULL
  GROUP BY p.slug, i.first_release;

VIEW top_issues_by_users AS
 SELECT p.slug AS project,
    i.id AS issue_id,
    i.title,
    i.user_count AS users,
    i.times_seen AS events,
    i.last_seen
   FROM issues i
     JOIN projects p ON p.id = i.project_id
  ORDER BY i.user_count DESC, i.times_seen DESC;

CREATE OR REPLACE FUNCTION public.faultline_drop_event_partitions(cutoff date)
 RETURNS SETOF text
 LANGUAGE plpgsql
AS $function$
DECLARE
    partition_name text;
BEGIN
    FOR partition_name IN
        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'events'::regclass AND c.relname ~ '^events_[0-9]{8}$'
          AND to_date(substr(c.relname, 8), 'YYYYMMDD') < cutoff
        ORDER BY c.relname
    LOOP
        EXECUTE format('DROP TABLE %I', partition_name);
        RETURN NEXT partition_name;
    END LOOP;
END $function$

CREATE OR REPLACE FUNCTION public.faultline_ensure_event_partition(day date)
 RETURNS boolean
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF to_regclass(format('events_%s', to_char(day, 'YYYYMMDD'))) IS NOT NULL THEN
        RETURN true;
    END IF;
    EXECUTE format('CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)',
                   format('events_%s', to_char(day, 'YYYYMMDD')),
                   (day::timestamp AT TIME ZONE 'UTC'), ((day + 1)::timestamp AT TIME ZONE 'UTC'));
    RETURN true;
EXCEPTION WHEN duplicate_table OR unique_violation OR check_violation OR lock_not_available THEN
    RETURN false;
END $function$

CREATE STATISTICS public.issue_tag_values_key_value_stats (dependencies, mcv) ON key, value FROM issue_tag_values
