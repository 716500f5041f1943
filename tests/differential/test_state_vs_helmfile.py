"""State loading and the helm commands, differentially: helmfile 0.166.0 and pyhelmfile on the same fixtures.

Each directory under state_fixtures/ is a small helmfile project with a cases.yaml listing
command lines. Both tools run each line in a private copy of the directory; they must agree
on success or failure and, on success, print the same output. A case given as a map
(`{args: [...], files: [glob, ...], fails: true, env: {NAME: value}, mask: [regex, ...],
failure_output: true}`) also compares the files the command wrote, sets environment
variables for both tools, says that helmfile fails on it (otherwise helmfile must succeed,
so that no case passes only because both tools failed), removes what the regexes match from
outputs and files (run-specific values such as timestamps), or compares stdout even when
both fail.

A cases.yaml may say `needs: [chart_repo, oci_registry]`: the example's chart repository
served on loopback (`$LINOAPP_CHART_REPO`) and a loopback OCI registry holding some of its
charts under `charts/` (`$OCI_REGISTRY`, host:port), started once per session.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.support.differential import assert_same, normalise, run_helmfile, run_pyhelmfile
from tests.support.example import AGE_KEY, helm_secrets_shim
from tests.support.toolchain import Toolchain

pytestmark = pytest.mark.differential

FIXTURES = Path(__file__).parent / "state_fixtures"


@dataclass(frozen=True)
class Case:
    fixture: str
    args: tuple[str, ...]
    files: tuple[str, ...] = ()
    fails: bool = False
    env: tuple[tuple[str, str], ...] = ()
    mask: tuple[str, ...] = ()
    failure_output: bool = False
    needs: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        parts = [self.fixture, *self.args, *self.files, "fails" if self.fails else "ok"]
        parts += ["=".join(pair) for pair in self.env]
        return " ".join(parts)


def _cases() -> list[Case]:
    cases: list[Case] = []
    for fixture in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        doc = yaml.safe_load((fixture / "cases.yaml").read_text())
        for case in doc["cases"]:
            if not isinstance(case, dict):
                case = {"args": case}
            cases.append(
                Case(
                    fixture.name,
                    tuple(case["args"]),
                    tuple(case.get("files", ())),
                    bool(case.get("fails")),
                    tuple(sorted(case.get("env", {}).items())),
                    tuple(case.get("mask", ())),
                    bool(case.get("failure_output")),
                    tuple(doc.get("needs", ())),
                )
            )
    return cases


def _written(project: Path, patterns: tuple[str, ...]) -> dict[str, str]:
    return {
        str(path.relative_to(project)): path.read_text()
        for pattern in patterns
        for path in sorted(project.glob(pattern))
    }


# Charts downloaded into a temporary directory show up in helm's output (lint): helmfile's is
# os.MkdirTemp("", "helmfile*"), pyhelmfile's a `charts` directory in its private one. Charts
# given `dependencies:` are copied by chartify to os.MkdirTemp("", "chartify*") (and left there),
# by pyhelmfile to a fresh directory under `chartify` in its private one. Both tools get a TMPDIR
# of the test's own.
def _temp_dirs(tmpdir: Path) -> re.Pattern[str]:
    return re.compile(
        rf"{re.escape(str(tmpdir))}/(?:helmfile\d+|pyhelmfile-[A-Za-z0-9_]+/charts"
        r"|chartify\d+|pyhelmfile-[A-Za-z0-9_]+/chartify/[A-Za-z0-9_]+)(?=/|\b)"
    )


def _env_for(case: Case, request: pytest.FixtureRequest) -> dict[str, str]:
    env: dict[str, str] = {}
    if "chart_repo" in case.needs:
        env["LINOAPP_CHART_REPO"] = request.getfixturevalue("example_repo")
    if "tls_chart_repo" in case.needs:
        env["LINOAPP_TLS_CHART_REPO"] = request.getfixturevalue("tls_chart_repo")
    if "oci_registry" in case.needs:
        env["OCI_REGISTRY"] = request.getfixturevalue("oci_charts")
    return env


def compare_case(
    tools: Toolchain,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    case: Case,
    ours_args: tuple[str, ...] = (),
) -> None:
    """Run the case with both tools (pyhelmfile with `ours_args` first) and compare as the module says."""
    reference_dir = tmp_path / "reference" / case.fixture
    project = tmp_path / "ours" / case.fixture
    shutil.copytree(FIXTURES / case.fixture, reference_dir)
    shutil.copytree(FIXTURES / case.fixture, project)
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    temp_dirs = _temp_dirs(tmpdir)
    env = {
        "TMPDIR": str(tmpdir),
        "HELM_PLUGINS": str(helm_secrets_shim(tmp_path / "plugins")),
        "SOPS_AGE_KEY_FILE": str(AGE_KEY),
        "HELM_CACHE_HOME": str(tmp_path / "helm-cache"),
        "HELM_CONFIG_HOME": str(tmp_path / "helm-config"),
        "HELM_DATA_HOME": str(tmp_path / "helm-data"),
        "HELMFILE_ENVIRONMENT": "fromvar" if case.fixture == "env_from_helmfile_environment_var" else "",
        **_env_for(case, request),
        **dict(case.env),
    }
    reference = run_helmfile(tools, reference_dir, *case.args, env=env)
    assert (reference.returncode != 0) == case.fails, f"helmfile exit {reference.returncode}: {reference.stderr}"
    ours = run_pyhelmfile(tools, project, *ours_args, *case.args, env=env)
    masks = [re.compile(m) for m in case.mask]

    def clean(text: str) -> str:
        # `build` prints the state file's absolute path; each tool ran in its own copy.
        text = normalise(text, replace={str(reference_dir): "<project>", str(project): "<project>"})
        text = temp_dirs.sub("<tmp>", text)
        for mask in masks:
            text = mask.sub("", text)
        return text

    assert_same(reference, ours, normaliser=clean)
    if case.failure_output and reference.returncode != 0:
        assert clean(ours.stdout) == clean(reference.stdout)
    if case.files and reference.returncode == 0:
        expected = {name: clean(text) for name, text in _written(reference_dir, case.files).items()}
        assert expected, f"helmfile wrote no file matching {case.files}"
        assert {name: clean(text) for name, text in _written(project, case.files).items()} == expected
    if ours.returncode != 0:
        # Our failures end in one clear `error:` line (after any progress lines), never a traceback.
        lines = ours.stderr.strip().splitlines()
        assert "Traceback" not in ours.stderr
        assert lines[-1].startswith("error: "), ours.stderr
        assert sum(line.startswith("error: ") for line in lines) == 1, ours.stderr
    else:
        assert reference.returncode == ours.returncode


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c.id)
def test_same_result_as_helmfile(tools: Toolchain, tmp_path: Path, request: pytest.FixtureRequest, case: Case) -> None:
    compare_case(tools, tmp_path, request, case)
