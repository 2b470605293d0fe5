"""The alert service's Redis connection packs commands with hiredis into the bytes redis-py's own
Python packing gives (the server side is tested by every alert integration test: their client is
built the same way)."""

from __future__ import annotations

import pytest
from redis.asyncio.connection import Connection
from redis.exceptions import DataError

from claimwatch_alert.redis_connection import HiredisPackingConnection, redis_client

COMMANDS = [
    ("SET", "figure", "value"),
    ("CONFIG GET", "maxmemory"),
    (b"CONFIG GET", b"maxmemory"),
    ("EVAL", "return 1", 0, 1.5, -3, 2**70, 1 / 3, 1e-300, "äöü ✓", b"\x00\xff"),
    ("SET", "view", memoryview(b"abc")),
    ("SET", "large", "x" * 10_000),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: str(command[0]))
def test_hiredis_packs_a_command_into_the_bytes_redis_py_packs(command: tuple[object, ...]) -> None:
    expected = b"".join(Connection().pack_command(*command))
    assert b"".join(HiredisPackingConnection().pack_command(*command)) == expected


@pytest.mark.parametrize("value", [True, None])
def test_a_value_redis_cannot_take_raises_redis_pys_error(value: object) -> None:
    with pytest.raises(DataError, match="Invalid input of type"):
        HiredisPackingConnection().pack_command("SET", "key", value)


def connection_class(url: str) -> type:
    return redis_client(url).connection_pool.connection_class


def test_only_plain_tcp_urls_get_the_hiredis_connection() -> None:
    assert connection_class("redis://127.0.0.1:6379/3") is HiredisPackingConnection
    assert connection_class("rediss://127.0.0.1:6379/3").__name__ == "SSLConnection"
    assert connection_class("unix:///tmp/redis.sock").__name__ == "UnixDomainSocketConnection"
