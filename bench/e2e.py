"""Part 3: end to end through the running stack: HTTP ingest -> articles -> extract -> claims -> alert.

Every synthetic article carries a figure no other article has, so the alert service answers it
with a `new` alert. Where the time goes comes from the Kafka record timestamps (CreateTime, set
by each producer at send): the `articles` record (ingest accepted the article), the article's own
claim on `claims` (extractor published it) and its alert on `alerts` (alert service published it),
matched by record key (article id, figure key).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from typing import ClassVar

import aiohttp
from aiokafka import AIOKafkaConsumer, TopicPartition

from bench.measure import percentile
from bench.processes import Sample, cpu_delta, sample
from bench.synthetic import Synthetic


@dataclass
class Track:
    """When each stage saw one article (seconds since the epoch; None: never seen)."""

    article_id: str
    figure_key: str
    posted: float | None = None  # client started the POST
    answered: float | None = None  # client got the 202
    accepted: float | None = None  # `articles` record timestamp (ingest produced it)
    extracted: float | None = None  # the article's own claim on `claims`
    alerted: float | None = None  # its alert on `alerts`


@dataclass
class RunResult:
    name: str
    mode: str  # "rate" or "burst"
    articles: int
    rate: float | None  # offered articles/s for mode rate
    tracks: list[Track]
    send_seconds: float
    complete: bool
    memory_before: dict[str, int] = field(default_factory=dict)
    memory_after: dict[str, int] = field(default_factory=dict)
    memory_max: dict[str, int] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds of each process in the run
    http_errors: int = 0
    notes: list[str] = field(default_factory=list)

    def _ms(self, a: str, b: str) -> list[float]:
        out = []
        for t in self.tracks:
            start, end = getattr(t, a), getattr(t, b)
            if start is not None and end is not None:
                out.append((end - start) * 1000)
        return out

    @property
    def alerted(self) -> int:
        return sum(t.alerted is not None for t in self.tracks)

    @property
    def missing(self) -> int:
        return self.articles - self.alerted

    def latency(self, a: str = "accepted", b: str = "alerted") -> dict[str, float]:
        values = self._ms(a, b)
        return {f"p{q}": percentile(values, q) for q in (50, 95, 99)} | {
            "max": max(values) if values else float("nan")
        }

    @property
    def accept_rate(self) -> float:
        """Articles/s the ingest accepted: count over first to last accept."""
        stamps = [t.accepted for t in self.tracks if t.accepted is not None]
        span = max(stamps) - min(stamps) if len(stamps) > 1 else 0.0
        return (len(stamps) - 1) / span if span > 0 else float("nan")

    @property
    def throughput(self) -> float:
        """Articles/s end to end: alerted articles over first accept to last alert."""
        accepted = [t.accepted for t in self.tracks if t.accepted is not None]
        alerted = [t.alerted for t in self.tracks if t.alerted is not None]
        if not accepted or not alerted:
            return float("nan")
        span = max(alerted) - min(accepted)
        return len(alerted) / span if span > 0 else float("nan")

    def cpu_ms_per_article(self) -> dict[str, float]:
        return {name: seconds * 1000 / self.articles for name, seconds in self.cpu.items()}


class Recorder:
    """Reads `alerts` while the run goes (to know when it is done), the other topics at the end."""

    def __init__(self, bootstrap: str, topics: dict[str, str]) -> None:
        self.bootstrap = bootstrap
        self.topics = topics  # stage name -> topic
        self.starts: dict[str, dict[TopicPartition, int]] = {}

    def _consumer(self) -> AIOKafkaConsumer:
        return AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap,
            enable_auto_commit=False,
            group_id=None,
            fetch_max_bytes=16 * 1024 * 1024,
            max_partition_fetch_bytes=8 * 1024 * 1024,
        )

    async def mark(self) -> None:
        """Remember where each topic ends now: the run's records come after (or a little before:
        Tansu's high watermark may lag, so records are also filtered by key)."""
        consumer = self._consumer()
        await consumer.start()
        try:
            for stage, topic in self.topics.items():
                partitions = [
                    TopicPartition(topic, p) for p in (consumer.partitions_for_topic(topic) or set())
                ]
                if not partitions:
                    await consumer.client.force_metadata_update()
                    parts = consumer.partitions_for_topic(topic) or set()
                    partitions = [TopicPartition(topic, p) for p in parts]
                self.starts[stage] = await consumer.end_offsets(partitions)
        finally:
            await consumer.stop()

    async def read(
        self,
        stage: str,
        wanted: dict[bytes, Track],
        attr: str,
        *,
        until_all: bool,
        idle: float,
        cap: float,
        stop: asyncio.Event | None = None,
    ) -> None:
        """Sets `attr` of the track of each record whose key is wanted (first record per key wins).

        Stops when every wanted key was seen (until_all) or nothing new came for `idle` seconds,
        when `stop` is set, and after `cap` seconds in any case.
        """
        consumer = self._consumer()
        await consumer.start()
        starts = self.starts[stage]
        consumer.assign(list(starts))
        for partition, offset in starts.items():
            consumer.seek(partition, max(0, offset - 50))
        seen = 0
        deadline = time.monotonic() + cap
        last_new = time.monotonic()
        try:
            while time.monotonic() < deadline:
                batches = await consumer.getmany(timeout_ms=200, max_records=5000)
                for records in batches.values():
                    for record in records:
                        track = wanted.get(record.key or b"")
                        if track is not None and getattr(track, attr) is None:
                            setattr(track, attr, record.timestamp / 1000)
                            seen += 1
                            last_new = time.monotonic()
                if until_all and seen >= len(wanted):
                    break
                if time.monotonic() - last_new > idle or (stop is not None and stop.is_set()):
                    break
        finally:
            await consumer.stop()


