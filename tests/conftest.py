from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts.examplerepo import build, serve
from tests.support.cluster import Clusters, running_clusters
from tests.support.toolchain import Toolchain, toolchain


@pytest.fixture(scope="session")
def tools() -> Toolchain:
    return toolchain()


@pytest.fixture(scope="session")
def example_repo_dir(tools: Toolchain, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example's linoapp chart repository (packages and index.yaml), built with the real helm."""
    return build(tmp_path_factory.mktemp("linoapp-repo"), tools.helm3)


@pytest.fixture(scope="session")
def example_repo(example_repo_dir: Path) -> Iterator[str]:
    """The example's linoapp chart repository served on 127.0.0.1."""
    with serve(example_repo_dir) as url:
        yield url


@pytest.fixture(scope="session")
def tls_chart_repo(example_repo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The same repository over HTTPS with a self-signed certificate (helm must be told to skip verification)."""
    from tests.support.repos import https_directory

    with https_directory(example_repo_dir, tmp_path_factory.mktemp("tls")) as url:
        yield url


OCI_CHARTS = ("payment-v1.4.19-6214b", "sniffer-v0.2.2-ca3b6", "web-neo-v0.7.21-aa0d4")


@pytest.fixture(scope="session")
def oci_charts(tools: Toolchain, example_repo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An OCI registry on 127.0.0.1 holding OCI_CHARTS under `charts/`; yields host:port."""
    from tests.support.repos import helm_env, oci_registry

    work = tmp_path_factory.mktemp("oci-charts")
    with oci_registry(tools, work / "registry") as host:
        env = helm_env(tools, work / "home")
        for name in OCI_CHARTS:
            package = example_repo_dir / f"{name}.tgz"
            subprocess.run(
                [tools.helm3, "push", str(package), f"oci://{host}/charts", "--plain-http"],
                check=True,
                capture_output=True,
                env=env,
            )
        yield host


@pytest.fixture(scope="session")
def clusters(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Clusters]:
    """Real `stg` and `prd` clusters (tests/support/cluster.py); mark such tests @pytest.mark.cluster."""
    with running_clusters(tmp_path_factory.mktemp("clusters"), config=request.config) as running:
        yield running


@pytest.fixture(scope="session")
def helm_diff_plugins(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A HELM_PLUGINS dir holding helm-diff v3.9.8 only (built from the Go module proxy once, cached:
    scripts/helmdiff.py), for helmfile's `diff`/`apply` in differential tests."""
    from scripts.helmdiff import ensure_helm_diff, install_helm_diff

    plugins = tmp_path_factory.mktemp("helm-plugins")
    install_helm_diff(plugins, ensure_helm_diff())
    return plugins
