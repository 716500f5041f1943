"""The real helm 3.15.3 and helm 4.1.4 against the real `stg` and `prd` test clusters.

A small chart (Deployment + ConfigMap + Secret) goes through install -> upgrade -> rollback ->
uninstall in each context. Objects and helm's release Secrets are read back through the API,
and a release in one context must not show up in the other.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from scripts import testcluster
from tests.support.cluster import Clusters
from tests.support.differential import tmp_env
from tests.support.toolchain import Toolchain

pytestmark = pytest.mark.cluster
ROOT = Path(__file__).resolve().parents[2]

CHART_YAML = """\
apiVersion: v2
name: demo
version: 0.1.0
appVersion: "1.0"
"""

VALUES_YAML = """\
replicas: 2
message: hello
password: s3cret
"""

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  labels:
    app: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels:
      app: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app: {{ .Release.Name }}
      annotations:
        # A new ReplicaSet (and new pods that must become Ready) whenever the config changes.
        checksum/config: {{ .Values.message | sha256sum }}
    spec:
      containers:
        - name: app
          image: registry.invalid/demo:{{ .Chart.AppVersion }}
          envFrom:
            - configMapRef:
                name: {{ .Release.Name }}
            - secretRef:
                name: {{ .Release.Name }}
"""

CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}
data:
  message: {{ .Values.message | quote }}
"""

SECRET = """\
apiVersion: v1
kind: Secret
metadata:
  name: {{ .Release.Name }}
type: Opaque
stringData:
  password: {{ .Values.password | quote }}
"""


def write_chart(root: Path) -> Path:
    chart = root / "demo"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text(CHART_YAML)
    (chart / "values.yaml").write_text(VALUES_YAML)
    for name, text in {"deployment.yaml": DEPLOYMENT, "configmap.yaml": CONFIGMAP, "secret.yaml": SECRET}.items():
        (chart / "templates" / name).write_text(text)
    return chart


@dataclass(frozen=True)
class Helm:
    """One helm binary aimed at one context of the test kubeconfig, with its own helm home dirs."""

    binary: str
    context: str
    namespace: str
    env: dict[str, str]

    def __call__(self, *args: str) -> str:
        argv = [self.binary, "--kube-context", self.context, "--namespace", self.namespace, *args]
        proc = subprocess.run(argv, env=self.env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, f"{' '.join(argv)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
        return proc.stdout


def kubectl_json(tools: Toolchain, clusters: Clusters, context: str, *args: str) -> Any:
    argv = [tools.kubectl, "--kubeconfig", str(clusters.kubeconfig), "--context", context, *args, "-o", "json"]
    proc = subprocess.run(argv, env=tools.env(), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, f"{' '.join(argv)}: {proc.stderr}"
    return json.loads(proc.stdout)


def release_statuses(clusters: Clusters, context: str, namespace: str, name: str) -> dict[int, str]:
    """Revision -> status label, checking that each is a genuine helm release Secret on the way."""
    releases = clusters.helm_releases(context, namespace, name)
    for revision, rel in releases.items():
        assert rel["secret"] == f"sh.helm.release.v1.{name}.v{revision}"
        assert rel["type"] == "helm.sh/release.v1"
        assert rel["labels"]["owner"] == "helm"
        assert rel["labels"]["name"] == name
        assert rel["release"]["name"] == name
        assert rel["release"]["namespace"] == namespace
        assert rel["release"]["version"] == revision
        assert rel["release"]["info"]["status"] == rel["labels"]["status"]
    return {revision: rel["labels"]["status"] for revision, rel in releases.items()}


def assert_deployed(tools: Toolchain, clusters: Clusters, context: str, ns: str, name: str, message: str) -> None:
    """The chart's objects exist with the values of `message`, and the Deployment's pods are Ready."""
    deployment = kubectl_json(tools, clusters, context, "-n", ns, "get", "deployment", name)
    assert deployment["status"].get("readyReplicas") == 2, deployment["status"]
    assert deployment["status"].get("updatedReplicas") == 2, deployment["status"]
    assert deployment["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "Helm"
    assert deployment["metadata"]["annotations"]["meta.helm.sh/release-name"] == name
    pods = kubectl_json(tools, clusters, context, "-n", ns, "get", "pods", "-l", f"app={name}")["items"]
    ready = [p for p in pods if p["metadata"].get("deletionTimestamp") is None and is_ready(p)]
    assert len(ready) >= 2, [p["status"] for p in pods]
    assert all(p["spec"]["nodeName"] == "kwok-node-0" for p in ready)
    configmap = clusters.get(context, f"/api/v1/namespaces/{ns}/configmaps/{name}")
    assert configmap["data"] == {"message": message}
    secret = clusters.get(context, f"/api/v1/namespaces/{ns}/secrets/{name}")
    assert base64.b64decode(secret["data"]["password"]) == b"s3cret"


def is_ready(pod: dict[str, Any]) -> bool:
    conditions = pod.get("status", {}).get("conditions", [])
    return any(c["type"] == "Ready" and c["status"] == "True" for c in conditions)


def assert_gone(clusters: Clusters, context: str, ns: str, name: str) -> None:
    for path in (f"apis/apps/v1/namespaces/{ns}/deployments", f"api/v1/namespaces/{ns}/configmaps"):
        assert clusters.get(context, f"/{path}/{name}") is None, f"{path}/{name} still exists in {context}"
    assert clusters.get(context, f"/api/v1/namespaces/{ns}/secrets/{name}") is None
    assert clusters.helm_releases(context, ns, name) == {}


def wait_until_no_pods(clusters: Clusters, context: str, ns: str, name: str, timeout: float = 90) -> None:
    """Garbage collection (controller-manager) removes the ReplicaSets, kwok's pod-delete stage the pods."""
    deadline = time.monotonic() + timeout
    while True:
        pods = clusters.get(context, f"/api/v1/namespaces/{ns}/pods?labelSelector=app%3D{name}")
        if not pods["items"]:
            return
        assert time.monotonic() < deadline, (
            f"pods of {name} still there: {[p['metadata']['name'] for p in pods['items']]}"
        )
        time.sleep(0.5)


