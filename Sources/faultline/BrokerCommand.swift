import ArgumentParser
import Core
import Foundation
import Glibc
import Kafka

struct BrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "Run the embedded mock Kafka cluster as a process of its own.",
        discussion: """
        Prints `bootstrap <host:port,…>` on stdout once it listens, so separate relay and processor
        processes can share it (FAULTLINE_KAFKA_BROKERS). Reads control lines on stdin, for fault tests:
          down [broker-id]   disconnect a broker (default: all) and refuse connections
          up [broker-id]     accept connections again
          errors API COUNT [CODE]
                             answer the next COUNT requests of API (produce, fetch, commit or a
                             Kafka API key number) with error CODE (default 6, NOT_LEADER_OR_FOLLOWER;
                             19 is NOT_ENOUGH_REPLICAS); clients retry them
          quit               stop
        The log is in memory and is lost when this process ends.
        """)

    @Option(help: "Number of brokers in the mock cluster.")
    var brokers: Int32 = 1

    @Option(help: "Partitions of each Faultline topic (FAULTLINE_TOPIC_PARTITIONS).")
    var partitions: Int32?

    @Option(help: "Also write the bootstrap address to this file.")
    var bootstrapFile: String?

    func run() async throws {
        try await CommandRunner.run {
            let config = try FaultlineConfig.fromEnvironment(ProcessInfo.processInfo.environment)
            let broker = try EmbeddedBroker(brokers: brokers)
            for topic in config.topics.all {
                try broker.createTopic(TopicSpec(name: topic, partitions: partitions ?? config.topicPartitions))
            }
            if let bootstrapFile {
                try broker.bootstrapServers.write(toFile: bootstrapFile, atomically: true, encoding: .utf8)
            }
            print("bootstrap \(broker.bootstrapServers)")
            say()
            signal(SIGTERM) { _ in Glibc.exit(0) }
            signal(SIGINT) { _ in Glibc.exit(0) }
            while let line = readLine() {
                let words = line.split(separator: " ").map(String.init)
                guard let command = words.first else { continue }
                let id = words.count > 1 ? Int32(words[1]) ?? -1 : -1
                do {
                    switch command {
                    case "down": try broker.setDown(broker: id); print("ok down \(id)")
                    case "up": try broker.setUp(broker: id); print("ok up \(id)")
                    case "errors":
                        let apiKeys: [String: Int16] = ["produce": 0, "fetch": 1, "commit": 8]
                        guard words.count >= 3, let api = apiKeys[words[1]] ?? Int16(words[1]), let count = Int(words[2]), count > 0,
                              let code = words.count > 3 ? Int32(words[3]) : 6 else {
                            print("error usage: errors produce|fetch|commit|API-KEY COUNT [CODE]")
                            break
                        }
                        broker.pushRequestErrors(apiKey: api, count: count, code: code)
                        print("ok errors \(words[1]) \(count) \(code)")
                    case "quit": broker.shutdown(); return
                    default: print("error unknown command \(command)")
                    }
                } catch {
                    print("error \(error)")
                }
                say()
            }
            // stdin closed: keep serving until a signal ends the process.
            while true { try await Task.sleep(for: .seconds(3600)) }
        }
    }
}

/// Flushes stdout so a parent process reading our pipe sees each line at once.
private func say() {
    fflush(nil)
}
