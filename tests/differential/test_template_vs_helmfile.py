"""`template` differentially: helmfile 0.166.0 and pyhelmfile print the same manifests, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.differential import run_helmfile, run_pyhelmfile
from tests.support.example import copy_example, example_env
from tests.support.toolchain import Toolchain

pytestmark = pytest.mark.differential

CASES = [
    ["-e", "stg", "template"],
    ["-e", "prd", "template"],
    ["-e", "stg", "-f", "helmfilefast.yaml", "-l", "name=linoapp", "template"],
    [
        "-e",
        "prd",
        "-f",
        "helmfilefast.yaml",
        "-l",
        "name=linoapp",
        "-l",
        "name=linoapp-ws",
        "-l",
        "name=jobs",
        "template",
    ],
    ["-e", "stg", "-l", "tier=batch", "template", "--include-needs"],
    ["-e", "prd", "template", "--skip-tests", "--include-crds", "--kube-version", "1.29.0", "--set", "extra=1"],
]


@pytest.mark.parametrize("args", CASES, ids=" ".join)
def test_template_is_byte_identical(tools: Toolchain, example_repo: str, tmp_path: Path, args: list[str]) -> None:
    env = example_env(tools, example_repo, tmp_path / "home")
    reference = run_helmfile(tools, copy_example(tmp_path / "reference"), *args, env=env).check()
    ours = run_pyhelmfile(tools, copy_example(tmp_path / "ours"), *args, env=env).check()
    assert reference.stdout.count("kind: Deployment") >= 1
    assert ours.stdout == reference.stdout


def test_template_with_helm4_renders_the_same(tools: Toolchain, example_repo: str, tmp_path: Path) -> None:
    """pyhelmfile driving helm 4.1.4 prints what helmfile prints with helm 3.15.3."""
    env = example_env(tools, example_repo, tmp_path / "home")
    args = ["-e", "stg", "template"]
    reference = run_helmfile(tools, copy_example(tmp_path / "reference"), *args, env=env).check()
    ours = run_pyhelmfile(tools, copy_example(tmp_path / "ours"), "--helm-binary", tools.helm4, *args, env=env).check()
    assert ours.stdout == reference.stdout


def test_decrypted_values_leave_no_file_behind(tools: Toolchain, example_repo: str, tmp_path: Path) -> None:
    """Secrets are decrypted into a private temp dir that is gone afterwards; plaintext nowhere on disk."""
    env = example_env(tools, example_repo, tmp_path / "home")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env["TMPDIR"] = str(scratch)
    project = copy_example(tmp_path / "ours")
    run_pyhelmfile(tools, project, "-e", "stg", "-l", "name=linoapp", "template", env=env).check()
    assert list(scratch.iterdir()) == []
    plaintext = b"madeup-stg-db-Zq8v"
    for path in [*project.rglob("*"), *(tmp_path / "home").rglob("*")]:
        if path.is_file():
            assert plaintext not in path.read_bytes(), path
