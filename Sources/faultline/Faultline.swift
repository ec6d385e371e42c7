import ArgumentParser

@main
struct Faultline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faultline",
        abstract: "Self-hosted, Sentry-compatible error tracking on Kafka and PostgreSQL.",
        subcommands: [DevCommand.self, RelayCommand.self, ProcessorCommand.self, QueryCommand.self,
                      BrokerCommand.self, MigrateCommand.self, AdminCommand.self, GroupCommand.self,
                      ReprocessCommand.self, SourceMapCommand.self, ProguardCommand.self])
}
