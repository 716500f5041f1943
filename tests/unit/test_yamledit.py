"""In-place YAML scalar edits: only the edited bytes change."""

from __future__ import annotations

import pytest
import yaml

from pyhelmfile.app import yamledit
from pyhelmfile.app.yamledit import Edit
from pyhelmfile.errors import ConfigError


def edit(text: str, path: tuple[str | int, ...], value: str) -> str:
    return yamledit.apply(text, [Edit(path, value)], source="f.yaml")


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ('a:\n  tag: "x"  # c\n', 'a:\n  tag: "NEW"  # c\n'),
        ("a:\n  tag: 'x'\n", "a:\n  tag: 'NEW'\n"),
        ("a:\n  tag: x # c\n", "a:\n  tag: NEW # c\n"),
        ("a: {tag: x, b: 1}\n", "a: {tag: NEW, b: 1}\n"),
        ("a:\r\n  tag: x\r\n# end\r\n", "a:\r\n  tag: NEW\r\n# end\r\n"),
        ("a:\n  tag:\n", "a:\n  tag: NEW\n"),
        ("a:\n  tag: 1234\n", "a:\n  tag: NEW\n"),
    ],
)
def test_styles_are_kept(before: str, after: str) -> None:
    assert edit(before, ("a", "tag"), "NEW") == after


@pytest.mark.parametrize(
    "value",
    [
        "1234567",
        "y",
        "n",
        "yes",
        "off",
        "true",
        "null",
        "~",
        "1e5",
        "0x1f",
        "0o17",
        "1_000",
        "1:20",
        ".inf",
        "a: b",
        "#x",
        "- x",
        "",
    ],
)
def test_plain_values_that_would_change_type_are_quoted(value: str) -> None:
    out = edit("tag: old\n", ("tag",), value)
    assert out.startswith('tag: "'), out
    assert yaml.safe_load(out)["tag"] == value


@pytest.mark.parametrize("value", ["ca3b6f0", "v0.2.3-g08650", "1.2.3", "latest", "a1b2c3d"])
def test_plain_values_that_stay_strings_stay_plain(value: str) -> None:
    assert edit("tag: old\n", ("tag",), value) == f"tag: {value}\n"


def test_single_quote_escaping() -> None:
    assert edit("t: 'a'\n", ("t",), "it's") == "t: 'it''s'\n"


def test_sequence_paths_and_several_edits() -> None:
    text = "deps:\n- name: a\n  version: 1.0.0\n- name: b\n  version: '2.0.0' # pin\n"
    out = yamledit.apply(
        text, [Edit(("deps", 0, "version"), "1.1.0"), Edit(("deps", 1, "version"), "2.1.0")], source="r"
    )
    assert out == "deps:\n- name: a\n  version: 1.1.0\n- name: b\n  version: '2.1.0' # pin\n"


@pytest.mark.parametrize(
    ("text", "path", "message"),
    [
        ("a: 1\n", ("b",), "b not found"),
        ("a:\n  b: 1\n", ("a",), "not a single value"),
        ("a: |\n  x\n", ("a",), "block scalar"),
        ("a: one\n  two\n", ("a",), "several lines"),
        ("a: [unclosed\n", ("a",), "not valid YAML"),
        ("base: &b x\nother: *b\n", ("other",), "in place"),
    ],
)
def test_errors(text: str, path: tuple[str, ...], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        edit(text, path, "v")
