"""`pyhelmfile chart push` to a directory repository (copy + index update under a lock file),
read back by pyhelmfile and by the real helm."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.repos import assert_one_line_error, helm_env, http_directory, make_chart, package_chart, run_cli
from tests.support.toolchain import Toolchain


@pytest.fixture(scope="module")
def packages(tools: Toolchain, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    work = tmp_path_factory.mktemp("dir-charts")
    out = {}
    for name, version in [("sniffer", "v0.2.2-ca3b6"), ("sniffer", "v0.2.3-g08650")] + [
        (f"svc{i}", f"1.{i}.0") for i in range(6)
    ]:
        chart = make_chart(tools, work / "src" / f"{name}-{version}", name, version)
        out[f"{name}-{version}"] = package_chart(tools, chart, work / "pkg")
    return out


def test_push_to_directory_and_install_from_it_with_helm(
    tools: Toolchain, packages: dict[str, Path], tmp_path: Path
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    for key in ("sniffer-v0.2.2-ca3b6", "sniffer-v0.2.3-g08650"):
        run = run_cli(tools, "chart", "push", str(packages[key]), str(repo))
        assert run.returncode == 0, run
    doc = yaml.safe_load((repo / "index.yaml").read_text())
    entries = doc["entries"]["sniffer"]
    assert [e["version"] for e in entries] == ["v0.2.3-g08650", "v0.2.2-ca3b6"]
    assert entries[0]["urls"] == ["sniffer-v0.2.3-g08650.tgz"]
    assert entries[0]["digest"] == hashlib.sha256((repo / "sniffer-v0.2.3-g08650.tgz").read_bytes()).hexdigest()
    # helm itself can use the repository (served over HTTP): it lists and pulls the chart.
    env = helm_env(tools, tmp_path)
    (tmp_path / "pulled").mkdir()
    with http_directory(repo) as url:
        subprocess.run([tools.helm3, "repo", "add", "t", url], env=env, check=True, capture_output=True)
        listed = subprocess.run(
            [tools.helm3, "search", "repo", "t/sniffer", "--versions", "--devel", "-o", "yaml"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        assert sorted(e["version"] for e in yaml.safe_load(listed.stdout)) == ["v0.2.2-ca3b6", "v0.2.3-g08650"]
        subprocess.run(
            [tools.helm3, "pull", "t/sniffer", "--version", "v0.2.3-g08650", "-d", str(tmp_path / "pulled")],
            env=env,
            check=True,
            capture_output=True,
        )
    assert (tmp_path / "pulled" / "sniffer-v0.2.3-g08650.tgz").is_file()


def test_push_existing_version_and_force(tools: Toolchain, packages: dict[str, Path], tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    pkg = str(packages["svc1-1.1.0"])
    assert run_cli(tools, "chart", "push", pkg, f"file://{repo}").returncode == 0
    assert_one_line_error(run_cli(tools, "chart", "push", pkg, str(repo)), "svc1 version 1.1.0 already exists")
    forced = run_cli(tools, "chart", "push", pkg, str(repo), "--force")
    assert forced.returncode == 0 and forced.stdout.startswith("replaced svc1 1.1.0"), forced
    assert len(yaml.safe_load((repo / "index.yaml").read_text())["entries"]["svc1"]) == 1


def test_concurrent_pushes_to_directory(tools: Toolchain, packages: dict[str, Path], tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    keys = [f"svc{i}-1.{i}.0" for i in range(6)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "pyhelmfile", "chart", "push", str(packages[k]), str(repo)],
            env=tools.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for k in keys
    ]
    assert [p.wait(120) for p in procs] == [0] * len(keys)
    for p in procs:
        p.communicate()
    entries = yaml.safe_load((repo / "index.yaml").read_text())["entries"]
    assert sorted(entries) == sorted(f"svc{i}" for i in range(6))


def test_push_errors(tools: Toolchain, packages: dict[str, Path], tmp_path: Path) -> None:
    pkg = str(packages["svc2-1.2.0"])
    assert_one_line_error(run_cli(tools, "chart", "push", pkg, str(tmp_path / "nope")), "no such directory")
    assert_one_line_error(
        run_cli(tools, "chart", "push", pkg, "http://127.0.0.1:9/charts"), "http(s) chart repositories are read-only"
    )
    assert_one_line_error(
        run_cli(tools, "chart", "push", str(tmp_path / "missing.tgz"), str(tmp_path)), "no such chart"
    )
    bogus = tmp_path / "bogus.tgz"
    bogus.write_bytes(b"not a tarball")
    assert_one_line_error(run_cli(tools, "chart", "push", str(bogus), str(tmp_path)), "not a chart archive")