class Poster:
    """The load generator's HTTP side: aiohttp over keep-alive connections, every body serialised
    before the clock starts. (httpx with `json=` cost ~2.5 ms more CPU per request here, a third
    of a core at 50 requests/s, taken from the stack being measured.)"""

    _HEADERS: ClassVar[dict[str, str]] = {"content-type": "application/json"}

    def __init__(self, url: str, session: aiohttp.ClientSession, tracks: dict[str, Track]) -> None:
        self.url = url
        self.session = session
        self.tracks = tracks

    @staticmethod
    def body(batch: list[Synthetic]) -> bytes:
        """One article as a JSON object, several as an array."""
        each = [item.article.model_dump_json(exclude_none=True).encode() for item in batch]
        return each[0] if len(each) == 1 else b"[" + b",".join(each) + b"]"

    async def post(self, batch: list[Synthetic], body: bytes) -> bool:
        started = time.time()
        for item in batch:
            self.tracks[item.article.id or ""].posted = started
        try:
            async with self.session.post(self.url, data=body, headers=self._HEADERS) as response:
                await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError):
            return False
        answered = time.time()
        for item in batch:
            self.tracks[item.article.id or ""].answered = answered
        return status == 202


@contextlib.asynccontextmanager
async def poster(ingest_url: str, tracks: dict[str, Track]) -> AsyncIterator[Poster]:
    connector = aiohttp.TCPConnector(limit=64)
    # 60 s to connect and 60 s between reads, as httpx's timeout=60 gave; no bound on the whole
    # request, which in a run that falls behind includes the wait for a free connection
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=60.0, sock_read=60.0)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        yield Poster(f"{ingest_url}/articles", session, tracks)


def single_bodies(items: list[Synthetic]) -> list[bytes]:
    """The request body of each item alone, made before a run's clock starts."""
    return [Poster.body([item]) for item in items]


