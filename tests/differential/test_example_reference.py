"""The reference helmfile 0.166.0 accepts examples/kube-app and renders what the example means.

These pin the example's behaviour as the real helmfile sees it; pyhelmfile's differential
tests (state loading, template, diff) compare against the same runs.
"""

from __future__ import annotations

import base64
import json
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.support.differential import run_helmfile
from tests.support.example import copy_example, example_env
from tests.support.toolchain import Toolchain

pytestmark = pytest.mark.differential


def documents(text: str) -> list[dict]:  # type: ignore[type-arg]
    return [doc for doc in yaml.safe_load_all(text) if doc]


def by_kind_name(docs: list[dict]) -> dict[tuple[str, str], dict]:  # type: ignore[type-arg]
    return {(d["kind"], d["metadata"]["name"]): d for d in docs}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "kube-app")


@pytest.mark.parametrize(
    ("env", "sniffer_tag", "log_level", "schedule"),
    [
        ("stg", "b5356e582b083b0c1757000886acf5971c5d116f", "debug", "*/30 * * * *"),
        ("prd", "v0.2.2", "info", "0 3 * * *"),
    ],
)
def test_helmfile_templates_every_release(
    tools: Toolchain,
    example_repo: str,
    project: Path,
    tmp_path: Path,
    env: str,
    sniffer_tag: str,
    log_level: str,
    schedule: str,
) -> None:
    run = run_helmfile(tools, project, "-e", env, "template", env=example_env(tools, example_repo, tmp_path)).check()
    objects = by_kind_name(documents(run.stdout))

    sniffer = objects[("Deployment", "linoapp-sniffer")]
    image = sniffer["spec"]["template"]["spec"]["containers"][0]["image"]
    assert image == f"123456789012.dkr.ecr.eu-west-1.amazonaws.com/sniffer:{sniffer_tag}"
    # Environment values reach the release through the values.yaml.gotmpl template.
    assert objects[("ConfigMap", "linoapp-sniffer")]["data"]["LOG_LEVEL"] == log_level
    assert objects[("ConfigMap", "linoapp-payment")]["data"]["ENVIRONMENT"] == env.upper()
    # sops-encrypted secrets are decrypted into the payment Secret.
    secret = objects[("Secret", "linoapp-payment")]["data"]
    assert base64.b64decode(secret["DB_PASSWORD"]).decode() == f"madeup-{env}-db-Zq8v"
    # Inline release values rendered from environment values.
    assert objects[("CronJob", "jobs-reindex")]["spec"]["schedule"] == schedule
    assert ("Deployment", "linoapp-ws-ws-gateway") in objects
    assert ("ResourceQuota", "pod-quota") in objects


def test_fast_helmfile_with_selector_renders_only_linoapp(
    tools: Toolchain, example_repo: str, project: Path, tmp_path: Path
) -> None:
    run = run_helmfile(
        tools,
        project,
        "-e",
        "stg",
        "-f",
        "helmfilefast.yaml",
        "-l",
        "name=linoapp",
        "template",
        env=example_env(tools, example_repo, tmp_path),
    ).check()
    releases = {d["metadata"]["labels"].get("release") for d in documents(run.stdout)}
    assert releases == {"linoapp"}
    chart_labels = {d["metadata"]["labels"]["chart"] for d in documents(run.stdout)}
    assert chart_labels == {"sniffer-v0.2.0-e0d65", "web-neo-v0.7.21-aa0d4", "payment-v1.4.20-c4962"}


def test_helmfile_lists_releases_with_labels(tools: Toolchain, project: Path, tmp_path: Path) -> None:
    env = example_env(tools, "http://127.0.0.1:9", tmp_path)  # list needs no repository
    run = run_helmfile(tools, project, "-e", "prd", "list", "--output", "json", env=env).check()
    releases = {r["name"]: r for r in json.loads(run.stdout)}
    assert set(releases) == {"infra", "linoapp", "linoapp-ws", "jobs"}
    assert releases["linoapp"]["namespace"] == "linoapp"
    assert "tier:app" in releases["linoapp"]["labels"]
    assert "repo:kube-app" in releases["linoapp"]["labels"]


def test_helmfile_rejects_a_wrong_age_key(tools: Toolchain, example_repo: str, project: Path, tmp_path: Path) -> None:
    wrong_key = tmp_path / "wrong.key"
    subprocess.run([tools.age_keygen, "-o", str(wrong_key)], check=True, capture_output=True)
    env = example_env(tools, example_repo, tmp_path)
    env["SOPS_AGE_KEY_FILE"] = str(wrong_key)
    run = run_helmfile(tools, project, "-e", "stg", "-l", "name=linoapp", "template", env=env)
    assert run.returncode != 0
    assert "secrets.yaml" in run.stderr
    assert "at least one key has to be successful" in run.stderr
