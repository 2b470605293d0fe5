"""The worker's `/healthz`: whether the broker answers a metadata request, probed every second."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiokafka import AIOKafkaClient

from claimwatch_extract.app import app, settings
from claimwatch_schemas.settings import kafka_client_options

log = logging.getLogger("claimwatch.extract")

PROBE_TIMEOUT = 3.0


class BrokerHealth:
    """A client of its own (not the worker's consumer), so that probing never disturbs the stream."""

    def __init__(self) -> None:
        self.client: AIOKafkaClient | None = None
        self.reachable = False

    async def probe(self) -> bool:
        try:
            if self.client is None:
                client = AIOKafkaClient(**kafka_client_options(settings))
                await asyncio.wait_for(client.bootstrap(), PROBE_TIMEOUT)
                self.client = client
            await asyncio.wait_for(self.client.fetch_all_metadata(), PROBE_TIMEOUT)
        except Exception:  # a timeout, a refused connection, a protocol error: all mean unreachable
            return False
        return True


health = BrokerHealth()


@app.timer(1.0)  # type: ignore[untyped-decorator]  # faust ships no type information
async def probe_broker() -> None:
    reachable = await health.probe()
    if reachable != health.reachable:
        if reachable:
            log.info("the broker answers")
        else:
            log.warning("the broker does not answer; Faust retries with backoff")
    health.reachable = reachable


@app.page("/healthz")
async def healthz(web: Any, request: Any) -> Any:
    if health.reachable:
        return web.json({"status": "ok", "broker": "ok"})
    return web.json({"status": "unavailable", "broker": "unreachable"}, status=503)
