"""Reads a topic from its start without joining a consumer group (for the demo, tests and tools)."""

from __future__ import annotations

import time
from typing import Any

from aiokafka import AIOKafkaConsumer


async def read_records(
    bootstrap: str,
    topic: str,
    *,
    at_least: int,
    quiet_seconds: float = 1.0,
    within: float = 60.0,
    **client_options: object,
) -> list[Any]:
    """Records of `topic` from offset 0: at least `at_least`, then until none came for `quiet_seconds`.

    Returns what it has after `within` seconds, so callers assert on exact counts.
    `client_options` are aiokafka's, e.g. `kafka_client_options(settings)` for SASL/TLS.
    """
    consumer = AIOKafkaConsumer(
        topic, **{"bootstrap_servers": bootstrap, **client_options}, auto_offset_reset="earliest"
    )
    await consumer.start()
    records: list[Any] = []
    deadline = time.monotonic() + within
    last_record = time.monotonic()
    try:
        while time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=200)
            for messages in batches.values():
                records.extend(messages)
                if messages:
                    last_record = time.monotonic()
            if len(records) >= at_least and time.monotonic() - last_record >= quiet_seconds:
                break
    finally:
        await consumer.stop()
    return records
