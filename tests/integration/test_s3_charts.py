"""s3:// chart repositories in template, lint, fetch, deps and repos, with helm 3 and helm 4 and no
helm-s3 plugin: moto's S3 server on loopback holds charts pushed by `pyhelmfile chart push`.

The oracle is the same project with the same charts served over HTTP: every command must
give the same result whether the repository is s3:// or http://.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.support.repos import (
    CliRun,
    S3Server,
    assert_one_line_error,
    http_directory,
    run_cli,
    s3_server,
)
from tests.support.toolchain import Toolchain

CHARTS = ("payment-v1.4.19-6214b", "payment-v1.4.20-c4962", "sniffer-v0.2.2-ca3b6", "sniffer-v0.2.3-ca3b6")
BUCKET = "linoapp-charts"

HELMFILE = """\
repositories:
  - name: linoapp
    url: {{ requiredEnv "CHART_REPO" }}
releases:
  - name: sniffer
    namespace: apps
    chart: linoapp/sniffer
    version: ">=0.2.0-0"
  - name: umbrella
    namespace: apps
    chart: ./umbrella
"""

UMBRELLA = """\
apiVersion: v2
name: umbrella
version: 0.1.0
dependencies:
  - name: payment
    version: v1.4.20-c4962
    repository: "@linoapp"
"""


@pytest.fixture(scope="module")
def s3(tools: Toolchain, example_repo_dir: Path) -> Iterator[S3Server]:
    """moto's S3 with the charts pushed into s3://linoapp-charts/stable, as the seed's pipeline pushes."""
    with s3_server() as server:
        server.create_bucket(BUCKET)
        for name in CHARTS:
            package = str(example_repo_dir / f"{name}.tgz")
            run = run_cli(tools, "chart", "push", package, f"s3://{BUCKET}/stable", env=server.env())
            assert run.returncode == 0, run.stderr
        yield server


@pytest.fixture(scope="module")
def http_repo(example_repo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The same charts over HTTP: the oracle."""
    import subprocess

    from tests.support.toolchain import toolchain

    repo = tmp_path_factory.mktemp("http-charts")
    for name in CHARTS:
        shutil.copy(example_repo_dir / f"{name}.tgz", repo)
    subprocess.run([toolchain().helm3, "repo", "index", str(repo)], check=True, capture_output=True)
    with http_directory(repo) as url:
        yield url


def project(root: Path) -> Path:
    (root / "umbrella" / "templates").mkdir(parents=True)
    (root / "helmfile.yaml").write_text(HELMFILE)
    (root / "umbrella" / "Chart.yaml").write_text(UMBRELLA)
    (root / "umbrella" / "templates" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n"
    )
    return root


def run(tools: Toolchain, root: Path, repo: str, helm: str, *args: str, s3: S3Server | None = None) -> CliRun:
    env = {
        "CHART_REPO": repo,
        "HELM_CACHE_HOME": str(root / "home" / "cache"),
        "HELM_CONFIG_HOME": str(root / "home" / "config"),
        "HELM_DATA_HOME": str(root / "home" / "data"),
        **(s3.env() if s3 else {}),
    }
    return run_cli(tools, *args, env=env, cwd=root / "p", helm=helm, timeout=300)


def both(
    tools: Toolchain, tmp_path: Path, s3: S3Server, http_repo: str, helm: str, *args: str
) -> tuple[CliRun, CliRun, Path, Path]:
    via_s3, via_http = tmp_path / "s3", tmp_path / "http"
    project(via_s3 / "p")
    project(via_http / "p")
    ours = run(tools, via_s3, f"s3://{BUCKET}/stable", helm, *args, s3=s3)
    oracle = run(tools, via_http, http_repo, helm, *args)
    assert ours.returncode == 0, ours.stderr
    assert oracle.returncode == 0, oracle.stderr
    return ours, oracle, via_s3 / "p", via_http / "p"


HELMS = ["helm3", "helm4"]


def _helm(tools: Toolchain, name: str) -> str:
    return tools.helm3 if name == "helm3" else tools.helm4


