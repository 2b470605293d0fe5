"""The extract worker's CPU per article next to the pure extractor's, on the same articles.

`python -m bench.worker [--articles N]` extracts N corpus articles in this process (language
given, as the ingest sends them), then starts Tansu and one real `python -m claimwatch_extract
worker`, puts the same N articles on `articles` and waits until every one has claims on `claims`.
Prints both figures (CPU ms per article, psutil user + system of the worker process after a
20-article warm-up) and the worker's idle CPU; the difference is what the Faust/aiokafka shell
costs around the extraction core. Printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
from pathlib import Path

import psutil
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from bench.corpus import build_corpus
from claimwatch.embedded import ensure_topics, free_port, start_tansu
from claimwatch.supervisor import Supervisor
from claimwatch_extract.extractor import extract_article
from claimwatch_extract.language import detect_language
from claimwatch_schemas import Article, ConnectionSettings
from claimwatch_schemas.settings import kafka_compression_type

WARM_UP = 20


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


async def _wait_for_claims(bootstrap: str, topic: str, ids: set[str], within: float = 120.0) -> bool:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", fetch_max_wait_ms=100
    )
    await consumer.start()
    seen: set[str] = set()
    start = time.monotonic()
    try:
        while not ids <= seen and time.monotonic() - start < within:
            for records in (await consumer.getmany(timeout_ms=200)).values():
                seen.update(json.loads(record.value)["article_id"] for record in records)
    finally:
        await consumer.stop()
    return ids <= seen


async def _send(producer: AIOKafkaProducer, topic: str, articles: list[Article]) -> None:
    sent = [
        await producer.send(topic, key=a.id.encode(), value=a.model_dump_json().encode())
        for a in articles
        if a.id
    ]
    await asyncio.gather(*sent)


async def run(count: int) -> None:
    corpus = build_corpus(count + WARM_UP)
    articles = [
        a.model_copy(update={"id": f"worker-{i}", "language": detect_language(a.text)})
        for i, a in enumerate(corpus.articles)
    ]
    warm, timed = articles[:WARM_UP], articles[WARM_UP:]
    for article in warm:
        extract_article(article)
    started = time.process_time()
    claims = sum(len(extract_article(a).claims) for a in timed)
    pure_ms = (time.process_time() - started) * 1000 / count

    port = free_port()
    tansu = start_tansu(port, Path(tempfile.mkdtemp(prefix="bench-worker-")))
    bootstrap = f"127.0.0.1:{port}"
    env = dict(
        os.environ,
        PYTHONUNBUFFERED="1",
        CLAIMWATCH_KAFKA_BOOTSTRAP=bootstrap,
        CLAIMWATCH_EXTRACT_APP_ID="bench-worker",
        CLAIMWATCH_EXTRACT_WEB_PORT=str(free_port()),
        CLAIMWATCH_EXTRACT_DATADIR=tempfile.mkdtemp(prefix="bench-worker-faust-"),
        CLAIMWATCH_EXTRACT_REBALANCE_TIMEOUT="2",
    )
    log_path = Path(tempfile.gettempdir()) / "claimwatch-bench-worker.log"
    try:
        await ensure_topics(bootstrap, ["articles", "claims", "articles.dlq"], 3)
        with log_path.open("w", encoding="utf-8") as log:
            supervisor = Supervisor(env=env, out=log)
            worker = psutil.Process(supervisor.start("extract").pid)
            producer = AIOKafkaProducer(
                bootstrap_servers=bootstrap,
                acks=-1,
                enable_idempotence=False,
                compression_type=kafka_compression_type(ConnectionSettings()),  # as the ingest service
            )
            await producer.start()
            try:
                await _send(producer, "articles", warm)
                if not await _wait_for_claims(bootstrap, "claims", {a.id for a in warm if a.id}):
                    raise SystemExit(f"the worker produced no claims for the warm-up; see {log_path}")
                idle_start = _cpu(worker)
                await asyncio.sleep(4)
                idle = (_cpu(worker) - idle_start) / 4
                cpu_start, wall_start = _cpu(worker), time.monotonic()
                await _send(producer, "articles", timed)
                done = await _wait_for_claims(bootstrap, "claims", {a.id for a in timed if a.id})
                wall = time.monotonic() - wall_start
                worker_ms = (_cpu(worker) - cpu_start) * 1000 / count
            finally:
                await producer.stop()
                supervisor.stop()
    finally:
        tansu.terminate()
        tansu.wait()
    print("| worker vs core | value |\n| --- | --- |")
    print(f"| articles (claims each) | {count} ({claims / count:.1f}) |")
    print(f"| pure extractor, this process | {pure_ms:.2f} CPU ms per article |")
    print(f"| extract worker | {worker_ms:.2f} CPU ms per article ({count / wall:.1f} articles/s wall) |")
    print(f"| worker outside extraction | {worker_ms - pure_ms:.2f} ms per article |")
    print(f"| idle worker | {idle * 100:.1f}% of a core |")
    print(f"| every article's claims seen | {done} |")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.worker")
    parser.add_argument("--articles", type=int, default=400)
    asyncio.run(run(parser.parse_args().articles))


if __name__ == "__main__":
    main()
