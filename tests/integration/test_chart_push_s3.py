"""`pyhelmfile chart push` / `chart version` with an s3:// repository: moto's S3 server on
loopback (a subprocess), charts packaged by the real helm."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.support.repos import (
    S3Server,
    assert_one_line_error,
    closed_port,
    make_chart,
    package_chart,
    run_cli,
    s3_server,
)
from tests.support.toolchain import Toolchain


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    with s3_server() as server:
        yield server


@pytest.fixture
def bucket(s3: S3Server, request: pytest.FixtureRequest) -> str:
    name = "helm-" + hashlib.sha1(request.node.nodeid.encode()).hexdigest()[:12]
    s3.create_bucket(name)
    return name


@pytest.fixture(scope="module")
def packages(tools: Toolchain, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    work = tmp_path_factory.mktemp("s3-charts")
    out: dict[str, Path] = {}
    for name, version in [
        ("sniffer", "v0.2.2-ca3b6"),
        ("sniffer", "v0.2.3-g08650"),
        ("payment", "v1.4.20-c4962"),
        *[(f"svc{i}", f"v0.{i}.0-aaaa{i}") for i in range(8)],
    ]:
        chart = make_chart(tools, work / "src" / f"{name}-{version}", name, version)
        out[f"{name}-{version}"] = package_chart(tools, chart, work / "pkg")
    return out


def index(s3: S3Server, bucket: str, prefix: str = "charts") -> dict:  # type: ignore[type-arg]
    return yaml.safe_load(s3.read(bucket, f"{prefix}/index.yaml" if prefix else "index.yaml"))


def test_push_creates_index_and_entries(tools: Toolchain, s3: S3Server, bucket: str, packages: dict[str, Path]) -> None:
    repo = f"s3://{bucket}/charts"
    for key in ("sniffer-v0.2.2-ca3b6", "sniffer-v0.2.3-g08650"):
        run = run_cli(tools, "chart", "push", str(packages[key]), repo, env=s3.env())
        assert run.returncode == 0, run
    assert run.stdout.strip() == f"pushed sniffer v0.2.3-g08650: {repo}/sniffer-v0.2.3-g08650.tgz"
    assert s3.keys(bucket) == [
        "charts/index.yaml",
        "charts/sniffer-v0.2.2-ca3b6.tgz",
        "charts/sniffer-v0.2.3-g08650.tgz",
    ]
    doc = index(s3, bucket)
    entries = doc["entries"]["sniffer"]
    assert [e["version"] for e in entries] == ["v0.2.3-g08650", "v0.2.2-ca3b6"]  # newest first
    data = s3.read(bucket, "charts/sniffer-v0.2.3-g08650.tgz")
    assert entries[0]["digest"] == hashlib.sha256(data).hexdigest()
    assert entries[0]["urls"] == [f"{repo}/sniffer-v0.2.3-g08650.tgz"]
    assert entries[0]["created"].endswith("Z")
    assert entries[0]["apiVersion"] == "v2" and entries[0]["name"] == "sniffer"
    # ... and `chart version` reads it back natively.
    version = run_cli(tools, "chart", "version", "sniffer", "--repo", repo, "--sha", "b886c", env=s3.env())
    assert (version.returncode, version.stdout) == (0, "v0.2.3-b886c\n")


def test_push_refuses_an_existing_version_unless_forced(
    tools: Toolchain, s3: S3Server, bucket: str, packages: dict[str, Path], tmp_path: Path
) -> None:
    repo = f"s3://{bucket}"
    pkg = packages["payment-v1.4.20-c4962"]
    assert run_cli(tools, "chart", "push", str(pkg), repo, env=s3.env()).returncode == 0
    before = index(s3, bucket, "")
    again = run_cli(tools, "chart", "push", str(pkg), repo, env=s3.env())
    assert_one_line_error(again, "payment version v1.4.20-c4962 already exists", "--force")
    assert index(s3, bucket, "") == before

    # A rebuilt chart with the same version: --force replaces archive and entry.
    chart = make_chart(tools, tmp_path / "src", "payment", "v1.4.20-c4962")
    (chart / "values.yaml").write_text("replicaCount: 3\n")
    rebuilt = package_chart(tools, chart, tmp_path / "pkg")
    forced = run_cli(tools, "chart", "push", str(rebuilt), repo, "--force", env=s3.env())
    assert forced.returncode == 0, forced
    assert forced.stdout.startswith("replaced payment v1.4.20-c4962")
    entries = index(s3, bucket, "")["entries"]["payment"]
    assert len(entries) == 1
    assert entries[0]["digest"] == hashlib.sha256(rebuilt.read_bytes()).hexdigest()
    assert s3.read(bucket, "payment-v1.4.20-c4962.tgz") == rebuilt.read_bytes()


def test_orphan_archive_is_not_overwritten(
    tools: Toolchain, s3: S3Server, bucket: str, packages: dict[str, Path]
) -> None:
    # An archive without an index entry (an interrupted push) is not silently replaced.
    s3.write(bucket, "svc0-v0.0.0-aaaa0.tgz", b"not this")
    run = run_cli(tools, "chart", "push", str(packages["svc0-v0.0.0-aaaa0"]), f"s3://{bucket}", env=s3.env())
    assert_one_line_error(run, "exists but is not in the index", "--force")
    forced = run_cli(
        tools, "chart", "push", str(packages["svc0-v0.0.0-aaaa0"]), f"s3://{bucket}", "--force", env=s3.env()
    )
    assert forced.returncode == 0, forced


def test_concurrent_pushes_keep_every_entry(
    tools: Toolchain, s3: S3Server, bucket: str, packages: dict[str, Path]
) -> None:
    """Eight processes push different charts (and two versions of one) at the same moment."""
    repo = f"s3://{bucket}/stable"
    keys = [f"svc{i}-v0.{i}.0-aaaa{i}" for i in range(8)] + ["sniffer-v0.2.2-ca3b6", "sniffer-v0.2.3-g08650"]
    env = tools.env(**s3.env())
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "pyhelmfile", "chart", "push", str(packages[k]), repo],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in keys
    ]
    results = [(p.wait(120), *p.communicate()) for p in procs]
    assert all(rc == 0 for rc, _, _ in results), results
    entries = index(s3, bucket, "stable")["entries"]
    assert sorted(f"{name}-{e['version']}" for name, items in entries.items() for e in items) == sorted(keys)


def test_missing_index_is_an_empty_repository(tools: Toolchain, s3: S3Server, bucket: str) -> None:
    run = run_cli(tools, "chart", "version", "sniffer", "--repo", f"s3://{bucket}/new", "--sha", "ca3b6", env=s3.env())
    assert (run.returncode, run.stdout) == (0, "v0.1.0-ca3b6\n")
    assert "has no index.yaml" in run.stderr


def test_missing_bucket(tools: Toolchain, s3: S3Server, packages: dict[str, Path]) -> None:
    run = run_cli(
        tools, "chart", "version", "sniffer", "--repo", "s3://no-such-bucket/x", "--sha", "ca3b6", env=s3.env()
    )
    assert_one_line_error(run, "s3://no-such-bucket/x", "bucket does not exist")
    push = run_cli(tools, "chart", "push", str(packages["svc1-v0.1.0-aaaa1"]), "s3://no-such-bucket", env=s3.env())
    assert_one_line_error(push, "bucket does not exist")


def test_unreachable_s3_endpoint(tools: Toolchain, s3: S3Server) -> None:
    env = {**s3.env(), "AWS_ENDPOINT_URL": f"http://127.0.0.1:{closed_port()}", "AWS_MAX_ATTEMPTS": "1"}
    run = run_cli(tools, "chart", "version", "sniffer", "--repo", "s3://b/charts", "--sha", "ca3b6", env=env)
    assert_one_line_error(run, "cannot reach chart repository s3://b/charts")


def test_conditional_writes_are_enforced(s3: S3Server, bucket: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The mechanism the index update relies on, against the S3 server itself."""
    from pyhelmfile.helm import s3 as s3mod

    for key, value in s3.env().items():
        monkeypatch.setenv(key, value)
    location = s3mod.S3Location.parse(f"s3://{bucket}/p")
    first = s3mod.put_object(location, "index.yaml", b"a: 1\n", if_none_match=True)
    with pytest.raises(s3mod.PreconditionFailed):
        s3mod.put_object(location, "index.yaml", b"a: 2\n", if_none_match=True)
    second = s3mod.put_object(location, "index.yaml", b"a: 3\n", if_match=first)
    with pytest.raises(s3mod.PreconditionFailed):
        s3mod.put_object(location, "index.yaml", b"a: 4\n", if_match=first)  # stale ETag
    assert s3mod.get_object(location, "index.yaml") == (b"a: 3\n", second)
    assert s3mod.get_object(location, "missing.yaml") is None
