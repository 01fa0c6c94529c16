import Foundation

/// At most `limit` image downloads of one brand at a time in this process, whichever of its
/// steps run at once (the logo and hero steps run in parallel): a site never gets a burst of
/// requests from one extraction, and only a few of its large images are decoded together.
actor DownloadSlots {
    let limit: Int
    private var busy: [UUID: Int] = [:]
    private var waiting: [UUID: [CheckedContinuation<Void, Never>]] = [:]

    init(limit: Int) { self.limit = limit }

    /// Runs `work` in one of the brand's slots, waiting for one to free up first.
    nonisolated func run<T: Sendable>(for brand: UUID, _ work: @Sendable () async throws -> T) async throws -> T {
        await acquire(brand)
        do {
            let value = try await work()
            await release(brand)
            return value
        } catch {
            await release(brand)
            throw error
        }
    }

    private func acquire(_ brand: UUID) async {
        if busy[brand, default: 0] < limit {
            busy[brand, default: 0] += 1
            return
        }
        await withCheckedContinuation { waiting[brand, default: []].append($0) }
    }

    /// Hands the slot straight to the next waiter, so a newcomer cannot overtake it.
    private func release(_ brand: UUID) {
        if let next = waiting[brand]?.first {
            waiting[brand]?.removeFirst()
            if waiting[brand]?.isEmpty == true { waiting[brand] = nil }
            next.resume()
        } else {
            busy[brand, default: 1] -= 1
            if busy[brand] == 0 { busy[brand] = nil }
        }
    }
}
