"""helm dependency build is not run for a chart that declares no dependencies (helm would do nothing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyhelmfile.errors import HelmError
from pyhelmfile.helm.charts import build_dependencies
from pyhelmfile.helm.exec import Helm


def test_no_helm_process_for_a_chart_without_dependencies(tmp_path: Path) -> None:
    absent = Helm(binary=str(tmp_path / "no-helm"), cwd=str(tmp_path))  # any helm call would fail
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "Chart.yaml").write_text("apiVersion: v2\nname: plain\nversion: 0.1.0\n")
    build_dependencies(absent, "r", "plain")
    (tmp_path / "v1").mkdir()
    (tmp_path / "v1" / "Chart.yaml").write_text("apiVersion: v1\nname: v1\nversion: 0.1.0\n")
    (tmp_path / "v1" / "requirements.yaml").write_text("dependencies: []\n")
    build_dependencies(absent, "r", "v1")
    (tmp_path / "umbrella").mkdir()
    (tmp_path / "umbrella" / "Chart.yaml").write_text(
        "apiVersion: v2\nname: umbrella\nversion: 0.1.0\ndependencies:\n  - name: x\n    version: 1.0.0\n"
    )
    with pytest.raises(HelmError, match="helm binary not found"):
        build_dependencies(absent, "r", "umbrella")
