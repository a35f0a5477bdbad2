"""The address of the person behind a request, for the login lock-out (django-axes).

Behind the shipped nginx every request reaches gunicorn from 127.0.0.1, so ``REMOTE_ADDR`` names
the proxy, not the person. nginx appends the address it saw to ``X-Forwarded-For``
(``$proxy_add_x_forwarded_for``); whatever stands left of that came from the client and may be
forged. So with ``TRUSTED_PROXY_COUNT`` proxies in front of the portal, the client is the
``TRUSTED_PROXY_COUNT``-th address from the right of ``X-Forwarded-For``, and never one further
left. With no trusted proxy (the default) the header is ignored and ``REMOTE_ADDR`` counts.

django-axes 8.3 can do this through the optional django-ipware package (``AXES_IPWARE_PROXY_COUNT``);
this dozen lines, plugged in with axes' ``AXES_CLIENT_IP_CALLABLE``, saves two dependencies and
states the rule where it can be read and tested.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address, taken from ``X-Forwarded-For`` only as far as trusted proxies set it."""
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        # Not every trusted proxy added its entry: the request did not come through them.
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
