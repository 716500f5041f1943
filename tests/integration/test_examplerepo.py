"""The example's chart repository is real: helm can add it, search it and pull every chart."""

from __future__ import annotations

import subprocess
import urllib.request
from pathlib import Path

import yaml

from scripts.examplerepo import published_charts
from tests.support.differential import tmp_env
from tests.support.toolchain import Toolchain


def test_index_lists_every_published_version(example_repo: str) -> None:
    with urllib.request.urlopen(f"{example_repo}/index.yaml") as response:
        index = yaml.safe_load(response.read())
    listed = {name: sorted(e["version"] for e in entries) for name, entries in index["entries"].items()}
    assert listed == {name: sorted(versions) for name, versions in published_charts().items()}
    for entries in index["entries"].values():
        for entry in entries:
            assert entry["apiVersion"] == "v1"
            assert entry["urls"] == [f"{entry['name']}-{entry['version']}.tgz"]


def test_helm_pulls_a_seed_style_version(tools: Toolchain, example_repo: str, tmp_path: Path) -> None:
    env = tools.env(**tmp_env(tmp_path))
    helm = [tools.helm3]
    subprocess.run([*helm, "repo", "add", "linoapp", example_repo], env=env, check=True, capture_output=True)
    subprocess.run(
        [*helm, "pull", "linoapp/sniffer", "--version", "v0.2.2-ca3b6", "-d", str(tmp_path)],
        env=env,
        check=True,
        capture_output=True,
    )
    assert (tmp_path / "sniffer-v0.2.2-ca3b6.tgz").is_file()
    shown = subprocess.run(
        [*helm, "show", "values", str(tmp_path / "sniffer-v0.2.2-ca3b6.tgz")],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    values = yaml.safe_load(shown)
    assert values["image"]["repository"].endswith("/sniffer")
    assert values["service"]["enabled"] is False
