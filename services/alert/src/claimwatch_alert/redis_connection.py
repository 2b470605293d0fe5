"""The alert service's Redis client: redis-py's asyncio client, its commands packed by hiredis.

redis-py's synchronous connections pack a command with `hiredis.pack_command` (C) when hiredis
is installed; its asyncio connections always pack in Python, an encode and two joins per
argument. The state step writes each poll with one EVAL of about a thousand arguments, and
packing was the largest single cost of the service after pydantic (bench/README.md). The bytes
sent are the same (with redis-py's default utf-8 encoding, which the services keep); anything
hiredis does not take (a memoryview, a bool) goes the Python way, which converts it or raises
redis-py's own DataError.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import hiredis
import redis.asyncio as aioredis
from redis.asyncio.connection import Connection
from redis.typing import EncodableT


class HiredisPackingConnection(Connection):
    """A TCP connection (`redis://`) whose commands hiredis packs."""

    def pack_command(self, *args: EncodableT) -> list[bytes]:
        command = args[0]
        # As redis-py does: a command name with a space ('CONFIG GET') is several arguments.
        if isinstance(command, str) and " " in command:
            args = (*command.encode().split(), *args[1:])
        elif isinstance(command, bytes) and b" " in command:
            args = (*command.split(), *args[1:])
        try:
            # hiredis's stub types the argument as a 1-tuple; it takes a tuple of any length.
            return [hiredis.pack_command(args)]  # type: ignore[arg-type]
        except TypeError:
            return super().pack_command(*args)


def redis_client(url: str, **options: Any) -> aioredis.Redis:
    """`redis.asyncio.Redis.from_url(url, **options)`, with hiredis packing on `redis://` URLs
    (`rediss://` and `unix://` keep their own connection classes)."""
    if urlsplit(url).scheme == "redis":
        options.setdefault("connection_class", HiredisPackingConnection)
    return aioredis.Redis.from_url(url, **options)
