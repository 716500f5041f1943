"""`pyhelmfile repos` with the real helm 3 and helm 4, against chart repositories on loopback."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from scripts.examplerepo import build
from tests.support.differential import run_helmfile, run_pyhelmfile, tmp_env
from tests.support.repos import http_directory, https_directory, self_signed_certificate
from tests.support.toolchain import Toolchain

HELMFILE = """repositories:
  - name: private-charts
    url: {url}
releases:
  - name: app
    chart: private-charts/sniffer
    version: v0.2.2-ca3b6
"""


@pytest.fixture(scope="module")
def charts(tools: Toolchain, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("charts"), tools.helm3)


def repo_list(tools: Toolchain, env: dict[str, str]) -> list[dict[str, str]]:
    out = subprocess.run(
        [tools.helm3, "repo", "list", "-o", "json"], env=tools.env(**env), capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out)


@pytest.mark.parametrize("helm", ["helm3", "helm4"])
def test_repos_adds_a_basic_auth_repository_with_env_credentials(
    tools: Toolchain, charts: Path, tmp_path: Path, helm: str
) -> None:
    with http_directory(charts, auth=("ci", "letmein")) as url:
        (tmp_path / "helmfile.yaml").write_text(HELMFILE.format(url=url))
        env = {**tmp_env(tmp_path), "PRIVATE_CHARTS_USERNAME": "ci", "PRIVATE_CHARTS_PASSWORD": "letmein"}
        args = ["--helm-binary", tools.path(helm), "repos"]
        for _ in range(2):  # a second run replaces the entry (--force-update), it does not fail
            run = run_pyhelmfile(tools, tmp_path, *args, env=env).check()
            assert "Adding repo private-charts" in run.stderr
            assert "letmein" not in run.stderr + run.stdout
        assert repo_list(tools, env) == [{"name": "private-charts", "url": url}]
        pulled = subprocess.run(
            [tools.path(helm), "pull", "private-charts/sniffer", "--version", "v0.2.2-ca3b6", "-d", str(tmp_path)],
            env=tools.env(**env),
            capture_output=True,
            text=True,
        )
        assert pulled.returncode == 0, pulled.stderr
        assert (tmp_path / "sniffer-v0.2.2-ca3b6.tgz").is_file()


def test_wrong_password_is_one_error_line(tools: Toolchain, charts: Path, tmp_path: Path) -> None:
    with http_directory(charts, auth=("ci", "letmein")) as url:
        (tmp_path / "helmfile.yaml").write_text(HELMFILE.format(url=url))
        env = {**tmp_env(tmp_path), "PRIVATE_CHARTS_USERNAME": "ci", "PRIVATE_CHARTS_PASSWORD": "wrong"}
        run = run_pyhelmfile(tools, tmp_path, "repos", env=env)
    assert run.returncode == 1
    line = run.stderr.strip().splitlines()[-1]
    assert line.startswith(f"error: command '{tools.helm3} repo add private-charts {url} ")
    assert "exited with status 1:" in line
    assert "401 Unauthorized" in line
    assert "wrong" not in run.stderr
    assert "Traceback" not in run.stderr


def test_same_repositories_as_helmfile(tools: Toolchain, example_repo: str, tmp_path: Path) -> None:
    """On the example, both tools leave helm with the same repository list."""
    project = Path(__file__).resolve().parents[2] / "examples" / "kube-app"
    results = []
    for tool, runner in (("helmfile", run_helmfile), ("pyhelmfile", run_pyhelmfile)):
        env = {**tmp_env(tmp_path / tool), "LINOAPP_CHART_REPO": example_repo}
        runner(tools, project, "-e", "stg", "-f", "helmfilefast.yaml", "repos", env=env).check()
        results.append(repo_list(tools, env))
    assert results[0] == results[1] == [{"name": "linoapp", "url": example_repo}]


TLS_HELMFILE = """repositories:
  - name: tls-charts
    url: {url}
    caFile: {ca}
{client}releases:
  - name: app
    chart: tls-charts/sniffer
    version: v0.2.2-ca3b6
"""


@pytest.mark.parametrize("helm", ["helm3", "helm4"])
def test_a_repository_with_its_own_ca_and_a_client_certificate(
    tools: Toolchain, charts: Path, tmp_path: Path, helm: str
) -> None:
    """caFile trusts the server's certificate; certFile/keyFile answer the server's demand for a client one."""
    client_cert, client_key = self_signed_certificate(tmp_path / "client", "client")
    with https_directory(charts, tmp_path / "server", client_ca=client_cert) as url:
        ca = tmp_path / "server" / "server.crt"
        env = tmp_env(tmp_path)
        client = f"    certFile: {client_cert}\n    keyFile: {client_key}\n"
        (tmp_path / "helmfile.yaml").write_text(TLS_HELMFILE.format(url=url, ca=ca, client=client))
        rendered = run_pyhelmfile(tools, tmp_path, "--helm-binary", tools.path(helm), "template", env=env).check()
        assert "name: app-sniffer" in rendered.stdout

        # without the client certificate the server refuses helm: one error line, no traceback
        (tmp_path / "helmfile.yaml").write_text(TLS_HELMFILE.format(url=url, ca=ca, client=""))
        args = ("--helm-binary", tools.path(helm), "repos")
        refused = run_pyhelmfile(tools, tmp_path, *args, env=tmp_env(tmp_path / "b"))
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines()[-1].startswith("error: command ")
    assert "repo add tls-charts" in refused.stderr and "Traceback" not in refused.stderr
