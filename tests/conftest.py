"""Servers for the integration tests: from the environment, else testcontainers, else embedded.

- CLAIMWATCH_TEST_KAFKA_BOOTSTRAP / CLAIMWATCH_TEST_REDIS_URL name existing servers;
- else, where a Docker engine answers, testcontainers' Kafka and Redis;
- else the embedded Tansu broker and a redis-server of our own on free ports.

Each test gets its own topics (unique names) and its own Redis database (one of 1-15, emptied
for it; db 0 is never touched).
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
import redis.asyncio as aioredis

from claimwatch.embedded import embedded_servers, ensure_topics
from claimwatch_alert.redis_connection import redis_client as alert_redis_client
from claimwatch_schemas import ConnectionSettings

REPO_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Servers:
    kafka_bootstrap: str
    redis_url: str


def _docker_answers() -> bool:
    try:
        import docker  # type: ignore[import-untyped]  # testcontainers' dependency, untyped

        docker.from_env(timeout=2).ping()
    except Exception:
        return False
    return True


@pytest.fixture(scope="session")
def servers() -> Iterator[Servers]:
    kafka = os.environ.get("CLAIMWATCH_TEST_KAFKA_BOOTSTRAP")
    redis_url = os.environ.get("CLAIMWATCH_TEST_REDIS_URL")
    if kafka and redis_url:
        yield Servers(kafka, redis_url)
        return
    if _docker_answers():
        from testcontainers.kafka import KafkaContainer
        from testcontainers.redis import RedisContainer

        with KafkaContainer() as kafka_container, RedisContainer() as redis_container:
            host = redis_container.get_container_host_ip()
            port = redis_container.get_exposed_port(6379)
            yield Servers(kafka_container.get_bootstrap_server(), f"redis://{host}:{port}/0")
        return
    with embedded_servers(kafka_bootstrap=kafka, redis_url=redis_url) as started:
        yield Servers(started.kafka_bootstrap, started.redis_url)


_redis_databases = itertools.count(1)


@pytest.fixture
def redis_url(servers: Servers) -> str:
    """A Redis URL with a database of this test's own, emptied for it: one of 1-15, never db 0.

    The databases 1-15 belong to the tests: those of the server the tests started, or of the
    server named by CLAIMWATCH_TEST_REDIS_URL, which is handed over for that by naming it.
    """
    database = next(_redis_databases) % 15 + 1
    base = servers.redis_url.rsplit("/", 1)[0]
    url = f"{base}/{database}"
    with redis.Redis.from_url(url) as client:
        client.flushdb()
    return url


@pytest.fixture
async def redis_client(redis_url: str) -> AsyncIterator[aioredis.Redis]:
    """A client of this test's database, built as the alert service builds its own."""
    client = alert_redis_client(redis_url, decode_responses=False)
    yield client
    await client.flushdb()
    await client.aclose()


@pytest.fixture(autouse=True)
def _no_claimwatch_settings_from_the_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests set what they need; a CLAIMWATCH_* variable exported in the developer's shell (a token,
    a broker) must not change what they test. CLAIMWATCH_TEST_* (the servers to use) stay."""
    for name in list(os.environ):
        if name.startswith("CLAIMWATCH_") and not name.startswith("CLAIMWATCH_TEST_"):
            monkeypatch.delenv(name)


@pytest.fixture
async def settings(servers: Servers, redis_url: str) -> ConnectionSettings:
    """Connection settings with topics of this test's own, created on the broker."""
    suffix = uuid.uuid4().hex[:10]
    conf = ConnectionSettings(
        kafka_bootstrap=servers.kafka_bootstrap,
        redis_url=redis_url,
        topic_articles=f"articles-{suffix}",
        topic_claims=f"claims-{suffix}",
        topic_alerts=f"alerts-{suffix}",
        topic_articles_dlq=f"articles.dlq-{suffix}",
        topic_claims_dlq=f"claims.dlq-{suffix}",
        partitions=3,
    )
    await ensure_topics(conf.kafka_bootstrap, conf.all_topics(), conf.partitions)
    return conf


@pytest.fixture
def seed_paths() -> list[Path]:
    return sorted((REPO_ROOT / "seeds").glob("*.txt"))
