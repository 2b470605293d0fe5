"""The embedded servers answer over TCP: Kafka round trip and Redis round trip."""

from __future__ import annotations

import redis.asyncio as aioredis
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from claimwatch_schemas import ConnectionSettings


async def test_kafka_round_trip_on_own_topic(settings: ConnectionSettings) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(settings.topic_articles, b"hello", key=b"k1")
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(
        settings.topic_articles, bootstrap_servers=settings.kafka_bootstrap, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        message = await consumer.getone()
    finally:
        await consumer.stop()
    assert (message.key, message.value) == (b"k1", b"hello")


async def test_redis_round_trip_in_own_database(redis_client: aioredis.Redis) -> None:
    await redis_client.set("probe", "1")
    assert await redis_client.get("probe") == b"1"
    assert await redis_client.dbsize() == 1
