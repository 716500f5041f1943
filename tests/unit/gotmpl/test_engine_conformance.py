"""Go's own text/template test tables, ported as data (tests/data/gotmpl/engine/*.yaml).

The expected outputs and error messages were checked against real Go with the same
map/slice data; see EXCLUDED.md for the cases that only make sense with Go types.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from pyhelmfile.golang.fmt import sprint, sprintln
from pyhelmfile.golang.types import go_type_name
from pyhelmfile.gotmpl import FuncError, Template, TemplateError
from pyhelmfile.gotmpl.parse import ParseError, parse

DATA = Path(__file__).resolve().parents[2] / "data" / "gotmpl" / "engine"
EXEC = yaml.safe_load((DATA / "exec_cases.yaml").read_text(encoding="utf-8"))
PARSE = yaml.safe_load((DATA / "parse_cases.yaml").read_text(encoding="utf-8"))


def _add(*args: int) -> int:
    return sum(args)


def _makemap(*args: str) -> dict[str, str]:
    if len(args) % 2:
        raise FuncError("bad makemap")
    return {args[i]: args[i + 1] for i in range(0, len(args), 2)}


def _die() -> bool:
    raise FuncError("die")


# The helper functions Go's testExecute installs, with the same behaviour.
TEST_FUNCS: dict[str, Callable[..., Any]] = {
    "add": _add,
    "dddArg": lambda a, *b: sprintln(a, list(b)),
    "die": _die,
    "echo": lambda a: a,
    "makemap": _makemap,
    "mapOfThree": lambda: {"three": 3},
    "oneArg": lambda a: "oneArg=" + a,
    "returnInt": lambda: 7,
    "twoArgs": lambda a, b: "twoArgs=" + a + b,
    "typeOf": go_type_name,
    "zeroArgs": lambda: "zeroArgs",
}

# Function-valued fields of Go's tVal, for the `call` builtin.
TVAL_FUNCS: dict[str, Callable[..., Any]] = {
    "BinaryFunc": lambda a, b: f"[{a}={b}]",
    "VariadicFunc": lambda *s: sprint("<", "+".join(s), ">"),
    "VariadicFuncInt": lambda a, *s: sprint(a, "=<", "+".join(s), ">"),
    "ErrFunc": lambda: "bla",
}

# Go rejects these through its static parameter types (a string parameter given an int,
# ...); Python functions have no such types. Listed in EXCLUDED.md as well.
STATIC_TYPE_CASES = {
    ".BinaryFuncBad0",
    ".BinaryFuncBad1",
    ".VariadicFuncBad0",
    ".VariadicFuncIntBad`",
    ".VariadicFuncNilBad",
    "bug8a",
    "bug8b",
    "bug10",
    "bug16f",
    "bug16h",
    "bug18a",
    "bug18b",
    "bug18c",
    "bug18d",
}


def _data(case: dict[str, Any]) -> Any:
    ref = case.get("data_ref")
    if ref is None:
        return copy.deepcopy(case.get("data"))
    data = copy.deepcopy(EXEC["fixtures"][ref])
    if ref == "tval":
        data.update(TVAL_FUNCS)
    return data


EXEC_CASES = [c for c in EXEC["cases"] if c["name"] not in STATIC_TYPE_CASES]


def _run(case: dict[str, Any]) -> str:
    funcs = TEST_FUNCS if case.get("funcs") else None
    if case.get("set"):
        texts = EXEC["sets"][case["set"]]
        root = Template("root", "".join(texts), TEST_FUNCS, missingkey="default")
        return root.new_sibling("tmpl", case["template"]).execute(_data(case))
    return Template("tmpl", case["template"], funcs, missingkey="default").execute(_data(case))


@pytest.mark.parametrize("case", EXEC_CASES, ids=[f"{c['table']}:{c['name']}" for c in EXEC_CASES])
def test_exec_table(case: dict[str, Any]) -> None:
    if "error" in case:
        with pytest.raises(TemplateError) as info:
            _run(case)
        assert str(info.value) == case["error"]
    elif "error_contains" in case:
        with pytest.raises(TemplateError) as info:
            _run(case)
        assert case["error_contains"] in str(info.value)
    else:
        assert _run(case) == case["output"]


PARSE_CASES = PARSE["cases"]


@pytest.mark.parametrize("case", PARSE_CASES, ids=[f"{c['table']}:{c['name']}" for c in PARSE_CASES])
def test_parse_table(case: dict[str, Any]) -> None:
    # Go's parse tests define only these two functions.
    funcs = {"printf", "contains"}
    if case["ok"]:
        parse(case["name"], case["template"], funcs)
    else:
        with pytest.raises(ParseError) as info:
            parse(case["name"], case["template"], funcs)
        assert case.get("error_contains", "") in str(info.value)


def test_port_covers_the_tables() -> None:
    """The port must stay substantial: most of Go's table is exercised here."""
    assert len(EXEC_CASES) >= 375
    assert len(PARSE_CASES) >= 130
