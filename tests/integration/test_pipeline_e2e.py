"""Both seed articles through the whole pipeline: HTTP ingest → Kafka → Faust → Kafka → alert → Redis."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from pathlib import Path

import httpx

from claimwatch.reading import read_records
from claimwatch_schemas import ConnectionSettings
from tests.integration.kafka_support import batch_codecs
from tests.integration.services import running_services

NATO_FIGURE = "RU/killed_or_wounded/soldiers/total/nato"


async def wait_healthy(client: httpx.AsyncClient, url: str, within: float = 60.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            if (await client.get(url, timeout=1.0)).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        await asyncio.sleep(0.2)
    raise AssertionError(f"{url} not healthy within {within}s")


async def test_seeds_flow_through_every_service(settings: ConnectionSettings, seed_paths: list[Path]) -> None:
    body = [{"id": path.stem, "text": path.read_text(encoding="utf-8")} for path in seed_paths]
    with running_services(settings, "alert", "extract", "ingest") as services:
        ingest_url = f"http://127.0.0.1:{services.env['CLAIMWATCH_INGEST_PORT']}"
        async with httpx.AsyncClient() as client:
            await wait_healthy(client, f"{ingest_url}/healthz")
            response = await client.post(f"{ingest_url}/articles", json=body, timeout=30)
        assert response.status_code == 202
        assert response.json()["ids"] == [path.stem for path in seed_paths]
        claim_records = await read_records(settings.kafka_bootstrap, settings.topic_claims, at_least=15)
        alert_records = await read_records(
            settings.kafka_bootstrap, settings.topic_alerts, at_least=10, quiet_seconds=3.0
        )

    claims = [json.loads(record.value) for record in claim_records]
    alerts = [json.loads(record.value) for record in alert_records]
    # Every service compresses what it produces (CLAIMWATCH_KAFKA_COMPRESSION, zstd by default).
    topics = (settings.topic_articles, settings.topic_claims, settings.topic_alerts)
    codecs = {topic: set(await batch_codecs(settings.kafka_bootstrap, topic)) for topic in topics}
    assert codecs == {topic: {"zstd"} for topic in topics}  # an empty topic would give set()
    nato = [c for c in claims if c["figure_key"] == NATO_FIGURE]
    assert sorted((c["article_id"], c["value"], c["qualifier"], c["metric"], c["subject"]) for c in nato) == [
        ("000_b4aa9eae918a7afd", 600000, "more_than", "killed_or_wounded", "RU"),
        ("004_923481393c34947e", 600000, "more_than", "killed_or_wounded", "RU"),
        ("004_923481393c34947e", 600000, "more_than", "killed_or_wounded", "RU"),
    ]
    assert all(record.key == json.loads(record.value)["figure_key"].encode() for record in claim_records)

    tracked_keys = {c["figure_key"] for c in claims if c["tracked"]}
    kinds = Counter((a["kind"], a["figure_key"]) for a in alerts)
    assert kinds == Counter({("new", key): 1 for key in tracked_keys})
    nato_alert = next(a for a in alerts if a["figure_key"] == NATO_FIGURE)
    assert (nato_alert["value"], nato_alert["qualifier"]) == (600000, "more_than")
    assert nato_alert["article_id"] in {path.stem for path in seed_paths}
