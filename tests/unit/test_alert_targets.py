"""Webhook targets: internal addresses refused at subscribe time and on every delivery connection."""

from __future__ import annotations

import asyncio
import ipaddress

import pytest

from claimwatch_alert.targets import (
    TargetRefusedError,
    check_addresses,
    check_url,
    refusal,
    webhook_client,
)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "0.0.0.0",
        "100.64.0.1",  # carrier-grade NAT
        "224.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::",
    ],
)
def test_internal_addresses_are_refused(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_pass(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is None


def test_one_internal_address_among_public_ones_refuses_the_host() -> None:
    with pytest.raises(TargetRefusedError, match=r"evil\.example resolves to 10\.0\.0\.1 is a private"):
        check_addresses("evil.example", ["8.8.8.8", "10.0.0.1"])
    with pytest.raises(TargetRefusedError, match="does not resolve"):
        check_addresses("nothing.example", [])


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hook",
        "http://localhost/hook",
        "http://[::1]:8080/",
        "http://169.254.169.254/latest/meta-data",
        "https://10.0.0.5/",
        "http://0x7f000001/",  # 127.0.0.1 spelled as a number
    ],
)
async def test_check_url_refuses_internal_targets_unless_allowed(url: str) -> None:
    with pytest.raises(TargetRefusedError):
        await check_url(url, allow_private=False)
    await check_url(url, allow_private=True)


async def test_public_literal_passes() -> None:
    await check_url("https://93.184.216.34/hook", allow_private=False)


async def test_the_delivery_client_never_connects_to_a_refused_address() -> None:
    """A real server on 127.0.0.1: the guarded client refuses before connecting (the server sees
    nothing); the client with private targets allowed reaches it. This is the check that also
    catches DNS rebinding: the address is resolved and checked at connect time."""
    connections: list[str] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append("x")
        await reader.read(1024)
        writer.write(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with webhook_client(5.0, allow_private=False) as guarded:
            with pytest.raises(TargetRefusedError, match="loopback"):
                await guarded.post(f"http://localhost:{port}/hook", content=b"{}")
        assert connections == []
        async with webhook_client(5.0, allow_private=True) as open_client:
            response = await open_client.post(f"http://127.0.0.1:{port}/hook", content=b"{}")
        assert response.status_code == 204
        assert connections == ["x"]
    finally:
        server.close()
        await server.wait_closed()
