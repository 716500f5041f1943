"""The Go formats behind the function library: yaml.v2, encoding/json, time layouts and
durations, RE2 translation, xstrings casing, mergo merging and spf13/cast conversions.

Expected values come from the Go implementations (most are also checked against the real
helmfile in tests/differential/test_gotmpl_funcs_vs_helmfile.py).
"""

from __future__ import annotations

from datetime import UTC

import pytest

from pyhelmfile.golang import goyaml
from pyhelmfile.gotmpl.funcs import _conv, casing, dicts, encoding, gotime, regex


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ({"b": 1, "a": "x"}, "a: x\nb: 1\n"),
        (
            {"k": ["y", "on", "1.0", "", "~", "2001-12-14", "1:20", "0x1F"]},
            'k:\n- "y"\n- "on"\n- "1.0"\n- ""\n- "~"\n- "2001-12-14"\n- "1:20"\n- "0x1F"\n',
        ),
        ({"a10": 1, "a2": 2, "A": 3, "1": 4, "10": 5, "2": 6}, '"1": 4\n"2": 6\n"10": 5\nA: 3\na2: 2\na10: 1\n'),
        ({"s": "line1\nline2\n"}, "s: |\n  line1\n  line2\n"),
        ({"s": " lead", "t": "a: b", "u": "- x"}, "s: ' lead'\nt: 'a: b'\nu: '- x'\n"),
        ({"f": [1.0, 1e6, 0.5, float("inf")]}, "f:\n- 1\n- 1e+06\n- 0.5\n- .inf\n"),
        ({"": 1, "e": {}, "l": [], "n": None}, '"": 1\ne: {}\nl: []\n"n": null\n'),
        ("emoji😀", '"emoji\\U0001F600"\n'),
        ("plain", "plain\n"),
    ],
)
def test_yaml_v2_marshal(value: object, text: str) -> None:
    assert goyaml.dump(value) == text


def test_yaml_v2_unmarshal_resolves_like_go() -> None:
    data = goyaml.load("a: y\nb: 1e3\nc: 017\nd: 0x10\ne: 2001-12-14\nf: 1_000\ng: 1.\nh: ~\ni: 0o17\n")
    assert data == {
        "a": True,
        "b": 1000.0,
        "c": 15,
        "d": 16,
        "e": "2001-12-14",
        "f": 1000,
        "g": 1.0,
        "h": None,
        "i": 15,
    }
    assert isinstance(data["b"], float)
    assert isinstance(data["f"], int)
    assert goyaml.load("y: 1\n~: 2\n1: 3\n", string_keys_at_top=True) == {"y": 1, "": 2, "1": 3}
    assert goyaml.non_string_key(goyaml.load("a: {1: x}")) == 1


def test_go_json() -> None:
    value = {"z": [1, 1.0, 1e21, 1e-7, 1e-6], "a": "<&>\u2028é\b\x01", "m": {}}
    assert encoding.json_encode(value) == (
        '{"a":"\\u003c\\u0026\\u003e\\u2028é\\b\\u0001","m":{},"z":[1,1,1e+21,1e-7,0.000001]}'
    )
    assert encoding.json_encode({"a": "<"}, escape_html=False) == '{"a":"<"}'
    assert encoding.json_encode({"a": [1]}, indent="  ") == '{\n  "a": [\n    1\n  ]\n}'
    assert encoding.to_json(float("nan")) == ""
    assert encoding.from_json('{"n": 1}') == {"n": 1.0}
    assert isinstance(encoding.from_json("[1]")[0], float)
    assert encoding.from_json("{bad") is None
    with pytest.raises(Exception, match="invalid"):
        encoding.must_from_json("NaN")


def test_go_base64_errors() -> None:
    assert encoding.b64dec("YWJj") == "abc"
    assert encoding.b64dec("YW") == "illegal base64 data at input byte 0"
    assert encoding.b64dec("YWJj=") == "illegal base64 data at input byte 4"
    assert encoding.b64dec("YWJj\nZGVm") == "abcdef"


