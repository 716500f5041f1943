"""The two clusters, `stg` and `prd`: their state.json, each component's command line, start-up in
phases (both clusters at once), health, and `up`/`down`."""

from __future__ import annotations

import json
import os
import shutil
import ssl
import time
import urllib.error
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from scripts.testcluster.api import api_request, http_ok
from scripts.testcluster.build import Binaries, cache_root, ensure_binaries
from scripts.testcluster.common import ClusterError, log
from scripts.testcluster.pki import kubeconfig_doc, write_kubeconfig, write_pki
from scripts.testcluster.procs import Launcher, Proc, alive, free_ports, stop_process, wait_for

CONTEXTS = ("stg", "prd")
SERVICE_CIDR = "10.96.0.0/16"
POD_CIDR = "10.244.0.1/24"
NODE_NAME = "kwok-node-0"
DEFAULT_SA = "/api/v1/namespaces/default/serviceaccounts/default"
KWOK_NODE_ANNOTATION = ("kwok.x-k8s.io/node", "fake")


def default_run_dir() -> Path:
    env = os.environ.get("PYHELMFILE_CLUSTERS_DIR")
    return Path(env) if env else cache_root() / "clusters"


@dataclass
class ClusterInfo:
    name: str
    dir: str
    server: str
    ports: dict[str, int]


@dataclass
class State:
    run_dir: str
    kubeconfig: str
    clusters: dict[str, ClusterInfo] = field(default_factory=dict)
    processes: list[Proc] = field(default_factory=list)

    @property
    def pki(self) -> Path:
        return Path(self.run_dir) / "pki"

    def save(self) -> None:
        path = Path(self.run_dir) / "state.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2))
        tmp.replace(path)

    @classmethod
    def load(cls, run_dir: Path) -> State | None:
        path = run_dir / "state.json"
        if not path.is_file():
            return None
        raw = json.loads(path.read_text())
        return cls(
            run_dir=raw["run_dir"],
            kubeconfig=raw["kubeconfig"],
            clusters={k: ClusterInfo(**v) for k, v in raw["clusters"].items()},
            processes=[Proc(**p) for p in raw["processes"]],
        )


def etcd_argv(bins: Binaries, cdir: Path, ports: dict[str, int]) -> list[str]:
    client = f"http://127.0.0.1:{ports['etcd']}"
    peer = f"http://127.0.0.1:{ports['etcd_peer']}"
    return [
        str(bins.etcd),
        "--name=default",
        f"--data-dir={cdir / 'etcd'}",
        f"--listen-client-urls={client}",
        f"--advertise-client-urls={client}",
        f"--listen-peer-urls={peer}",
        f"--initial-advertise-peer-urls={peer}",
        f"--initial-cluster=default={peer}",
        "--initial-cluster-state=new",
        "--logger=zap",
        "--log-level=warn",
    ]


def apiserver_argv(bins: Binaries, pki: Path, cdir: Path, ports: dict[str, int]) -> list[str]:
    return [
        str(bins.kube_apiserver),
        f"--etcd-servers=http://127.0.0.1:{ports['etcd']}",
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        f"--secure-port={ports['apiserver']}",
        f"--cert-dir={cdir / 'apiserver-certs'}",
        f"--tls-cert-file={pki / 'apiserver.crt'}",
        f"--tls-private-key-file={pki / 'apiserver.key'}",
        f"--client-ca-file={pki / 'ca.crt'}",
        f"--service-account-key-file={pki / 'sa.pub'}",
        f"--service-account-signing-key-file={pki / 'sa.key'}",
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        f"--service-cluster-ip-range={SERVICE_CIDR}",
        "--authorization-mode=RBAC",
        f"--requestheader-client-ca-file={pki / 'front-proxy-ca.crt'}",
        "--requestheader-allowed-names=front-proxy-client",
        "--requestheader-username-headers=X-Remote-User",
        "--requestheader-group-headers=X-Remote-Group",
        "--requestheader-extra-headers-prefix=X-Remote-Extra-",
        f"--proxy-client-cert-file={pki / 'front-proxy-client.crt'}",
        f"--proxy-client-key-file={pki / 'front-proxy-client.key'}",
        # Endpoints may not point at loopback, and no pod here could reach the apiserver anyway.
        "--endpoint-reconciler-type=none",
        "--allow-privileged=true",
        "--profiling=false",
        "--v=1",
    ]


