"""Real Kubernetes control planes on loopback for tests: two clusters, `stg` and `prd`.

Each cluster runs its own processes, all bound to 127.0.0.1 on free ports:
    etcd 3.4.23               Debian `etcd-server` package, unpacked (never installed), sha256 pinned
    kube-apiserver            \\
    kube-controller-manager    > Kubernetes v1.33.13, built from the Go module proxy (scripts/k8sbuild)
    kube-scheduler            /
    kwok v0.7.0               built from the Go module proxy; one fake node whose pods become Ready

One kubeconfig holds the contexts `stg` and `prd` (a system:masters client certificate).
Binaries are cached in ~/.cache/pyhelmfile/{k8s,kwok,etcd}/<version>/; a first build takes
minutes (progress goes to stderr), later runs reuse the cache.

    python scripts/testcluster up [--run-dir DIR]   # start (or reuse) both clusters; prints the KUBECONFIG path
    python scripts/testcluster status               # exit 0 only if every process and apiserver is healthy
    python scripts/testcluster kubeconfig           # print the KUBECONFIG path
    python scripts/testcluster down                 # stop exactly the recorded PIDs, remove the run dir
    python scripts/testcluster build                # only build/fetch the binaries
    python scripts/testcluster gomod                # regenerate scripts/k8sbuild/go.mod after changing K8S_VERSION

(`python -m scripts.testcluster ...` from the repository root works the same.)
The run dir defaults to ~/.cache/pyhelmfile/clusters (or $PYHELMFILE_CLUSTERS_DIR).
"""

from __future__ import annotations

import argparse
import subprocess
from dataclasses import asdict
from pathlib import Path

from scripts.testcluster.build import ensure_binaries, generate_gomod
from scripts.testcluster.clusters import State, default_run_dir, down, health, up
from scripts.testcluster.common import ClusterError, log


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="testcluster", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=("up", "down", "status", "kubeconfig", "build", "gomod"))
    parser.add_argument("--run-dir", type=Path, default=None, help="default: ~/.cache/pyhelmfile/clusters")
    args = parser.parse_args(argv)
    run_dir = (args.run_dir or default_run_dir()).resolve()
    try:
        return run_command(args.command, run_dir)
    except (ClusterError, subprocess.CalledProcessError) as exc:
        log(str(exc))
        return 1


def run_command(command: str, run_dir: Path) -> int:
    if command == "gomod":
        generate_gomod()
        return 0
    if command == "build":
        bins = ensure_binaries()
        for path in asdict(bins).values():
            print(path)
        return 0
    if command == "up":
        print(up(run_dir).kubeconfig)
        return 0
    if command == "down":
        down(run_dir)
        return 0
    state = State.load(run_dir)
    if state is None:
        log(f"no clusters in {run_dir} (run `up` first)")
        return 1
    if command == "kubeconfig":
        print(state.kubeconfig)
        return 0
    problems = health(state)
    for info in state.clusters.values():
        print(f"{info.name}\t{info.server}")
    for problem in problems:
        log(problem)
    return 1 if problems else 0
