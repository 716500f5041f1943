"""Go's fmt (pyhelmfile.golang.fmt) against results recorded from Go (tests/data/gotmpl/engine/fmt_cases.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from pyhelmfile.golang import fmt as gofmt
from pyhelmfile.golang.types import go_type_name

DATA = Path(__file__).resolve().parents[2] / "data" / "gotmpl" / "engine"
CASES = yaml.safe_load((DATA / "fmt_cases.yaml").read_text(encoding="utf-8"))["cases"]
FUNCS = {"printf": gofmt.sprintf, "print": gofmt.sprint, "println": gofmt.sprintln}


@pytest.mark.parametrize("case", CASES, ids=[f"{c['func']}:{c['args']!r}" for c in CASES])
def test_matches_go(case: dict[str, Any]) -> None:
    assert FUNCS[case["func"]](*case["args"]) == case["go"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2.5, "2.5"),
        (3.0, "3"),
        (1e21, "1e+21"),
        (1e-05, "1e-05"),
        (100000.0, "100000"),
        (1e6, "1e+06"),
        (-0.0, "-0"),
        (float("inf"), "+Inf"),
        (float("nan"), "NaN"),
        ({"b": 2, "a": 1}, "map[a:1 b:2]"),
        ([1, 2, 3], "[1 2 3]"),
        ((1, "x"), "[1 x]"),
        (None, "<nil>"),
        (True, "true"),
        (b"ab", "[97 98]"),
        (1 + 2j, "(1+2i)"),
    ],
)
def test_format_value(value: Any, expected: str) -> None:
    assert gofmt.format_value(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, "int"),
        (True, "bool"),
        (1.0, "float64"),
        ("s", "string"),
        ({"a": 1}, "map[string]interface {}"),
        ([1], "[]interface {}"),
        (None, "<nil>"),
    ],
)
def test_go_type_name(value: Any, expected: str) -> None:
    assert go_type_name(value) == expected


def test_bool_is_not_an_int() -> None:
    assert gofmt.sprintf("%d", True) == "%!d(bool=true)"
    assert gofmt.sprint(True, 1) == "true 1"
