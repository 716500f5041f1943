"""`why`: the selection the commands make, explained release by release."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from pyhelmfile.cli.main import cli

FIXTURES = Path(__file__).parents[2] / "differential" / "state_fixtures"

STATE = """\
environments:
  prd:
    values:
      - monitoring:
          enabled: false
  other:
    values:
      - monitoring:
          enabled: true
---
helmfiles:
  - path: sub.yaml
releases:
  - name: db
    namespace: data
    chart: ./c
    labels: {tier: data}
  - name: api
    namespace: app
    chart: ./c
    labels: {tier: back}
    needs: [data/db]
  - name: web
    namespace: app
    chart: ./c
    labels: {tier: front, team: web}
    needs: [app/api]
  - name: metrics
    namespace: app
    chart: ./c
    labels: {tier: front}
    condition: monitoring.enabled
  - name: legacy
    namespace: app
    chart: ./c
    labels: {tier: front}
    installed: false
"""

SUB = """\
environments:
  other: {}
---
releases:
  - name: elsewhere
    chart: ./c
"""


def run(cwd: Path, *args: str) -> Any:
    old = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "helmfile.yaml").write_text(STATE)
    (tmp_path / "sub.yaml").write_text(SUB)
    return tmp_path


def test_each_release_says_why(project: Path) -> None:
    out = run(project, "-e", "prd", "-l", "tier=front", "-l", "tier=back,team=ops", "why")
    assert out.splitlines() == [
        'helmfile.yaml: environment "prd", selectors: -l tier=front -l tier=back,team=ops',
        '  left out  data/db      -l tier=front: tier is "data"; -l tier=back,team=ops: tier is "data"',
        '  left out  app/api      -l tier=front: tier is "back"; -l tier=back,team=ops: no label "team"; '
        'needed by "app/web": --include-needs would take it',
        "  TAKEN     app/web      -l tier=front matches",
        "  left out  app/metrics  -l tier=front matches; condition monitoring.enabled is not true",
        "  TAKEN     app/legacy   -l tier=front matches; installed: false: apply and sync uninstall it where it is"
        " installed",
        'sub.yaml: skipped: it has no environment "prd"',
    ]


def test_needs_included_on_request_and_refused_without_skip(project: Path) -> None:
    out = run(project, "-e", "prd", "-l", "name=web", "why", "--include-needs", "db", "app/api", "web")
    assert out.splitlines()[1:-1] == [
        '  TAKEN     data/db  -l name=web: name is "db"; needed by "app/api" (--include-needs)',
        '  TAKEN     app/api  -l name=web: name is "api"; needed by "app/web" (--include-needs)',
        "  TAKEN     app/web  -l name=web matches",
    ]
    refused = run(project, "-e", "prd", "-l", "name=web", "why", "--no-skip-needs", "web").splitlines()
    assert refused[1] == "  selected  app/web  -l name=web matches"
    assert refused[2].startswith('  error: release "app/web" depends on "app/api" which does not match the selectors')


def test_negative_selector_and_json(project: Path) -> None:
    doc = json.loads(run(project, "-e", "other", "-l", "tier!=front", "why", "--output", "json"))
    assert [s["file"] for s in doc["states"]] == ["sub.yaml", "helmfile.yaml"]
    assert doc["skipped"] == []
    sub, main = doc["states"]
    assert sub["releases"][0]["reasons"] == ["-l tier!=front matches"]
    rows = {r["id"]: r for r in main["releases"]}
    assert rows["app/web"]["reasons"] == ['-l tier!=front: tier is "front"']
    assert not rows["app/web"]["selected"] and not rows["app/web"]["taken"]
    assert rows["data/db"]["taken"] and rows["app/api"]["taken"]
    # its condition holds in "other": only the selector speaks
    assert not rows["app/metrics"]["taken"] and rows["app/metrics"]["reasons"] == ['-l tier!=front: tier is "front"']


def _list_cases() -> list[tuple[str, list[str]]]:
    cases = []
    for fixture in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        doc = yaml.safe_load((fixture / "cases.yaml").read_text())
        if doc.get("needs"):
            continue  # needs a chart repository or registry
        for case in doc["cases"]:
            if isinstance(case, dict):
                if case.get("fails") or case.get("env"):
                    continue
                case = case["args"]
            if "list" in case and "-l" in case:
                cases.append((fixture.name, [a for a in case if a not in ("list", "--output", "json")]))
    return cases


def test_taken_is_what_helmfiles_own_list_selects() -> None:
    """On the differential fixtures' `list -l ...` cases (byte-identical with helmfile's there), the releases
    why calls picked are exactly the ones list prints, in the same order."""
    cases = _list_cases()
    assert len(cases) >= 5
    for fixture, args in cases:
        out = run(FIXTURES / fixture, *args, "list", "--output", "json")
        listed = json.loads(out) or [] if out.strip() else []  # nothing matched (allowed): no output
        explained = json.loads(run(FIXTURES / fixture, *args, "why", "--output", "json"))
        picked = [r for s in explained["states"] for r in s["releases"] if r["selected"]]
        assert [(r["name"], r["namespace"]) for r in picked] == [(r["name"], r["namespace"]) for r in listed], (
            fixture,
            args,
        )


def test_helmfile_file_path_names_the_state_file(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "helmfile.yaml").rename(project / "elsewhere.yaml")
    monkeypatch.setenv("HELMFILE_FILE_PATH", "elsewhere.yaml")
    out = run(project, "-e", "prd", "why")
    assert out.splitlines()[0] == 'elsewhere.yaml: environment "prd", selectors: none'