def controller_manager_argv(bins: Binaries, pki: Path, cdir: Path, ports: dict[str, int], name: str) -> list[str]:
    kc = cdir / "admin.kubeconfig"
    return [
        str(bins.kube_controller_manager),
        f"--kubeconfig={kc}",
        f"--authentication-kubeconfig={kc}",
        f"--authorization-kubeconfig={kc}",
        "--bind-address=127.0.0.1",
        f"--secure-port={ports['controller_manager']}",
        f"--cert-dir={cdir / 'kcm-certs'}",
        "--leader-elect=false",
        f"--cluster-name={name}",
        f"--root-ca-file={pki / 'ca.crt'}",
        f"--service-account-private-key-file={pki / 'sa.key'}",
        f"--service-cluster-ip-range={SERVICE_CIDR}",
        "--profiling=false",
        "--v=1",
    ]


def scheduler_argv(bins: Binaries, cdir: Path, ports: dict[str, int]) -> list[str]:
    kc = cdir / "admin.kubeconfig"
    return [
        str(bins.kube_scheduler),
        f"--kubeconfig={kc}",
        f"--authentication-kubeconfig={kc}",
        f"--authorization-kubeconfig={kc}",
        "--bind-address=127.0.0.1",
        f"--secure-port={ports['scheduler']}",
        f"--cert-dir={cdir / 'scheduler-certs'}",
        "--leader-elect=false",
        "--profiling=false",
        "--v=1",
    ]


def kwok_config(path: Path, ports: dict[str, int]) -> None:
    """kwok's own options. No Stage objects: kwok then applies its default stages, which make
    the node Ready (node-initialize + heartbeat) and pods Ready/Completed/deleted (pod-ready,
    pod-complete, pod-delete) — what `helm --wait` and garbage collection need."""
    key, value = KWOK_NODE_ANNOTATION
    doc = {
        "apiVersion": "config.kwok.x-k8s.io/v1alpha1",
        "kind": "KwokConfiguration",
        "options": {
            "cidr": POD_CIDR,
            "nodeIP": "10.244.0.254",
            "manageAllNodes": False,
            "manageNodesWithAnnotationSelector": f"{key}={value}",
            "nodeLeaseDurationSeconds": 40,
            "serverAddress": f"127.0.0.1:{ports['kwok']}",
        },
    }
    path.write_text(yaml.safe_dump(doc, sort_keys=False))


def kwok_argv(bins: Binaries, cdir: Path) -> list[str]:
    # An explicit --config also keeps a developer's ~/.kwok/kwok.yaml out of the tests.
    return [str(bins.kwok), f"--kubeconfig={cdir / 'admin.kubeconfig'}", f"--config={cdir / 'kwok.yaml'}"]


def fake_node() -> dict[str, Any]:
    key, value = KWOK_NODE_ANNOTATION
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": NODE_NAME,
            "annotations": {key: value, "node.alpha.kubernetes.io/ttl": "0"},
            "labels": {
                "type": "kwok",
                "kubernetes.io/hostname": NODE_NAME,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "node-role.kubernetes.io/agent": "",
            },
        },
        "spec": {},
    }


def node_ready(server: str, pki: Path) -> bool:
    status, node = api_request(server, pki, "GET", f"/api/v1/nodes/{NODE_NAME}")
    if status != 200:
        return False
    conditions = node.get("status", {}).get("conditions", [])
    ready = any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)
    # The node lifecycle controller taints a node until it has seen it Ready; pods would not schedule.
    taints = [t for t in node.get("spec", {}).get("taints", []) if t.get("effect") == "NoSchedule"]
    return ready and not taints


