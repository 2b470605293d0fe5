"""`python -m claimwatch_alert`: the alert service (claims consumer, dispatchers, HTTP API)."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from claimwatch_alert.service import AlertService
from claimwatch_alert.settings import AlertSettings


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
    asyncio.run(_run(AlertSettings()))


if __name__ == "__main__":
    main()
