"""Templates on helmfile-like data, with outputs and errors recorded from Go's text/template."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from pyhelmfile.gotmpl import Template, TemplateError

DATA = Path(__file__).resolve().parents[2] / "data" / "gotmpl" / "engine"
DOC = yaml.safe_load((DATA / "oracle_cases.yaml").read_text(encoding="utf-8"))
CASES = DOC["cases"]


@pytest.mark.parametrize("case", CASES, ids=[f"{c['missingkey']}:{c['template']!r}" for c in CASES])
def test_matches_go(case: dict[str, Any]) -> None:
    tmpl_data = copy.deepcopy(DOC["data"])
    if "error" in case:
        with pytest.raises(TemplateError) as info:
            Template("values.yaml.gotmpl", case["template"], missingkey=case["missingkey"]).execute(tmpl_data)
        assert str(info.value) == case["error"]
    else:
        out = Template("values.yaml.gotmpl", case["template"], missingkey=case["missingkey"]).execute(tmpl_data)
        assert out == case["output"]


REGRESSIONS = yaml.safe_load((DATA / "regressions.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "case", REGRESSIONS["cases"], ids=[f"{c['missingkey']}:{c['template']!r}" for c in REGRESSIONS["cases"]]
)
def test_fuzz_regressions(case: dict[str, Any]) -> None:
    data = copy.deepcopy(REGRESSIONS["data"])
    try:
        got = {"output": Template("fz", case["template"], missingkey=case["missingkey"]).execute(data)}
    except TemplateError as e:
        got = {"error": str(e)}
    expected = {k: case[k] for k in ("output", "error") if k in case}
    assert got == expected
