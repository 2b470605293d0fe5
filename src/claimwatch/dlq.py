"""Dead letters: bad `articles` records (set aside by the extractor) and bad `claims` records (set aside
by the alert service). List them, and replay them onto their topic once their cause is fixed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaProducer

from claimwatch.reading import read_records
from claimwatch_schemas import ConnectionSettings
from claimwatch_schemas.settings import kafka_client_options, kafka_producer_options

ERROR_HEADERS = ("claimwatch-error", "claimwatch-error-reason")


@dataclass(frozen=True)
class DeadLetter:
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    headers: dict[str, bytes]

    @property
    def position(self) -> str:
        return f"{self.partition}/{self.offset}"

    @property
    def error(self) -> str:
        return self.headers.get("claimwatch-error", b"").decode("utf-8", "replace")

    @property
    def reason(self) -> str:
        return self.headers.get("claimwatch-error-reason", b"").decode("utf-8", "replace")

    def as_json(self) -> dict[str, Any]:
        return {
            "partition": self.partition,
            "offset": self.offset,
            "key": self.key.decode("utf-8", "replace") if self.key is not None else None,
            "error": self.error,
            "reason": self.reason,
            "bytes": len(self.value),
            "preview": self.value[:120].decode("utf-8", "replace"),
        }


def dlq_topics(settings: ConnectionSettings, source: str) -> tuple[str, str]:
    """(dead-letter topic, topic to replay onto) for `source`, "articles" or "claims"."""
    if source == "claims":
        return settings.topic_claims_dlq, settings.topic_claims
    return settings.topic_articles_dlq, settings.topic_articles


async def dead_letters(settings: ConnectionSettings, topic: str) -> list[DeadLetter]:
    records = await read_records(
        settings.kafka_bootstrap,
        topic,
        at_least=0,
        quiet_seconds=1.0,
        within=30.0,
        **kafka_client_options(settings),
    )
    return [
        DeadLetter(r.partition, r.offset, r.key, r.value or b"", {k: bytes(v) for k, v in r.headers})
        for r in records
    ]


def replay_headers(letter: DeadLetter) -> list[tuple[str, bytes]]:
    kept = [(k, v) for k, v in letter.headers.items() if k not in ERROR_HEADERS]
    return [*kept, ("claimwatch-replayed-from", f"{letter.partition}/{letter.offset}".encode())]


async def replay(settings: ConnectionSettings, topic: str, letters: list[DeadLetter]) -> int:
    """Publishes the original bytes again onto `topic` (acks=all); returns how many were replayed."""
    producer = AIOKafkaProducer(**kafka_producer_options(settings), acks="all", enable_idempotence=False)
    await producer.start()
    try:
        for letter in letters:
            await producer.send_and_wait(
                topic, value=letter.value, key=letter.key, headers=replay_headers(letter)
            )
    finally:
        await producer.stop()
    return len(letters)
