"""Reading kubeconfig files the way kubectl and helm do.

`$KUBECONFIG` may list several files: the first file that names a cluster, user or context
wins, and the first `current-context` wins. Relative certificate paths are relative to the
file that names them. Only what talking to an API server needs is kept.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass, field
from typing import Any

from pyhelmfile.errors import KubeError


@dataclass(frozen=True)
class Credentials:
    """Where a connection gets its server, trust and identity from (bytes are PEM)."""

    server: str
    ca: bytes | None = None
    insecure: bool = False
    client_cert: bytes | None = None
    client_key: bytes | None = None
    token: str = ""
    token_file: str = ""
    username: str = ""
    password: str = ""
    exec_config: dict[str, Any] | None = None
    tls_server_name: str = ""


@dataclass(frozen=True)
class Context:
    name: str
    cluster: str
    user: str
    namespace: str = ""


@dataclass
class KubeConfig:
    paths: list[str]
    contexts: dict[str, Context] = field(default_factory=dict)
    clusters: dict[str, tuple[dict[str, Any], str]] = field(default_factory=dict)  # name -> (entry, file's dir)
    users: dict[str, tuple[dict[str, Any], str]] = field(default_factory=dict)
    current_context: str = ""

    def context(self, name: str = "") -> Context:
        """The named context, or the current one; a missing context is an error naming the files."""
        wanted = name or self.current_context
        if not wanted:
            raise KubeError(f"no kube context given and no current-context in {self.describe()}")
        ctx = self.contexts.get(wanted)
        if ctx is None:
            known = ", ".join(sorted(self.contexts)) or "none"
            raise KubeError(f'kube context "{wanted}" not found in {self.describe()} (contexts: {known})')
        return ctx

    def has_context(self, name: str) -> bool:
        return name in self.contexts

    def describe(self) -> str:
        return "kubeconfig " + (":".join(self.paths) if self.paths else "(none found)")

    def credentials(self, context_name: str = "") -> Credentials:
        ctx = self.context(context_name)
        if ctx.cluster not in self.clusters:
            raise KubeError(f'kube context "{ctx.name}": cluster "{ctx.cluster}" not found in {self.describe()}')
        cluster, cluster_dir = self.clusters[ctx.cluster]
        user, user_dir = self.users.get(ctx.user, ({}, ""))
        server = str(cluster.get("server") or "")
        if not server:
            raise KubeError(f'kube context "{ctx.name}": cluster "{ctx.cluster}" has no server')
        return Credentials(
            server=server.rstrip("/"),
            ca=_material(cluster, "certificate-authority", cluster_dir),
            insecure=bool(cluster.get("insecure-skip-tls-verify")),
            client_cert=_material(user, "client-certificate", user_dir),
            client_key=_material(user, "client-key", user_dir),
            token=str(user.get("token") or ""),
            token_file=_path(str(user.get("tokenFile") or ""), user_dir),
            username=str(user.get("username") or ""),
            password=str(user.get("password") or ""),
            exec_config=user.get("exec") if isinstance(user.get("exec"), dict) else None,
            tls_server_name=str(cluster.get("tls-server-name") or ""),
        )


def _path(path: str, base: str) -> str:
    if not path:
        return ""
    path = os.path.expanduser(path)
    return path if os.path.isabs(path) else os.path.join(base, path)


def _material(entry: dict[str, Any], key: str, base: str) -> bytes | None:
    """`<key>-data` (base64) or the file `<key>` names."""
    data = entry.get(f"{key}-data")
    if data:
        try:
            return base64.b64decode(str(data))
        except ValueError:
            raise KubeError(f"{key}-data is not valid base64") from None
    path = entry.get(key)
    if path:
        try:
            with open(_path(str(path), base), "rb") as fh:
                return fh.read()
        except OSError as exc:
            raise KubeError(f"reading {key} {path}: {exc.strerror}") from None
    return None


def kubeconfig_paths(explicit: str = "") -> list[str]:
    if explicit:
        return [explicit]
    env = os.environ.get("KUBECONFIG", "")
    if env:
        return [p for p in env.split(os.pathsep) if p]
    return [os.path.join(os.path.expanduser("~"), ".kube", "config")]


def load_kubeconfig(explicit: str = "") -> KubeConfig:
    """The merged kubeconfig; files listed in $KUBECONFIG that do not exist are ignored, as kubectl does."""
    import yaml

    paths = kubeconfig_paths(explicit)
    config = KubeConfig(paths=[])
    for path in paths:
        try:
            with open(path, encoding="utf-8") as fh:
                doc = yaml.safe_load(fh) or {}
        except FileNotFoundError:
            if explicit:
                raise KubeError(f"kubeconfig {path} not found") from None
            continue
        except OSError as exc:
            raise KubeError(f"reading kubeconfig {path}: {exc.strerror}") from None
        except yaml.YAMLError as exc:
            raise KubeError(f"kubeconfig {path} is not valid YAML: {exc}") from None
        if not isinstance(doc, dict):
            raise KubeError(f"kubeconfig {path} is not a map")
        config.paths.append(path)
        base = os.path.dirname(os.path.abspath(path))
        for item in doc.get("clusters") or []:
            if isinstance(item, dict) and item.get("name") and item["name"] not in config.clusters:
                config.clusters[str(item["name"])] = (item.get("cluster") or {}, base)
        for item in doc.get("users") or []:
            if isinstance(item, dict) and item.get("name") and item["name"] not in config.users:
                config.users[str(item["name"])] = (item.get("user") or {}, base)
        for item in doc.get("contexts") or []:
            if isinstance(item, dict) and item.get("name") and item["name"] not in config.contexts:
                ctx = item.get("context") or {}
                config.contexts[str(item["name"])] = Context(
                    name=str(item["name"]),
                    cluster=str(ctx.get("cluster") or ""),
                    user=str(ctx.get("user") or ""),
                    namespace=str(ctx.get("namespace") or ""),
                )
        if not config.current_context and doc.get("current-context"):
            config.current_context = str(doc["current-context"])
    return config
