"""Fetching stays off the server's own network: every address a link, a feed item or a redirect reaches is checked.

A visitor's link, or an item of a public feed, could name the machine itself
(``127.0.0.1``, ``[::1]``, ``2130706433``, ``0x7f.1``), its private network
(``10.…``, ``192.168.…``), a cloud's metadata service (``169.254.169.254``) or
a public name that resolves to any of these; the fetched text would become
searchable and the chat would read it back. So the check sits where the
connection is made: httpx's network backend resolves the host once, refuses
the whole name if any of its addresses is not public, and connects to the
address it checked (no second lookup, so DNS rebinding cannot swap it). Every
spelling of an IP goes through the system's own parser (``getaddrinfo``), the
one the connection would use, so no spelling is missed; redirects open new
connections and are checked the same way.

``RAG_FETCH_ALLOW_PRIVATE=1`` lifts the check (an intranet, the tests' local
server); ``RAG_FETCH_ALLOW_HOSTS`` lifts it for some hosts or networks only.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import httpcore

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]  # host, port -> the addresses to try, in order

_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class PrivateAddress(httpcore.ConnectError):
    """A fetch was about to connect to an address on the server's own network."""


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to, as the connection itself would resolve them."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def why_private(address: Address) -> str | None:
    """What makes ``address`` off limits (``"loopback"``, ``"private"``…), or None for a public address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:  # ::ffff:127.0.0.1, 2002:7f00:1::, 64:ff9b::a00:1 reach the IPv4 address inside
            return why_private(embedded)
    for kind in ("loopback", "link_local", "multicast", "unspecified", "private", "reserved"):
        if getattr(address, f"is_{kind}"):
            return kind.replace("_", "-")
    return None if address.is_global else "not public"


@dataclass(frozen=True)
class Guard:
    """Which addresses a fetch may connect to.

    Attributes:
        allow_private: Connect anywhere (``RAG_FETCH_ALLOW_PRIVATE=1``).
        allow: Hosts as links write them (``intranet.example``, ``127.0.0.1``) or networks with their
            prefix (``10.0.0.0/8``) allowed although private (``RAG_FETCH_ALLOW_HOSTS``, comma-separated).
    """

    allow_private: bool = False
    allow: tuple[str, ...] = ()

    @classmethod
    def parse(cls, allow_private: bool, allow_hosts: str) -> Guard:
        """A guard from the two settings; ``allow_hosts`` is comma-separated."""
        return cls(allow_private, tuple(h.strip().lower().strip("[]") for h in allow_hosts.split(",") if h.strip()))

    def refusal(self, host: str, addresses: Iterable[str]) -> str | None:
        """Why ``host`` (resolving to ``addresses``) may not be fetched, or None when it may."""
        if self.allow_private or host.lower().strip("[]") in self.allow:
            return None
        networks = [ipaddress.ip_network(a, strict=False) for a in self.allow if _is_network(a)]
        for text in addresses:
            address = ipaddress.ip_address(text.split("%")[0])
            if any(address in n for n in networks):
                continue
            kind = why_private(address)
            if kind is not None:
                shown = host if host == text else f"{host} ({text})"
                return (
                    f"{shown} is a {kind} address of the server's own network, which links may not reach; "
                    "set RAG_FETCH_ALLOW_PRIVATE=1 (or RAG_FETCH_ALLOW_HOSTS) to fetch from it"
                )
        return None


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's network backend, connecting only to addresses the guard allows, and to the one it checked."""

    def __init__(self, guard: Guard, *, resolve: Resolver = system_resolver) -> None:
        self.guard = guard
        self.resolve = resolve

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = [str(ipaddress.ip_address(host))]  # an address as written: nothing to resolve
        except ValueError:
            try:
                addresses = self.resolve(host, port)
            except (OSError, UnicodeError) as exc:
                raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        refusal = self.guard.refusal(host, addresses)
        if refusal:
            raise PrivateAddress(refusal)
        error: Exception = httpcore.ConnectError(f"{host} has no address")
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:  # the next address, as create_connection would
                error = exc
        raise error


def _is_network(text: str) -> bool:
    # Only with a prefix: a bare "127.0.0.1" allows links to that host as written, not "localhost".
    if "/" not in text:
        return False
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return True
