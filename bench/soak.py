"""Part 5: a soak: the embedded stack at a fixed offered rate for minutes, memory sampled as it goes.

Same stack, warm-up and synthetic articles as the end-to-end part (each article has a figure of its
own, so each must produce a `new` alert). The articles are built before the stack starts (the
pure extractor checks every lead sentence, ~2.6 ms each) so the client does little during the
run. They are posted one per request on a fixed schedule (open loop) for `seconds`; every `every`
seconds the RSS and CPU time of each service process, the articles accepted (records on
`articles`) and alerted (records on `alerts`) so far, and the accept->alert latency of the alerts
seen since the previous sample are recorded. After the offer the run waits for the backlog to drain.

Memory growth of a process = its RSS at the end of the offer minus its RSS at the first sample
after the first minute (the warm-up: caches, pools, consumer buffers fill then).
"""

from __future__ import annotations

import asyncio
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from bench.corpus import Corpus
from bench.e2e import Recorder, Track, poster, send_at_rate, single_bodies
from bench.measure import percentile
from bench.processes import sample
from bench.suites import Numbers, bench_stack, topics_of, warm_up
from bench.synthetic import Synthetic, synthetic_articles

SERVICES = ("ingest", "extract", "alert", "tansu", "redis")
# Tansu runs with in-memory storage and keeps every record; Redis keeps every figure (each soak
# article has a new one): both grow with the data by design, so "flat" is asked of the services.
STORES = ("tansu", "redis")
FLAT_MB = 5.0  # a service whose RSS grows by less than this after warm-up counts as flat
WARM_SECONDS = 60.0
KEPT_UP_SECONDS = 5.0  # kept up: at the end of the offer at most this many seconds of it wait
MB = 1024 * 1024


@dataclass(frozen=True)
class SoakSample:
    at: float  # seconds since the offer started
    phase: str  # "offer" while articles are posted, "drain" after
    posted: int
    accepted: int
    alerted: int
    window_alerts: int  # alerts seen since the previous sample
    window_ms: list[float]  # their accept->alert latencies
    rss: dict[str, int]
    cpu: dict[str, float]  # user + system seconds so far

    @property
    def lag(self) -> int:
        return self.accepted - self.alerted

    def cpu_percent_since(self, earlier: SoakSample) -> dict[str, float]:
        """Each process's CPU between the two samples, in % of one core."""
        span = self.at - earlier.at
        return {
            n: 100 * (self.cpu[n] - earlier.cpu.get(n, 0.0)) / span if span > 0 else math.nan
            for n in self.cpu
        }


@dataclass
class SoakResult:
    seconds: float
    rate: float
    partitions: int
    startup_seconds: float
    samples: list[SoakSample] = field(default_factory=list)
    tracks: list[Track] = field(default_factory=list)
    send_seconds: float = 0.0
    http_errors: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def posted(self) -> int:
        return len(self.tracks)

    @property
    def alerted(self) -> int:
        return sum(t.alerted is not None for t in self.tracks)

    @property
    def end(self) -> SoakSample:
        """The sample taken when the offer ended."""
        return [s for s in self.samples if s.phase == "offer"][-1]

    @property
    def baseline(self) -> SoakSample:
        """The first sample after the warm-up minute (the end sample if the run is shorter)."""
        return next((s for s in self.samples if s.phase == "offer" and s.at >= WARM_SECONDS), self.end)

    def growth_mb(self) -> dict[str, float]:
        base, end = self.baseline.rss, self.end.rss
        return {n: (end[n] - base[n]) / MB for n in SERVICES if n in base and n in end}

    def growth_mb_per_minute(self) -> dict[str, float]:
        minutes = (self.end.at - self.baseline.at) / 60
        return {n: g / minutes if minutes > 0 else math.nan for n, g in self.growth_mb().items()}

    @property
    def long_enough(self) -> bool:
        """At least a minute between the after-warm-up sample and the end: enough to judge memory."""
        return self.end.at - self.baseline.at >= 60

    @property
    def flat(self) -> bool:
        return all(g < FLAT_MB for n, g in self.growth_mb().items() if n not in STORES)

    @property
    def kept_up(self) -> bool:
        return self.end.lag <= self.rate * KEPT_UP_SECONDS

    @property
    def alerts_per_s(self) -> float:
        """Alerts per second between the baseline and the end of the offer (all of it if short)."""
        base = self.baseline if self.baseline is not self.end else self.samples[0]
        span = self.end.at - base.at
        return (self.end.alerted - base.alerted) / span if span > 0 else math.nan

    def latency_after_warm_up(self) -> dict[str, float]:
        """accept->alert ms of the articles accepted after the baseline sample."""
        base = self.baseline
        values = [ms for s in self.samples if s.at > base.at for ms in s.window_ms]
        return {f"p{q}": percentile(values, q) for q in (50, 99)}


