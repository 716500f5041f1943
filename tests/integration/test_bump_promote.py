"""`pyhelmfile bump` / `promote` on real git repositories shaped like the seed's kube-app,
with a local bare repository as the remote."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from tests.support.repos import assert_one_line_error, git, init_git_repo, run_cli
from tests.support.toolchain import Toolchain

VALUES = """\
# Lino App umbrella values ({env})
global:
  env: {env}

sniffer:
  image:
    repository: 123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/sniffer   # ECR
    tag: "a1b2c3d"   # bumped by CI
    pullPolicy: IfNotPresent
  replicas: 2

web:  # web-neo, aliased
  image: {{repository: web-neo, tag: f00ba}}

payment:
  image:
    tag: 'v1.4.20'
"""

REQUIREMENTS = """\
dependencies:
# services, one per line
- name: sniffer
  version: v0.2.2-ca3b6   # chart version
  repository: "@linoapp"
- name: web-neo
  version: "v1.0.0-b886c"
  repository: '@linoapp'
  alias: web
- name: payment
  version: 'v1.4.20-c4962'
  repository: "@linoapp"
"""

CHART_V1 = "apiVersion: v1\nname: linoapp\nversion: 0.1.0\n"

CHART_V2 = """\
apiVersion: v2
name: jobs
version: 0.1.0
dependencies:
  - name: sniffer   # the cron flavour
    version: "~0.2.0"
    repository: "@linoapp"
