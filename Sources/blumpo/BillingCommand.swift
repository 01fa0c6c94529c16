import App
import ArgumentParser
import Billing
import Database
import PostgresNIO

/// `blumpo billing …`: operator checks on the money path.
struct BillingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "billing", abstract: "Operator tools for tokens and payments.", subcommands: [Check.self])

    /// `blumpo billing check`: proves every balance equals the sum of its ledger.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that every token balance equals the sum of its ledger rows; lists mismatches and exits 1 if any.")

        func run() async throws {
            let runtime = try await Runtime.start("billing")
            let mismatches = try await runtime.run {
                try await withClient(runtime.database.endpoint, logger: runtime.logger) { client in
                    try await client.withConnection { try await Reconciliation().mismatches(on: $0, logger: runtime.logger) }
                }
            }
            for mismatch in mismatches {
                print("MISMATCH user=\(mismatch.userID) balance=\(mismatch.balance) ledger_sum=\(mismatch.ledgerSum) last_balance_after=\(mismatch.lastBalanceAfter.map(String.init) ?? "none")")
            }
            print(mismatches.isEmpty ? "ok: every balance equals its ledger" : "\(mismatches.count) account(s) disagree with their ledger")
            if !mismatches.isEmpty { throw ExitCode.failure }
        }
    }
}
