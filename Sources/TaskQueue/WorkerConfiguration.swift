import Foundation

/// Settings of one worker process.
public struct WorkerConfiguration: Sendable {
    /// Names this process in `queue_task.worker_id`.
    public var workerID: String
    /// How long an idle worker sleeps when no notification arrives.
    public var pollInterval: Duration
    /// How long running tasks may take to finish after a shutdown request before they are
    /// interrupted and handed back.
    public var gracePeriod: Duration
    /// How often leases are checked for dead workers and depth gauges refreshed.
    public var maintenanceInterval: Duration
    /// The most tasks one claim takes.
    public var claimBatch: Int

    public init(
        workerID: String = WorkerConfiguration.defaultWorkerID(), pollInterval: Duration = .seconds(1),
        gracePeriod: Duration = .seconds(20), maintenanceInterval: Duration = .seconds(5), claimBatch: Int = 64
    ) {
        self.workerID = workerID
        self.pollInterval = pollInterval
        self.gracePeriod = gracePeriod
        self.maintenanceInterval = maintenanceInterval
        self.claimBatch = claimBatch
    }

    public static func defaultWorkerID() -> String {
        "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
    }
}
