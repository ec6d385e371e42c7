import Hummingbird
import Web

/// sentry-cli commands Faultline does not serve answer 501 with a sentence saying so, instead
/// of a bare 404 the user would take for a typo (docs/ARTIFACTS.md lists them).
struct UnservedRoutes {
    static let paths: [(method: HTTPRequest.Method, path: String, what: String)] = [
        (.post, "organizations/:org/code-mappings/bulk", "code-mappings upload"),
        (.post, "projects/:org/:project/files/preprodartifacts/assemble", "build upload (mobile builds)"),
        (.get, "projects/:org/:project/files/installablepreprodartifact/:id", "build download"),
        (.post, "organizations/:org/releases/:version/assemble", "release-file chunk assembly (use artifact bundles)"),
        (.get, "organizations/:org/monitors", "monitors (cron check-ins)"),
        (.post, "organizations/:org/monitors", "monitors (cron check-ins)"),
        (.get, "organizations/:org/preprodartifacts/snapshots", "snapshots"),
        (.post, "projects/:org/:project/reprocessing", "reprocessing of native crashes"),
    ]

    func add(to group: RouterGroup<FaultlineRequestContext>) {
        for route in Self.paths {
            let detail = "Faultline does not implement \(route.what); see docs/ARTIFACTS.md for what sentry-cli commands are served."
            group.on(RouterPath(route.path), method: route.method) { _, _ in
                JSONResponse.error(.notImplemented, detail)
            }
        }
    }
}