@pytest.mark.parametrize("context", ["stg", "prd"])
@pytest.mark.parametrize("helm_name", ["helm3", "helm4"])
def test_release_lifecycle(tools: Toolchain, clusters: Clusters, tmp_path: Path, helm_name: str, context: str) -> None:
    other = next(c for c in clusters.contexts if c != context)
    name, ns = f"demo-{helm_name}-{context}", f"lifecycle-{helm_name}"
    chart = str(write_chart(tmp_path))
    helm = Helm(getattr(tools, helm_name), context, ns, tools.env(**tmp_env(tmp_path), **clusters.env()))

    # --wait needs the Deployment's pods Ready: scheduler places them on the kwok node, kwok readies them.
    helm("install", name, chart, "--create-namespace", "--wait", "--timeout", "3m", "--set", "message=v1")
    assert release_statuses(clusters, context, ns, name) == {1: "deployed"}
    assert_deployed(tools, clusters, context, ns, name, "v1")
    assert clusters.helm_releases(other, ns, name) == {}, f"release installed in {context} shows up in {other}"
    assert clusters.get(other, f"/apis/apps/v1/namespaces/{ns}/deployments/{name}") is None

    helm("upgrade", name, chart, "--wait", "--timeout", "3m", "--set", "message=v2")
    assert release_statuses(clusters, context, ns, name) == {1: "superseded", 2: "deployed"}
    assert_deployed(tools, clusters, context, ns, name, "v2")

    helm("rollback", name, "1", "--wait", "--timeout", "3m")
    assert release_statuses(clusters, context, ns, name) == {1: "superseded", 2: "superseded", 3: "deployed"}
    assert clusters.helm_releases(context, ns, name)[3]["release"]["config"] == {"message": "v1"}
    assert_deployed(tools, clusters, context, ns, name, "v1")
    history = json.loads(helm("history", name, "-o", "json"))
    assert [(h["revision"], h["status"]) for h in history] == [(1, "superseded"), (2, "superseded"), (3, "deployed")]

    helm("uninstall", name, "--wait", "--timeout", "3m")
    assert_gone(clusters, context, ns, name)
    wait_until_no_pods(clusters, context, ns, name)
    assert json.loads(helm("list", "-o", "json")) == []


def test_contexts_are_separate_clusters(tools: Toolchain, clusters: Clusters) -> None:
    """Two apiservers with their own etcd: distinct servers, each with its own default namespace and node."""
    assert clusters.contexts == ("stg", "prd")
    assert clusters.servers["stg"] != clusters.servers["prd"]
    uids = set()
    for context in clusters.contexts:
        version = clusters.get(context, "/version")
        assert version["gitVersion"] == "v1.33.13"
        uids.add(kubectl_json(tools, clusters, context, "get", "namespace", "default")["metadata"]["uid"])
        nodes = kubectl_json(tools, clusters, context, "get", "nodes")["items"]
        assert [n["metadata"]["name"] for n in nodes] == ["kwok-node-0"]
    assert len(uids) == 2


def run_testcluster(run_dir: Path, command: str) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, str(ROOT / "scripts" / "testcluster"), command, "--run-dir", str(run_dir)]
    return subprocess.run(argv, capture_output=True, text=True, timeout=3600)


def test_cli_up_reuses_healthy_clusters_and_down_stops_its_pids(tools: Toolchain, tmp_path: Path) -> None:
    """`make cluster-up` / `cluster-down` as a developer uses them, in a private run dir."""
    run_dir = tmp_path / "run"
    try:
        first = run_testcluster(run_dir, "up")
        assert first.returncode == 0, first.stderr
        assert first.stdout.strip() == str(run_dir / "kubeconfig")
        procs = [testcluster.Proc(**p) for p in json.loads((run_dir / "state.json").read_text())["processes"]]
        assert sorted(p.name for p in procs) == sorted(
            f"{c}/{k}" for c in ("stg", "prd") for k in testcluster.COMPONENTS
        )

        again = run_testcluster(run_dir, "up")
        assert again.returncode == 0, again.stderr
        assert again.stdout == first.stdout
        reused = [testcluster.Proc(**p) for p in json.loads((run_dir / "state.json").read_text())["processes"]]
        assert reused == procs, "a second `up` must reuse healthy clusters, not restart them"

        assert run_testcluster(run_dir, "status").returncode == 0
        assert run_testcluster(run_dir, "kubeconfig").stdout.strip() == str(run_dir / "kubeconfig")
        kubeconfig = str(run_dir / "kubeconfig")
        for context in ("stg", "prd"):
            argv = [tools.kubectl, "--kubeconfig", kubeconfig, "--context", context, "get", "--raw", "/readyz"]
            assert subprocess.run(argv, capture_output=True, text=True, timeout=60).stdout == "ok"
    finally:
        down = run_testcluster(run_dir, "down")
    assert down.returncode == 0, down.stderr
    assert not run_dir.exists()
    assert [p.name for p in procs if testcluster.alive(p)] == []
    assert run_testcluster(run_dir, "status").returncode == 1
