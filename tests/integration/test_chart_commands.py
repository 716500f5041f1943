"""What the differential fixtures cannot show: --skip-refresh (helmfile 1.x's flag), deps --skip-repos,
fetch into an existing directory, OCI pulls with helm 4, decrypted values on lint, progress on a terminal."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.support.differential import run_pyhelmfile, tmp_env
from tests.support.example import copy_example, example_env
from tests.support.repos import closed_port
from tests.support.terminal import run_on_terminal
from tests.support.toolchain import Toolchain

HELMFILE = """repositories:
  - name: linoapp
    url: {url}
releases:
  - name: sniff
    chart: linoapp/sniffer
    version: v0.2.2-ca3b6
  - name: umbrella
    chart: ./umbrella
"""

UMBRELLA = """apiVersion: v2
name: umbrella
version: 0.1.0
dependencies:
  - name: payment
    version: v1.4.20-c4962
    repository: "@linoapp"
"""


def project(root: Path, url: str) -> Path:
    (root / "umbrella").mkdir(parents=True)
    (root / "umbrella" / "Chart.yaml").write_text(UMBRELLA)
    (root / "helmfile.yaml").write_text(HELMFILE.format(url=url))
    return root


@pytest.mark.parametrize("helm", ["helm3", "helm4"])
def test_skip_refresh_uses_what_helm_already_has(
    tools: Toolchain, example_repo: str, tmp_path: Path, helm: str
) -> None:
    env = tmp_env(tmp_path)
    binary = ("--helm-binary", tools.path(helm))
    run_pyhelmfile(tools, project(tmp_path / "added", example_repo), *binary, "repos", env=env).check()
    # The state now names an address where nothing listens: only helm's cached index can help.
    unreachable = project(tmp_path / "p", f"http://127.0.0.1:{closed_port()}")
    failed = run_pyhelmfile(tools, unreachable, *binary, "template", env=env)
    assert failed.returncode == 1 and "Adding repo linoapp" in failed.stderr
    ok = run_pyhelmfile(tools, unreachable, *binary, "--skip-refresh", "template", env=env).check()
    assert "Adding repo" not in ok.stderr and "Updating repo" not in ok.stderr
    assert "chart: sniffer-v0.2.2-ca3b6" in ok.stdout and "chart: payment-v1.4.20-c4962" in ok.stdout
    assert (unreachable / "umbrella" / "charts" / "payment-v1.4.20-c4962.tgz").is_file()


def test_deps_skip_repos_and_lock_reuse(tools: Toolchain, example_repo: str, tmp_path: Path) -> None:
    env = tmp_env(tmp_path)
    root = project(tmp_path / "p", example_repo)
    skipped = run_pyhelmfile(tools, root, "deps", "--skip-repos", env=env)
    assert skipped.returncode == 1 and "Adding repo" not in skipped.stderr  # helm has no such repository yet
    run_pyhelmfile(tools, root, "deps", env=env).check()
    lock = (root / "helmfile.lock").read_text()
    assert "name: sniffer" in lock and "version: v0.2.2-ca3b6" in lock
    again = run_pyhelmfile(tools, root, "deps", "--skip-repos", env=env).check()
    assert "Adding repo" not in again.stderr and "Updating dependency ./umbrella" in again.stderr


def test_fetch_leaves_an_existing_directory_alone(tools: Toolchain, example_repo: str, tmp_path: Path) -> None:
    env = tmp_env(tmp_path)
    root = project(tmp_path / "p", example_repo)
    target = root / "out" / "sniff" / "linoapp" / "sniffer" / "v0.2.2-ca3b6"
    target.mkdir(parents=True)
    run = run_pyhelmfile(tools, root, "fetch", "--output-dir", "out", env=env).check()
    assert run.stdout == "Charts will be downloaded to: out\n"
    assert f'"linoapp/sniffer" has not been downloaded because the output directory "{target.relative_to(root)}"' in (
        run.stderr
    )
    assert list(target.iterdir()) == []


def test_oci_charts_with_helm4_need_plain_http(tools: Toolchain, oci_charts: str, tmp_path: Path) -> None:
    (tmp_path / "helmfile.yaml").write_text(
        f"releases:\n  - name: pay\n    chart: oci://{oci_charts}/charts/payment\n    version: v1.4.19-6214b\n"
    )
    args = ("--helm-binary", tools.helm4)
    failed = run_pyhelmfile(tools, tmp_path, *args, "template", env=tmp_env(tmp_path))
    assert failed.returncode == 1 and "http: server gave HTTP response to HTTPS client" in failed.stderr
    ok = run_pyhelmfile(tools, tmp_path, *args, "--oci-plain-http", "template", env=tmp_env(tmp_path)).check()
    assert "chart: payment-v1.4.19-6214b" in ok.stdout


def test_lint_of_the_example_leaves_no_plaintext(tools: Toolchain, example_repo: str, tmp_path: Path) -> None:
    env = example_env(tools, example_repo, tmp_path / "home")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env["TMPDIR"] = str(scratch)
    root = copy_example(tmp_path / "p")
    run = run_pyhelmfile(tools, root, "-e", "stg", "lint", env=env).check()
    assert run.stdout.count("1 chart(s) linted, 0 chart(s) failed") == 4
    assert list(scratch.iterdir()) == []
    for path in [*root.rglob("*"), *(tmp_path / "home").rglob("*")]:
        if path.is_file():
            assert b"madeup-stg-db-Zq8v" not in path.read_bytes(), path


def test_progress_on_a_terminal_leaves_the_manifests_alone(tools: Toolchain, example_repo: str, tmp_path: Path) -> None:
    env = example_env(tools, example_repo, tmp_path / "home")
    env.pop("CI", None)
    env["TERM"] = "xterm"
    args = [sys.executable, "-m", "pyhelmfile", "--helm-binary", tools.helm3, "-e", "stg", "template"]
    piped = run_pyhelmfile(tools, copy_example(tmp_path / "piped"), "-e", "stg", "template", env=env).check()
    drawn = run_on_terminal(args, env=env, cwd=copy_example(tmp_path / "terminal"))
    assert drawn.returncode == 0, drawn.terminal
    assert drawn.stdout == piped.stdout
    assert "Building dependency release=linoapp, chart=stg/linoapp" in drawn.terminal
    assert "\x1b[" in drawn.terminal and "\x1b[" not in piped.stderr
    quiet = run_on_terminal([*args[:-1], "-q", "template"], env=env, cwd=copy_example(tmp_path / "quiet"))
    assert quiet.stdout == piped.stdout and quiet.terminal == ""


def test_disable_force_update_leaves_an_existing_repository_alone(
    tools: Toolchain, example_repo: str, tmp_path: Path
) -> None:
    env = tmp_env(tmp_path)
    run_pyhelmfile(tools, project(tmp_path / "added", example_repo), "repos", env=env).check()
    moved = project(tmp_path / "moved", f"http://127.0.0.1:{closed_port()}")
    # --force-update (helmfile's default): helm re-adds the name and tries the new address
    forced = run_pyhelmfile(tools, moved, "repos", env=env)
    assert forced.returncode == 1 and "connection refused" in forced.stderr
    kept = run_pyhelmfile(tools, moved, "--disable-force-update", "repos", env=env)
    assert kept.returncode == 1 and "repository name (linoapp) already exists" in kept.stderr, kept.stderr
