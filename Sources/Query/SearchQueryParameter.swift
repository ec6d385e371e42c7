import HummingbirdCore
import Hummingbird

/// The `query` parameter of an API request as Sentry's API reads it: form-decoded, so `+` is a
/// space (Python's `requests` with `params=` and HTML forms send spaces so) and `%2B` a plus. The
/// router's query parameters decode only percent escapes, which turned `is:unresolved+Foo` into
/// one unparseable term.
enum SearchQueryParameter {
    static func value(_ uri: URI) -> String? {
        PageQuery(uri.query)["query"] ?? uri.queryParameters["query"].map(String.init)
    }
}
