"""yaml.v2's typing rules, as helmfile 0.166.0 reads YAML (facts from gopkg.in/yaml.v2 resolve.go)."""

from __future__ import annotations

import math

import pytest

from pyhelmfile import goyaml


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("y", True),
        ("N", False),
        ("on", True),
        ("Off", False),
        ("~", None),
        ("", None),
        ("0777", 511),
        ("0x1F", 31),
        ("0o17", 15),
        ("0b101", 5),
        ("1_000", 1000),
        ("+5", 5),
        ("08", 8.0),
        ("1e3", 1000.0),
        ("1.0", 1.0),
        ("1:30", "1:30"),
        ("2001-12-14", "2001-12-14"),
        ("1.2.3", "1.2.3"),
        (".hidden", ".hidden"),
        ("v0.3.6-08650", "v0.3.6-08650"),
        ("'007'", "007"),
        ("9223372036854775808", 9223372036854775808),
    ],
)
def test_scalar_typing(text: str, expected: object) -> None:
    value = goyaml.load(f"k: {text}\n")["k"]
    assert value == expected
    assert type(value) is type(expected)


def test_special_floats() -> None:
    assert goyaml.load("k: .inf")["k"] == math.inf
    assert goyaml.load("k: -.Inf")["k"] == -math.inf
    assert math.isnan(goyaml.load("k: .NaN")["k"])


def test_keys_are_typed_too() -> None:
    assert goyaml.load("y: 1\nn: 2\n3: 3\n") == {True: 1, False: 2, 3: 3}


def test_mappings_know_their_lines() -> None:
    doc = goyaml.load("a: 1\nb:\n  c: 2\n")
    assert doc.line_of("b") == 2
    assert doc["b"].line_of("c") == 3


def test_merge_keys() -> None:
    doc = goyaml.load("base: &b {p: 1, q: 2}\nchild:\n  <<: *b\n  q: 3\n")
    assert doc["child"] == {"p": 1, "q": 3}


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ({"b": 1, "a10": 2, "a2": 3}, "a2: 3\na10: 2\nb: 1\n"),
        ({"s": "true"}, 's: "true"\n'),
        ({"s": "y"}, 's: "y"\n'),
        ({"s": ""}, 's: ""\n'),
        ({"s": "1:30"}, 's: "1:30"\n'),
        ({"s": "2001-12-14"}, 's: "2001-12-14"\n'),
        ({"s": "1.2.3"}, "s: 1.2.3\n"),
        ({"s": "a: b"}, "s: 'a: b'\n"),
        ({"s": "two\nlines"}, "s: |-\n  two\n  lines\n"),
        ({"f": 1.0, "g": 2.5, "h": 1234567.0}, "f: 1\ng: 2.5\nh: 1.234567e+06\n"),
        ({"l": [1, {"a": None}], "e": {}, "z": []}, "e: {}\nl:\n- 1\n- a: null\nz: []\n"),
    ],
)
def test_dump_like_yaml_v2(value: object, text: str) -> None:
    assert goyaml.dump(value) == text


def test_dump_load_round_trip_keeps_types() -> None:
    value = {"s": "007", "b": "on", "n": 7, "f": 0.5, "l": ["x", True, None]}
    assert goyaml.load(goyaml.dump(value)) == value
