"""The alert service alone under a steady claim stream: its CPU per claim and its memory over time.

`python -m bench.alert_soak [--seconds 180] [--rate 20] [--tracemalloc DIR]` starts Tansu and a
redis-server of its own, runs `python -m claimwatch_alert` as a child process and produces to
`claims` what the extract worker would publish for `rate` synthetic articles per second (the same
articles as the e2e runs and the soak, extracted beforehand in this process, so no extractor and
no ingest run meanwhile). Every `--every` seconds it prints the alert process's RSS and CPU
seconds; at the end (once every claim is applied and every alert published) CPU ms per article
and per claim after the warm-up minute, from the process's user + system time (psutil), which
other load on the machine does not inflate the way it does wall-clock figures.

With `--tracemalloc DIR` the service runs under tracemalloc (much slower: use a lower rate) and
dumps a snapshot to DIR every `--every` seconds; `python -m bench.alert_soak diff DIR` prints
what grew between the first snapshot after warm-up and the last.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import threading
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import psutil  # type: ignore[import-untyped]
import redis.asyncio as aioredis
from aiokafka import AIOKafkaProducer

from bench.corpus import build_corpus
from bench.synthetic import synthetic_articles
from claimwatch.embedded import embedded_servers, ensure_topics, free_port
from claimwatch_extract.routing import route_article
from claimwatch_schemas import ConnectionSettings
from claimwatch_schemas.settings import kafka_compression_type

CACHE = Path(os.environ.get("TMPDIR", "/tmp")) / "claimwatch-alert-soak"
WARM_UP = 60.0


@dataclass(frozen=True)
class Records:
    per_article: list[list[tuple[bytes, bytes]]]
    tracked_claims: int


def claim_records(count: int) -> Records:
    """What the extract worker publishes for `count` synthetic articles (cached on disk)."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"claims-{count}.jsonl"
    if not path.exists():
        corpus = build_corpus(600)
        items = synthetic_articles(corpus, "asoak", 300_000, count)
        with path.open("w", encoding="utf-8") as out:
            for item in items:
                raw = item.article.model_dump_json().encode()
                routed = route_article((item.article.id or "").encode(), raw)
                out.write(json.dumps([[o.key.decode(), o.value.decode()] for o in routed.claims]) + "\n")
    per_article = [
        [(k.encode(), v.encode()) for k, v in json.loads(line)]
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    tracked = len(
        {json.loads(v)["claim_id"] for rows in per_article for _k, v in rows if b'"tracked":true' in v}
    )
    return Records(per_article, tracked)


def say(text: str) -> None:
    print(f"[alert-soak] {text}", flush=True)


def _py_spy(pid: int, out: str, seconds: float) -> subprocess.Popen[bytes]:
    """py-spy sampling the service (raw collapsed stacks, 50 Hz) for `seconds`."""
    command = [str(Path(sys.executable).parent / "py-spy"), "record", "-p", str(pid)]
    command += ["-d", str(int(seconds)), "-r", "50", "-f", "raw", "-o", out]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


async def _settled(client: aioredis.Redis, tracked: int) -> bool:
    """Every tracked claim applied, every alert read and acked by both dispatchers."""
    if await client.scard("claimwatch:applied") < tracked:
        return False
    length = await client.xlen("claimwatch:feed")
    groups = await client.xinfo_groups("claimwatch:feed")
    return len(groups) == 2 and all(
        group["pending"] == 0 and group["entries-read"] == length for group in groups
    )


async def _drive(
    bootstrap: str, redis_url: str, child: subprocess.Popen[bytes], records: Records, args: argparse.Namespace
) -> None:
    process = psutil.Process(child.pid)
    client = aioredis.Redis.from_url(redis_url, decode_responses=True)
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        acks="all",
        linger_ms=5,
        compression_type=kafka_compression_type(ConnectionSettings()),  # as the extract worker
    )
    await producer.start()
    samples: list[tuple[float, int, float, int]] = []  # t, articles sent, cpu s, rss bytes
    started = time.monotonic()
    next_sample = 0.0
    sent = 0
    claims_sent = 0
    baseline: tuple[float, int, int] | None = None  # cpu, articles, claims at warm-up end
    spy: subprocess.Popen[bytes] | None = None
    try:
        for rows in records.per_article:
            due = started + sent / args.rate
            now = time.monotonic()
            if due > now:
                await asyncio.sleep(due - now)
            await asyncio.gather(*[await producer.send("claims", v, key=k) for k, v in rows])
            sent += 1
            claims_sent += len(rows)
            at = time.monotonic() - started
            if baseline is None and at >= WARM_UP:
                baseline = (_cpu(process), sent, claims_sent)
                if args.py_spy:
                    spy = _py_spy(child.pid, args.py_spy, args.py_spy_seconds)
            if at >= next_sample:
                rss = process.memory_info().rss
                samples.append((at, sent, _cpu(process), rss))
                alerts = await client.xlen("claimwatch:feed")
                applied = await client.scard("claimwatch:applied")
                say(
                    f"t={at:.0f}s articles {sent} claims {claims_sent} alerts {alerts} applied {applied} "
                    f"cpu {samples[-1][2]:.1f}s rss {rss / 2**20:.1f} MB"
                )
                next_sample += args.every
        offer_end = time.monotonic()
        offer_seconds = offer_end - started
        rss_end = process.memory_info().rss
        while not await _settled(client, records.tracked_claims):
            if time.monotonic() - offer_end > 300:
                say("not settled after 300 s")
                break
            await asyncio.sleep(0.2)
        drained = time.monotonic() - offer_end
        cpu_end = _cpu(process)
        alerts = await client.xlen("claimwatch:feed")
        say(
            f"offer done, drained in {drained:.1f}s; {sent} articles, {claims_sent} claims, "
            f"{records.tracked_claims} tracked distinct, {alerts} alerts; "
            f"rss end of offer {rss_end / 2**20:.1f} MB"
        )
        if baseline is not None:
            cpu0, art0, cl0 = baseline
            cpu = cpu_end - cpu0
            articles, claims = sent - art0, claims_sent - cl0
            say(
                f"after warm-up: {cpu:.2f} CPU s for {articles} articles / {claims} claims: "
                f"{cpu * 1000 / articles:.2f} ms per article, {cpu * 1e6 / claims:.0f} us per claim"
            )
            first = next(s for s in samples if s[0] >= WARM_UP)
            minutes = (offer_seconds - first[0]) / 60
            growth = (rss_end - first[3]) / 2**20
            say(
                f"RSS t={first[0]:.0f}s {first[3] / 2**20:.1f} MB -> end of offer {rss_end / 2**20:.1f} MB: "
                f"{growth:+.1f} MB ({growth / minutes if minutes else 0:+.2f} MB/min)"
            )
    finally:
        if spy is not None:
            spy.wait()
        await producer.stop()
        await client.aclose()


