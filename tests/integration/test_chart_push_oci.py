"""`pyhelmfile chart push` / `chart version` with an OCI registry: Debian's docker-registry
2.8.2 on loopback, charts pushed by the real helm 3.15.3 and helm 4.1.4 (--plain-http)."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.repos import (
    assert_one_line_error,
    closed_port,
    helm_env,
    make_chart,
    oci_registry,
    package_chart,
    run_cli,
)
from tests.support.toolchain import Toolchain

MANIFEST = "application/vnd.oci.image.manifest.v1+json"


@pytest.fixture(scope="module")
def registry(tools: Toolchain, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with oci_registry(tools, tmp_path_factory.mktemp("registry")) as host:
        yield host


@pytest.fixture(scope="module")
def packages(tools: Toolchain, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    work = tmp_path_factory.mktemp("oci-charts")
    out = {}
    for name, version in [
        ("sniffer", "v0.2.2-ca3b6"),
        ("sniffer", "v0.10.1-b886c"),
        ("sniffer", "v0.9.0"),
        ("payment", "v1.4.20+build.7"),
        ("jobs", "0.1.0"),
        ("jobs4", "0.1.0"),
    ]:
        chart = make_chart(tools, work / "src" / f"{name}-{version}", name, version)
        out[f"{name}-{version}"] = package_chart(tools, chart, work / "pkg")
    return out


def push(tools: Toolchain, pkg: Path, repo: str, home: Path, *extra: str, helm: str | None = None):  # type: ignore[no-untyped-def]
    env = helm_env(tools, home)
    return run_cli(tools, "chart", "push", str(pkg), repo, "--plain-http", *extra, env=env, helm=helm)


def tags(registry: str, repository: str) -> list[str]:
    with urllib.request.urlopen(f"http://{registry}/v2/{repository}/tags/list") as resp:
        import json

        return sorted(json.load(resp)["tags"])


def retag(registry: str, repository: str, source: str, new: str) -> None:
    """Give an existing manifest another tag through the distribution API."""
    request = urllib.request.Request(
        f"http://{registry}/v2/{repository}/manifests/{source}", headers={"Accept": MANIFEST}
    )
    with urllib.request.urlopen(request) as resp:
        body, media = resp.read(), resp.headers["Content-Type"]
    put = urllib.request.Request(
        f"http://{registry}/v2/{repository}/manifests/{new}", data=body, method="PUT", headers={"Content-Type": media}
    )
    urllib.request.urlopen(put).close()


@pytest.mark.parametrize("helm", ["helm3", "helm4"])
def test_push_with_both_helms(
    tools: Toolchain, registry: str, packages: dict[str, Path], tmp_path: Path, helm: str
) -> None:
    name = "jobs" if helm == "helm3" else "jobs4"
    binary = tools.helm3 if helm == "helm3" else tools.helm4
    run = push(tools, packages[f"{name}-0.1.0"], f"oci://{registry}/{helm}", tmp_path, helm=binary)
    assert run.returncode == 0, run
    assert run.stdout.strip() == f"pushed {name} 0.1.0: oci://{registry}/{helm}/{name}:0.1.0"
    assert tags(registry, f"{helm}/{name}") == ["0.1.0"]


def test_version_from_registry_tags(tools: Toolchain, registry: str, packages: dict[str, Path], tmp_path: Path) -> None:
    repo = f"oci://{registry}/charts"
    for key in ("sniffer-v0.2.2-ca3b6", "sniffer-v0.10.1-b886c", "sniffer-v0.9.0", "payment-v1.4.20+build.7"):
        run = push(tools, packages[key], repo, tmp_path)
        assert run.returncode == 0, run
    # helm stores `+` as `_` in tags
    assert tags(registry, "charts/payment") == ["v1.4.20_build.7"]
    # tags that are not versions are skipped with a warning
    retag(registry, "charts/sniffer", "v0.9.0", "latest")
    retag(registry, "charts/sniffer", "v0.9.0", "v9.3.6-08650")

    run = run_cli(tools, "chart", "version", "sniffer", "--repo", repo, "--sha", "08650ab", "--plain-http")
    assert (run.returncode, run.stdout) == (0, "v0.10.1-g08650\n"), run
    warnings = [ln for ln in run.stderr.splitlines() if ln.startswith("warning: ")]
    assert len(warnings) == 2 and any('"v9.3.6-08650" is invalid' in w for w in warnings), run.stderr

    run = run_cli(tools, "chart", "version", "payment", "--repo", repo, "--sha", "c4962", "--plain-http")
    assert (run.returncode, run.stdout) == (0, "v1.4.20-c4962\n"), run
    run = run_cli(tools, "chart", "version", "web-neo", "--repo", repo, "--sha", "c4962", "--plain-http")
    assert (run.returncode, run.stdout) == (0, "v0.1.0-c4962\n"), run


def test_push_existing_tag_needs_force(
    tools: Toolchain, registry: str, packages: dict[str, Path], tmp_path: Path
) -> None:
    repo = f"oci://{registry}/force"
    pkg = packages["sniffer-v0.2.2-ca3b6"]
    assert push(tools, pkg, repo, tmp_path).returncode == 0
    assert_one_line_error(push(tools, pkg, repo, tmp_path), "sniffer version v0.2.2-ca3b6 already exists", "--force")
    forced = push(tools, pkg, repo, tmp_path, "--force", helm=tools.helm4)
    assert forced.returncode == 0 and forced.stdout.startswith("replaced"), forced


def test_unreachable_registry(tools: Toolchain, packages: dict[str, Path], tmp_path: Path) -> None:
    repo = f"oci://127.0.0.1:{closed_port()}/charts"
    run = run_cli(tools, "chart", "version", "sniffer", "--repo", repo, "--sha", "ca3b6", "--plain-http")
    assert_one_line_error(run, f"cannot reach OCI registry {repo}", "connection refused")
    assert_one_line_error(push(tools, packages["jobs-0.1.0"], repo, tmp_path), repo, "connection refused")


def test_registry_with_credentials_from_helm_registry_config(
    tools: Toolchain, packages: dict[str, Path], tmp_path: Path
) -> None:
    import base64
    import json

    with oci_registry(tools, tmp_path / "registry", users={"bot": "s3cret"}) as host:
        repo = f"oci://{host}/private"
        # No credentials: one clear line.
        run = run_cli(tools, "chart", "version", "sniffer", "--repo", repo, "--sha", "ca3b6", "--plain-http")
        assert_one_line_error(run, f"OCI registry {repo} requires authentication", f"helm registry login {host}")
        # What `helm registry login` saves (docker's config format), in helm's config home.
        config = tmp_path / "helm-config" / "registry" / "config.json"
        config.parent.mkdir(parents=True)
        config.write_text(json.dumps({"auths": {host: {"auth": base64.b64encode(b"bot:s3cret").decode()}}}))
        env = helm_env(tools, tmp_path)
        pushed = run_cli(tools, "chart", "push", str(packages["sniffer-v0.9.0"]), repo, "--plain-http", env=env)
        assert pushed.returncode == 0, pushed
        run = run_cli(tools, "chart", "version", "sniffer", "--repo", repo, "--sha", "ca3b6", "--plain-http", env=env)
        assert (run.returncode, run.stdout) == (0, "v0.9.0-ca3b6\n"), run
