"""yaml.v2's typing rules, as helmfile 0.166.0 reads YAML (facts from gopkg.in/yaml.v2 resolve.go)."""

from __future__ import annotations

import math

import pytest

from pyhelmfile.golang import goyaml


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


def _typed(value: object) -> object:
    """The value with each scalar's type beside it, so equality also compares types (True vs 1, 1 vs 1.0)."""
    if isinstance(value, dict):
        return {_typed(k): _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


PLAIN_DOCS = [
    "k: v\n",
    "a: [1, 1.5, '2', \"x\", true, ~, null, '', 0x1F, 0777, 1_000, 08, 1e3, .inf, -.Inf, .NaN, +5]\n",
    "y: 1\nn: 2\n3: 3\n1.5: f\n~: z\n'y': q\n",
    "m:\n  - {a: 1, b: [x, {c: on}]}\n  - - nested\n  - 2001-12-14\n  - 1:30\n  - v0.3.6-08650\n  - -x\n  - '-'\n",
    "s: |\n  line one\n  line two\nf: >-\n  folded\n  text\n",
    "a: &x {k: [1, 2]}\nb: *x\n",
    "dup: 1\ndup: 2\n",
    "# only a comment\n",
    "",
    "- 9223372036854775808\n- 18446744073709551616\n- -9223372036854775809\n",
    "k: 2.0\nl: 1e+21\n",
    "k: <\nl: '<<'\nm: ! tagged-nonspecific\nn: !!str 5\n",
]


@pytest.mark.parametrize("text", PLAIN_DOCS)
def test_load_plain_reads_what_load_reads(text: str) -> None:
    assert _typed(goyaml.load_plain(text)) == _typed(goyaml.load(text))
    assert type(goyaml.load_plain("a: {b: 1}")["a"]) is dict  # plain dicts, no LineDict


def test_load_plain_maps_floats() -> None:
    assert goyaml.load_plain("a: [1.5, 2, {b: 3.0}]\n1.5: k\n", floats=str) == {
        "a": ["1.5", 2, {"b": "3.0"}],
        "1.5": "k",
    }


@pytest.mark.parametrize(
    "text",
    [
        "base: &b {x: 1}\nderived:\n  <<: *b\n  y: 2\n",  # merge keys
        "k: !!int '5'\n",  # explicit tags
        "k: !!str 5\nl: !custom x\n",
        "? [a, b]\n: 1\n",  # a collection as a key
        "k: <<\n",
    ],
)
def test_load_plain_leaves_the_rest_to_load(text: str) -> None:
    with pytest.raises(goyaml.NotPlain):
        goyaml.load_plain(text)


def test_load_plain_errors_are_yaml_errors() -> None:
    with pytest.raises(goyaml.YAMLError):
        goyaml.load_plain("a: [1\n")
    with pytest.raises(goyaml.YAMLError):
        goyaml.load_plain("a: 1\n---\nb: 2\n")
