"""Micro-benchmark of the alert service's state step: `FigureStore` claims/s against a real Redis.

`python -m bench.alert_store [--redis-url URL] [--n N]` starts a redis-server of its own (unless
given one), applies synthetic claims and prints claims/s per scenario (printed, never asserted):

- `fresh`: N claims over many new figures in 96 families (a third repeat a figure's value);
- `aged-first` / `aged-last`: the first and the last 500 of N claims corroborating one figure
  (does the cost per claim grow with the figure's age?);
- `family-50`: claims of 50 sources on one quantity (does it grow with the number of sources?).

Each scenario runs one claim per transaction (`apply`, as the service did before batching) and,
where the store has it, one `getmany`-sized batch per transaction (`apply_batch`, 200 claims).
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import redis.asyncio as aioredis

from claimwatch.embedded import start_redis
from claimwatch_alert.state import FigureStore
from claimwatch_schemas import Claim, Evidence, Qualifier, claim_id_for, figure_key

BATCH = 200
BASE = datetime(2024, 11, 1, tzinfo=UTC)


def claim(
    article: int, value: float, *, subject: str, source: str, metric: str = "killed", day: int = 0
) -> Claim:
    return Claim(
        claim_id=claim_id_for(f"art-{article}", 0, 10),
        article_id=f"art-{article}",
        figure_key=figure_key(subject=subject, metric=metric, unit="soldiers", period=None, source=source),
        value=value,
        qualifier=Qualifier.MORE_THAN,
        unit="soldiers",
        metric=metric,
        subject=subject,
        source=source,
        evidence=Evidence(
            text=f"art-{article}: more than {value:g} soldiers were killed, he said", start=0, end=10
        ),
        language="en",
        published_at=BASE + timedelta(minutes=day),
        tracked=True,
    )


def fresh(n: int) -> list[Claim]:
    return [
        claim(i, 1000 + (i // 3), subject=f"S{i % 96}", source=f"speaker {i // 3}", day=i) for i in range(n)
    ]


def aged(n: int) -> list[Claim]:
    return [claim(i, 600_000, subject="RU", source="Mark Rutte", day=i) for i in range(n)]


def family(n: int) -> list[Claim]:
    return [claim(i, 1000 + i % 7, subject="RU", source=f"source {i % 50}", day=i) for i in range(n)]


async def timed(store: FigureStore, claims: list[Claim], batched: bool) -> float:
    """claims/s applying `claims` (one per transaction, or BATCH per transaction)."""
    started = time.perf_counter()
    if batched:
        for start in range(0, len(claims), BATCH):
            await store.apply_batch(claims[start : start + BATCH])
    else:
        for one in claims:
            await store.apply(one)
    return len(claims) / (time.perf_counter() - started)


async def scenario(
    client: aioredis.Redis, name: str, make: Callable[[int], list[Claim]], n: int, batched: bool
) -> list[tuple[str, float]]:
    await client.flushdb()
    store = FigureStore(client)
    claims = make(n)
    if name != "aged":
        return [(name, await timed(store, claims, batched))]
    first = await timed(store, claims[:500], batched)
    await timed(store, claims[500:-500], batched)
    last = await timed(store, claims[-500:], batched)
    return [("aged-first", first), ("aged-last", last)]


async def run(redis_url: str, n: int) -> None:
    client = aioredis.Redis.from_url(redis_url)
    modes = [False, True] if hasattr(FigureStore, "apply_batch") else [False]
    rows: dict[str, dict[bool, float]] = {}
    try:
        for name, make, count in (
            ("fresh", fresh, n),
            ("aged", aged, max(n, 1500)),
            ("family-50", family, n),
        ):
            for batched in modes:
                for label, rate in await scenario(client, name, make, count, batched):
                    rows.setdefault(label, {})[batched] = rate
    finally:
        await client.flushdb()
        await client.aclose()
    print(
        f"FigureStore claims/s ({n} claims per scenario; aged: {max(n, 1500)} corroborations of one figure)"
    )
    print("| scenario | one claim per transaction | 200 claims per transaction |")
    print("| --- | --- | --- |")
    for label, rates in rows.items():
        batch = f"{rates[True]:,.0f}" if True in rates else "n/a"
        print(f"| {label} | {rates[False]:,.0f} | {batch} |")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.alert_store", description=__doc__)
    parser.add_argument("--redis-url", help="an empty Redis database to use (default: start one)")
    parser.add_argument("--n", type=int, default=3000, help="claims per scenario")
    args = parser.parse_args()
    if args.redis_url:
        asyncio.run(run(args.redis_url, args.n))
        return
    with tempfile.TemporaryDirectory(prefix="claimwatch-bench-redis-") as workdir:
        port = _free_port()
        process = start_redis(port, Path(workdir))
        try:
            asyncio.run(run(f"redis://127.0.0.1:{port}/0", args.n))
        finally:
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
