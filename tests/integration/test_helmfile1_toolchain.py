"""helmfile v1.7.4, the second reference (scripts/helmfile1.py), is what it claims to be and runs with both helms.

The first use builds it from the Go module proxy (minutes, once per machine); afterwards it comes from the cache.
The project is tiny and local: a `.gotmpl` state file (v1 renders only those) and a chart dir written here.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.differential import tmp_env
from tests.support.toolchain import Toolchain

STATE = """\
releases:
  - name: hello-{{ "v1" }}
    namespace: demo
    chart: ./charts/hello
    labels:
      tier: web
    values:
      - greeting: {{ printf "%s-%s" "hi" "there" | quote }}
        replicas: {{ add 1 2 }}
"""

CHART_YAML = """\
apiVersion: v2
name: hello
version: 0.1.0
appVersion: "1.0"
"""

CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
  namespace: {{ .Release.Namespace }}
data:
  greeting: {{ .Values.greeting | quote }}
  replicas: {{ .Values.replicas | quote }}
  chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | quote }}
"""

EXPECTED_CONFIGMAP = {
    "apiVersion": "v1",
    "kind": "ConfigMap",
    "metadata": {"name": "hello-v1-config", "namespace": "demo"},
    "data": {"greeting": "hi-there", "replicas": "3", "chart": "hello-0.1.0"},
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    chart = root / "charts" / "hello"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text(CHART_YAML)
    (chart / "values.yaml").write_text('greeting: "default"\nreplicas: 1\n')
    (chart / "templates" / "configmap.yaml").write_text(CONFIGMAP)
    (root / "helmfile.yaml.gotmpl").write_text(STATE)
    return root


def helmfile1(tools: Toolchain, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """helmfile v1.7.4 with the toolchain's environment (no upgrade notice) and helm/helmfile caches in cwd."""
    env = tools.env(**tmp_env(cwd / ".home"), HELMFILE_CACHE_HOME=str(cwd / ".home" / "helmfile-cache"))
    return subprocess.run([tools.helmfile1, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def ok(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 0, f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    assert "panic" not in proc.stderr, proc.stderr
    return proc.stdout


def documents(manifest: str) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(manifest) if doc]


def test_helmfile1_version(tools: Toolchain, tmp_path: Path) -> None:
    out = ok(helmfile1(tools, tmp_path, "version"))
    assert "v1.7.4" in out
    assert "6034a54" in out  # the commit tagged v1.7.4, stamped by scripts/helmfile1.py


def test_helmfile1_list_with_helm3(tools: Toolchain, project: Path) -> None:
    out = ok(helmfile1(tools, project, "--helm-binary", tools.helm3, "list"))
    header, *rows = [line.split() for line in out.strip().splitlines()]
    assert header == ["NAME", "NAMESPACE", "ENABLED", "INSTALLED", "LABELS", "CHART", "VERSION"]
    assert rows == [
        ["hello-v1", "demo", "true", "true", "chart:hello,name:hello-v1,namespace:demo,tier:web", "./charts/hello"]
    ]


@pytest.mark.parametrize("helm", ["helm3", "helm4"])
def test_helmfile1_template(tools: Toolchain, project: Path, helm: str) -> None:
    proc = helmfile1(tools, project, "--helm-binary", getattr(tools, helm), "template", "--skip-deps")
    out = ok(proc)
    assert "# Source: hello/templates/configmap.yaml" in out
    assert documents(out) == [EXPECTED_CONFIGMAP]


def test_helmfile1_template_same_with_both_helms(tools: Toolchain, project: Path) -> None:
    helm3 = ok(helmfile1(tools, project, "--helm-binary", tools.helm3, "template"))
    helm4 = ok(helmfile1(tools, project, "--helm-binary", tools.helm4, "template"))
    assert helm3 == helm4
