"""`sync` and `destroy` against a real cluster: pyhelmfile must give helm the same upgrade and uninstall commands as
helmfile 0.166.0 does for the same state.

The helm binary both tools run is the real helm behind a recorder that appends each command line
(values files replaced by a digest of their contents, since each tool writes them to its own
temporary paths) to a log before running it. helmfile repeats `--kube-context` (once globally,
once per release); the comparison keeps the context each command ends up with.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cluster import Clusters
from tests.support.differential import run_helmfile, tmp_env
from tests.support.toolchain import Toolchain

pytestmark = pytest.mark.cluster

RECORDER = """\
#!{python}
import hashlib, json, os, sys
args = sys.argv[1:]
shown = []
for i, arg in enumerate(args):
    if i and args[i - 1] in ("--values", "-f") and os.path.isfile(arg):
        with open(arg, "rb") as fh:
            shown.append("values:" + hashlib.sha256(fh.read()).hexdigest()[:16])
    else:
        shown.append(arg)
if any(a in ("upgrade", "uninstall", "delete") for a in args):
    with open({log!r}, "a") as fh:
        fh.write(json.dumps(shown) + "\\n")
os.execv({helm!r}, [{helm!r}, *args])
"""

CHART = "apiVersion: v2\nname: {name}\nversion: 0.3.0\n"
TEMPLATE = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}
data:
  greeting: {{ .Values.greeting | quote }}
  extra: {{ .Values.extra | default "" | quote }}
"""

HELMFILE = """\
environments:
  default:
    kubeContext: stg
---
helmDefaults:
  wait: true
  timeout: 120
  historyMax: 4
  createNamespace: true
  args: [--description, from-helmfile-defaults]
  postRenderer: ./render.sh
  postRendererArgs: [from-defaults]
releases:
  - name: alpha
    namespace: syncdiff
    chart: ./charts/app
    values:
      - greeting: hello
    set:
      - name: extra
        value: "a,b"
  - name: beta
    namespace: syncdiff
    chart: ./charts/app
    needs: [syncdiff/alpha]
    wait: false
    timeout: 60
    atomic: true
    historyMax: 2
    createNamespace: false
    postRendererArgs: [beta-own]
    values:
      - greeting: hej
      - values/beta.yaml.gotmpl
  - name: gamma
    namespace: syncdiff
    chart: ./charts/app
    installed: false
"""


def _commands(log: Path) -> list[list[str]]:
    """Recorded commands, each with a single --kube-context (the effective one), sorted."""
    found = []
    for line in log.read_text().splitlines():
        argv = json.loads(line)
        context = ""
        cleaned: list[str] = []
        skip = False
        for i, arg in enumerate(argv):
            if skip:
                skip = False
                continue
            if arg == "--kube-context":
                context = argv[i + 1]
                skip = True
                continue
            cleaned.append("uninstall" if arg == "delete" else arg)  # helmfile says delete, its alias
        found.append([f"context={context}", *cleaned])
    return sorted(found)


def _project(root: Path) -> Path:
    chart = root / "charts" / "app"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text(CHART.format(name="app"))
    (chart / "values.yaml").write_text("greeting: default\n")
    (chart / "templates" / "cm.yaml").write_text(TEMPLATE)
    (root / "values").mkdir()
    (root / "values" / "beta.yaml.gotmpl").write_text("extra: {{ .Release.Name | upper | quote }}\n")
    (root / "helmfile.yaml").write_text(HELMFILE)
    renderer = root / "render.sh"
    renderer.write_text("#!/bin/sh\ncat\n")
    renderer.chmod(0o755)
    return root


def _uninstall_all(tools: Toolchain, clusters: Clusters) -> None:
    for name in ("alpha", "beta", "gamma"):
        subprocess.run(
            [tools.helm3, "--kube-context", "stg", "uninstall", name, "--namespace", "syncdiff", "--ignore-not-found"],
            env=tools.env(**clusters.env()), capture_output=True, check=True,
        )  # fmt: skip


def test_sync_runs_the_same_helm_commands_as_helmfile(tools: Toolchain, clusters: Clusters, tmp_path: Path) -> None:
    project = _project(tmp_path / "project")
    logs = {}
    for tool in ("helmfile", "pyhelmfile"):
        log = tmp_path / f"{tool}.log"
        recorder = tmp_path / f"helm-{tool}"
        recorder.write_text(RECORDER.format(python=sys.executable, log=str(log), helm=tools.helm3))
        recorder.chmod(0o755)
        env = {**tmp_env(tmp_path / tool), **clusters.env()}
        try:
            for command in ("sync", "destroy"):
                if tool == "helmfile":
                    run = run_helmfile(tools, project, "--helm-binary", str(recorder), command, env=env)
                    assert run.returncode == 0, run.stderr
                else:
                    argv = [sys.executable, "-m", "pyhelmfile", "--helm-binary", str(recorder), command]
                    proc = subprocess.run(argv, cwd=project, env=tools.env(**env), capture_output=True, text=True)
                    assert proc.returncode == 0, proc.stderr
            logs[tool] = _commands(log)
        finally:
            _uninstall_all(tools, clusters)
    assert logs["pyhelmfile"] == logs["helmfile"]
    upgrades = [c for c in logs["helmfile"] if "upgrade" in c]
    assert sorted(c[2] for c in logs["helmfile"] if "uninstall" in c) == ["alpha", "beta"]
    assert len(upgrades) == 2 and all("context=stg" in c for c in upgrades)
    digest = hashlib.sha256(b'extra: "BETA"\n').hexdigest()[:16]
    assert any(f"values:{digest}" in c for c in upgrades)
