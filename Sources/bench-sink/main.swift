import Hummingbird

/// The reference for relay benchmarks: an HTTP endpoint on the same server stack that only
/// reads the body and answers 200 `{}`.
let port = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 9099
let router = Router()
router.post("api/:projectID/envelope") { request, _ -> Response in
    _ = try await request.body.collect(upTo: 200 * 1024 * 1024)
    return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
