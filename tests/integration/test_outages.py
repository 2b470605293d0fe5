"""Outages: the broker, then Redis, stops answering for CLAIMWATCH_TEST_OUTAGE_SECONDS (default 30)
and comes back. The services log it, report 503 on /healthz meanwhile, ingest answers 503 with
Retry-After, and afterwards everything carries on, without a restart.

The outage is a SIGSTOP / SIGCONT of a broker and a Redis of this test's own (never the shared
session servers). A stopped process keeps its sockets open and answers nothing: the clients see
hung requests and timeouts, the harder case than a refused connection, which a TCP proxy would
give; and the embedded Tansu keeps its topics only in memory, so it cannot be restarted instead.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis.asyncio as aioredis

from claimwatch.embedded import ensure_topics, free_port, start_redis, start_tansu
from claimwatch.reading import read_records
from claimwatch_alert.keys import Keys
from claimwatch_extract.extractor import extract_article
from claimwatch_schemas import Article, ConnectionSettings
from tests.integration.kafka_support import produce_raw, wait_healthy
from tests.integration.services import running_services
from tests.integration.test_alert_support import eventually, make_claim

pytestmark = pytest.mark.integration

OUTAGE_SECONDS = float(os.environ.get("CLAIMWATCH_TEST_OUTAGE_SECONDS", "30"))
EN = "Russia has lost at least {n} tanks since the start of the war, Ukraine's General Staff said."
# The figure these articles make, as the extractor (whose lexicons evolve) names it today.
TANKS_KEY = extract_article(Article(text=EN.format(n="1,000"))).claims[0].figure_key


@pytest.fixture
def own_servers(
    tmp_path: Path, settings: ConnectionSettings
) -> Iterator[tuple[ConnectionSettings, dict[str, subprocess.Popen[bytes]]]]:
    kafka_port, redis_port = free_port(), free_port()
    processes = {"broker": start_tansu(kafka_port, tmp_path), "redis": start_redis(redis_port, tmp_path)}
    conf = settings.model_copy(
        update={
            "kafka_bootstrap": f"127.0.0.1:{kafka_port}",
            "redis_url": f"redis://127.0.0.1:{redis_port}/0",
        }
    )
    try:
        yield conf, processes
    finally:
        for process in processes.values():
            process.send_signal(signal.SIGCONT)
            process.terminate()
            process.wait(timeout=10)


async def status(client: httpx.AsyncClient, url: str) -> int:
    try:
        return (await client.get(url)).status_code
    except httpx.HTTPError:
        return 0


async def test_broker_and_redis_outages_are_reported_and_survived(
    own_servers: tuple[ConnectionSettings, dict[str, subprocess.Popen[bytes]]],
) -> None:
    conf, servers = own_servers
    await ensure_topics(conf.kafka_bootstrap, conf.all_topics(), 1)
    keys = Keys()
    store = aioredis.Redis.from_url(conf.redis_url)
    env = {
        "CLAIMWATCH_ALERT_GROUP": f"alert-{conf.topic_claims}",
        "CLAIMWATCH_ALERT_SESSION_TIMEOUT_MS": "6000",
        "CLAIMWATCH_REDIS_SOCKET_TIMEOUT": "2",
    }
    try:
        with running_services(conf, "alert", "extract", "ingest", **env) as services:
            urls = {
                name: f"http://127.0.0.1:{services.env[port]}/healthz"
                for name, port in (
                    ("ingest", "CLAIMWATCH_INGEST_PORT"),
                    ("alert", "CLAIMWATCH_ALERT_PORT"),
                    ("extract", "CLAIMWATCH_EXTRACT_WEB_PORT"),
                )
            }
            ingest = urls["ingest"].removesuffix("/healthz")
            for url in urls.values():
                await wait_healthy(url)
            pids = {name: process.pid for name, process in services.processes.items()}
            async with httpx.AsyncClient(timeout=15) as client:
                await push(client, ingest, 1000)
                await eventually(lambda: figure_value(store, keys, 1000), within=60)

                # the broker goes away
                servers["broker"].send_signal(signal.SIGSTOP)
                started = time.monotonic()
                unhealthy = await eventually(lambda: all_unhealthy(client, urls), within=OUTAGE_SECONDS)
                refused = await client.post(f"{ingest}/articles", json={"text": EN.format(n="1,100")})
                assert refused.status_code == 503, refused.text
                assert refused.headers["retry-after"].isdigit()
                assert refused.headers["content-type"] == "application/problem+json"
                await asyncio.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - started)))
                servers["broker"].send_signal(signal.SIGCONT)
                for url in urls.values():
                    await wait_healthy(url, within=90)
                await push(client, ingest, 1100)
                await eventually(lambda: figure_value(store, keys, 1100), within=90)

                # Redis goes away
                servers["redis"].send_signal(signal.SIGSTOP)
                started = time.monotonic()
                await eventually(
                    lambda: some_unhealthy(client, urls, ("ingest", "alert")), within=OUTAGE_SECONDS
                )
                refused = await client.post(f"{ingest}/articles", json={"text": EN.format(n="1,200")})
                assert refused.status_code == 503, refused.text
                assert refused.headers["retry-after"].isdigit()
                claim = make_claim("during-redis-outage", 700_000)  # straight onto claims: waits for Redis
                await produce_raw(
                    conf.kafka_bootstrap, conf.topic_claims, [(b"k", claim.model_dump_json().encode())]
                )
                await asyncio.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - started)))
                servers["redis"].send_signal(signal.SIGCONT)
                for url in urls.values():
                    await wait_healthy(url, within=90)
                await eventually(lambda: has_figure(store, keys, claim.figure_key), within=60)
                await push(client, ingest, 1200)
                await eventually(lambda: figure_value(store, keys, 1200), within=90)
            assert services.exited() == {}
            assert {name: p.pid for name, p in services.processes.items()} == pids  # no restart
        logs = services.out.getvalue()  # type: ignore[attr-defined]  # running_services logs to a StringIO
    finally:
        await store.aclose()

    assert unhealthy
    assert "the broker does not answer" in logs  # ingest and extract say so
    assert "cannot reach" in logs or "retrying in" in logs  # the alert service retries with backoff
    assert "the store of accepted ids does not answer" in logs  # ingest, during the Redis outage
    claims = await read_records(conf.kafka_bootstrap, conf.topic_claims, at_least=4)
    values = sorted(
        json.loads(r.value)["value"] for r in claims if json.loads(r.value)["figure_key"] == TANKS_KEY
    )
    assert values == [1000, 1100, 1200]  # the refused articles were never published


async def push(client: httpx.AsyncClient, ingest: str, n: int) -> None:
    response = await client.post(f"{ingest}/articles", json={"text": EN.format(n=f"{n:,}")})
    assert response.status_code == 202, response.text


async def figure_value(store: aioredis.Redis, keys: Keys, value: float) -> bool:
    try:
        raw = await store.get(keys.figure(TANKS_KEY))
    except Exception:
        return False
    return raw is not None and json.loads(raw)["value"] == value


async def has_figure(store: aioredis.Redis, keys: Keys, figure_key: str) -> bool:
    return bool(await store.exists(keys.figure(figure_key)))


async def all_unhealthy(client: httpx.AsyncClient, urls: dict[str, str]) -> dict[str, int] | None:
    return await some_unhealthy(client, urls, tuple(urls))


async def some_unhealthy(
    client: httpx.AsyncClient, urls: dict[str, str], names: tuple[str, ...]
) -> dict[str, int] | None:
    codes = {name: await status(client, urls[name]) for name in names}
    return codes if all(code == 503 for code in codes.values()) else None