def readyz(server: str, pki: Path) -> bool:
    status, _ = api_request(server, pki, "GET", "/readyz", timeout=5)
    return status == 200


def exists(server: str, pki: Path, path: str) -> bool:
    status, _ = api_request(server, pki, "GET", path)
    return status == 200


def prepare_cluster(state: State, name: str) -> ClusterInfo:
    cdir = Path(state.run_dir) / name
    cdir.mkdir(parents=True)
    keys = ("etcd", "etcd_peer", "apiserver", "controller_manager", "scheduler", "kwok")
    ports = dict(zip(keys, free_ports(len(keys)), strict=True))
    info = ClusterInfo(name=name, dir=str(cdir), server=f"https://127.0.0.1:{ports['apiserver']}", ports=ports)
    write_kubeconfig(cdir / "admin.kubeconfig", kubeconfig_doc(state.pki, {name: info.server}, name))
    kwok_config(cdir / "kwok.yaml", ports)
    state.clusters[name] = info
    return info


COMPONENTS = ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok")


def health_urls(info: ClusterInfo) -> dict[str, str]:
    """Each component's own health endpoint (the apiserver's /readyz needs a client cert: see readyz())."""
    ports = info.ports
    return {
        "etcd": f"http://127.0.0.1:{ports['etcd']}/health",
        "kube-controller-manager": f"https://127.0.0.1:{ports['controller_manager']}/healthz",
        "kube-scheduler": f"https://127.0.0.1:{ports['scheduler']}/healthz",
        "kwok": f"http://127.0.0.1:{ports['kwok']}/healthz",
    }


def new_state(run_dir: Path) -> State:
    """Fresh certificates, ports and kubeconfigs; nothing is running yet."""
    run_dir.mkdir(parents=True, exist_ok=True)
    for leftover in (*CONTEXTS, "pki"):
        # Without state.json nothing was started from here, so leftovers are only files.
        shutil.rmtree(run_dir / leftover, ignore_errors=True)
    state = State(run_dir=str(run_dir), kubeconfig=str(run_dir / "kubeconfig"))
    write_pki(state.pki)
    infos = [prepare_cluster(state, name) for name in CONTEXTS]
    state.save()
    servers = {i.name: i.server for i in infos}
    write_kubeconfig(Path(state.kubeconfig), kubeconfig_doc(state.pki, servers, CONTEXTS[0]))
    return state


def start_etcds(launch: Launcher, bins: Binaries) -> None:
    infos = list(launch.state.clusters.values())
    procs = [
        launch.start(f"{i.name}/etcd", etcd_argv(bins, Path(i.dir), i.ports), Path(i.dir) / "etcd.log") for i in infos
    ]
    for info, proc in zip(infos, procs, strict=True):
        url = health_urls(info)["etcd"]
        wait_for(f"{info.name} etcd", lambda u=url: http_ok(u), [proc], 60)


def start_apiservers(launch: Launcher, bins: Binaries) -> None:
    """Start both apiservers, then wait for each to be ready and register its fake node."""
    pki = launch.state.pki
    infos = list(launch.state.clusters.values())
    procs = [
        launch.start(
            f"{i.name}/kube-apiserver",
            apiserver_argv(bins, pki, Path(i.dir), i.ports),
            Path(i.dir) / "kube-apiserver.log",
        )
        for i in infos
    ]
    for info, proc in zip(infos, procs, strict=True):
        wait_for(f"{info.name} kube-apiserver /readyz", lambda s=info.server: readyz(s, pki), [proc], 180)
        status, body = api_request(info.server, pki, "POST", "/api/v1/nodes", fake_node())
        if status != 201:
            raise ClusterError(f"{info.name}: creating node {NODE_NAME} failed: {status} {body}")