class _Live:
    """The soak's tracks, filled by the readers while the run goes, counted at each sample."""

    def __init__(self, items: list[Synthetic]) -> None:
        self.tracks = {i.article.id or "": Track(i.article.id or "", i.figure_key) for i in items}
        self.by_key = {i.figure_key.encode(): self.tracks[i.article.id or ""] for i in items}
        self.by_id = {article_id.encode(): track for article_id, track in self.tracks.items()}
        self.counted: set[str] = set()

    def count(self, attr: str) -> int:
        return sum(getattr(t, attr) is not None for t in self.tracks.values())

    async def sample(self, at: float, phase: str) -> SoakSample:
        processes = await asyncio.to_thread(sample)
        new = [t for t in self.tracks.values() if t.alerted is not None and t.article_id not in self.counted]
        self.counted.update(t.article_id for t in new)
        window = [(t.alerted - t.accepted) * 1000 for t in new if t.alerted and t.accepted]
        return SoakSample(
            at=at,
            phase=phase,
            posted=self.count("posted"),
            accepted=self.count("accepted"),
            alerted=self.count("alerted"),
            window_alerts=len(new),
            window_ms=window,
            rss={n: processes.rss[n] for n in SERVICES if n in processes.rss},
            cpu={n: processes.cpu[n] for n in SERVICES if n in processes.cpu},
        )


def _progress_line(s: SoakSample, previous: SoakSample | None) -> str:
    mem = " ".join(f"{n} {s.rss.get(n, 0) / MB:.0f}" for n in SERVICES)
    cpu = s.cpu_percent_since(previous) if previous is not None else {}
    busy = " ".join(f"{n} {cpu[n]:.0f}" for n in SERVICES if n in cpu)
    p50, p99 = percentile(s.window_ms, 50), percentile(s.window_ms, 99)
    return (
        f"[soak] {s.phase} t={s.at:.0f}s posted {s.posted} accepted {s.accepted} alerted {s.alerted} "
        f"lag {s.lag}; window p50/p99 {p50:.0f}/{p99:.0f} ms; RSS MB {mem}; CPU % {busy}"
    )


def _record(out: list[SoakSample], sample: SoakSample, progress: IO[str]) -> None:
    print(_progress_line(sample, out[-1] if out else None), file=progress)
    out.append(sample)


async def _offer(
    ingest_url: str, items: list[Synthetic], bodies: list[bytes], tracks: dict[str, Track], rate: float
) -> int:
    async with poster(ingest_url, tracks) as client:
        return await send_at_rate(client, items, bodies, rate)


async def _offer_phase(
    live: _Live,
    sender: asyncio.Task[int],
    t0: float,
    seconds: float,
    every: float,
    out: list[SoakSample],
    progress: IO[str],
) -> None:
    """Samples every `every` seconds while the articles are posted, then once when the offer ends."""
    tick = every
    while tick < seconds:
        await asyncio.wait({sender}, timeout=max(0.0, t0 + tick - time.monotonic()))
        if sender.done():
            break
        _record(out, await live.sample(time.monotonic() - t0, "offer"), progress)
        tick += every
    await sender
    _record(out, await live.sample(time.monotonic() - t0, "offer"), progress)


