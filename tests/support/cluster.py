"""Two real Kubernetes clusters, `stg` and `prd`, for tests (scripts/testcluster does the work).

Each is etcd + kube-apiserver + kube-controller-manager + kube-scheduler + kwok on loopback.
`running_clusters()` builds the binaries once (cached), starts both clusters in a fresh run dir,
and stops every process it started when the block ends, whatever happened inside it.
"""

from __future__ import annotations

import base64
import gzip
import json
import shutil
import tempfile
import urllib.parse
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scripts import testcluster


@dataclass(frozen=True)
class Clusters:
    """Handles to the running clusters: a kubeconfig with one context per cluster, and direct API access."""

    kubeconfig: Path
    servers: dict[str, str]
    pki: Path
    run_dir: Path
    contexts: tuple[str, ...] = ("stg", "prd")

    def env(self) -> dict[str, str]:
        return {"KUBECONFIG": str(self.kubeconfig)}

    def api(self, context: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """An HTTPS request to the context's apiserver with the kubeconfig's cluster-admin certificate."""
        status, data = testcluster.api_request(self.servers[context], self.pki, method, path, body)
        return int(status), data

    def get(self, context: str, path: str) -> Any:
        """GET that must succeed; None for 404 (object absent)."""
        status, data = self.api(context, "GET", path)
        if status == 404:
            return None
        assert status == 200, f"GET {path} on {context}: {status} {data}"
        return data

    def helm_releases(self, context: str, namespace: str, name: str) -> dict[int, dict[str, Any]]:
        """Helm's release Secrets for one release, by revision: labels, type and the decoded release JSON."""
        selector = urllib.parse.quote(f"owner=helm,name={name}")
        listing = self.get(context, f"/api/v1/namespaces/{namespace}/secrets?labelSelector={selector}")
        releases: dict[int, dict[str, Any]] = {}
        for item in (listing or {}).get("items", []):
            labels = item["metadata"]["labels"]
            releases[int(labels["version"])] = {
                "secret": item["metadata"]["name"],
                "type": item["type"],
                "labels": labels,
                "release": decode_release(item["data"]["release"]),
            }
        return releases


def decode_release(data: str) -> dict[str, Any]:
    """Secret data (base64) -> helm's own base64 -> gzip -> JSON."""
    payload = base64.b64decode(base64.b64decode(data))
    decoded: dict[str, Any] = json.loads(gzip.decompress(payload))
    return decoded


def _uncaptured(config: Any) -> AbstractContextManager[None]:
    """A first build takes minutes: show its progress even though pytest captures fixture output."""
    capman = config.pluginmanager.getplugin("capturemanager") if config is not None else None
    if capman is None:
        return nullcontext()
    ctx: AbstractContextManager[None] = capman.global_and_fixture_disabled()
    return ctx


@contextmanager
def running_clusters(run_dir: Path | None = None, *, config: Any = None) -> Iterator[Clusters]:
    """Build (cached) and start `stg` and `prd`; stop all their processes and remove run_dir afterwards.

    `config` is pytest's config object, only used to let build progress through output capture.
    """
    tc = testcluster
    with _uncaptured(config):
        bins = tc.ensure_binaries()
    run_dir = Path(tempfile.mkdtemp(prefix="pyhelmfile-clusters-")) if run_dir is None else run_dir
    try:
        # die_with_parent: the components get SIGTERM even if this process is killed outright.
        state = tc.start_clusters(run_dir, bins, die_with_parent=True)
        yield Clusters(
            kubeconfig=Path(state.kubeconfig),
            servers={name: info.server for name, info in state.clusters.items()},
            pki=state.pki,
            run_dir=run_dir,
            contexts=tuple(state.clusters),
        )
    finally:
        started = tc.State.load(run_dir)
        if started is not None:
            tc.stop_clusters(started)
        shutil.rmtree(run_dir, ignore_errors=True)
