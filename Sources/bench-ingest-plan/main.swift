import Core
import EventModel
import Foundation
import Quotas
import Relay

// Benchmark tool: the relay's per-request CPU outside HTTP and Kafka — envelope parse, auth
// header, ingest plan with its Kafka messages — over a directory of envelopes, so callgrind
// counts instructions per envelope without the noise of a loaded machine (bench/relay_plan.sh).
//   bench-ingest-plan DIR [ROUNDS=20]
let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: bench-ingest-plan DIR [ROUNDS]\n".utf8))
    exit(2)
}
let directory = URL(fileURLWithPath: arguments[1])
let rounds = arguments.count > 2 ? Int(arguments[2]) ?? 20 : 20
let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
let bodies = try names.map { Array(try Data(contentsOf: directory.appendingPathComponent($0))) }
let header = "Sentry sentry_key=0123456789abcdef0123456789abcdef, sentry_version=7, sentry_client=sentry.python/2.19.0"
let context = IngestPlan.Context(projectID: 1, organizationID: 1, keyID: 1, received: Date(), clientIP: "127.0.0.1",
                                 sdk: "sentry.python/2.19.0", topics: Topics(), limits: RelayLimits())

var messageBytes = 0
let start = DispatchTime.now().uptimeNanoseconds
for _ in 0..<rounds {
    for body in bodies {
        guard let auth = SentryAuth.parseHeader(header) else { fatalError("auth header not parsed") }
        let envelope = try EnvelopeParser.parse(body)
        let plan = try IngestPlan.make(envelope, context: context)
        for message in plan.finalize(limited: []).messages { messageBytes += message.value.count + auth.publicKey.count }
    }
}
let elapsed = DispatchTime.now().uptimeNanoseconds - start
let envelopes = rounds * bodies.count
print("\(envelopes) envelopes, \(elapsed / UInt64(envelopes)) ns each, \(messageBytes) message bytes")