def test_time_layouts() -> None:
    t = gotime.GoTime.unix(1560458379, UTC)
    assert t.format("2006-01-02T15:04:05Z07:00") == "2019-06-13T20:39:39Z"
    assert t.format("Mon Jan _2 3:04PM MST 06 .000 .999") == "Thu Jun 13 8:39PM UTC 19 .000 "
    assert str(t) == "2019-06-13 20:39:39 +0000 UTC"
    parsed = gotime.go_parse("2006-01-02 15:04:05.000 -0700", "2020-03-04 05:06:07.890 +0130", UTC)
    assert parsed.format("2006-01-02T15:04:05.999Z07:00") == "2020-03-04T05:06:07.89+01:30"
    with pytest.raises(gotime.LayoutError):
        gotime.go_parse("2006-01-02", "2020-13-01", UTC)


@pytest.mark.parametrize(
    ("text", "ns", "string"),
    [("1h30m", 5_400_000_000_000, "1h30m0s"), ("1.5s", 1_500_000_000, "1.5s"), ("-2ms", -2_000_000, "-2ms"),
     ("0", 0, "0s"), ("300us", 300_000, "300µs"), ("7ns", 7, "7ns")],
)  # fmt: skip
def test_durations(text: str, ns: int, string: str) -> None:
    assert gotime.parse_duration(text) == ns
    assert gotime.duration_string(ns) == string


def test_duration_rejects_bad_text() -> None:
    for bad in ("", "1", "1x", "h"):
        with pytest.raises(ValueError, match="time:"):
            gotime.parse_duration(bad)


def test_regex_translation_keeps_go_semantics() -> None:
    assert regex.regex_match("a$", "a\n") is False  # Go's $ is end of text
    assert regex.regex_match(r"\d", "٣") is False  # ASCII classes
    assert regex.regex_find_all("[[:alpha:]]+", "ab12cd", -1) == ["ab", "cd"]
    assert regex.regex_find_all("a*", "baaab", -1) == ["", "aaa", ""]
    assert regex.regex_replace_all("(?P<x>a)(b)", "ab", "$x-${2}-$2x-$$") == "a-b--$"
    assert regex.regex_split("", "abc", -1) == ["a", "b", "c"]
    assert regex.regex_quote_meta("a.b-c") == "a\\.b-c"
    assert regex.regex_match("(", "x") is False
    with pytest.raises(Exception, match="error parsing regexp"):
        regex.must_regex_match("(", "x")


@pytest.mark.parametrize(
    ("fn", "text", "out"),
    [
        (casing.snakecase, "HTTPServerV2Beta", "http_server_v2_beta"),
        (casing.snakecase, "NoHTTPS", "no_https"),
        (casing.kebabcase, "FooBar_baz Qux99Zap", "foo-bar-baz-qux99-zap"),
        (casing.camelcase, "_complex__case_", "_Complex_Case_"),
        (casing.camelcase, "__", "___"),
    ],
)
def test_xstrings_casing(fn: object, text: str, out: str) -> None:
    assert fn(text) == out  # type: ignore[operator]


def test_mergo_rules() -> None:
    dst = {"a": "one", "e": "", "m": {"x": 1}, "l": [1], "s": "str"}
    dicts.merge(dst, {"a": 1, "e": "filled", "m": {"y": 2}, "l": [2], "s": {"k": 1}, "n": None})
    assert dst == {"a": "one", "e": "filled", "m": {"x": 1, "y": 2}, "l": [1], "s": "str"}
    dst = {"a": "one", "m": {"x": 1}, "l": [1], "s": "str", "z": 5}
    dicts.merge_overwrite(dst, {"a": "", "m": {"x": 2}, "l": [2], "s": {"k": 1}, "z": None})
    assert dst == {"a": "", "m": {"x": 2}, "l": [2], "s": {"k": 1}, "z": None}


@pytest.mark.parametrize(
    ("value", "as_int", "as_float"),
    [("3", 3, 3.0), ("abc", 0, 0.0), (3.7, 3, 3.7), ("0x1F", 31, 0.0), ("010", 8, 10.0), ("3.00", 3, 3.0),
     ("1e3", 0, 1000.0), (True, 1, 1.0), (None, 0, 0.0), ("1_0", 10, 10.0), (" 1", 0, 0.0)],
)  # fmt: skip
def test_cast_semantics(value: object, as_int: int, as_float: float) -> None:
    assert _conv.to_int64(value) == as_int
    assert _conv.to_float64(value) == as_float
