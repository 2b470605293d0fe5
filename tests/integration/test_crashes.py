"""Crashes and graceful stops under a stream of 1,000 articles.

SIGKILL of the extractor and of the alert service mid-stream, each restarted: afterwards every
article's claims are in `claims` (duplicates allowed: at least once), the figure state in Redis
equals that of a run without crash (the same claims applied in-process, under another key
prefix), and the webhook subscriber got each alert exactly once by idempotency key.

SIGTERM of both mid-stream, then restart: in-flight work is drained and offsets committed, so the
restarted services reprocess nothing (bounds in the README's Guarantees).
"""

from __future__ import annotations

import itertools
import json
import os
import signal
from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import redis.asyncio as aioredis

from claimwatch.reading import read_records
from claimwatch.supervisor import Supervisor
from claimwatch_alert.keys import Keys
from claimwatch_alert.state import FigureStore
from claimwatch_extract.extractor import extract_article
from claimwatch_schemas import Article, Claim, ConnectionSettings, Figure
from tests.integration.kafka_support import end_offsets, produce_raw, wait_all_committed, wait_healthy
from tests.integration.services import running_services
from tests.integration.test_alert_support import WebhookReceiver, eventually

pytestmark = pytest.mark.integration

SUBJECTS_DE = ["Russland", "Die Ukraine"]
UNITS_DE = ["Panzer", "Artilleriesysteme", "Drohnen", "Soldaten", "Flugzeuge", "Hubschrauber"]
SOURCES_DE = [
    "der ukrainische Generalstab",
    "das britische Verteidigungsministerium",
    "das Pentagon",
    "die NATO",
]
SUBJECTS_EN = ["Russia", "Ukraine"]
UNITS_EN = ["tanks", "artillery systems", "drones", "soldiers", "aircraft", "helicopters"]
SOURCES_EN = ["Ukraine's General Staff", "the British Ministry of Defence", "the Pentagon", "NATO"]
START = datetime(2024, 11, 1, 8, tzinfo=UTC)


def generated_articles(count: int) -> list[Article]:
    """Varied articles from templates: German and English, many subjects, units and sources (so
    many distinct figures), a distinct value and a later publication time each."""
    german = [
        f"{subject} hat seit Kriegsbeginn mindestens {{n}} {unit} verloren, teilte {source} mit."
        for subject, unit, source in itertools.product(SUBJECTS_DE, UNITS_DE, SOURCES_DE)
    ]
    english = [
        f"{subject} has lost at least {{n}} {unit} since the start of the war, {source} said."
        for subject, unit, source in itertools.product(SUBJECTS_EN, UNITS_EN, SOURCES_EN)
    ]
    templates = [t for pair in zip(german, english, strict=True) for t in pair]
    articles = []
    for i in range(count):
        template = templates[i % len(templates)]
        value = 1000 + 7 * i
        number = f"{value:,}".replace(",", ".") if " hat " in template else f"{value:,}"
        articles.append(
            Article(
                id=f"gen-{i:04d}",
                text=template.format(n=number),
                language="de" if " hat " in template else "en",
                published_at=START + timedelta(minutes=i),
            )
        )
    return articles


def records(articles: list[Article]) -> list[tuple[bytes | None, bytes | None]]:
    return [
        (a.id.encode() if a.id else None, a.model_dump_json(exclude_none=True).encode()) for a in articles
    ]


async def baseline_figures(client: aioredis.Redis, claims: list[Claim]) -> dict[str, tuple[object, ...]]:
    """The figure state of a run without crash: the same claims applied in-process (own key prefix)."""
    keys = Keys("baseline:")
    store = FigureStore(client, keys)
    for claim in claims:
        await store.apply(claim)
    return await figure_state(client, keys)


async def figure_state(client: aioredis.Redis, keys: Keys) -> dict[str, tuple[object, ...]]:
    members = sorted(m.decode() for m in await client.smembers(keys.figures))
    raws = await client.mget([keys.figure(m) for m in members]) if members else []
    figures = [Figure.model_validate_json(raw) for raw in raws if raw]
    return {f.figure_key: (f.value, f.value_max, f.qualifier.value) for f in figures}


def kill(supervisor: Supervisor, name: str) -> None:
    process = supervisor.processes[name]
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


async def claims_published(settings: ConnectionSettings) -> int:
    return sum((await end_offsets(settings.kafka_bootstrap, settings.topic_claims)).values())


