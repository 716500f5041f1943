"""OCI registries as chart repositories: list a chart's tags through the distribution API.

`oci://host[:port]/path` with chart NAME is the repository `path/NAME` on `host`; helm stores
a chart version's `+` as `_` in the tag. Anonymous access, including the bearer-token
challenge that public registries answer with; `plain_http` talks HTTP instead of HTTPS
(helm's `--plain-http`, for a local registry). Credentials saved by `helm registry login`
(helm's registry config.json, docker's format) are used when the registry asks for them.
"""

from __future__ import annotations

import base64
import json
import re
import urllib.parse
from dataclasses import dataclass

from pyhelmfile.errors import HelmError
from pyhelmfile.helm import http
from pyhelmfile.helm.paths import registry_config


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


def basic_credentials(host: str) -> str | None:
    """The base64 `user:password` that `helm registry login HOST` saved, if any."""
    try:
        auths = json.loads(registry_config().read_text()).get("auths", {})
    except (OSError, ValueError, AttributeError):
        return None
    for key in (host, f"https://{host}", f"http://{host}"):
        entry = auths.get(key) if isinstance(auths, dict) else None
        if isinstance(entry, dict):
            if entry.get("auth"):
                return str(entry["auth"])
            if entry.get("username") and entry.get("password"):
                return base64.b64encode(f"{entry['username']}:{entry['password']}".encode()).decode()
    return None


def _authorization(challenge: str, basic: str | None) -> str | None:
    """The Authorization header answering a WWW-Authenticate challenge, or None."""
    scheme = challenge.split(" ", 1)[0].lower()
    if scheme == "basic":
        return f"Basic {basic}" if basic else None
    if scheme != "bearer":
        return None
    params = dict(_CHALLENGE.findall(challenge))
    realm = params.pop("realm", "")
    if not realm:
        return None
    query = urllib.parse.urlencode({k: v for k, v in params.items() if k in ("service", "scope")})
    headers = {"Authorization": f"Basic {basic}"} if basic else {}
    resp = http.get(f"{realm}?{query}" if query else realm, what="OCI registry", headers=headers)
    if resp.status != 200:
        return None
    try:
        data = json.loads(resp.body)
    except ValueError:
        return None
    token = data.get("token") or data.get("access_token")
    return f"Bearer {token}" if token else None


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
            authorization = _authorization(resp.header("www-authenticate"), basic_credentials(ref.host))
            if authorization is None:
                raise HelmError(f"OCI registry {ref.url()} requires authentication (helm registry login {ref.host})")
            headers["Authorization"] = authorization
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