def start_controllers(launch: Launcher, bins: Binaries) -> None:
    pki = launch.state.pki
    for i in launch.state.clusters.values():
        d = Path(i.dir)
        kcm = controller_manager_argv(bins, pki, d, i.ports, i.name)
        launch.start(f"{i.name}/kube-controller-manager", kcm, d / "kube-controller-manager.log")
        launch.start(f"{i.name}/kube-scheduler", scheduler_argv(bins, d, i.ports), d / "kube-scheduler.log")
        launch.start(f"{i.name}/kwok", kwok_argv(bins, d), d / "kwok.log")


def wait_usable(state: State) -> None:
    """What tests rely on: healthy components, the default namespace and service account, a Ready node."""
    for i in state.clusters.values():
        procs = [p for p in state.processes if p.name.startswith(f"{i.name}/")]
        for component, url in health_urls(i).items():
            wait_for(f"{i.name} {component} health", lambda u=url: http_ok(u), procs, 120)
        checks = {
            "default namespace": lambda s=i.server: exists(s, state.pki, "/api/v1/namespaces/default"),
            "default service account": lambda s=i.server: exists(s, state.pki, DEFAULT_SA),
            f"node {NODE_NAME} Ready": lambda s=i.server: node_ready(s, state.pki),
        }
        for what, check in checks.items():
            wait_for(f"{i.name} {what}", check, procs, 120)


def start_clusters(run_dir: Path, bins: Binaries, die_with_parent: bool) -> State:
    """Start both clusters phase by phase, so the two start-ups overlap."""
    state = new_state(run_dir)
    launch = Launcher(state, die_with_parent)
    start_etcds(launch, bins)
    start_apiservers(launch, bins)
    start_controllers(launch, bins)
    wait_usable(state)
    return state


def health(state: State) -> list[str]:
    """Problems with a running set of clusters; empty when everything is up."""
    problems = [f"{p.name} (pid {p.pid}) is not running" for p in state.processes if not alive(p)]
    started = {p.name for p in state.processes}
    problems += [
        f"{c}/{comp} was never started" for c in CONTEXTS for comp in COMPONENTS if f"{c}/{comp}" not in started
    ]
    for info in state.clusters.values():
        try:
            if not readyz(info.server, state.pki):
                problems.append(f"{info.name}: {info.server}/readyz is not ok")
        except (OSError, urllib.error.URLError, ssl.SSLError) as exc:
            problems.append(f"{info.name}: {info.server} unreachable ({exc})")
        problems += [f"{info.name}/{c}: {url} is not ok" for c, url in health_urls(info).items() if not http_ok(url)]
    return problems


def stop_clusters(state: State) -> None:
    """Stop the recorded processes, newest first (kwok/controllers before apiserver before etcd)."""
    for proc in reversed(state.processes):
        stop_process(proc)


def remove_run_dir(run_dir: Path) -> None:
    """Remove what `up` created; refuse anything that does not look like a run dir."""
    if not (run_dir / "state.json").is_file():
        return
    shutil.rmtree(run_dir)


def down(run_dir: Path) -> None:
    state = State.load(run_dir)
    if state is None:
        return
    stop_clusters(state)
    remove_run_dir(run_dir)


def up(run_dir: Path, die_with_parent: bool = False) -> State:
    """Start both clusters, or reuse them if they are already healthy."""
    existing = State.load(run_dir)
    if existing is not None:
        if not health(existing):
            return existing
        log(f"clusters in {run_dir} are unhealthy; restarting them")
        down(run_dir)
    bins = ensure_binaries()
    started = time.monotonic()
    try:
        state = start_clusters(run_dir, bins, die_with_parent)
    except BaseException:
        partial = State.load(run_dir)
        if partial is not None:
            stop_clusters(partial)
        raise
    log(f"{', '.join(CONTEXTS)} up in {time.monotonic() - started:.1f}s")
    return state
