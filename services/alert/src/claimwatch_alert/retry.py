"""Backoff for the service's loops when Kafka or Redis does not answer: retry, never give up."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

from aiokafka.errors import KafkaError
from redis.exceptions import RedisError

# What an outage of the broker or of Redis raises: retried with backoff, never fatal.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (KafkaError, RedisError, OSError, TimeoutError)


@dataclass
class Backoff:
    """Delays first, 2*first, 4*first ... capped at `cap`; `reset` after a success."""

    first: float = 0.5
    cap: float = 5.0
    _next: float = 0.0

    def next_delay(self) -> float:
        delay = self._next or self.first
        self._next = min(self.cap, delay * 2)
        return delay

    def reset(self) -> None:
        self._next = 0.0


async def sleep_unless(stopping: asyncio.Event, seconds: float) -> None:
    """Sleeps `seconds`, or less when `stopping` is set meanwhile."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stopping.wait(), seconds)
