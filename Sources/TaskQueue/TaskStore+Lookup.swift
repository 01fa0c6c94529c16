public import Logging
public import PostgresNIO

/// How a task identified by its unique key fared: what admins read beside the domain row
/// (a variant's attempts and last error).
public struct TaskAttempts: Sendable, Equatable {
    public let state: String
    public let attempt: Int
    public let maxAttempts: Int?
    public let lastError: String?
}

extension TaskStore {
    /// The newest task of each unique key, finished or not (pruned tasks are gone).
    public func attempts(uniqueKeys: [String], on connection: PostgresConnection, logger: Logger) async throws -> [String: TaskAttempts] {
        guard !uniqueKeys.isEmpty else { return [:] }
        let rows = try await connection.query(
            """
            SELECT DISTINCT ON (unique_key) unique_key, state, attempt, max_attempts, last_error FROM queue_task
            WHERE unique_key = ANY(\(uniqueKeys)) ORDER BY unique_key, id DESC
            """, logger: logger
        ).collect()
        var found: [String: TaskAttempts] = [:]
        for row in rows {
            let (key, state, attempt, maxAttempts, lastError) = try row.decode((String, String, Int, Int?, String?).self)
            found[key] = TaskAttempts(state: state, attempt: attempt, maxAttempts: maxAttempts, lastError: lastError)
        }
        return found
    }
}
