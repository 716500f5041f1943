"""The seed's whole service pipeline, steps 2-5, with real tools: `chart version` on the
repository, `chart package`, `chart push`, `bump --commit` on kube-app, then helm itself
builds the umbrella chart's dependencies from the repository and renders the new build."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support.repos import git, helm_env, http_directory, init_git_repo, make_chart, run_cli
from tests.support.toolchain import Toolchain

SHA = "08650ab1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7"  # its 5-char suffix alone would be invalid SemVer


@pytest.mark.parametrize("helm", ["helm3", "helm4"])
def test_build_release_and_render(tools: Toolchain, tmp_path: Path, helm: str) -> None:
    binary = tools.helm3 if helm == "helm3" else tools.helm4
    env = helm_env(tools, tmp_path)
    repo = tmp_path / "repo"
    repo.mkdir()
    service = make_chart(tools, tmp_path / "svc", "sniffer", "0.1.0", helm=binary)

    def cli(*args: str) -> str:
        run = run_cli(tools, *args, env=env, helm=binary)
        assert run.returncode == 0, run
        return run.stdout.strip()

    # An earlier build is already in the repository.
    cli("chart", "package", str(service), "--version", "v0.2.2-ca3b6", "-d", str(tmp_path / "out"))
    cli("chart", "push", str(tmp_path / "out" / "sniffer-v0.2.2-ca3b6.tgz"), str(repo))

    with http_directory(repo) as url:
        version = cli("chart", "version", "sniffer", "--repo", url, "--sha", SHA)
        assert version == "v0.2.2-g08650"
        archive = cli("chart", "package", str(service), "--version", version, "-d", str(tmp_path / "out"))
        cli("chart", "push", archive, str(repo))

        kube_app = init_git_repo(
            tmp_path / "kube-app",
            {
                "stg/linoapp/Chart.yaml": "apiVersion: v1\nname: linoapp\nversion: 0.1.0\n",
                "stg/linoapp/requirements.yaml": (
                    'dependencies:\n- name: sniffer\n  version: v0.2.2-ca3b6\n  repository: "@linoapp"\n'
                ),
                "stg/linoapp/values.yaml": '# stg\nsniffer:\n  image:\n    tag: "ca3b6f0"  # CI\n',
            },
        )
        cli(
            "bump",
            "--env",
            "stg",
            "--release",
            "linoapp",
            "--service",
            "sniffer",
            "--image-tag",
            SHA[:7],
            "--chart-version",
            version,
            "--repo-dir",
            str(kube_app),
            "--commit",
        )
        assert git(kube_app, "log", "-1", "--format=%s").strip() == "[stg][sniffer] Update linoapp"

        # kube-app's CI job: helm adds the repository and builds the umbrella chart.
        def helm_run(*args: str) -> str:
            proc = subprocess.run([binary, *args], env=env, capture_output=True, text=True, cwd=kube_app)
            assert proc.returncode == 0, proc.stderr
            return proc.stdout

        helm_run("repo", "add", "linoapp", url)
        helm_run("dependency", "build", "stg/linoapp")
        assert (kube_app / "stg/linoapp/charts/sniffer-v0.2.2-g08650.tgz").is_file()
        rendered = helm_run("template", "linoapp", "stg/linoapp")
    assert f'image: "nginx:{SHA[:7]}"' in rendered
    assert "helm.sh/chart: sniffer-v0.2.2-g08650" in rendered