async def test_sigkill_of_extractor_and_alert_mid_stream_loses_nothing_and_alerts_once(
    settings: ConnectionSettings, redis_client: aioredis.Redis
) -> None:
    articles = generated_articles(1000)
    expected_claims = [claim for article in articles for claim in extract_article(article).claims]
    expected_by_article = {(c.article_id, c.claim_id) for c in expected_claims}
    assert {c.article_id for c in expected_claims} == {a.id for a in articles}  # every article has claims
    expected_state = await baseline_figures(redis_client, expected_claims)
    assert len(expected_state) >= 30  # distinct tracked figures
    keys = Keys()
    env = {
        "CLAIMWATCH_ALERT_GROUP": f"alert-{settings.topic_claims}",
        "CLAIMWATCH_ALERT_SESSION_TIMEOUT_MS": "6000",
        "CLAIMWATCH_ALERT_CLAIM_IDLE_MS": "3000",
        "CLAIMWATCH_EXTRACT_REBALANCE_TIMEOUT": "2",
        "CLAIMWATCH_ALERT_WEBHOOK_ALLOW_PRIVATE": "true",
    }
    async with WebhookReceiver() as receiver:
        with running_services(settings, "alert", "extract", **env) as services:
            alert_url = f"http://127.0.0.1:{services.env['CLAIMWATCH_ALERT_PORT']}"
            await wait_healthy(f"{alert_url}/healthz")
            async with httpx.AsyncClient() as client:
                created = await client.post(
                    f"{alert_url}/subscriptions", json={"webhook": receiver.url, "secret": "crash-secret"}
                )
                assert created.status_code == 201, created.text

            await produce_raw(settings.kafka_bootstrap, settings.topic_articles, records(articles[:400]))
            await eventually(lambda: _at_least(claims_published(settings), 150), within=90)
            kill(services, "extract")  # mid-stream: some of the 400 are not extracted yet
            await produce_raw(settings.kafka_bootstrap, settings.topic_articles, records(articles[400:700]))
            services.start("extract")
            await eventually(lambda: _at_least(redis_client.scard(keys.applied), 500), within=90)
            await produce_raw(settings.kafka_bootstrap, settings.topic_articles, records(articles[700:]))
            await eventually(lambda: _at_least(redis_client.scard(keys.applied), 780), within=90)
            kill(services, "alert")  # mid-stream: the claims of the last 300 articles are flowing
            services.start("alert")

            state = await eventually(lambda: _state_equal(redis_client, keys, expected_state), within=120)
            feed_ids = await eventually(lambda: _all_delivered(redis_client, keys, receiver), within=60)
            assert services.exited() == {}

    published = await read_records(
        settings.kafka_bootstrap, settings.topic_claims, at_least=len(expected_claims)
    )
    seen = {(json.loads(r.value)["article_id"], json.loads(r.value)["claim_id"]) for r in published}
    assert expected_by_article - seen == set()  # every article's claims (duplicates allowed)
    assert state == expected_state
    applied = await redis_client.smembers(keys.applied)
    assert applied == await redis_client.smembers(Keys("baseline:").applied)  # every claim, none lost
    delivered = Counter(request.headers["claimwatch-idempotency-key"] for request in receiver.requests)
    assert set(delivered) == feed_ids  # each alert delivered, by idempotency key, none missing or extra
    print(
        f"claims published {len(published)} for {len(expected_claims)} extracted; "
        f"webhook posts {sum(delivered.values())} for {len(feed_ids)} alerts"
    )


async def _at_least(count: object, wanted: int) -> bool:
    return int(await count) >= wanted  # type: ignore[misc]  # an awaitable of an int


async def _state_equal(
    client: aioredis.Redis, keys: Keys, expected: dict[str, tuple[object, ...]]
) -> dict[str, tuple[object, ...]] | None:
    state = await figure_state(client, keys)
    return state if state == expected else None


async def _all_delivered(client: aioredis.Redis, keys: Keys, receiver: WebhookReceiver) -> set[str] | None:
    entries = await client.xrange(keys.feed)
    alert_ids = {fields[b"alert_id"].decode() for _, fields in entries}
    pending = (await client.xpending(keys.feed, "webhooks"))["pending"]
    got = {request.headers["claimwatch-idempotency-key"] for request in receiver.requests}
    return alert_ids if alert_ids and not pending and got >= alert_ids else None


async def test_sigterm_drains_and_commits_so_a_restart_reprocesses_nothing(
    settings: ConnectionSettings, redis_client: aioredis.Redis
) -> None:
    articles = generated_articles(300)
    expected = [claim for article in articles for claim in extract_article(article).claims]
    keys = Keys()
    group = f"alert-{settings.topic_claims}"
    env = {"CLAIMWATCH_ALERT_GROUP": group, "CLAIMWATCH_EXTRACT_REBALANCE_TIMEOUT": "2"}
    with running_services(settings, "alert", "extract", **env) as services:
        extract_group = services.env["CLAIMWATCH_EXTRACT_APP_ID"]
        await produce_raw(settings.kafka_bootstrap, settings.topic_articles, records(articles))
        await eventually(lambda: _at_least(claims_published(settings), 60), within=90)
        codes = services.stop()  # SIGTERM mid-stream, waits for both to exit
        assert codes == {"alert": 0, "extract": 0}
        after_stop = await claims_published(settings)
        services.start("extract")
        services.start("alert")
        await eventually(lambda: _at_least(claims_published(settings), len(expected)), within=90)
        await wait_all_committed(settings.kafka_bootstrap, extract_group, settings.topic_articles)
        await wait_all_committed(settings.kafka_bootstrap, group, settings.topic_claims)
        applied = await eventually(
            lambda: _at_least(redis_client.scard(keys.applied), len(expected)), within=60
        )
        assert applied

    published = await read_records(settings.kafka_bootstrap, settings.topic_claims, at_least=len(expected))
    per_claim = Counter(json.loads(r.value)["claim_id"] for r in published)
    assert set(per_claim) == {c.claim_id for c in expected}
    duplicates = {claim_id: n for claim_id, n in per_claim.items() if n > 1}
    print(f"{after_stop} claims before SIGTERM; {len(duplicates)} published twice after the restart")
    assert duplicates == {}, "SIGTERM must commit what was published: nothing is extracted twice"
