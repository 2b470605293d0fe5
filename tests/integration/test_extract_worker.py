"""The Faust extract worker as a real process on a real broker: claims out, bad records to the DLQ."""

from __future__ import annotations

import json

from aiokafka import AIOKafkaProducer

from claimwatch.reading import read_records
from claimwatch_schemas import ConnectionSettings
from tests.integration.services import running_services

GOOD_TEXT = "Russland hat an nur einem Tag mindestens 1150 Soldaten verloren."
GOOD = json.dumps({"id": "good-1", "language": "de", "text": GOOD_TEXT}).encode()


async def produce(settings: ConnectionSettings, records: list[tuple[bytes, bytes]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
    await producer.start()
    try:
        for key, value in records:
            await producer.send_and_wait(settings.topic_articles, value=value, key=key)
    finally:
        await producer.stop()


async def test_bad_records_go_to_the_dlq_and_good_ones_around_them_become_claims(
    settings: ConnectionSettings,
) -> None:
    await produce(settings, [(b"bad-1", b"{not json"), (b"good-1", GOOD), (b"bad-2", b'{"text": ""}')])
    with running_services(settings, "extract"):
        letters = await read_records(settings.kafka_bootstrap, settings.topic_articles_dlq, at_least=2)
        claims = await read_records(settings.kafka_bootstrap, settings.topic_claims, at_least=1)
    assert sorted((r.key, r.value) for r in letters) == [
        (b"bad-1", b"{not json"),
        (b"bad-2", b'{"text": ""}'),
    ]
    errors = {r.key: dict(r.headers)["claimwatch-error"] for r in letters}
    assert errors == {b"bad-1": b"invalid_article", b"bad-2": b"invalid_article"}
    assert [(json.loads(r.value)["value"], json.loads(r.value)["article_id"]) for r in claims] == [
        (1150, "good-1")
    ]
    assert claims[0].key == json.loads(claims[0].value)["figure_key"].encode()
