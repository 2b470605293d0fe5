"""Faust's aiokafka transport with a short fetch wait.

Faust hard-codes `fetch_max_wait_ms=1500` for its worker consumer. Against the embedded Tansu
broker, which answers a fetch only at that deadline, this put up to 1.5 s between an article's
arrival and its claims. This transport is Faust's own with that one number lowered; it is
registered under the URL scheme `claimwatch-kafka://`.
"""

from __future__ import annotations

from typing import Any

from faust.transport import drivers
from faust.transport.drivers import aiokafka as faust_aiokafka

SCHEME = "claimwatch-kafka"
FETCH_MAX_WAIT_MS = 100


class _ConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    def _create_worker_consumer(self, transport: Any) -> Any:
        consumer = super()._create_worker_consumer(transport)
        # aiokafka reads this when it starts its fetcher, which happens after we return.
        consumer._fetch_max_wait_ms = FETCH_MAX_WAIT_MS
        return consumer


class _Consumer(faust_aiokafka.Consumer):
    def _new_consumer_thread(self) -> faust_aiokafka.AIOKafkaConsumerThread:
        return _ConsumerThread(self, loop=self.loop, beacon=self.beacon)


class Transport(faust_aiokafka.Transport):
    Consumer = _Consumer


drivers.TRANSPORTS.aliases[SCHEME] = f"{__name__}:Transport"
