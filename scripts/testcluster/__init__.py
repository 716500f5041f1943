"""Real Kubernetes control planes on loopback for tests: two clusters, `stg` and `prd` (usage: cli.py).

    build.py     the binaries: Kubernetes and kwok built with Go, etcd from Debian's package, cached
    pki.py       certificates and the kubeconfig
    api.py       requests to the apiservers, health checks of the other components
    procs.py     the processes started: PIDs, start/stop, free ports, waiting for readiness
    clusters.py  state.json, each component's command line, start-up, health, up/down
    cli.py       `python scripts/testcluster up|down|status|kubeconfig|build|gomod`

The names below are what scripts/, tests/ and bench/ use as `testcluster.<name>`.
"""

from scripts.testcluster.api import api_request, http_ok
from scripts.testcluster.build import (
    K8S_VERSION,
    KWOK_VERSION,
    Binaries,
    cache_root,
    ensure_binaries,
    file_lock,
    go_env,
    require_go,
    run_go_build,
)
from scripts.testcluster.cli import main, run_command
from scripts.testcluster.clusters import (
    COMPONENTS,
    CONTEXTS,
    ClusterInfo,
    State,
    default_run_dir,
    down,
    health,
    start_clusters,
    stop_clusters,
    up,
)
from scripts.testcluster.common import ClusterError
from scripts.testcluster.procs import Proc, alive

__all__ = [
    "COMPONENTS",
    "CONTEXTS",
    "K8S_VERSION",
    "KWOK_VERSION",
    "Binaries",
    "ClusterError",
    "ClusterInfo",
    "Proc",
    "State",
    "alive",
    "api_request",
    "cache_root",
    "default_run_dir",
    "down",
    "ensure_binaries",
    "file_lock",
    "go_env",
    "health",
    "http_ok",
    "main",
    "require_go",
    "run_command",
    "run_go_build",
    "start_clusters",
    "stop_clusters",
    "up",
]
