"""Helpers of the alert service tests (no tests here): claims built in code, the service as a process."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from claimwatch.embedded import free_port
from claimwatch_schemas import Alert, Claim, ConnectionSettings, Evidence, Qualifier, claim_id_for, figure_key

T = TypeVar("T")

NATO_KEY = "RU/killed_or_wounded/soldiers/total/nato"
# Source identities as the extractor's sources.yaml gives them (Mark Rutte speaks for NATO).
SOURCE_IDS = {"Mark Rutte": "nato"}


def make_claim(
    article_id: str,
    value: float,
    *,
    day: int = 1,
    qualifier: Qualifier = Qualifier.MORE_THAN,
    value_max: float | None = None,
    subject: str | None = "RU",
    metric: str = "killed_or_wounded",
    unit: str = "soldiers",
    source: str | None = "Mark Rutte",
    period: str | None = None,
    location: str | None = None,
    start: int = 0,
    tracked: bool = True,
) -> Claim:
    """A claim as the extractor makes it; `day` is the day of November 2024 it was published."""
    return Claim(
        claim_id=claim_id_for(article_id, start, start + 10),
        article_id=article_id,
        figure_key=figure_key(
            subject=subject,
            metric=metric,
            unit=unit,
            period=period,
            source=SOURCE_IDS.get(source or "", source),
        ),
        value=value,
        value_max=value_max,
        qualifier=qualifier,
        unit=unit,
        metric=metric,
        subject=subject,
        source=source,
        source_id=SOURCE_IDS.get(source or "", source),
        location=location,
        period=period,
        evidence=Evidence(text=f"{article_id}: {value:g}", start=start, end=start + 10),
        language="en",
        published_at=datetime(2024, 11, day, 12, tzinfo=UTC),
        tracked=tracked,
    )


async def eventually(probe: Callable[[], Awaitable[T | None]], *, within: float = 30.0) -> T:
    """Polls `probe` until it returns something truthy; fails after `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        result = await probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {within:.0f}s (last: {result!r})")
        await asyncio.sleep(0.1)


class AlertProcess:
    """`python -m claimwatch_alert` as a child process, its log in a file."""

    def __init__(self, settings: ConnectionSettings, log_path: Path, port: int, **env: str) -> None:
        self.port = port
        self.log_path = log_path
        environment = dict(os.environ)
        environment.update(
            {
                "CLAIMWATCH_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
                "CLAIMWATCH_REDIS_URL": settings.redis_url,
                "CLAIMWATCH_TOPIC_CLAIMS": settings.topic_claims,
                "CLAIMWATCH_TOPIC_ALERTS": settings.topic_alerts,
                "CLAIMWATCH_TOPIC_CLAIMS_DLQ": settings.topic_claims_dlq,
                "CLAIMWATCH_ALERT_WEBHOOK_ALLOW_PRIVATE": "true",  # the receiver is on 127.0.0.1
                "CLAIMWATCH_ALERT_PORT": str(port),
                "CLAIMWATCH_ALERT_SESSION_TIMEOUT_MS": "6000",
                "CLAIMWATCH_ALERT_WEBHOOK_BACKOFF": "0.05",
                "CLAIMWATCH_ALERT_WEBHOOK_BACKOFF_MAX": "0.2",
                "PYTHONUNBUFFERED": "1",
                **env,
            }
        )
        self._log = log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "claimwatch_alert"],
            env=environment,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self._log.close()

    def terminate(self, timeout: float = 20.0) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise AssertionError(f"alert service ignored SIGTERM:\n{self.log()}") from None
        self._log.close()
        return self.process.returncode


@dataclass
class Received:
    body: bytes
    headers: dict[str, str]

    def alert(self) -> Alert:
        return Alert.model_validate_json(self.body)


class WebhookReceiver:
    """A real HTTP server on 127.0.0.1 recording every POST; answers 503 to the first `fail_first`."""

    def __init__(self, *, fail_first: int = 0, status: int = 503) -> None:
        self.fail_first = fail_first
        self.status = status
        self.requests: list[Received] = []
        self.port = free_port()
        app = Starlette(routes=[Route("/hook", self._hook, methods=["POST"])])
        self._server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        )
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def _hook(self, request: Request) -> Response:
        received = Received(await request.body(), {k.lower(): v for k, v in request.headers.items()})
        self.requests.append(received)
        if len(self.requests) <= self.fail_first:
            return Response(status_code=self.status)
        return Response(status_code=204)

    def delivered(self) -> list[Received]:
        """Requests answered with success."""
        return self.requests[self.fail_first :]

    async def __aenter__(self) -> WebhookReceiver:
        self._task = asyncio.create_task(self._server.serve())
        await eventually(self._started, within=10)
        return self

    async def _started(self) -> bool:
        if self._task is not None and self._task.done():
            self._task.result()  # raises what stopped the server
        return self._server.started

    async def __aexit__(self, *_: object) -> None:
        self._server.should_exit = True
        if self._task is not None:
            await self._task