"""


@pytest.fixture
def kube_app(tmp_path: Path) -> Path:
    files = {}
    for env in ("stg", "prd"):
        files[f"{env}/linoapp/values.yaml"] = VALUES.format(env=env)
        files[f"{env}/linoapp/requirements.yaml"] = REQUIREMENTS
        files[f"{env}/linoapp/Chart.yaml"] = CHART_V1
    files["stg/jobs/Chart.yaml"] = CHART_V2
    files["stg/jobs/values.yaml"] = "sniffer:\n  image:\n    tag: abcde\n"
    files["helmfile.yaml"] = "releases: []\n"
    return init_git_repo(tmp_path / "kube-app", files)


def run_bump(tools: Toolchain, repo: Path, *args: str, release: str = "linoapp", service: str = "sniffer"):  # type: ignore[no-untyped-def]
    return run_cli(
        tools, "bump", "--env", "stg", "--release", release, "--service", service, "--repo-dir", str(repo), *args
    )


def test_bump_changes_only_the_two_values(tools: Toolchain, kube_app: Path) -> None:
    run = run_bump(tools, kube_app, "--image-tag", "ca3b6f0", "--chart-version", "v0.2.3-ca3b6")
    assert run.returncode == 0, run
    assert run.stdout.splitlines() == ["updated stg/linoapp/values.yaml", "updated stg/linoapp/requirements.yaml"]
    values = (kube_app / "stg/linoapp/values.yaml").read_text()
    assert values == VALUES.format(env="stg").replace('tag: "a1b2c3d"', 'tag: "ca3b6f0"')
    requirements = (kube_app / "stg/linoapp/requirements.yaml").read_text()
    assert requirements == REQUIREMENTS.replace("version: v0.2.2-ca3b6   #", "version: v0.2.3-ca3b6   #")
    # prd untouched, nothing committed
    assert git(kube_app, "status", "--porcelain").splitlines() == [
        " M stg/linoapp/requirements.yaml",
        " M stg/linoapp/values.yaml",
    ]
    assert git(kube_app, "rev-list", "--count", "HEAD").strip() == "1"


def test_bump_keeps_quoting_styles(tools: Toolchain, kube_app: Path) -> None:
    # payment: single-quoted tag and version stay single-quoted.
    run = run_bump(tools, kube_app, "--image-tag", "v1.4.21", "--chart-version", "v1.4.21-0abcd", service="payment")
    assert run.returncode == 0, run
    assert "    tag: 'v1.4.21'\n" in (kube_app / "stg/linoapp/values.yaml").read_text()
    assert "  version: 'v1.4.21-0abcd'\n" in (kube_app / "stg/linoapp/requirements.yaml").read_text()


def test_bump_flow_mapping_and_alias(tools: Toolchain, kube_app: Path) -> None:
    # web-neo's values are a flow mapping under its alias `web`; the dependency is found by name.
    run = run_bump(tools, kube_app, "--image-tag", "b886c12", "--chart-version", "v1.0.1-b886c", service="web-neo")
    assert run.returncode == 0, run
    assert "  image: {repository: web-neo, tag: b886c12}\n" in (kube_app / "stg/linoapp/values.yaml").read_text()
    assert '  version: "v1.0.1-b886c"\n' in (kube_app / "stg/linoapp/requirements.yaml").read_text()
    # ... and by its alias.
    run = run_bump(tools, kube_app, "--image-tag", "c0ffee1", "--chart-version", "v1.0.2-c0ffe", service="web")
    assert run.returncode == 0, run
    assert "  image: {repository: web-neo, tag: c0ffee1}\n" in (kube_app / "stg/linoapp/values.yaml").read_text()
    assert '  version: "v1.0.2-c0ffe"\n' in (kube_app / "stg/linoapp/requirements.yaml").read_text()


def test_bump_quotes_a_plain_value_that_would_not_read_as_a_string(tools: Toolchain, kube_app: Path) -> None:
    # stg/jobs is an apiVersion v2 chart: its dependencies are in Chart.yaml.
    run = run_bump(tools, kube_app, "--image-tag", "1234567", "--chart-version", "v0.2.3-g08650", release="jobs")
    assert run.returncode == 0, run
    values = (kube_app / "stg/jobs/values.yaml").read_text()
    assert values == 'sniffer:\n  image:\n    tag: "1234567"\n'
    assert yaml.safe_load(values)["sniffer"]["image"]["tag"] == "1234567"
    chart = (kube_app / "stg/jobs/Chart.yaml").read_text()
    assert chart == CHART_V2.replace('"~0.2.0"', '"v0.2.3-g08650"')


def test_bump_commit(tools: Toolchain, kube_app: Path) -> None:
    (kube_app / "notes.txt").write_text("untracked files do not make the tree dirty\n")
    run = run_bump(tools, kube_app, "--image-tag", "ca3b6f0", "--chart-version", "v0.2.3-ca3b6", "--commit")
    assert run.returncode == 0, run
    assert run.stdout.splitlines()[-1].startswith("committed ")
    assert git(kube_app, "log", "-1", "--format=%s").strip() == "[stg][sniffer] Update linoapp"
    assert git(kube_app, "show", "--name-only", "--format=", "HEAD").split() == [
        "stg/linoapp/requirements.yaml",
        "stg/linoapp/values.yaml",
    ]
    assert git(kube_app, "status", "--porcelain", "--untracked-files=no") == ""
    # Running it again changes nothing and commits nothing.
    again = run_bump(tools, kube_app, "--image-tag", "ca3b6f0", "--chart-version", "v0.2.3-ca3b6", "--commit")
    assert again.returncode == 0 and "nothing changed" in again.stdout
    assert git(kube_app, "rev-list", "--count", "HEAD").strip() == "2"


def test_bump_commit_refuses_a_dirty_tree(tools: Toolchain, kube_app: Path) -> None:
    (kube_app / "helmfile.yaml").write_text("releases: [] # local edit\n")
    run = run_bump(tools, kube_app, "--image-tag", "ca3b6f0", "--chart-version", "v0.2.3-ca3b6", "--commit")
    assert_one_line_error(run, "uncommitted changes", "helmfile.yaml")
    assert (kube_app / "stg/linoapp/values.yaml").read_text() == VALUES.format(env="stg")


@pytest.mark.parametrize(
    ("service", "args", "fragments"),
    [
        ("sniffr", [], ["unknown service 'sniffr'", "stg/linoapp/requirements.yaml"]),
        ("sniffer", ["--chart-version", "v0.3.6-08650"], ["invalid chart version", "08650"]),
        ("sniffer", ["--image-tag", "bad tag"], ["invalid image tag"]),
    ],
)
def test_bump_errors(tools: Toolchain, kube_app: Path, service: str, args: list[str], fragments: list[str]) -> None:
    defaults = {"--image-tag": "ca3b6f0", "--chart-version": "v0.2.3-ca3b6"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        defaults[flag] = value
    flat = [x for kv in defaults.items() for x in kv]
    run = run_bump(tools, kube_app, *flat, service=service)
    assert_one_line_error(run, *fragments)
    assert git(kube_app, "status", "--porcelain") == ""


def test_bump_service_missing_from_values(tools: Toolchain, kube_app: Path) -> None:
    path = kube_app / "stg/linoapp/requirements.yaml"
    path.write_text(path.read_text() + "- name: extra\n  version: 1.0.0\n  repository: '@linoapp'\n")
    run = run_bump(tools, kube_app, "--image-tag", "ca3b6f0", "--chart-version", "v0.2.3-ca3b6", service="extra")
    assert_one_line_error(run, "service 'extra'", "stg/linoapp/values.yaml has no `extra:` section")
    path.write_text(path.read_text() + "- name: noimage\n  version: 1.0.0\n")
    values = kube_app / "stg/linoapp/values.yaml"
    values.write_text(values.read_text() + "noimage:\n  replicas: 1\n")
    run = run_bump(tools, kube_app, "--image-tag", "ca3b6f0", "--chart-version", "v0.2.3-ca3b6", service="noimage")
    assert_one_line_error(run, "stg/linoapp/values.yaml", "noimage.image.tag not found")


def test_bump_missing_release_directory(tools: Toolchain, kube_app: Path) -> None:
    run = run_bump(tools, kube_app, "--image-tag", "ca3b6f0", "--chart-version", "v0.2.3-ca3b6", release="nope")
    assert_one_line_error(run, "stg/nope: no such directory")


# --- promote -------------------------------------------------------------------------------


@pytest.fixture
def remote(tmp_path: Path, kube_app: Path) -> Path:
    bare = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    git(kube_app, "remote", "add", "origin", str(bare))
    git(kube_app, "push", "-q", "origin", "main")
    return bare


def promote(tools: Toolchain, repo: Path, *args: str):  # type: ignore[no-untyped-def]
    return run_cli(
        tools,
        "promote",
        "--service",
        "sniffer",
        "--version",
        "v0.2.3",
        "--chart-version",
        "v0.2.3-ca3b6",
        "--repo-dir",
        str(repo),
        *args,
    )


def test_promote_creates_a_branch_and_pushes_it(tools: Toolchain, kube_app: Path, remote: Path) -> None:
    head = git(kube_app, "rev-parse", "HEAD").strip()
    run = promote(tools, kube_app, "--push", "origin")
    assert run.returncode == 0, run
    assert run.stdout.splitlines()[-1] == "pushed promote-sniffer-v0.2.3 to origin"
    # The work tree and the current branch are untouched.
    assert git(kube_app, "rev-parse", "--abbrev-ref", "HEAD").strip() == "main"
    assert git(kube_app, "rev-parse", "HEAD").strip() == head
    assert git(kube_app, "status", "--porcelain") == ""
    # The branch on the remote has one commit on top of main, changing prd only.
    branch = "promote-sniffer-v0.2.3"
    assert git(remote, "rev-parse", f"{branch}~1").strip() == head
    assert git(remote, "log", "-1", "--format=%s", branch).strip() == "[prd][sniffer] Promote sniffer v0.2.3"
    assert git(remote, "diff", "--name-only", head, branch).split() == [
        "prd/linoapp/requirements.yaml",
        "prd/linoapp/values.yaml",
    ]
    values = git(remote, "show", f"{branch}:prd/linoapp/values.yaml")
    assert values == VALUES.format(env="prd").replace('tag: "a1b2c3d"', 'tag: "v0.2.3"')
    requirements = git(remote, "show", f"{branch}:prd/linoapp/requirements.yaml")
    assert requirements == REQUIREMENTS.replace("version: v0.2.2-ca3b6   #", "version: v0.2.3-ca3b6   #")


def test_promote_without_push_is_ready_to_push(tools: Toolchain, kube_app: Path, remote: Path) -> None:
    run = promote(tools, kube_app)
    assert run.returncode == 0, run
    assert git(kube_app, "branch", "--list", "promote-sniffer-v0.2.3").strip()
    assert git(remote, "branch", "--list", "--format=%(refname:short)").split() == ["main"]
    git(kube_app, "push", "-q", "origin", "promote-sniffer-v0.2.3")


def test_promote_refuses_an_existing_branch(tools: Toolchain, kube_app: Path, remote: Path) -> None:
    assert promote(tools, kube_app, "--push", "origin").returncode == 0
    assert_one_line_error(promote(tools, kube_app), "branch promote-sniffer-v0.2.3 already exists")
    # Only on the remote (another machine's bot pushed it):
    git(kube_app, "branch", "-D", "promote-sniffer-v0.2.3")
    assert_one_line_error(promote(tools, kube_app, "--push", "origin"), "already exists on remote origin")


def test_promote_refuses_a_dirty_tree(tools: Toolchain, kube_app: Path) -> None:
    (kube_app / "prd/linoapp/values.yaml").write_text("sniffer: {}\n")
    assert_one_line_error(promote(tools, kube_app), "uncommitted changes", "prd/linoapp/values.yaml")
    assert git(kube_app, "branch", "--list").split() == ["*", "main"]


def test_promote_nothing_to_change(tools: Toolchain, kube_app: Path) -> None:
    run = run_cli(
        tools,
        "promote",
        "--service",
        "sniffer",
        "--version",
        "a1b2c3d",
        "--chart-version",
        "v0.2.2-ca3b6",
        "--repo-dir",
        str(kube_app),
    )
    assert_one_line_error(run, "nothing to promote")


def test_promote_unknown_service(tools: Toolchain, kube_app: Path) -> None:
    run = run_cli(
        tools,
        "promote",
        "--service",
        "sniffr",
        "--version",
        "v1.0.0",
        "--chart-version",
        "v1.0.0-ca3b6",
        "--repo-dir",
        str(kube_app),
    )
    assert_one_line_error(run, "unknown service 'sniffr'", "prd/linoapp/requirements.yaml")
    assert git(kube_app, "branch", "--list").split() == ["*", "main"]


def test_promote_outside_git(tools: Toolchain, tmp_path: Path) -> None:
    assert_one_line_error(promote(tools, tmp_path), "not a git work tree")


def test_bump_takes_the_environment_from_the_global_flag(tools: Toolchain, kube_app: Path) -> None:
    args = ["bump", "--release", "linoapp", "--service", "sniffer", "--repo-dir", str(kube_app)]
    args += ["--image-tag", "ca3b6f0", "--chart-version", "v0.2.3-ca3b6"]
    run = run_cli(tools, "-e", "stg", *args)
    assert run.returncode == 0, run
    assert run.stdout.splitlines()[0] == "updated stg/linoapp/values.yaml"
    missing = run_cli(tools, *args)
    assert missing.returncode == 2 and "--env" in missing.stderr