async def send_at_rate(client: Poster, items: list[Synthetic], bodies: list[bytes], rate: float) -> int:
    """One article per request on a fixed schedule (open loop: late answers do not slow the offer);
    `bodies` from `single_bodies(items)`."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    pending: list[asyncio.Task[bool]] = []
    for i, (item, body) in enumerate(zip(items, bodies, strict=True)):
        delay = start + i / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        pending.append(asyncio.create_task(client.post([item], body)))
    results = await asyncio.gather(*pending)
    return sum(not ok for ok in results)


def batch_bodies(items: list[Synthetic], batch: int) -> list[tuple[list[Synthetic], bytes]]:
    """The items in batches of `batch`, each with its request body."""
    chunks = [items[i : i + batch] for i in range(0, len(items), batch)]
    return [(chunk, Poster.body(chunk)) for chunk in chunks]


async def _send_burst(client: Poster, work: list[tuple[list[Synthetic], bytes]], concurrency: int) -> int:
    """`work` from `batch_bodies`, `concurrency` requests in flight, as fast as the ingest answers."""
    errors = 0

    async def worker() -> None:
        nonlocal errors
        while work:
            chunk, body = work.pop(0)
            if not await client.post(chunk, body):
                errors += len(chunk)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return errors


async def _memory_watch(samples: list[Sample], stop: asyncio.Event, every: float = 1.0) -> None:
    while not stop.is_set():
        samples.append(await asyncio.to_thread(sample))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every)


async def run_e2e(
    *,
    name: str,
    ingest_url: str,
    bootstrap: str,
    topics: dict[str, str],
    items: list[Synthetic],
    rate: float | None = None,
    batch: int = 50,
    concurrency: int = 4,
    idle: float = 30.0,
    cap: float = 900.0,
) -> RunResult:
    """Posts `items` (at `rate`/s one per request, or in batches as fast as possible) and waits for
    every article's alert; then reads the stages' timestamps."""
    tracks = {item.article.id or "": Track(item.article.id or "", item.figure_key) for item in items}
    by_key = {item.figure_key.encode(): tracks[item.article.id or ""] for item in items}
    by_id = {article_id.encode(): track for article_id, track in tracks.items()}
    recorder = Recorder(bootstrap, topics)
    await recorder.mark()
    samples: list[Sample] = []
    stop = asyncio.Event()
    watcher = asyncio.create_task(_memory_watch(samples, stop))
    before = await asyncio.to_thread(sample)
    alerts = asyncio.create_task(
        recorder.read("alerts", by_key, "alerted", until_all=True, idle=idle, cap=cap)
    )
    singles = single_bodies(items) if rate is not None else []
    batches = batch_bodies(items, batch) if rate is None else []
    async with poster(ingest_url, tracks) as client:
        started = time.perf_counter()
        if rate is not None:
            errors = await send_at_rate(client, items, singles, rate)
        else:
            errors = await _send_burst(client, batches, concurrency)
        send_seconds = time.perf_counter() - started
    await alerts
    after = await asyncio.to_thread(sample)
    stop.set()
    await watcher
    await recorder.read("articles", by_id, "accepted", until_all=True, idle=5.0, cap=120.0)
    await recorder.read("claims", by_key, "extracted", until_all=True, idle=5.0, cap=300.0)
    result = RunResult(
        name=name,
        mode="rate" if rate is not None else "burst",
        articles=len(items),
        rate=rate,
        tracks=list(tracks.values()),
        send_seconds=send_seconds,
        complete=all(t.alerted is not None for t in tracks.values()),
        memory_before=before.rss,
        memory_after=after.rss,
        memory_max=_max_rss([*samples, after]),
        cpu=cpu_delta(before, after),
        http_errors=errors,
    )
    _explain_missing(result)
    return result


def _max_rss(samples: Iterable[Sample]) -> dict[str, int]:
    out: dict[str, int] = {}
    for s in samples:
        for name, rss in s.rss.items():
            out[name] = max(out.get(name, 0), rss)
    return out


def _explain_missing(result: RunResult) -> None:
    lost = [t for t in result.tracks if t.alerted is None]
    if not lost:
        return
    not_accepted = sum(t.accepted is None for t in lost)
    not_extracted = sum(t.accepted is not None and t.extracted is None for t in lost)
    not_alerted = sum(t.extracted is not None for t in lost)
    result.notes.append(
        f"{len(lost)} of {result.articles} articles got no alert: {not_accepted} never on 'articles', "
        f"{not_extracted} accepted but no claim on 'claims', {not_alerted} with a claim but no alert "
        f"(e.g. {lost[0].article_id})"
    )
