"""OCI registries as chart repositories: list a chart's tags through the distribution API.

`oci://host[:port]/path` with chart NAME is the repository `path/NAME` on `host`; helm stores
a chart version's `+` as `_` in the tag. Anonymous access, including the bearer-token
challenge that public registries answer with; `plain_http` talks HTTP instead of HTTPS
(helm's `--plain-http`, for a local registry).
"""

from __future__ import annotations

import json
import re
import urllib.parse
from dataclasses import dataclass

from pyhelmfile.errors import HelmError
from pyhelmfile.helm import http


@dataclass(frozen=True)
class OciRef:
    host: str  # host[:port]
    path: str  # repository path under the host, no leading/trailing "/"

    @classmethod
    def parse(cls, url: str) -> OciRef:
        if not url.startswith("oci://"):
            raise HelmError(f"not an oci:// URL: {url}")
        rest = url[len("oci://") :].strip("/")
        host, _, path = rest.partition("/")
        if not host:
            raise HelmError(f"oci URL has no host: {url}")
        return cls(host, path)

    def repository(self, chart: str) -> str:
        return f"{self.path}/{chart}" if self.path else chart

    def url(self) -> str:
        return f"oci://{self.host}" + (f"/{self.path}" if self.path else "")


def tag_to_version(tag: str) -> str:
    return tag.replace("_", "+")


def version_to_tag(version: str) -> str:
    return version.replace("+", "_")


_CHALLENGE = re.compile(r'(\w+)="([^"]*)"')
_NEXT = re.compile(r"<([^>]+)>\s*;\s*rel=\"?next\"?")


def _bearer_token(challenge: str, *, repo_url: str) -> str | None:
    """Anonymous token for a `WWW-Authenticate: Bearer realm=...` challenge, or None."""
    if not challenge.lower().startswith("bearer "):
        return None
    params = dict(_CHALLENGE.findall(challenge))
    realm = params.pop("realm", "")
    if not realm:
        return None
    query = urllib.parse.urlencode({k: v for k, v in params.items() if k in ("service", "scope")})
    resp = http.get(f"{realm}?{query}" if query else realm, what="OCI registry", headers={})
    if resp.status != 200:
        return None
    try:
        data = json.loads(resp.body)
    except ValueError:
        return None
    token = data.get("token") or data.get("access_token")
    return str(token) if token else None


def list_tags(ref: OciRef, chart: str, *, plain_http: bool = False) -> list[str]:
    """All tags of `chart` in the registry; [] when the registry has no such repository."""
    scheme = "http" if plain_http else "https"
    base = f"{scheme}://{ref.host}"
    url: str | None = f"{base}/v2/{ref.repository(chart)}/tags/list?n=1000"
    headers: dict[str, str] = {"Accept": "application/json"}
    tags: list[str] = []
    while url:
        resp = http.get(url, what="OCI registry", headers=headers, display=ref.url())
        if resp.status == 401 and "Authorization" not in headers:
            token = _bearer_token(resp.header("www-authenticate"), repo_url=ref.url())
            if token is None:
                raise HelmError(f"OCI registry {ref.url()} requires authentication")
            headers["Authorization"] = f"Bearer {token}"
            continue
        if resp.status == 404:
            return tags
        if resp.status in (401, 403):
            raise HelmError(f"OCI registry {ref.url()}: access denied (HTTP {resp.status})")
        if resp.status != 200:
            raise HelmError(f"OCI registry {ref.url()}: listing tags of {chart} failed (HTTP {resp.status})")
        try:
            data = json.loads(resp.body)
        except ValueError:
            raise HelmError(f"OCI registry {ref.url()}: tags list of {chart} is not JSON") from None
        tags.extend(str(t) for t in (data.get("tags") or []))
        match = _NEXT.search(resp.header("link"))
        url = urllib.parse.urljoin(base, match.group(1)) if match else None
    return tags
