"""`pyhelmfile chart package` with the real helm 3.15.3 and helm 4.1.4."""

from __future__ import annotations

import subprocess
import tarfile
from pathlib import Path

import pytest
import yaml

from tests.support.repos import assert_one_line_error, make_chart, run_cli
from tests.support.toolchain import Toolchain

CHART_YAML = """\
# sniffer: packet sniffer service chart
apiVersion: v2
name: sniffer   # must match the directory
description: 'Sniffs: packets'
type: application

# CI sets this (the seed's patch.py did, losing these comments)
version: "0.1.0"  # placeholder
appVersion: "1.16.0"
keywords:
  - sniffer
  - "network"
annotations:
  team: platform
"""


def helms(tools: Toolchain) -> dict[str, str]:
    return {"helm3": tools.helm3, "helm4": tools.helm4}


@pytest.fixture
def chart(tools: Toolchain, tmp_path: Path) -> Path:
    path = make_chart(tools, tmp_path / "src", "sniffer")
    (path / "Chart.yaml").write_text(CHART_YAML)
    return path


@pytest.mark.parametrize("helm", ["helm3", "helm4"])
def test_package_sets_version_and_keeps_the_rest(tools: Toolchain, chart: Path, tmp_path: Path, helm: str) -> None:
    binary = helms(tools)[helm]
    dest = tmp_path / "out"
    run = run_cli(
        tools, "chart", "package", str(chart), "--version", "v0.3.6-g08650", "--destination", str(dest), helm=binary
    )
    assert run.returncode == 0, run
    archive = dest / "sniffer-v0.3.6-g08650.tgz"
    assert run.stdout.strip() == str(archive)
    assert (chart / "Chart.yaml").read_text() == CHART_YAML.replace('version: "0.1.0"', 'version: "v0.3.6-g08650"')
    shown = subprocess.run([binary, "show", "chart", str(archive)], capture_output=True, text=True, check=True)
    meta = yaml.safe_load(shown.stdout)
    assert meta["version"] == "v0.3.6-g08650"
    assert meta["description"] == "Sniffs: packets"
    with tarfile.open(archive) as tar:
        assert "sniffer/templates/deployment.yaml" in tar.getnames()


def test_package_plain_version_and_no_quotes(tools: Toolchain, tmp_path: Path) -> None:
    chart = make_chart(tools, tmp_path / "src", "payment", "0.1.0")
    before = (chart / "Chart.yaml").read_text()
    run = run_cli(tools, "chart", "package", str(chart), "--version", "v1.4.20-c4962", "-d", str(tmp_path / "out"))
    assert run.returncode == 0, run
    assert (chart / "Chart.yaml").read_text() == before.replace("version: 0.1.0", "version: v1.4.20-c4962")
    assert (tmp_path / "out" / "payment-v1.4.20-c4962.tgz").is_file()


def test_package_refuses_an_invalid_version(tools: Toolchain, chart: Path, tmp_path: Path) -> None:
    run = run_cli(tools, "chart", "package", str(chart), "--version", "v0.3.6-08650", "-d", str(tmp_path / "out"))
    assert_one_line_error(run, "invalid chart version", "v0.3.6-08650")
    assert (chart / "Chart.yaml").read_text() == CHART_YAML
    assert not (tmp_path / "out").exists()


def test_package_not_a_chart(tools: Toolchain, tmp_path: Path) -> None:
    run = run_cli(tools, "chart", "package", str(tmp_path), "--version", "1.0.0")
    assert_one_line_error(run, "not a chart")


@pytest.mark.parametrize("helm", ["helm3", "helm4"])
def test_package_helm_failure_is_one_line(tools: Toolchain, chart: Path, tmp_path: Path, helm: str) -> None:
    # A dependency that is not there: helm package fails; its error is reported in one line.
    with (chart / "Chart.yaml").open("a") as fh:
        fh.write("dependencies:\n  - name: missing\n    version: 1.0.0\n    repository: file://../missing\n")
    run = run_cli(
        tools, "chart", "package", str(chart), "--version", "1.0.0", "-d", str(tmp_path), helm=helms(tools)[helm]
    )
    assert_one_line_error(run, "helm package failed")
