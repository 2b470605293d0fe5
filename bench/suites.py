"""Parts 3 and 4 on the embedded stack: the end-to-end runs and the scaling runs.

Each part starts its own stack (`claimwatch.stack.running_stack` on free ports, service logs to
a file), warms it up (the first articles pay for model loading and consumer-group joins) and
then runs its plan. The scaling part uses 6 partitions and adds a second extract worker (same
Faust app id, another web port) between its runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from bench.corpus import Corpus
from bench.e2e import RunResult, run_e2e
from bench.synthetic import check_synthetic, synthetic_articles
from claimwatch.embedded import free_port
from claimwatch.stack import RunningStack, StackSettings, running_stack
from claimwatch.supervisor import Supervisor


@dataclass(frozen=True)
class Step:
    name: str
    articles: int
    rate: float | None = None  # None: burst (batches, as fast as possible)
    workers: int = 1


@dataclass
class SuiteResult:
    part: str
    partitions: int
    startup_seconds: float
    runs: list[RunResult] = field(default_factory=list)
    workers: dict[str, int] = field(default_factory=dict)  # run name -> extract workers
    notes: list[str] = field(default_factory=list)


class Numbers:
    """Hands out article numbers so that no two runs (or warm-ups) share a figure key."""

    def __init__(self, start: int) -> None:
        self.next = start

    def take(self, count: int) -> int:
        first = self.next
        self.next += count
        return first


def topics_of(stack: RunningStack) -> dict[str, str]:
    s = stack.settings
    return {"articles": s.topic_articles, "claims": s.topic_claims, "alerts": s.topic_alerts}


def _run(stack: RunningStack, corpus: Corpus, numbers: Numbers, step: Step, idle: float) -> RunResult:
    items = synthetic_articles(corpus, step.name, numbers.take(step.articles), step.articles)
    return asyncio.run(
        run_e2e(
            name=step.name,
            ingest_url=stack.ingest_url,
            bootstrap=stack.kafka_bootstrap,
            topics=topics_of(stack),
            items=items,
            rate=step.rate,
            idle=idle,
        )
    )


def warm_up(stack: RunningStack, corpus: Corpus, numbers: Numbers, count: int, notes: list[str]) -> None:
    warm = _run(stack, corpus, numbers, Step(f"warm-up-{numbers.next}", count), idle=60.0)
    if warm.missing:
        notes.append(f"warm-up: {warm.missing} of {count} articles got no alert")


@contextlib.contextmanager
def bench_stack(
    corpus: Corpus, partitions: int, log_path: Path
) -> Iterator[tuple[RunningStack, IO[str], float]]:
    """Checks the synthetic articles, starts a stack with `partitions` on free ports (service logs
    appended to `log_path`) and yields it, the log and the seconds it took to come up."""
    problems = check_synthetic(synthetic_articles(corpus, "check", 0, 20))
    if problems:
        raise RuntimeError("synthetic articles do not yield their own figure: " + "; ".join(problems[:3]))
    started = time.monotonic()
    # Faust keeps a data dir per worker (default: in the working directory): keep ours out of the repo.
    os.environ.setdefault("APP_DATADIR", tempfile.mkdtemp(prefix="bench-extract-"))
    with (
        log_path.open("a", encoding="utf-8") as log,
        running_stack(StackSettings(partitions=partitions), free_ports=True, out=log) as stack,
    ):
        yield stack, log, time.monotonic() - started


def _start_second_worker(stack: RunningStack, log: IO[str]) -> Supervisor:
    env = dict(stack.supervisor.env)
    port = free_port()
    env["CLAIMWATCH_EXTRACT_WEB_PORT"] = str(port)
    datadir = tempfile.mkdtemp(prefix="bench-extract-2-")  # Faust's data dir: one per worker
    env["APP_DATADIR"] = datadir
    env["CLAIMWATCH_EXTRACT_DATADIR"] = datadir
    extra = Supervisor(env=env, out=log)
    extra.start("extract", [sys.executable, "-m", "claimwatch_extract", "worker", "--loglevel", "info"])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1.0)
            break
        if extra.exited():
            raise RuntimeError(f"second extract worker exited: {extra.exited()}")
        time.sleep(0.5)
    # The group rebalances when the worker joins (rebalance timeout 3 s by default): let it settle.
    time.sleep(8.0)
    return extra


def run_suite(
    part: str,
    corpus: Corpus,
    steps: list[Step],
    *,
    partitions: int,
    log_path: Path,
    warmup: int = 20,
    idle: float = 30.0,
    progress: IO[str] = sys.stderr,
) -> SuiteResult:
    """Starts a stack with `partitions`, warms it up, runs `steps` in order (adding a second extract
    worker before the first step that asks for 2) and stops everything."""
    numbers = Numbers(1000 if part == "e2e" else 500_000)
    extra: Supervisor | None = None
    with bench_stack(corpus, partitions, log_path) as (stack, log, startup):
        suite = SuiteResult(part, partitions, startup)
        print(f"[{part}] stack up in {suite.startup_seconds:.1f}s ({partitions} partitions)", file=progress)
        try:
            warm_up(stack, corpus, numbers, warmup, suite.notes)
            for step in steps:
                if step.workers > 1 and extra is None:
                    print(f"[{part}] starting a second extract worker", file=progress)
                    extra = _start_second_worker(stack, log)
                    warm_up(stack, corpus, numbers, warmup, suite.notes)
                what = f"{step.rate:g}/s" if step.rate else "burst"
                print(
                    f"[{part}] {step.name}: {step.articles} articles, {what}, {step.workers} worker(s)",
                    file=progress,
                )
                t0 = time.monotonic()
                result = _run(stack, corpus, numbers, step, idle)
                suite.runs.append(result)
                suite.workers[step.name] = step.workers
                print(
                    f"[{part}]   done in {time.monotonic() - t0:.1f}s: {result.alerted}/{result.articles} "
                    f"alerted, {result.throughput:.1f} articles/s",
                    file=progress,
                )
        finally:
            if extra is not None:
                extra.stop()
    return suite
