import EventModel
import Symbolication

/// Applies uploaded artifacts between scrubbing and grouping, so grouping sees original frames
/// (a new deploy of the same bug joins the same issue): JavaScript frames through source maps,
/// Java frames and exception types through ProGuard/R8 mappings. `prepare` works out what the
/// batch's events need and fetches each artifact once through the cache, within `timeBudget`
/// (what is not fetched by then leaves its frames raw: an event is never held up longer);
/// `run` is pure. Without a cache (no artifact store configured) events pass through.
public struct SymbolicateStage: EventStage {
    public let cache: ArtifactCache?
    public let timeBudget: Duration

    public init(cache: ArtifactCache?, timeBudget: Duration = .seconds(10)) {
        self.cache = cache
        self.timeBudget = timeBudget
    }

    public func prepare(_ context: inout EventBatchContext, events: [WorkingEvent]) {
        guard let cache else { return }
        let deadline = ContinuousClock.now + timeBudget
        for event in events {
            let project = event.projectID
            for request in JavaScriptEventSymbolicator.requests(event.json)
            where context.symbolication.javascript[project]?[request] == nil {
                guard ContinuousClock.now < deadline else {
                    context.symbolication.javascript[project, default: [:]][request] = .failed([.fetchTimeout(url: request.absPath)])
                    continue
                }
                let resolver = JavaScriptMapResolver(
                    hasRelease: request.release != nil,
                    mapByDebugID: { cache.sourceMap(project: project, debugID: $0) },
                    minifiedFile: { url in request.release.flatMap { cache.minifiedFile(project: project, release: $0, dist: request.dist, url: url) } },
                    mapByURL: { url in request.release.flatMap { cache.sourceMap(project: project, release: $0, dist: request.dist, url: url) } })
                context.symbolication.javascript[project, default: [:]][request] = resolver.resolve(absPath: request.absPath, debugID: request.debugID)
            }
            for uuid in JavaEventSymbolicator.mappingUUIDs(event.json) where context.symbolication.proguard[project]?[uuid] == nil {
                guard ContinuousClock.now < deadline else { continue }
                context.symbolication.proguard[project, default: [:]][uuid] = .some(cache.proguard(project: project, uuid: uuid))
            }
        }
    }

    public func run(_ event: inout WorkingEvent, _ context: EventBatchContext) throws(EventFailure) {
        guard cache != nil else { return }
        let project = event.projectID
        if let resolutions = context.symbolication.javascript[project] {
            JavaScriptEventSymbolicator.apply(&event.json, resolutions)
        }
        if let mappings = context.symbolication.proguard[project] {
            JavaEventSymbolicator.apply(&event.json, mappings)
        }
    }
}
