"""Instructions per article of the alert service's state step, counted by valgrind's callgrind.

`python -m bench.alert_instructions [--warm-up 300] [--articles 300] [--batch 100]` replays the
claim records of `python -m bench.alert_soak` (cached on disk by `claim_records`) as
`bench.alert_replay` does, `route_claim` and `FigureStore.apply_batch` in polls of `--batch`
records, against a redis-server of its own (not under valgrind): the first `--warm-up` articles
fill the store and the caches, the next `--articles` are counted. As with `bench.instructions`,
a count moves by well under 1 % between runs whatever else the machine does, where the CPU time
of `bench.alert_replay` moves by ±15 %; the figure is instructions of this process only (the
Redis server's are not in it). ~40 s with the defaults.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import redis.asyncio as aioredis

_COLLECTED = re.compile(r"Collected : (\d+)")


def _toggle(state: str) -> None:
    pid = str(os.getpid())  # under valgrind the process keeps its pid
    subprocess.run(["callgrind_control", f"--instr={state}", pid], check=True, capture_output=True)


def _replay(warm_up: int, articles: int, batch: int, redis_url: str) -> None:
    from bench.alert_soak import claim_records
    from claimwatch_alert.claim_records import ClaimDeadLetter, route_claim
    from claimwatch_alert.kafka_io import UNTRACKED_MARK
    from claimwatch_alert.state import FigureStore
    from claimwatch_schemas.runtime import tune_garbage_collector

    try:
        from claimwatch_alert.redis_connection import redis_client
    except ImportError:  # a build from before it (PYTHONPATH=<old checkout>/services/alert/src)
        redis_client = aioredis.Redis.from_url

    per_article = claim_records(warm_up + articles).per_article
    tune_garbage_collector()  # as the service does after its imports
    loop = asyncio.new_event_loop()  # one loop for all three steps: the client stays connected
    client = redis_client(redis_url)
    store = FigureStore(client)

    async def apply(first: int, last: int) -> None:
        records = [record for rows in per_article[first:last] for record in rows]
        for at in range(0, len(records), batch):
            claims = []
            for key, value in records[at : at + batch]:
                if UNTRACKED_MARK in value:
                    continue
                routed = route_claim(key, value)
                if not isinstance(routed, ClaimDeadLetter):
                    claims.append(routed)
            await store.apply_batch(claims)

    try:
        loop.run_until_complete(apply(0, warm_up))
        _toggle("on")
        loop.run_until_complete(apply(warm_up, warm_up + articles))
        _toggle("off")
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
    missing = [tool for tool in ("valgrind", "callgrind_control") if shutil.which(tool) is None]
    if missing:
        sys.exit(
            f"bench.alert_instructions needs {' and '.join(missing)} on PATH (Debian: apt install valgrind)"
        )
    from bench.alert_soak import claim_records

    claim_records(args.warm_up + args.articles)  # built and cached outside valgrind
    with tempfile.TemporaryDirectory(prefix="bench-callgrind-") as tmp:
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={Path(tmp) / 'callgrind.out'}",
            sys.executable,
            "-m",
            "bench.alert_instructions",
            "--child",
            f"--warm-up={args.warm_up}",
            f"--articles={args.articles}",
            f"--batch={args.batch}",
        ]
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    found = _COLLECTED.search(done.stderr)
    if done.returncode != 0 or found is None:
        sys.exit(f"callgrind run failed ({done.returncode}):\n{done.stderr[-2000:]}")
    per_article = int(found.group(1)) / args.articles
    print(f"{per_article:,.0f} instructions per article in the alert state step")
    print(f"alert_instructions_per_article={per_article:.0f} articles={args.articles} warm_up={args.warm_up}")


if __name__ == "__main__":
    main()
