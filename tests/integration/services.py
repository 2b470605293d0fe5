"""Runs a claimwatch service as a real child process against the test's servers and topics."""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from collections.abc import Iterator

from claimwatch.embedded import free_port
from claimwatch.supervisor import Supervisor
from claimwatch_schemas import ConnectionSettings


def service_env(settings: ConnectionSettings, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "PYTHONUNBUFFERED": "1",
            "CLAIMWATCH_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
            "CLAIMWATCH_REDIS_URL": settings.redis_url,
            "CLAIMWATCH_TOPIC_ARTICLES": settings.topic_articles,
            "CLAIMWATCH_TOPIC_CLAIMS": settings.topic_claims,
            "CLAIMWATCH_TOPIC_ALERTS": settings.topic_alerts,
            "CLAIMWATCH_TOPIC_ARTICLES_DLQ": settings.topic_articles_dlq,
            "CLAIMWATCH_TOPIC_CLAIMS_DLQ": settings.topic_claims_dlq,
            "CLAIMWATCH_EXTRACT_APP_ID": f"extract-{settings.topic_articles}",
            "CLAIMWATCH_EXTRACT_WEB_PORT": str(free_port()),
            "CLAIMWATCH_INGEST_PORT": str(free_port()),
            "CLAIMWATCH_ALERT_PORT": str(free_port()),
        }
    )
    env.update(extra)
    return env


@contextlib.contextmanager
def running_services(settings: ConnectionSettings, *names: str, **extra_env: str) -> Iterator[Supervisor]:
    """The named services, started in order; stopped (SIGTERM, then SIGKILL) on exit."""
    logs = io.StringIO()
    workdir = tempfile.TemporaryDirectory(prefix="claimwatch-test-")
    env = service_env(settings, **{"CLAIMWATCH_EXTRACT_DATADIR": workdir.name, **extra_env})
    supervisor = Supervisor(env=env, out=logs)
    try:
        for name in names:
            supervisor.start(name)
        yield supervisor
    finally:
        supervisor.stop()
        workdir.cleanup()
        # pytest shows captured stderr of failed tests only: the services' logs explain failures.
        sys.stderr.write(logs.getvalue())
