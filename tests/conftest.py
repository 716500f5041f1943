from __future__ import annotations

from collections.abc import Iterator

import pytest

from scripts.examplerepo import build, serve
from tests.support.cluster import Clusters, running_clusters
from tests.support.toolchain import Toolchain, toolchain


@pytest.fixture(scope="session")
def tools() -> Toolchain:
    return toolchain()


@pytest.fixture(scope="session")
def example_repo(tools: Toolchain, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example's linoapp chart repository, built with the real helm and served on 127.0.0.1."""
    repo_dir = build(tmp_path_factory.mktemp("linoapp-repo"), tools.helm3)
    with serve(repo_dir) as url:
        yield url


@pytest.fixture(scope="session")
def clusters(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Clusters]:
    """Real `stg` and `prd` clusters (tests/support/cluster.py); mark such tests @pytest.mark.cluster."""
    with running_clusters(tmp_path_factory.mktemp("clusters"), config=request.config) as running:
        yield running