async def _drain_phase(
    live: _Live, t0: float, every: float, idle: float, cap: float, out: list[SoakSample], progress: IO[str]
) -> None:
    """Waits until every article alerted, nothing new came for `idle` s or `cap` s passed; samples
    every `every` s meanwhile and once at the end."""
    start = last_new = last_sample = time.monotonic()
    seen = live.count("alerted")
    while seen < len(live.tracks) and time.monotonic() - last_new < idle and time.monotonic() - start < cap:
        await asyncio.sleep(1.0)
        now_seen = live.count("alerted")
        if now_seen > seen:
            seen, last_new = now_seen, time.monotonic()
        if time.monotonic() - last_sample >= every:
            _record(out, await live.sample(time.monotonic() - t0, "drain"), progress)
            last_sample = time.monotonic()
    _record(out, await live.sample(time.monotonic() - t0, "drain"), progress)


async def _soak(
    bootstrap: str,
    topics: dict[str, str],
    ingest_url: str,
    items: list[Synthetic],
    result: SoakResult,
    every: float,
    progress: IO[str],
) -> None:
    live = _Live(items)
    recorder = Recorder(bootstrap, topics)
    await recorder.mark()
    stop = asyncio.Event()
    forever = float("inf")
    readers = [
        asyncio.create_task(
            recorder.read(stage, wanted, attr, until_all=True, idle=forever, cap=forever, stop=stop)
        )
        for stage, wanted, attr in (("articles", live.by_id, "accepted"), ("alerts", live.by_key, "alerted"))
    ]
    bodies = single_bodies(items)
    await asyncio.sleep(1.0)  # let the readers join before the first record
    result.samples.append(await live.sample(0.0, "offer"))
    t0 = time.monotonic()
    sender = asyncio.create_task(_offer(ingest_url, items, bodies, live.tracks, result.rate))
    await _offer_phase(live, sender, t0, result.seconds, every, result.samples, progress)
    result.send_seconds = time.monotonic() - t0
    result.http_errors = sender.result()
    cap = max(120.0, result.seconds / 2)
    await _drain_phase(live, t0, every, idle=60.0, cap=cap, out=result.samples, progress=progress)
    stop.set()
    await asyncio.gather(*readers)
    result.tracks = list(live.tracks.values())


def _judge(result: SoakResult) -> None:
    """Notes on what the figures mean: did the pipeline keep up, is the run long enough."""
    end, base = result.end, result.baseline
    if result.kept_up:
        result.notes.append(
            f"the pipeline kept up with {result.rate:g}/s: {end.lag} articles waited at the end of the "
            f"offer ({end.lag / result.rate:.1f} s of it); {result.alerts_per_s:.1f} alerts/s after warm-up"
        )
    else:
        result.notes.append(
            f"the pipeline did NOT keep up with {result.rate:g}/s: the lag grew from {base.lag} articles at "
            f"{base.at:.0f}s to {end.lag} at {end.at:.0f}s ({result.alerts_per_s:.1f} alerts/s after "
            "warm-up); memory is still measured, but latencies are those of a growing backlog"
        )
    if not result.long_enough:
        result.notes.append(
            f"only {end.at - base.at:.0f}s between the after-warm-up sample and the end: "
            "too short to call memory flat or growing"
        )
    missing = result.posted - result.alerted
    if missing:
        result.notes.append(f"{missing} of {result.posted} articles got no alert before the drain ended")
    if result.http_errors:
        result.notes.append(f"{result.http_errors} POSTs failed")


def run_soak(
    corpus: Corpus,
    *,
    seconds: float,
    rate: float,
    log_path: Path,
    partitions: int = 3,
    every: float = 30.0,
    warmup: int = 20,
    progress: IO[str] = sys.stderr,
) -> SoakResult:
    """Starts a stack, warms it up, offers `rate` articles/s for `seconds`, samples every `every` s."""
    count = max(1, round(seconds * rate))
    print(f"[soak] building {count} synthetic articles ({seconds:g}s at {rate:g}/s)", file=progress)
    items = synthetic_articles(corpus, "soak", 200_000, count)  # warm-ups are numbered from 100_000
    with bench_stack(corpus, partitions, log_path) as (stack, _log, startup):
        result = SoakResult(seconds, rate, partitions, startup)
        print(f"[soak] stack up in {startup:.1f}s ({partitions} partitions); warming up", file=progress)
        warm_up(stack, corpus, Numbers(100_000), warmup, result.notes)
        asyncio.run(
            _soak(stack.kafka_bootstrap, topics_of(stack), stack.ingest_url, items, result, every, progress)
        )
    _judge(result)
    return result