@pytest.mark.parametrize("helm", HELMS)
def test_template_from_s3_as_from_http(
    tools: Toolchain, s3: S3Server, http_repo: str, tmp_path: Path, helm: str
) -> None:
    ours, oracle, p, _ = both(tools, tmp_path, s3, http_repo, _helm(tools, helm), "template")
    assert ours.stdout == oracle.stdout
    assert "chart: sniffer-v0.2.3-ca3b6" in ours.stdout  # the highest version the constraint allows
    assert "chart: payment-v1.4.20-c4962" in ours.stdout  # the umbrella's dependency, from S3
    assert (p / "umbrella" / "charts" / "payment-v1.4.20-c4962.tgz").is_file()
    assert "Building dependency release=umbrella" in ours.stderr


_TMP = re.compile(rf"{re.escape(tempfile.gettempdir())}/pyhelmfile-[A-Za-z0-9_]+/charts")


@pytest.mark.parametrize("helm", HELMS)
def test_lint_and_fetch_from_s3(tools: Toolchain, s3: S3Server, http_repo: str, tmp_path: Path, helm: str) -> None:
    ours, oracle, _, _ = both(tools, tmp_path / "lint", s3, http_repo, _helm(tools, helm), "lint")
    assert _TMP.sub("<tmp>", ours.stdout) == _TMP.sub("<tmp>", oracle.stdout)
    assert "==> Linting <tmp>/apps/sniffer/linoapp/sniffer/>=0.2.0-0/sniffer" in _TMP.sub("<tmp>", ours.stdout)
    _, _, p, oracle_p = both(tools, tmp_path / "fetch", s3, http_repo, _helm(tools, helm), "fetch", "--output-dir", "o")
    chart = Path("o/apps/sniffer/linoapp/sniffer/>=0.2.0-0/sniffer/Chart.yaml")
    assert yaml.safe_load((p / chart).read_text())["version"] == "v0.2.3-ca3b6"
    assert (p / chart).read_text() == (oracle_p / chart).read_text()


@pytest.mark.parametrize("helm", HELMS)
def test_deps_locks_s3_charts(tools: Toolchain, s3: S3Server, http_repo: str, tmp_path: Path, helm: str) -> None:
    _, _, p, oracle_p = both(tools, tmp_path, s3, http_repo, _helm(tools, helm), "deps")
    lock = yaml.safe_load((p / "helmfile.lock").read_text())
    assert lock["dependencies"] == [
        {"name": "sniffer", "repository": f"s3://{BUCKET}/stable", "version": "v0.2.3-ca3b6"}
    ]
    oracle = yaml.safe_load((oracle_p / "helmfile.lock").read_text())
    assert [{**d, "repository": ""} for d in oracle["dependencies"]] == [
        {**d, "repository": ""} for d in lock["dependencies"]
    ]
    assert (p / "umbrella" / "Chart.lock").is_file()
    # The lock pins what later commands use: an older version locked is the one rendered.
    (p / "helmfile.lock").write_text((p / "helmfile.lock").read_text().replace("v0.2.3-ca3b6", "v0.2.2-ca3b6"))
    rendered = run(tools, tmp_path / "s3", f"s3://{BUCKET}/stable", _helm(tools, helm), "template", s3=s3)
    assert rendered.returncode == 0, rendered.stderr
    assert "chart: sniffer-v0.2.2-ca3b6" in rendered.stdout


def test_repos_adds_the_s3_repository(tools: Toolchain, s3: S3Server, tmp_path: Path) -> None:
    project(tmp_path / "p")
    added = run(tools, tmp_path, f"s3://{BUCKET}/stable", tools.helm3, "repos", s3=s3)
    assert added.returncode == 0, added.stderr
    config = yaml.safe_load((tmp_path / "home" / "config" / "repositories.yaml").read_text())
    assert [(r["name"], r["url"]) for r in config["repositories"]] == [("linoapp", f"s3://{BUCKET}/stable")]
    index = tmp_path / "home" / "cache" / "repository" / "linoapp-index.yaml"
    assert "sniffer" in yaml.safe_load(index.read_text())["entries"]


def test_missing_bucket_is_one_line_naming_it(tools: Toolchain, s3: S3Server, tmp_path: Path) -> None:
    project(tmp_path / "p")
    failed = run(tools, tmp_path, "s3://no-such-bucket/stable", tools.helm3, "template", s3=s3)
    assert_one_line_error(
        CliRun(
            failed.returncode,
            failed.stdout,
            "\n".join(ln for ln in failed.stderr.splitlines() if ln.startswith("error:")),
        ),
        "s3://no-such-bucket/stable",
    )
    assert "Traceback" not in failed.stderr
