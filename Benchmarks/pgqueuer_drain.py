"""Drains N no-op jobs with pgqueuer (the comparison queue) and prints its throughput as JSON.

Settings follow pgqueuer's defaults for QueueManager.run (batch_size=10), with the asyncpg
driver and drain mode; jobs are enqueued in batches before the clock starts, as for Blumpo.
"""
import argparse
import asyncio
import json
import time

import asyncpg
from pgqueuer import AsyncpgDriver, QueueManager, Queries
from pgqueuer.domain.types import QueueExecutionMode


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--jobs", type=int, default=50_000)
    args = parser.parse_args()

    connection = await asyncpg.connect(args.dsn)
    queries = Queries(AsyncpgDriver(connection))
    await queries.install()
    for start in range(0, args.jobs, 5_000):
        count = min(5_000, args.jobs - start)
        await queries.enqueue(["noop"] * count, [None] * count, [0] * count)
    await connection.close()

    connection = await asyncpg.connect(args.dsn)
    manager = QueueManager(Queries(AsyncpgDriver(connection)))
    done = 0

    @manager.entrypoint("noop")
    async def noop(job) -> None:
        nonlocal done
        done += 1

    started = time.perf_counter()
    await manager.run(mode=QueueExecutionMode.drain)
    elapsed = time.perf_counter() - started
    await connection.close()
    print(json.dumps({"jobs": done, "seconds": elapsed, "per_second": done / elapsed}))


if __name__ == "__main__":
    asyncio.run(main())