def run(args: argparse.Namespace) -> None:
    count = max(1, round(args.seconds * args.rate))
    say(f"{count} articles at {args.rate:g}/s")
    records = claim_records(count)
    with embedded_servers() as servers:
        asyncio.run(ensure_topics(servers.kafka_bootstrap, ["claims", "alerts", "claims.dlq"], 3))
        env = {
            **os.environ,
            "CLAIMWATCH_KAFKA_BOOTSTRAP": servers.kafka_bootstrap,
            "CLAIMWATCH_REDIS_URL": servers.redis_url,
            "CLAIMWATCH_ALERT_PORT": str(free_port()),
        }
        command = [sys.executable, "-m", "claimwatch_alert"]
        if args.tracemalloc:
            command = [
                sys.executable,
                "-m",
                "bench.alert_soak",
                "serve",
                "--tracemalloc",
                str(args.tracemalloc),
                "--every",
                str(args.every),
            ]
        log = (servers.workdir / "alert.log").open("wb")
        child = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            time.sleep(3)
            asyncio.run(_drive(servers.kafka_bootstrap, servers.redis_url, child, records, args))
        finally:
            child.terminate()
            child.wait(timeout=30)
            log.close()
            if args.keep_log:
                Path(args.keep_log).write_bytes((servers.workdir / "alert.log").read_bytes())


def serve(args: argparse.Namespace) -> None:
    """The alert service under tracemalloc, dumping a snapshot every `every` seconds."""
    from claimwatch_alert.__main__ import main as alert_main

    directory = Path(args.tracemalloc)
    directory.mkdir(parents=True, exist_ok=True)
    tracemalloc.start(args.frames)
    started = time.monotonic()

    def dump() -> None:
        n = 0
        while True:
            time.sleep(args.every)
            n += 1
            snapshot = tracemalloc.take_snapshot()
            snapshot.dump(str(directory / f"snap-{n:03d}-{time.monotonic() - started:04.0f}s.bin"))

    threading.Thread(target=dump, daemon=True).start()
    alert_main()


def diff(args: argparse.Namespace) -> None:
    snaps = sorted(Path(args.directory).glob("snap-*.bin"))
    first = snaps[min(args.first, len(snaps) - 1)]
    last = snaps[-1]
    print(f"{first.name} -> {last.name}")
    old = tracemalloc.Snapshot.load(str(first))
    new = tracemalloc.Snapshot.load(str(last))
    ignore = [
        tracemalloc.Filter(False, tracemalloc.__file__),
        tracemalloc.Filter(False, "<frozen importlib._bootstrap>"),
    ]
    old, new = old.filter_traces(ignore), new.filter_traces(ignore)
    for snap in snaps:
        total = sum(stat.size for stat in tracemalloc.Snapshot.load(str(snap)).statistics("filename"))
        print(f"  {snap.name}: traced {total / 2**20:.1f} MB")
    for stat in new.compare_to(old, args.group)[: args.top]:
        print(
            f"{stat.size_diff / 1024:+9.1f} kB {stat.count_diff:+7d} blocks (now {stat.size / 1024:.0f} kB)"
        )
        for line in stat.traceback.format()[-args.depth * 2 :]:
            print("    " + line)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.alert_soak", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--rate", type=float, default=20)
    parser.add_argument("--every", type=float, default=30)
    parser.add_argument("--tracemalloc", help="run the service under tracemalloc, snapshots to this dir")
    parser.add_argument("--keep-log", help="copy the service's log here")
    parser.add_argument("--py-spy", help="after warm-up, py-spy record (raw collapsed stacks) to this file")
    parser.add_argument("--py-spy-seconds", type=float, default=60)
    s = sub.add_parser("serve")
    s.add_argument("--tracemalloc", required=True)
    s.add_argument("--every", type=float, default=30)
    s.add_argument("--frames", type=int, default=12)
    d = sub.add_parser("diff")
    d.add_argument("directory")
    d.add_argument("--first", type=int, default=1, help="index of the baseline snapshot")
    d.add_argument("--group", default="traceback", choices=["traceback", "lineno", "filename"])
    d.add_argument("--top", type=int, default=15)
    d.add_argument("--depth", type=int, default=6)
    args = parser.parse_args()
    if args.command == "serve":
        serve(args)
    elif args.command == "diff":
        diff(args)
    else:
        run(args)


if __name__ == "__main__":
    main()
