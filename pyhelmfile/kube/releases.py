"""What is deployed: helm's release records, read straight from the API.

helm 3 and 4 keep each revision in a Secret `sh.helm.release.v1.NAME.vN` labelled
owner=helm, name, status, version; its `release` field is base64 (helm's) of gzipped JSON,
inside the Secret's own base64. One list per namespace answers for every release in it.
Superseded revisions are left out by the label selector, so the list stays small however
long the history.
"""

from __future__ import annotations

import base64
import gzip
import json
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from pyhelmfile.errors import KubeError
from pyhelmfile.kube.client import KubeClient

_LIVE = "owner=helm,status notin (superseded,uninstalled)"
_DISCOVERY_V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"


@dataclass
class DeployedRelease:
    name: str
    namespace: str
    revision: int
    status: str
    chart_name: str
    chart_version: str
    app_version: str
    config: dict[str, Any]
    manifest: str
    chart_values: dict[str, Any] = field(default_factory=dict)  # the deployed chart's own values.yaml
    hooks: list[dict[str, Any]] = field(default_factory=list)
    updated: str = ""

    @property
    def chart(self) -> str:
        return f"{self.chart_name}-{self.chart_version}"

    def full_manifest(self) -> str:
        """The manifest plus every hook's, as `helm template` prints them (each with its Source line)."""
        parts = [self.manifest.rstrip("\n")] if self.manifest.strip() else []
        for hook in self.hooks:
            text = str(hook.get("manifest") or "").strip("\n")
            if text.startswith("---"):
                text = text.split("\n", 1)[1] if "\n" in text else ""
            if not text.lstrip().startswith("# Source:") and hook.get("path"):
                text = f"# Source: {hook['path']}\n{text}"
            parts.append("---\n" + text)
        return "\n".join(parts) + "\n" if parts else ""


def decode_release(data: str) -> dict[str, Any]:
    """A release Secret's `data.release`: base64 (Kubernetes) of base64 (helm) of gzipped JSON."""
    try:
        payload = base64.b64decode(base64.b64decode(data))
        if payload[:2] == b"\x1f\x8b":
            payload = gzip.decompress(payload)
        decoded = json.loads(payload)
    except (ValueError, OSError) as exc:
        raise KubeError(f"cannot decode a helm release record: {exc}") from None
    if not isinstance(decoded, dict):
        raise KubeError("a helm release record is not a JSON object")
    return decoded


def _from_record(record: dict[str, Any]) -> DeployedRelease:
    info = record.get("info") or {}
    metadata = (record.get("chart") or {}).get("metadata") or {}
    return DeployedRelease(
        name=str(record.get("name", "")),
        namespace=str(record.get("namespace", "")),
        revision=int(record.get("version") or 0),
        status=str(info.get("status", "")),
        chart_name=str(metadata.get("name", "")),
        chart_version=str(metadata.get("version", "")),
        app_version=str(metadata.get("appVersion", "")),
        config=dict(record.get("config") or {}),
        chart_values=dict((record.get("chart") or {}).get("values") or {}),
        manifest=str(record.get("manifest") or ""),
        hooks=list(record.get("hooks") or []),
        updated=str(info.get("last_deployed", "")),
    )


def list_releases(client: KubeClient, namespace: str) -> dict[str, DeployedRelease]:
    """The newest live revision of every release in a namespace (one API call)."""
    selector = urllib.parse.quote(_LIVE, safe="=,")
    listing = client.get(f"/api/v1/namespaces/{urllib.parse.quote(namespace)}/secrets?labelSelector={selector}")
    newest: dict[str, tuple[int, str]] = {}
    for item in listing.get("items") or []:
        if item.get("type") != "helm.sh/release.v1":
            continue
        labels = (item.get("metadata") or {}).get("labels") or {}
        try:
            version = int(labels.get("version", "0"))
        except ValueError:
            continue
        name = str(labels.get("name", ""))
        data = (item.get("data") or {}).get("release")
        if name and data and version > newest.get(name, (0, ""))[0]:
            newest[name] = (version, data)
    return {name: _from_record(decode_release(data)) for name, (_, data) in newest.items()}


def server_version(client: KubeClient) -> str:
    """The API server's version as helm's Capabilities.KubeVersion shows it (e.g. v1.33.13)."""
    info = client.get("/version")
    return str(info.get("gitVersion", ""))


def api_versions(client: KubeClient) -> list[str]:
    """helm's Capabilities.APIVersions: every group/version and group/version/Kind the server serves.

    Aggregated discovery (Kubernetes 1.26+) answers with two requests instead of one per group.
    """
    found: list[str] = []
    for path in ("/api", "/apis"):
        doc = client.get(path, accept=f"{_DISCOVERY_V2},application/json")
        if doc.get("kind") != "APIGroupDiscoveryList":
            return _legacy_api_versions(client)
        for group in doc.get("items") or []:
            name = str((group.get("metadata") or {}).get("name", ""))
            for version in group.get("versions") or []:
                gv = f"{name}/{version['version']}" if name else str(version["version"])
                found.append(gv)
                for resource in version.get("resources") or []:
                    kind = (resource.get("responseKind") or {}).get("kind")
                    if kind:
                        found.append(f"{gv}/{kind}")
    return sorted(set(found))


def _legacy_api_versions(client: KubeClient) -> list[str]:
    """Older servers: group/versions only (kinds would cost one request per group)."""
    found = [str(v) for v in client.get("/api").get("versions") or []]
    for group in client.get("/apis").get("groups") or []:
        found += [str(v["groupVersion"]) for v in group.get("versions") or []]
    return sorted(set(found))
