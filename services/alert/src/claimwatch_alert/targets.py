"""Which webhook targets may be called: no loopback, private, link-local or otherwise internal
address, unless allowed (`CLAIMWATCH_ALERT_WEBHOOK_ALLOW_PRIVATE`). Against SSRF.

Checked twice: when a subscription is made (its host is resolved, every address must be public),
and on every connection a delivery opens: the HTTP client's network backend resolves the host
itself, checks each address and connects to the checked address, so a name that resolves to a
public address at subscribe time and to 127.0.0.1 later (DNS rebinding) is refused too.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class TargetRefusedError(Exception):
    """The webhook's host is, or resolves to, an address we do not call."""


def refusal(address: IPAddress) -> str | None:
    """Why `address` may not be called, or None when it is a public address."""
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        return refusal(mapped)
    for name in ("loopback", "link_local", "private", "multicast", "reserved", "unspecified"):
        if getattr(address, f"is_{name}"):
            return f"{address} is a {name.replace('_', '-')} address"
    if not address.is_global:
        return f"{address} is not a public address"
    return None


def check_addresses(host: str, addresses: Iterable[str]) -> list[str]:
    """The addresses, when all are public; else TargetRefusedError naming the first that is not."""
    checked = list(addresses)
    if not checked:
        raise TargetRefusedError(f"{host} does not resolve")
    for raw in checked:
        reason = refusal(ipaddress.ip_address(raw.split("%", 1)[0]))
        if reason is not None:
            raise TargetRefusedError(f"{host} resolves to {reason}")
    return checked


async def resolve(host: str, port: int) -> list[str]:
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise TargetRefusedError(f"{host} does not resolve: {error}") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


async def check_url(url: str, *, allow_private: bool) -> None:
    """Raises TargetRefusedError when `url`'s host is, or resolves to, a non-public address."""
    if allow_private:
        return
    parsed = httpx.URL(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    check_addresses(parsed.host, await resolve(parsed.host, port))


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend that resolves, checks, and connects to the checked address."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self.inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109  # httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = check_addresses(host, await resolve(host, port))
        # TLS still verifies the certificate against the host name: httpcore passes it to start_tls.
        return await self.inner.connect_tcp(addresses[0], port, timeout, local_address, socket_options)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109  # httpcore's interface
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise TargetRefusedError("webhooks are not delivered over unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def webhook_client(timeout: float, *, allow_private: bool) -> httpx.AsyncClient:
    """The HTTP client of webhook deliveries; unless `allow_private`, it connects to public addresses
    only. Proxies from the environment are ignored (they would hide the target's address)."""
    transport = httpx.AsyncHTTPTransport()
    if not allow_private:
        # httpx takes no network backend; its transport wraps this httpcore pool, built as httpx does.
        transport._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(), network_backend=GuardedBackend()
        )
    return httpx.AsyncClient(timeout=timeout, transport=transport, trust_env=False)
