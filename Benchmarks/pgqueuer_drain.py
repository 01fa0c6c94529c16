"""Drains N no-op jobs with pgqueuer (the comparison queue) and prints its throughput as JSON.

The queue benchmark gives it a fair setting rather than its defaults: `QueueManager.run` in
drain mode with a batch size of at least 100 (the default is 10) and an asyncpg pool of as many
connections as Blumpo's worker opened (AsyncpgPoolDriver: dequeues, status writes and the
listener share the pool; that driver needs three at least, one is a plain AsyncpgDriver). Jobs are enqueued in batches before the clock starts, as for Blumpo.
"""
import argparse
import asyncio
import json
import time

import asyncpg
from pgqueuer import AsyncpgDriver, AsyncpgPoolDriver, QueueManager, Queries
from pgqueuer.domain.types import QueueExecutionMode


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--jobs", type=int, default=50_000)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--connections", type=int, default=1)
    args = parser.parse_args()

    connection = await asyncpg.connect(args.dsn)
    queries = Queries(AsyncpgDriver(connection))
    await queries.install()
    for start in range(0, args.jobs, 5_000):
        count = min(5_000, args.jobs - start)
        await queries.enqueue(["noop"] * count, [None] * count, [0] * count)
    await connection.close()

    # pgqueuer's pool driver wants at least three connections; one is a plain connection.
    if args.connections == 1:
        pool = await asyncpg.connect(args.dsn)
        driver, connections = AsyncpgDriver(pool), 1
    else:
        connections = max(3, args.connections)
        pool = await asyncpg.create_pool(args.dsn, min_size=connections, max_size=connections)
        driver = AsyncpgPoolDriver(pool)
    manager = QueueManager(Queries(driver))
    done = 0

    @manager.entrypoint("noop")
    async def noop(job) -> None:
        nonlocal done
        done += 1

    started = time.perf_counter()
    await manager.run(mode=QueueExecutionMode.drain, batch_size=args.batch_size)
    elapsed = time.perf_counter() - started
    await pool.close()
    print(json.dumps({
        "jobs": done, "seconds": elapsed, "per_second": done / elapsed,
        "batch_size": args.batch_size, "connections": connections,
    }))


if __name__ == "__main__":
    asyncio.run(main())
