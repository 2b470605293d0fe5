"""`python -m claimwatch_alert`: the alert service (claims consumer, dispatchers, HTTP API)."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

import uvloop

from claimwatch_alert.service import AlertService
from claimwatch_alert.settings import AlertSettings
from claimwatch_schemas.runtime import tune_garbage_collector
from claimwatch_schemas.settings import exposure_problem


async def _run(settings: AlertSettings) -> None:
    service = AlertService(settings)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, service.stop)
    await service.run()


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("aiokafka").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = AlertSettings()
    problem = exposure_problem(settings.alert_host, settings.api_token)
    if problem is not None:
        logging.getLogger("claimwatch.alert").error("%s", problem)
        raise SystemExit(2)
    # uvloop: the event loop and socket writes in C; most of the service's time not in its own
    # code was asyncio's (bench/README.md)
    tune_garbage_collector()
    uvloop.run(_run(settings))


if __name__ == "__main__":
    main()
