import ArgumentParser

/// The one binary: web server, workers, and operator commands.
@main
struct Blumpo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blumpo",
        abstract: "Blumpo turns a website into a brand kit and ready-to-post image ads.",
        discussion: """
            Settings come from environment variables and an optional .env file (see README).
            Without DATABASE_URL, a private PostgreSQL cluster is created and started under
            $BLUMPO_DATA_DIR/postgres.
            """,
        subcommands: [ServeCommand.self, WorkerCommand.self, MigrateCommand.self, SeedCommand.self, BillingCommand.self, BrandCommand.self, GenerateCommand.self, RenderCommand.self, AdminCommand.self]
    )
}
