#!/usr/bin/env python3
"""`make demo`: run pyhelmfile's main job on examples/kube-app, onto real local clusters.

It builds the example's `linoapp` chart repository with the real helm, serves it on
127.0.0.1, works on a private copy of the example (helm writes into chart dirs), starts the
two test clusters `stg` and `prd` (scripts/testcluster: built once, cached), and runs
each step as a user would, printing the command and its output: list, the deployment
order, merged values, a real `apply` to stg, the seed's bump of one service, the diff CI
would show, the apply that upgrades only that release, and a no-op apply. The clusters are
stopped (by PID) and every temporary file removed at the end.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts import testcluster  # noqa: E402
from scripts.examplerepo import AGE_KEY, build, copy_example, serve  # noqa: E402

TOOLS = ROOT / ".tools" / "bin"


def step(title: str, argv: list[str], cwd: Path, env: dict[str, str], ok: tuple[int, ...] = (0,)) -> None:
    print(f"\n=== {title}\n$ {shlex.join(argv)}", flush=True)
    proc = subprocess.run(argv, cwd=cwd, env=env)
    if proc.returncode not in ok:
        sys.exit(f"demo: step failed with exit code {proc.returncode}: {title}")


def main() -> int:
    if not (TOOLS / "helm").exists():
        sys.exit("demo: the toolchain is missing; run `make demo` (it runs scripts/tools.py first)")
    with tempfile.TemporaryDirectory(prefix="pyhelmfile-demo-") as tmp:
        work = Path(tmp)
        repo_dir = build(work / "repo", str(TOOLS / "helm"))
        project = copy_example(work / "kube-app")
        with serve(repo_dir) as url:
            env = dict(os.environ)
            env.update(
                PATH=f"{TOOLS}{os.pathsep}{env.get('PATH', '')}",
                LINOAPP_CHART_REPO=url,
                SOPS_AGE_KEY_FILE=str(AGE_KEY),
                HELM_CACHE_HOME=str(work / "helm-cache"),
                HELM_CONFIG_HOME=str(work / "helm-config"),
                HELM_DATA_HOME=str(work / "helm-data"),
                HELMFILE_UPGRADE_NOTICE_DISABLED="1",
                SOPS_DISABLE_VERSION_CHECK="1",
            )
            print(f"example chart repository 'linoapp' served at {url}")
            pyhelmfile = [sys.executable, "-m", "pyhelmfile"]
            fast = ["-e", "stg", "-f", "helmfilefast.yaml"]
            step("pyhelmfile and the helm it runs", [*pyhelmfile, "version"], project, env)
            step("the releases of stg", [*pyhelmfile, "-e", "stg", "list"], project, env)
            step(
                "CI's selection in prd",
                [
                    *pyhelmfile,
                    "-e",
                    "prd",
                    "-f",
                    "helmfilefast.yaml",
                    "-l",
                    "name=linoapp",
                    "-l",
                    "name=linoapp-ws",
                    "-l",
                    "name=jobs",
                    "list",
                ],
                project,
                env,
            )
            step("the order releases deploy in", [*pyhelmfile, "-e", "stg", "show-dag"], project, env)
            step(
                "linoapp's merged values in stg (sops secrets decrypted)",
                [
                    *pyhelmfile,
                    *fast,
                    "-l",
                    "name=linoapp",
                    "write-values",
                    "--output-file-template",
                    "values/{{ .Release.Name }}.yaml",
                ],
                project,
                env,
            )
            print((project / "values" / "linoapp.yaml").read_text(), end="")
            step(
                "the next chart version for sniffer from the repository (the seed's version.sh)",
                [
                    *pyhelmfile,
                    "chart",
                    "version",
                    "sniffer",
                    "--repo",
                    url,
                    "--sha",
                    "d87a32a5ea9b4553fde08198ee1011242e55860d",
                ],
                project,
                env,
            )
            live(project, env, work)
    return 0


def live(project: Path, env: dict[str, str], work: Path) -> None:
    """The main job against real clusters: apply, bump, diff, apply only what changed."""
    print("\n=== starting the local test clusters stg and prd (the first run builds them: minutes)", flush=True)
    bins = testcluster.ensure_binaries()
    run_dir = work / "clusters"
    state = testcluster.start_clusters(run_dir, bins, die_with_parent=True)
    try:
        env = {**env, "KUBECONFIG": state.kubeconfig}
        pyhelmfile = [sys.executable, "-m", "pyhelmfile"]
        step("apply every release to stg", [*pyhelmfile, "-e", "stg", "apply", "--suppress-diff"], project, env)
        step("what runs in stg now", [*pyhelmfile, "-e", "stg", "list", "--live"], project, env)
        step(
            "the release bot bumps sniffer in stg/linoapp (image tag and chart version)",
            [
                *pyhelmfile,
                "-e",
                "stg",
                "bump",
                "--release",
                "linoapp",
                "--service",
                "sniffer",
                "--image-tag",
                "ca3b6f0e1d2c3b4a5968778695a4b3c2d1e0f9a8",
                "--chart-version",
                "v0.2.2-ca3b6",
            ],
            project,
            env,
        )
        step(
            "the diff a pull request shows (exit code 2: changes)",
            [*pyhelmfile, "-e", "stg", "-f", "helmfilefast.yaml", "-l", "name=linoapp", "diff", "--detailed-exitcode"],
            project,
            env,
            ok=(2,),
        )
        step(
            "CI's apply: only linoapp is upgraded",
            [*pyhelmfile, "-e", "stg", "-f", "helmfilefast.yaml", "-l", "name=linoapp", "apply", "--suppress-diff"],
            project,
            env,
        )
        step("a second apply changes nothing", [*pyhelmfile, "-e", "stg", "apply"], project, env)
        step(
            "revisions: linoapp 2, the others 1; prd untouched",
            [*pyhelmfile, "-e", "stg", "list", "--live"],
            project,
            env,
        )
        step("prd", [*pyhelmfile, "-e", "prd", "list", "--live"], project, env)
    finally:
        testcluster.stop_clusters(state)


if __name__ == "__main__":
    sys.exit(main())
