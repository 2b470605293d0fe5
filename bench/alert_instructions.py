"""Instructions per article of the alert service's state step, counted by valgrind's callgrind.

`python -m bench.alert_instructions [--warm-up 300] [--articles 300] [--batch 100]` replays the
claim records of `python -m bench.alert_soak` (cached on disk by `claim_records`) as
`bench.alert_replay` does, `route_claim` and `FigureStore.apply_batch` in polls of `--batch`
records, against a redis-server of its own (not under valgrind): the first `--warm-up` articles
fill the store and the caches, the next `--articles` are counted. As with `bench.instructions`,
a count moves by well under 1 % between runs whatever else the machine does, where the CPU time
of `bench.alert_replay` moves by ±15 %; the figure is instructions of this process only (the
Redis server's are not in it). ~40 s with the defaults. It imports what the service has since
51e2e63; earlier builds' counts are in bench/README.md (2026-12-06, the alert service).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from pathlib import Path

from bench.instructions import callgrind_count, collect


def _replay(warm_up: int, articles: int, batch: int, redis_url: str) -> None:
    from bench.alert_replay import apply_records
    from bench.alert_soak import claim_records
    from claimwatch_alert.redis_connection import redis_client
    from claimwatch_alert.state import FigureStore
    from claimwatch_schemas.runtime import tune_garbage_collector

    per_article = claim_records(warm_up + articles).per_article
    tune_garbage_collector()  # as the service does after its imports
    loop = asyncio.new_event_loop()  # one loop for all three steps: the client stays connected
    client = redis_client(redis_url)
    store = FigureStore(client)

    async def apply(first: int, last: int) -> None:
        await apply_records(store, [record for rows in per_article[first:last] for record in rows], batch)

    try:
        loop.run_until_complete(apply(0, warm_up))
        collect("on")
        loop.run_until_complete(apply(warm_up, warm_up + articles))
        collect("off")
    finally:
        loop.run_until_complete(client.aclose())
        loop.close()


def _child(warm_up: int, articles: int, batch: int) -> None:
    from claimwatch.embedded import free_port, start_redis

    with tempfile.TemporaryDirectory(prefix="bench-alert-redis-") as workdir:
        port = free_port()
        server = start_redis(port, Path(workdir))
        try:
            _replay(warm_up, articles, batch, f"redis://127.0.0.1:{port}/0")
        finally:
            server.terminate()
            server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--warm-up", type=int, default=300)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.warm_up, args.articles, args.batch)
        return
    from bench.alert_soak import claim_records

    claim_records(args.warm_up + args.articles)  # built and cached outside valgrind
    total = callgrind_count(
        "bench.alert_instructions",
        [f"--warm-up={args.warm_up}", f"--articles={args.articles}", f"--batch={args.batch}"],
    )
    per_article = total / args.articles
    print(f"{per_article:,.0f} instructions per article in the alert state step")
    print(f"alert_instructions_per_article={per_article:.0f} articles={args.articles} warm_up={args.warm_up}")


if __name__ == "__main__":
    main()
