"""`claimwatch dlq`: lists dead letters with their reasons and replays the original bytes."""

from __future__ import annotations

import asyncio
import json

import pytest
from aiokafka import AIOKafkaProducer
from typer.testing import CliRunner

from claimwatch.cli import app
from claimwatch.reading import read_records
from claimwatch_schemas import ConnectionSettings
from tests.integration.services import service_env


async def put_dead_letters(settings: ConnectionSettings) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
    await producer.start()
    try:
        for key, value, reason in [
            (b"a1", b"{oops", b"body: Invalid JSON"),
            (b"a2", b'{"text": "Bonjour"}', b"article a2"),
        ]:
            await producer.send_and_wait(
                settings.topic_articles_dlq,
                value=value,
                key=key,
                partition=0,
                headers=[("claimwatch-error", b"x"), ("claimwatch-error-reason", reason), ("trace", b"t1")],
            )
    finally:
        await producer.stop()


@pytest.fixture
def cli_env(settings: ConnectionSettings, monkeypatch: pytest.MonkeyPatch) -> ConnectionSettings:
    for name, value in service_env(settings).items():
        if name.startswith("CLAIMWATCH_"):
            monkeypatch.setenv(name, value)
    return settings


def test_dlq_lists_and_replays_one_letter_with_its_original_bytes(cli_env: ConnectionSettings) -> None:
    asyncio.run(put_dead_letters(cli_env))
    runner = CliRunner()

    listed = runner.invoke(app, ["dlq", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = [json.loads(line) for line in listed.output.splitlines()]
    assert [(r["partition"], r["offset"], r["key"], r["reason"]) for r in rows] == [
        (0, 0, "a1", "body: Invalid JSON"),
        (0, 1, "a2", "article a2"),
    ]

    replayed = runner.invoke(app, ["dlq", "--replay", "0/1"])
    assert replayed.exit_code == 0, replayed.output
    assert "replayed 1 dead letters" in replayed.output
    records = asyncio.run(read_records(cli_env.kafka_bootstrap, cli_env.topic_articles, at_least=1))
    assert [(r.key, r.value, dict(r.headers)) for r in records] == [
        (b"a2", b'{"text": "Bonjour"}', {"trace": b"t1", "claimwatch-replayed-from": b"0/1"})
    ]

    unknown = runner.invoke(app, ["dlq", "--replay", "0/9"])
    assert unknown.exit_code == 2


def test_dlq_of_claims_lists_and_replays_onto_claims(cli_env: ConnectionSettings) -> None:
    async def put() -> None:
        producer = AIOKafkaProducer(bootstrap_servers=cli_env.kafka_bootstrap, acks="all")
        await producer.start()
        try:
            await producer.send_and_wait(
                cli_env.topic_claims_dlq,
                value=b'{"claim_id": ',
                key=b"fk",
                partition=0,
                headers=[("claimwatch-error", b"invalid_claim"), ("claimwatch-error-reason", b"body: EOF")],
            )
        finally:
            await producer.stop()

    asyncio.run(put())
    runner = CliRunner()
    listed = runner.invoke(app, ["dlq", "--topic", "claims", "--json"])
    assert listed.exit_code == 0, listed.output
    assert [(r["key"], r["error"], r["reason"]) for r in map(json.loads, listed.output.splitlines())] == [
        ("fk", "invalid_claim", "body: EOF")
    ]
    replayed = runner.invoke(app, ["dlq", "--topic", "claims", "--replay", "all"])
    assert replayed.exit_code == 0, replayed.output
    assert f"onto {cli_env.topic_claims}" in replayed.output
    records = asyncio.run(read_records(cli_env.kafka_bootstrap, cli_env.topic_claims, at_least=1))
    assert [(r.key, r.value) for r in records] == [(b"fk", b'{"claim_id": ')]
