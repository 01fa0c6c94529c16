import Core
public import Foundation
public import Generation
public import Logging

/// Who is watching which job's event stream, with the limits on streams, and the one poller
/// they all share: one query per tick for every watched job, whatever the number of streams,
/// and a watcher is woken only when its job's progress changed.
public actor JobEventHub {
    public struct Limits: Sendable {
        public var perUser: Int
        public var total: Int
        public var pollInterval: Duration = .milliseconds(500)
        /// How long a reserved stream may wait for its response body to start before the slot
        /// is reclaimed (a client that left before the headers never runs its cleanup).
        public var startDeadline: Duration = .seconds(10)

        public init(perUser: Int, total: Int) {
            self.perUser = perUser
            self.total = total
        }
    }

    private struct Watcher {
        let jobID: UUID
        let userID: UUID
        let wake: AsyncStream<Void>.Continuation
        let created = ContinuousClock.now
        /// Set when the response body starts streaming; a stream whose client left before that
        /// never runs its cleanup, so the poller reclaims it.
        var begun = false
    }


    private let jobs: JobService
    private let limits: Limits
    private let logger: Logger
    private var watchers: [UUID: Watcher] = [:]
    private var fingerprints: [UUID: String] = [:]
    private var poller: Task<Void, Never>?

    public init(jobs: JobService, limits: Limits, logger: Logger) {
        self.jobs = jobs
        self.limits = limits
        self.logger = logger
    }

    /// A stream that yields whenever the job's progress changes (and once at once); refused with
    /// 429 when the user or the server already has as many streams as allowed.
    public func watch(jobID: UUID, userID: UUID) throws -> (id: UUID, changes: AsyncStream<Void>) {
        let open = watchers.values.count { $0.userID == userID }
        guard open < limits.perUser, watchers.count < limits.total else { throw AppError.rateLimited(retryAfterSeconds: 5) }
        let id = UUID()
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        continuation.yield()
        watchers[id] = Watcher(jobID: jobID, userID: userID, wake: continuation)
        if poller == nil {
            poller = Task { await self.poll() }
        }
        return (id, stream)
    }

    /// The response body started: the stream will stop itself when it ends.
    public func begin(_ id: UUID) {
        watchers[id]?.begun = true
    }

    public func stopWatching(_ id: UUID) {
        watchers.removeValue(forKey: id)?.wake.finish()
        if watchers.isEmpty {
            poller?.cancel()
            poller = nil
            fingerprints = [:]
        }
    }

    private func poll() async {
        while !Task.isCancelled, !watchers.isEmpty {
            for (id, watcher) in watchers where !watcher.begun && ContinuousClock.now - watcher.created > limits.startDeadline {
                stopWatching(id)
            }
            if watchers.isEmpty { return }
            let ids = Array(Set(watchers.values.map(\.jobID)))
            do {
                let now = try await jobs.progressFingerprints(ids, logger: logger)
                for id in ids where now[id] != fingerprints[id] {
                    fingerprints[id] = now[id]
                    for watcher in watchers.values where watcher.jobID == id { watcher.wake.yield() }
                }
            } catch {
                logger.warning("job event poll failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: limits.pollInterval)
        }
    }
}
