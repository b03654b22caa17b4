"""Which address a request comes from, behind a load balancer.

werkzeug's ``ProxyFix`` rewrites the request's address, scheme and host from the
``X-Forwarded-*`` headers. Those headers are only as true as whoever set them: a client can
send its own ``X-Forwarded-For`` to dodge the login throttle or forge the audit log's
address. So they are believed only from a proxy the clinic named (``TRUSTED_PROXIES``), and
from the right: each trusted proxy appends the address it saw, so the client's address is
the right-most entry that is not itself a trusted proxy; anything left of it is whatever
the client sent and is ignored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from werkzeug.middleware.proxy_fix import ProxyFix

# More hops than any clinic's chain of proxies; a longer header is not walked further.
MAX_HOPS = 5


class TrustedProxies:
    """WSGI middleware: ``ProxyFix`` for requests whose peer is a trusted proxy, no change
    for any other request (its forwarding headers are ignored)."""

    def __init__(self, wsgi_app: Any, trusted: Iterable[str]) -> None:
        self._app = wsgi_app
        self._trusted = tuple(ipaddress.ip_network(n, strict=False) for n in trusted)
        # The scheme and host are the nearest proxy's (it terminates TLS); the address is
        # taken as many hops back as there are trusted proxies in the chain.
        self._by_hops = {hops: ProxyFix(wsgi_app, x_for=hops, x_proto=1, x_host=1, x_port=1)
                         for hops in range(1, MAX_HOPS + 1)}

    def is_trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address.strip())
        except ValueError:
            return False
        return any(ip in network for network in self._trusted)

    def hops(self, environ: dict[str, Any]) -> int:
        """How many entries of X-Forwarded-For to believe, from the right (0: none)."""
        if not self.is_trusted(environ.get("REMOTE_ADDR", "")):
            return 0
        forwarded = [a for a in environ.get("HTTP_X_FORWARDED_FOR", "").split(",")
                     if a.strip()]
        hops = 1
        while hops < min(len(forwarded), MAX_HOPS) and self.is_trusted(forwarded[-hops]):
            hops += 1
        return hops

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        hops = self.hops(environ)
        app = self._by_hops[hops] if hops else self._app
        return app(environ, start_response)
