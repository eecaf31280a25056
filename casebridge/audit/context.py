"""Where the current request came from, so services can audit without being handed the request."""

import ipaddress
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest

client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)


def client_address(request: HttpRequest) -> str | None:
    """The address of the client that sent the request.

    The peer's address (REMOTE_ADDR), unless the peer is one of CASEBRIDGE_TRUSTED_PROXIES: then
    the nearest address in X-Forwarded-For that is not a trusted proxy, the one our own proxy saw.
    Whatever is left of it was written by the client, and from any other peer the header is
    ignored, so no client can choose the address it is throttled and audited by.
    """
    peer = request.META.get("REMOTE_ADDR") or None
    if not _is_trusted_proxy(peer):
        return peer
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed(hops):
        if not _is_trusted_proxy(hop):
            return hop if _address(hop) else peer
    return peer


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _is_trusted_proxy(text: str | None) -> bool:
    address = _address(text or "")
    return address is not None and any(
        address in ipaddress.ip_network(proxy, strict=False)
        for proxy in settings.CASEBRIDGE_TRUSTED_PROXIES
    )
