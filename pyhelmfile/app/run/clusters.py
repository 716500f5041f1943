"""Releases meet clusters: which kube context and namespace each release goes to, and what is there.

A release's context comes from state/kubecontext.py (the one place it is worked out), else
the kubeconfig's current context. A safety rule helmfile lacks: a named context missing from
the kubeconfig stops the run before any change.
Deployed releases are read once per (context, namespace) per run.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pyhelmfile.app.run.options import RunOptions
from pyhelmfile.helm.exec import Helm
from pyhelmfile.state import kubecontext
from pyhelmfile.state.loader import HelmState
from pyhelmfile.state.spec import ReleaseSpec, release_id

if TYPE_CHECKING:
    from pyhelmfile.kube.client import KubeClient
    from pyhelmfile.kube.config import KubeConfig
    from pyhelmfile.kube.releases import DeployedRelease


@dataclass
class Target:
    """One release of one state, placed: the context and namespace helm and the API will use."""

    st: HelmState
    release: ReleaseSpec
    context: str  # '' only when the kubeconfig's current context is meant and it has none
    namespace: str

    @property
    def id(self) -> str:
        return release_id(self.release)

    @property
    def name(self) -> str:
        return self.release.name

    def where(self) -> str:
        return f"{self.namespace}@{self.context}" if self.context else self.namespace


class Clusters:
    """Kube contexts and what they run, for one command run (thread-safe, cached)."""

    def __init__(self, opts: RunOptions) -> None:
        self.opts = opts
        self._config: KubeConfig | None = None
        self._clients: dict[str, KubeClient] = {}
        self._deployed: dict[tuple[str, str], dict[str, DeployedRelease]] = {}
        self._capabilities: dict[str, tuple[str, list[str]]] = {}
        self._lock = threading.Lock()
        self._group_locks: dict[tuple[str, str], threading.Lock] = {}

    @property
    def config(self) -> KubeConfig:
        if self._config is None:
            from pyhelmfile.kube.config import load_kubeconfig

            self._config = load_kubeconfig(self.opts.kubeconfig)
        return self._config

    def place(self, st: HelmState, release: ReleaseSpec) -> Target:
        """Resolve and check a release's context; raise before anything has been changed."""
        context = kubecontext.for_release(release, st.env, st.spec.helm_defaults)
        ctx = self.config.context(context)  # raises when a named context is missing
        namespace = release.namespace or ctx.namespace or "default"
        return Target(st, release, ctx.name, namespace)

    def client(self, context: str) -> KubeClient:
        with self._lock:
            client = self._clients.get(context)
            if client is None:
                from pyhelmfile.kube.client import KubeClient

                client = KubeClient(self.config.credentials(context), context)
                self._clients[context] = client
            return client

    def deployed(self, target: Target) -> DeployedRelease | None:
        """The release's newest live revision, or None; one list per (context, namespace) per run."""
        from pyhelmfile.kube.releases import list_releases

        key = (target.context, target.namespace)
        with self._lock:
            group_lock = self._group_locks.setdefault(key, threading.Lock())
        with group_lock:
            if key not in self._deployed:
                self._deployed[key] = list_releases(self.client(target.context), target.namespace)
            return self._deployed[key].get(target.name)

    def forget(self, target: Target) -> None:
        """The namespace changed (after an upgrade or uninstall): read it again next time."""
        with self._lock:
            self._deployed.pop((target.context, target.namespace), None)

    def capabilities(self, context: str) -> tuple[str, list[str]]:
        """(kube version, API versions) as helm would see them on this cluster; cached per run."""
        from pyhelmfile.kube.releases import api_versions, server_version

        with self._lock:
            cached = self._capabilities.get(context)
        if cached is None:
            client = self.client(context)
            cached = (server_version(client), api_versions(client))
            with self._lock:
                self._capabilities[context] = cached
        return cached

    def close(self) -> None:
        for client in self._clients.values():
            client.close()


def helm_in(helm: Helm, target: Target) -> Helm:
    """The run's helm, pointed at the target's context."""
    return dataclasses.replace(helm, kube_context=target.context) if target.context else helm
