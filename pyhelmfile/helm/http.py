"""A few lines of urllib for chart repositories and OCI registries (no third-party HTTP client).

Failures to connect become one-line HelmErrors that name the URL; HTTP error statuses are
returned to the caller, which knows what a 404 means for it.
"""

from __future__ import annotations

import base64
import socket
import ssl
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from pyhelmfile.errors import HelmError

DEFAULT_TIMEOUT = 30.0


@dataclass(frozen=True)
class Response:
    url: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


def redact(url: str) -> str:
    """The URL without a password, for messages."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def _reason(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.URLError) and not isinstance(exc, urllib.error.HTTPError):
        exc = exc.reason if isinstance(exc.reason, BaseException) else exc
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return "timed out"
    if isinstance(exc, socket.gaierror):
        return "host not found"
    if isinstance(exc, ssl.SSLError):
        return f"TLS error: {exc.reason or exc}"
    if isinstance(exc, ConnectionError):
        return "connection failed: " + (exc.strerror or type(exc).__name__)
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def get(
    url: str,
    *,
    what: str,
    headers: dict[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    display: str | None = None,
) -> Response:
    """GET `url`; connection problems raise HelmError("cannot reach {what} {display or url}: ...")."""
    shown = redact(display or url)
    parts = urllib.parse.urlsplit(url)
    request_headers = {"User-Agent": "pyhelmfile", **(headers or {})}
    if parts.username is not None:
        # Basic auth from URL userinfo, as helm accepts for repositories.
        user = urllib.parse.unquote(parts.username)
        password = urllib.parse.unquote(parts.password or "")
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        request_headers.setdefault("Authorization", f"Basic {token}")
        netloc = parts.hostname or ""
        if parts.port:
            netloc += f":{parts.port}"
        url = urllib.parse.urlunsplit(parts._replace(netloc=netloc))
    request = urllib.request.Request(url, headers=request_headers, method="GET")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return Response(url, resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read())
    except urllib.error.HTTPError as exc:
        body = exc.read() if exc.fp is not None else b""
        return Response(url, exc.code, {k.lower(): v for k, v in (exc.headers or {}).items()}, body)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise HelmError(f"cannot reach {what} {shown}: {_reason(exc)}") from None
