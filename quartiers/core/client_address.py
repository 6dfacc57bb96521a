"""The address of the client a request comes from, for every throttle (login, ProConnect
callback, API and « Vérifier une adresse » rate limits).

Without a proxy, it is REMOTE_ADDR. Behind reverse proxies, REMOTE_ADDR is the nearest proxy's:
settings.TRUSTED_PROXIES lists the proxies (addresses or CIDR networks) whose X-Forwarded-For
header is believed. The header is read **right to left**, each trusted proxy having appended
the address it received the request from; the first address that is not a trusted proxy is
the client. Anything to the left of it was written by the client itself and is ignored (a
client cannot pick its own address by sending the header). With no trusted proxy (the
default), the header is never read. Documented in docs/operations.md.
"""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES : « {entry} » n'est ni une adresse IP ni un réseau CIDR."
            ) from exc
    return tuple(networks)


def trusted_proxies() -> tuple[Network, ...]:
    """settings.TRUSTED_PROXIES parsed (read on each call: override_settings works)."""
    entries = getattr(settings, "TRUSTED_PROXIES", ()) or ()
    return _networks(tuple(str(e) for e in entries if str(e).strip()))


def _parse(text: str) -> Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[::1]:1234"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "192.0.2.1:1234"
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == n.version and address in n for n in networks)


def client_address(request: HttpRequest | None) -> str:
    """The client's address as text ("-" when unknown)."""
    if request is None:
        return "-"
    remote_text = request.META.get("REMOTE_ADDR", "") or ""
    remote = _parse(remote_text)
    if remote is None:
        return remote_text or "-"
    networks = trusted_proxies()
    if not networks or not _trusted(remote, networks):
        return str(remote)
    client = remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([part for part in forwarded.split(",") if part.strip()]):
        address = _parse(hop)
        if address is None:
            break  # garbage left of the last trusted hop: that hop saw the client
        client = address
        if not _trusted(address, networks):
            break
    return str(client)
