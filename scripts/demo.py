#!/usr/bin/env python3
"""`make demo`: run pyhelmfile's main job on examples/kube-app, as far as pyhelmfile goes today.

It builds the example's `linoapp` chart repository with the real helm, serves it on
127.0.0.1, works on a private copy of the example (helm writes into chart dirs), and runs
each step as a user would, printing the command and its output. The reference helmfile's
result for the same files is shown beside pyhelmfile's where pyhelmfile has the command.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.examplerepo import build, serve  # noqa: E402

TOOLS = ROOT / ".tools" / "bin"
EXAMPLE = ROOT / "examples" / "kube-app"


def step(title: str, argv: list[str], cwd: Path, env: dict[str, str]) -> None:
    print(f"\n=== {title}\n$ {shlex.join(argv)}", flush=True)
    proc = subprocess.run(argv, cwd=cwd, env=env)
    if proc.returncode != 0:
        sys.exit(f"demo: step failed with exit code {proc.returncode}: {title}")


def main() -> int:
    if not (TOOLS / "helm").exists():
        sys.exit("demo: the toolchain is missing; run `make demo` (it runs scripts/tools.py first)")
    with tempfile.TemporaryDirectory(prefix="pyhelmfile-demo-") as tmp:
        work = Path(tmp)
        repo_dir = build(work / "repo", str(TOOLS / "helm"))
        project = work / "kube-app"
        shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("requirements.lock", "*.tgz"))
        with serve(repo_dir) as url:
            env = dict(os.environ)
            env.update(
                PATH=f"{TOOLS}{os.pathsep}{env.get('PATH', '')}",
                LINOAPP_CHART_REPO=url,
                SOPS_AGE_KEY_FILE=str(EXAMPLE / "keys" / "age.key"),
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
