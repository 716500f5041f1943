"""`pyhelmfile chart version` against real repositories: a directory and the same served over
HTTP on loopback, built by the real helm (`helm package` + `helm repo index`)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from pyhelmfile.golang import semver
from tests.support.repos import (
    assert_one_line_error,
    build_repo,
    closed_port,
    http_directory,
    run_cli,
)
from tests.support.toolchain import Toolchain

SHA = "ca3b6f0e9d8c7b6a5f4e3d2c1b0a998877665544"

# Versions helm can package; the invalid ones are added to index.yaml by hand afterwards,
# as an old helm or another tool could have written them (helm 3.15 refuses to package them).
VALID = ["v0.2.2-ca3b6", "v0.2.2", "0.2.9", "v0.9.3-b886c", "v0.10.1-c4962", "v0.10.1-aaaa1", "v0.3.6-0abcd"]
INVALID = ["v0.3.6-08650", "v9.9.9-0123", "not-a-version", "v1.2.3.4"]


@pytest.fixture(scope="module")
def repo_dir(tools: Toolchain, tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("chart-version")
    repo = build_repo(tools, work / "repo", {"sniffer": VALID, "payment": ["v1.4.20-c4962", "v1.4.20-b886c"]}, work)
    index_path = repo / "index.yaml"
    index = yaml.safe_load(index_path.read_text())
    template = index["entries"]["sniffer"][0]
    for bad in INVALID:
        index["entries"]["sniffer"].append({**template, "version": bad, "urls": [f"sniffer-{bad}.tgz"]})
    index["entries"]["sniffer"].append({**template, "version": 12})  # a YAML int: 12.0.0
    index_path.write_text(yaml.safe_dump(index))
    return repo


def test_latest_base_from_directory_repo(tools: Toolchain, repo_dir: Path) -> None:
    run = run_cli(tools, "chart", "version", "payment", "--repo", str(repo_dir), "--sha", SHA)
    assert run.returncode == 0, run
    assert run.stdout == "v1.4.20-ca3b6\n"


def test_latest_base_skips_invalid_entries_with_warnings(tools: Toolchain, repo_dir: Path) -> None:
    run = run_cli(tools, "chart", "version", "sniffer", "--repo", f"file://{repo_dir}", "--sha", SHA)
    assert run.returncode == 0, run
    # 12.0.0 (the YAML int) is the highest valid base; v9.9.9-0123 would be higher but is invalid.
    assert run.stdout == "12.0.0-ca3b6\n"
    warnings = [ln for ln in run.stderr.splitlines() if ln.startswith("warning: ")]
    assert len(warnings) == len(INVALID), run.stderr
    assert any('"v0.3.6-08650" is invalid' in w for w in warnings)
    assert "Traceback" not in run.stderr


def test_latest_base_over_http(tools: Toolchain, repo_dir: Path, tmp_path: Path) -> None:
    index = yaml.safe_load((repo_dir / "index.yaml").read_text())
    index["entries"]["sniffer"] = [e for e in index["entries"]["sniffer"] if e["version"] != 12]
    served = tmp_path / "served"
    served.mkdir()
    (served / "index.yaml").write_text(yaml.safe_dump(index))
    with http_directory(tmp_path) as base:
        run = run_cli(tools, "chart", "version", "sniffer", "--repo", f"{base}/served/", "--sha", SHA)
    assert run.returncode == 0, run
    # Highest base is 0.10.1 (numerically above 0.9.3 and 0.3.6); its versions carry a `v`.
    assert run.stdout == "v0.10.1-ca3b6\n"
    assert semver.parse(run.stdout.strip()).base == semver.parse("0.10.1")


def test_new_chart_starts_at_v0_1_0(tools: Toolchain, repo_dir: Path) -> None:
    run = run_cli(tools, "chart", "version", "web-neo", "--repo", str(repo_dir), "--sha", "b886c1")
    assert (run.returncode, run.stdout) == (0, "v0.1.0-b886c\n")
    assert run.stderr == f"note: {repo_dir} has no versions of web-neo; starting from v0.1.0\n"


def test_tag_given_does_not_read_the_repository(tools: Toolchain) -> None:
    unreachable = f"http://127.0.0.1:{closed_port()}/charts"
    run = run_cli(tools, "chart", "version", "sniffer", "--repo", unreachable, "--sha", SHA, "--tag", "v0.2.3")
    assert (run.returncode, run.stdout) == (0, "v0.2.3-ca3b6\n")


@pytest.mark.parametrize(
    ("sha", "tag", "expected"),
    [
        ("08650e1f", "v0.3.6", "v0.3.6-g08650"),  # the seed's invalid version, made valid
        ("00000aaa", "v1.0.0", "v1.0.0-g00000"),
        ("12345abc", "v1.0.0", "v1.0.0-12345"),  # numeric without a leading zero is valid
        ("0abcd123", "v1.0.0", "v1.0.0-0abcd"),  # alphanumeric may start with 0
        ("0", "v1.0.0", "v1.0.0-0"),
        ("CA3B6FF", "2.0.0", "2.0.0-ca3b6"),  # no `v` in the tag: none in the result
        ("08650e1f", "v0.2.3-rc.1", "v0.2.3-rc.1-g08650"),
    ],
)
def test_leading_zero_suffix_is_always_valid(tools: Toolchain, sha: str, tag: str, expected: str) -> None:
    run = run_cli(tools, "chart", "version", "sniffer", "--repo", "/nonexistent", "--sha", sha, "--tag", tag)
    assert (run.returncode, run.stdout) == (0, expected + "\n"), run
    semver.parse(expected)


def test_leading_zero_suffix_from_repository_base(tools: Toolchain, repo_dir: Path) -> None:
    run = run_cli(tools, "chart", "version", "payment", "--repo", str(repo_dir), "--sha", "08650")
    assert (run.returncode, run.stdout) == (0, "v1.4.20-g08650\n")


def test_connection_refused_names_the_repository(tools: Toolchain) -> None:
    url = f"http://127.0.0.1:{closed_port()}/charts"
    run = run_cli(tools, "chart", "version", "sniffer", "--repo", url, "--sha", SHA)
    line = assert_one_line_error(run, url, "connection refused")
    assert "index.yaml" not in line


def test_http_repository_without_index(tools: Toolchain, tmp_path: Path) -> None:
    with http_directory(tmp_path) as base:
        run = run_cli(tools, "chart", "version", "sniffer", "--repo", base, "--sha", SHA)
    assert_one_line_error(run, base, "no index.yaml", "404")


def test_missing_directory_repository(tools: Toolchain, tmp_path: Path) -> None:
    run = run_cli(tools, "chart", "version", "sniffer", "--repo", str(tmp_path / "nope"), "--sha", SHA)
    assert_one_line_error(run, "no such directory")


def test_broken_index(tools: Toolchain, tmp_path: Path) -> None:
    (tmp_path / "index.yaml").write_text("entries: [unclosed\n")
    run = run_cli(tools, "chart", "version", "sniffer", "--repo", str(tmp_path), "--sha", SHA)
    assert_one_line_error(run, "invalid index.yaml")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--sha", SHA, "--tag", "v0.3.6-08650"], "invalid --tag"),
        (["--sha", SHA, "--tag", "latest"], "invalid --tag"),
        (["--sha", SHA, "--tag", "v1.0.0+build.5"], "build metadata"),
        (["--sha", "not a sha!", "--tag", "v1.0.0"], "invalid --sha"),
    ],
)
def test_invalid_inputs(tools: Toolchain, args: list[str], fragment: str) -> None:
    run = run_cli(tools, "chart", "version", "sniffer", "--repo", "/nonexistent", *args)
    assert_one_line_error(run, fragment)


def test_repository_by_helm_repo_name(tools: Toolchain, repo_dir: Path, tmp_path: Path) -> None:
    """`--repo linoapp` / `@linoapp`: a repository added with `helm repo add`, as version.sh used it."""
    from tests.support.repos import helm_env

    env = helm_env(tools, tmp_path)
    served = tmp_path / "served"
    served.mkdir()
    index = yaml.safe_load((repo_dir / "index.yaml").read_text())
    index["entries"] = {"payment": index["entries"]["payment"]}  # helm repo add rejects the broken ones
    (served / "index.yaml").write_text(yaml.safe_dump(index))
    with http_directory(served) as url:
        subprocess.run([tools.helm3, "repo", "add", "linoapp", url], env=env, check=True, capture_output=True)
        for name in ("linoapp", "@linoapp"):
            run = run_cli(tools, "chart", "version", "payment", "--repo", name, "--sha", SHA, env=env, cwd=tmp_path)
            assert (run.returncode, run.stdout) == (0, "v1.4.20-ca3b6\n"), run
    missing = run_cli(tools, "chart", "version", "payment", "--repo", "@nope", "--sha", SHA, env=env, cwd=tmp_path)
    assert_one_line_error(missing, "no helm repository named 'nope'")
    bare = run_cli(tools, "chart", "version", "payment", "--repo", "nope", "--sha", SHA, env=env, cwd=tmp_path)
    assert_one_line_error(bare, "nope: no such directory (nor a helm repository name)")


def test_http_repository_with_basic_auth(tools: Toolchain, repo_dir: Path) -> None:
    with http_directory(repo_dir, auth=("bot", "p@ss:word")) as base:
        host = base.removeprefix("http://")
        good = run_cli(tools, "chart", "version", "payment", "--repo", f"http://bot:p%40ss%3Aword@{host}", "--sha", SHA)
        assert (good.returncode, good.stdout) == (0, "v1.4.20-ca3b6\n"), good
        bad = run_cli(tools, "chart", "version", "payment", "--repo", f"http://bot:wrong@{host}", "--sha", SHA)
    line = assert_one_line_error(bad, "HTTP 401", f"http://bot:***@{host}")
    assert "wrong" not in line
