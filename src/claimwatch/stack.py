"""The whole pipeline on one machine: servers (given or embedded), topics, and the three services."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

import httpx
from pydantic import Field

from claimwatch.embedded import (
    EmbeddedStackError,
    embedded_servers,
    ensure_topics_sync,
    free_port,
    port_is_open,
)
from claimwatch.supervisor import Supervisor
from claimwatch_schemas import ConnectionSettings
from claimwatch_schemas.settings import exposure_problem, kafka_client_options


class PublicWithoutTokenError(RuntimeError):
    """`claimwatch up --public` without CLAIMWATCH_API_TOKEN."""


class StackSettings(ConnectionSettings):
    embedded_kafka_port: int = Field(default=19092, description="Port of the embedded Tansu broker.")
    embedded_redis_port: int = Field(default=16379, description="Port of the embedded Redis server.")
    ingest_port: int = 8081
    alert_port: int = 8082
    extract_web_port: int = 6066


@dataclass(frozen=True)
class RunningStack:
    kafka_bootstrap: str
    redis_url: str
    ingest_url: str
    alert_url: str
    settings: ConnectionSettings
    supervisor: Supervisor


def _given_servers() -> set[str]:
    """The embedded servers not to start, because the environment names existing ones."""
    given = set()
    if _given("CLAIMWATCH_KAFKA_BOOTSTRAP"):
        given.add("kafka")
    if _given("CLAIMWATCH_REDIS_URL"):
        given.add("redis")
    return given


def _given(variable: str) -> str | None:
    value = os.environ.get(variable, "").strip()
    return value or None


def wait_healthy(url: str, supervisor: Supervisor, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if supervisor.exited():
            raise RuntimeError(f"service exited during start: {supervisor.exited()}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not become healthy within {timeout:.0f}s")


@contextlib.contextmanager
def running_stack(
    settings: StackSettings | None = None,
    *,
    free_ports: bool = False,
    out: IO[str] | None = None,
    public: bool = False,
) -> Iterator[RunningStack]:
    """Starts what is missing and the services; on exit stops all it started, children first.

    The HTTP APIs listen on 127.0.0.1, or with `public` on every interface, which needs
    CLAIMWATCH_API_TOKEN (PublicWithoutTokenError otherwise, before anything starts)."""
    conf = settings or StackSettings()
    if public:
        problem = exposure_problem("0.0.0.0", conf.api_token)  # the check itself
        if problem is not None:
            raise PublicWithoutTokenError(problem)
    ports = {
        "kafka": free_port() if free_ports else conf.embedded_kafka_port,
        "redis": free_port() if free_ports else conf.embedded_redis_port,
        "ingest": free_port() if free_ports else conf.ingest_port,
        "alert": free_port() if free_ports else conf.alert_port,
        "extract_web": free_port() if free_ports else conf.extract_web_port,
    }
    wanted = {name: port for name, port in ports.items() if name not in _given_servers()}
    taken = {name: port for name, port in wanted.items() if port_is_open("127.0.0.1", port)}
    if taken:
        listing = ", ".join(f"{name} {port}" for name, port in taken.items())
        raise EmbeddedStackError(
            f"ports in use: {listing} (another `claimwatch up`?); stop it or set other ports "
            "(CLAIMWATCH_EMBEDDED_KAFKA_PORT, CLAIMWATCH_EMBEDDED_REDIS_PORT, CLAIMWATCH_INGEST_PORT, "
            "CLAIMWATCH_ALERT_PORT, CLAIMWATCH_EXTRACT_WEB_PORT)"
        )
    with embedded_servers(
        kafka_bootstrap=_given("CLAIMWATCH_KAFKA_BOOTSTRAP"),
        redis_url=_given("CLAIMWATCH_REDIS_URL"),
        kafka_port=ports["kafka"],
        redis_port=ports["redis"],
    ) as servers:
        effective = conf.model_copy(
            update={"kafka_bootstrap": servers.kafka_bootstrap, "redis_url": servers.redis_url}
        )
        ensure_topics_sync(
            effective.kafka_bootstrap,
            effective.all_topics(),
            effective.partitions,
            **kafka_client_options(effective),
        )
        host = "0.0.0.0" if public else "127.0.0.1"  # public only with a token (checked)
        env = dict(os.environ)
        env.update(
            {
                "PYTHONUNBUFFERED": "1",
                "CLAIMWATCH_KAFKA_BOOTSTRAP": effective.kafka_bootstrap,
                "CLAIMWATCH_REDIS_URL": effective.redis_url,
                "CLAIMWATCH_TOPIC_ARTICLES": effective.topic_articles,
                "CLAIMWATCH_TOPIC_CLAIMS": effective.topic_claims,
                "CLAIMWATCH_TOPIC_ALERTS": effective.topic_alerts,
                "CLAIMWATCH_TOPIC_ARTICLES_DLQ": effective.topic_articles_dlq,
                "CLAIMWATCH_TOPIC_CLAIMS_DLQ": effective.topic_claims_dlq,
                "CLAIMWATCH_INGEST_HOST": host,
                "CLAIMWATCH_ALERT_HOST": host,
                "CLAIMWATCH_INGEST_PORT": str(ports["ingest"]),
                "CLAIMWATCH_ALERT_PORT": str(ports["alert"]),
                "CLAIMWATCH_EXTRACT_WEB_PORT": str(ports["extract_web"]),
                "CLAIMWATCH_EXTRACT_DATADIR": str(servers.workdir / "faust"),
            }
        )
        supervisor = Supervisor(env=env, out=out or sys.stderr)
        try:
            for name in ("alert", "extract", "ingest"):
                supervisor.start(name)
            ingest_url = f"http://127.0.0.1:{ports['ingest']}"
            alert_url = f"http://127.0.0.1:{ports['alert']}"
            wait_healthy(f"{ingest_url}/healthz", supervisor)
            wait_healthy(f"{alert_url}/healthz", supervisor)
            yield RunningStack(
                kafka_bootstrap=effective.kafka_bootstrap,
                redis_url=effective.redis_url,
                ingest_url=ingest_url,
                alert_url=alert_url,
                settings=effective,
                supervisor=supervisor,
            )
        finally:
            supervisor.stop()
