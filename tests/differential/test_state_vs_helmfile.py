"""State loading, differentially: helmfile 0.166.0 and pyhelmfile on the same state fixtures.

Each directory under state_fixtures/ is a small helmfile project with a cases.yaml listing
command lines. Both tools run each line in a private copy of the directory; they must agree
on success or failure and, on success, print the same output. A case given as a map
(`{args: [...], files: [glob, ...], fails: true, env: {NAME: value}}`) also compares the files
the command wrote, sets environment variables for both tools,
or says that helmfile fails on it (otherwise helmfile must succeed, so that no case passes
only because both tools failed).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tests.support.differential import assert_same, normalise, run_helmfile, run_pyhelmfile
from tests.support.example import AGE_KEY, helm_secrets_shim
from tests.support.toolchain import Toolchain

pytestmark = pytest.mark.differential

FIXTURES = Path(__file__).parent / "state_fixtures"


Case = tuple[str, tuple[str, ...], tuple[str, ...], bool, tuple[tuple[str, str], ...]]


def _cases() -> list[Case]:
    cases: list[Case] = []
    for fixture in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        for case in yaml.safe_load((fixture / "cases.yaml").read_text())["cases"]:
            if not isinstance(case, dict):
                case = {"args": case}
            env = tuple(sorted(case.get("env", {}).items()))
            cases.append(
                (fixture.name, tuple(case["args"]), tuple(case.get("files", ())), bool(case.get("fails")), env)
            )
    return cases


def _written(project: Path, patterns: tuple[str, ...]) -> dict[str, str]:
    return {
        str(path.relative_to(project)): path.read_text()
        for pattern in patterns
        for path in sorted(project.glob(pattern))
    }


def _case_id(value: object) -> str:
    if isinstance(value, bool):
        return "fails" if value else "ok"
    if isinstance(value, str):
        return value
    return " ".join(v if isinstance(v, str) else "=".join(v) for v in value)  # type: ignore[attr-defined]


@pytest.mark.parametrize(("fixture", "args", "files", "fails", "case_env"), _cases(), ids=_case_id)
def test_same_result_as_helmfile(
    tools: Toolchain,
    tmp_path: Path,
    fixture: str,
    args: tuple[str, ...],
    files: tuple[str, ...],
    fails: bool,
    case_env: tuple[tuple[str, str], ...],
) -> None:
    reference_dir = tmp_path / "reference" / fixture
    project = tmp_path / "ours" / fixture
    shutil.copytree(FIXTURES / fixture, reference_dir)
    shutil.copytree(FIXTURES / fixture, project)
    env = {
        "HELM_PLUGINS": str(helm_secrets_shim(tmp_path / "plugins")),
        "SOPS_AGE_KEY_FILE": str(AGE_KEY),
        "HELM_CACHE_HOME": str(tmp_path / "helm-cache"),
        "HELM_CONFIG_HOME": str(tmp_path / "helm-config"),
        "HELM_DATA_HOME": str(tmp_path / "helm-data"),
        "HELMFILE_ENVIRONMENT": "fromvar" if fixture == "env_from_helmfile_environment_var" else "",
        **dict(case_env),
    }
    reference = run_helmfile(tools, reference_dir, *args, env=env)
    assert (reference.returncode != 0) == fails, f"helmfile exit {reference.returncode}: {reference.stderr}"
    ours = run_pyhelmfile(tools, project, *args, env=env)
    # `build` prints the state file's absolute path; each tool ran in its own copy.
    paths = {str(reference_dir): "<project>", str(project): "<project>"}
    assert_same(reference, ours, normaliser=lambda text: normalise(text, replace=paths))
    if files and reference.returncode == 0:
        expected = _written(reference_dir, files)
        assert expected, f"helmfile wrote no file matching {files}"
        assert _written(project, files) == expected
    if ours.returncode != 0:
        # Our failures end in one clear `error:` line (after any progress lines), never a traceback.
        lines = ours.stderr.strip().splitlines()
        assert "Traceback" not in ours.stderr
        assert lines[-1].startswith("error: "), ours.stderr
        assert sum(line.startswith("error: ") for line in lines) == 1, ours.stderr
    else:
        assert reference.returncode == ours.returncode
