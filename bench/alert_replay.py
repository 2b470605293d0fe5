"""The alert service's state step alone: CPU per claim of `route_claim` + `FigureStore.apply_batch`.

`python -m bench.alert_replay [--articles 3600] [--batch 55] [--redis-url URL]` replays the claim
records of `python -m bench.alert_soak` (what the extract worker publishes for the synthetic soak
articles, built and cached on first use) in batches the size of one consumer poll at 20 articles/s
(~55 claims) against a redis-server of its own, in this process, and prints the process CPU time
per claim (`time.process_time`: on a shared machine fairer than wall time), and the
redis-server's CPU per claim when it started one (psutil: user + system). No Kafka, no
dispatchers: to compare two versions of the state code, run both back to back, twice, e.g. with
`PYTHONPATH=<an old checkout>/services/alert/src` for the old one.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import psutil  # type: ignore[import-untyped]  # psutil ships no type hints

from bench.alert_soak import claim_records
from claimwatch.embedded import free_port, start_redis
from claimwatch_alert.claim_records import ClaimDeadLetter, route_claim
from claimwatch_alert.kafka_io import UNTRACKED_MARK
from claimwatch_alert.redis_connection import redis_client
from claimwatch_alert.state import FigureStore
from claimwatch_schemas import Claim
from claimwatch_schemas.runtime import tune_garbage_collector


async def apply_records(store: FigureStore, records: list[tuple[bytes, bytes]], batch: int) -> None:
    """What the service's claims consumer does with `records`, in polls of `batch` records."""
    for at in range(0, len(records), batch):
        claims: list[Claim] = []
        for key, value in records[at : at + batch]:
            if UNTRACKED_MARK in value:
                continue
            routed = route_claim(key, value)
            if not isinstance(routed, ClaimDeadLetter):
                claims.append(routed)
        await store.apply_batch(claims)


async def replay(redis_url: str, articles: int, batch: int) -> int:
    """Applies the records and prints the CPU they took; returns how many claims there were."""
    records = [row for rows in claim_records(articles).per_article for row in rows]
    tune_garbage_collector()  # as the service does after its imports
    client = redis_client(redis_url)
    store = FigureStore(client)
    started = time.process_time()
    try:
        await apply_records(store, records, batch)
        cpu = time.process_time() - started
        alerts = await client.xlen(store.keys.feed)
    finally:
        await client.aclose()
    print(
        f"{articles} articles, {len(records)} claims in batches of {batch}: {cpu:.2f} CPU s, "
        f"{cpu * 1e6 / len(records):.0f} us per claim, {cpu * 1e3 / articles:.2f} ms per article; "
        f"{alerts} alerts"
    )
    return len(records)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.alert_replay", description=__doc__)
    parser.add_argument("--articles", type=int, default=3600)
    parser.add_argument("--batch", type=int, default=55)
    parser.add_argument("--redis-url", help="an empty Redis database to use (default: start one)")
    args = parser.parse_args()
    if args.redis_url:
        asyncio.run(replay(args.redis_url, args.articles, args.batch))
        return
    with tempfile.TemporaryDirectory(prefix="claimwatch-bench-redis-") as workdir:
        port = free_port()
        process = start_redis(port, Path(workdir))
        try:
            server = psutil.Process(process.pid)
            before = server.cpu_times()
            claims = asyncio.run(replay(f"redis://127.0.0.1:{port}/0", args.articles, args.batch))
            after = server.cpu_times()
            cpu = after.user + after.system - before.user - before.system
            print(f"redis-server: {cpu:.2f} CPU s, {cpu * 1e6 / claims:.0f} us per claim")
        finally:
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
