"""examples/kube-app through both tools: list, show-dag and write-values must agree."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.differential import assert_same, run_helmfile, run_pyhelmfile
from tests.support.example import copy_example, example_env
from tests.support.toolchain import Toolchain

pytestmark = pytest.mark.differential

COMMANDS = [
    ["-e", "stg", "list", "--output", "json"],
    ["-e", "prd", "list"],
    ["-e", "prd", "-f", "helmfilefast.yaml", "-l", "name=linoapp", "-l", "name=linoapp-ws", "-l", "name=jobs", "list"],
    ["-e", "stg", "show-dag"],
    ["-e", "stg", "-f", "helmfilefast.yaml", "show-dag"],
    ["-e", "stg", "-l", "tier=app", "list", "--output", "json"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_example_commands(tools: Toolchain, example_repo: str, tmp_path: Path, args: list[str]) -> None:
    env = example_env(tools, example_repo, tmp_path / "home")
    reference = run_helmfile(tools, copy_example(tmp_path / "reference"), *args, env=env).check()
    ours = run_pyhelmfile(tools, copy_example(tmp_path / "ours"), *args, env=env).check()
    assert_same(reference, ours)


@pytest.mark.parametrize("environment", ["stg", "prd"])
def test_example_write_values(tools: Toolchain, example_repo: str, tmp_path: Path, environment: str) -> None:
    env = example_env(tools, example_repo, tmp_path / "home")
    args = ["-e", environment, "write-values", "--output-file-template", "values/{{ .Release.Name }}.yaml"]
    reference_dir = copy_example(tmp_path / "reference")
    ours_dir = copy_example(tmp_path / "ours")
    run_helmfile(tools, reference_dir, *args, env=env).check()
    run_pyhelmfile(tools, ours_dir, *args, env=env).check()
    expected = {p.name: p.read_text() for p in sorted((reference_dir / "values").iterdir())}
    assert set(expected) == {"infra.yaml", "linoapp.yaml", "linoapp-ws.yaml", "jobs.yaml"}
    assert {p.name: p.read_text() for p in sorted((ours_dir / "values").iterdir())} == expected
    assert f"madeup-{environment}-db-Zq8v" in expected["linoapp.yaml"]  # secrets decrypted into the values
