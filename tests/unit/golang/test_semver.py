"""pyhelmfile.golang.semver against Masterminds/semver v3's own test tables (data/masterminds_semver_cases.json).

The data file lists which Go tests are not ported and why; the hand-written tests below
cover the seed's cases and the Python-side API.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pyhelmfile.golang.semver import (
    Constraints,
    InvalidConstraint,
    InvalidVersion,
    Version,
    _Constraint,
    _rewrite_range,
    compare,
    is_valid,
    parse,
    parse_strict,
)

CASES: dict[str, Any] = json.loads((Path(__file__).parents[1] / "data" / "masterminds_semver_cases.json").read_text())


def ids(rows: list[list[Any]]) -> list[str]:
    return [" | ".join(str(x) for x in row) for row in rows]


# --- versions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "invalid"), CASES["strict_new_version_invalid"], ids=ids(CASES["strict_new_version_invalid"])
)
def test_parse_strict_accepts_and_rejects(text: str, invalid: bool) -> None:
    assert is_valid(text, strict=True) is not invalid
    if invalid:
        with pytest.raises(InvalidVersion):
            parse_strict(text)


@pytest.mark.parametrize(("text", "invalid"), CASES["new_version_invalid"], ids=ids(CASES["new_version_invalid"]))
def test_parse_loose_accepts_and_rejects(text: str, invalid: bool) -> None:
    assert is_valid(text) is not invalid
    if invalid:
        with pytest.raises(InvalidVersion):
            parse(text)


@pytest.mark.parametrize("text", CASES["original"])
def test_original_is_kept(text: str) -> None:
    assert parse(text).original == text


@pytest.mark.parametrize(("text", "canonical"), CASES["canonical_string"], ids=ids(CASES["canonical_string"]))
def test_canonical_string(text: str, canonical: str) -> None:
    assert str(parse(text)) == canonical


def test_parts() -> None:
    v = parse("1.2.3-beta.1+build.123")
    assert (v.major, v.minor, v.patch, v.prerelease, v.metadata) == (1, 2, 3, "beta.1", "build.123")


@pytest.mark.parametrize(("a", "b", "expected"), CASES["compare"], ids=ids(CASES["compare"]))
def test_compare(a: str, b: str, expected: int) -> None:
    assert parse(a).compare(parse(b)) == expected
    assert compare(a, b) == expected
    assert (parse(a) < parse(b)) is (expected < 0)
    assert (parse(a) == parse(b)) is (expected == 0)


@pytest.mark.parametrize(
    ("key", "op"),
    [
        ("less_than", lambda a, b: a < b),
        ("less_than_equal", lambda a, b: a <= b),
        ("greater_than", lambda a, b: a > b),
        ("greater_than_equal", lambda a, b: a >= b),
    ],
)
def test_ordering_operators(key: str, op: Any) -> None:
    for a, b, expected in CASES[key]:
        assert op(parse(a), parse(b)) is expected, (key, a, b)


@pytest.mark.parametrize(("text", "expected", "how", "original"), CASES["increment"], ids=ids(CASES["increment"]))
def test_increment(text: str, expected: str, how: str, original: str) -> None:
    v = getattr(parse(text), f"inc_{how}")()
    assert str(v) == expected
    assert v.original == original


def test_increment_overflow() -> None:
    top = (1 << 64) - 1
    with pytest.raises(OverflowError):
        Version(1, 2, top).inc_patch()
    with pytest.raises(OverflowError):
        Version(1, top, 0).inc_minor()
    with pytest.raises(OverflowError):
        Version(top, 0, 0).inc_major()


def test_segments_beyond_uint64_are_invalid() -> None:
    assert is_valid("18446744073709551615.0.0")
    assert not is_valid("18446744073709551616.0.0")


def test_with_prerelease_and_metadata() -> None:
    assert parse("v1.2.4").with_prerelease("beta").original == "v1.2.4-beta"
    assert str(parse("1.2.3").with_metadata("meta")) == "1.2.3+meta"
    with pytest.raises(InvalidVersion):
        parse("1.2.3").with_prerelease("**")
    with pytest.raises(InvalidVersion):
        parse("1.2.3").with_metadata("**")


def test_equality_ignores_metadata_and_hash_agrees() -> None:
    assert parse("3.2-beta+foo") == parse("3.2-beta+bar")
    assert len({parse("1.2.3+a"), parse("1.2.3+b"), parse("v1.2.3")}) == 1
    assert parse("1.2.3") != parse("1.2.4")
    assert parse("1.2.3") != "1.2.3"


def test_seed_leading_zero_prerelease_is_invalid() -> None:
    # helm repo update: chart.metadata.version "v0.3.6-08650" is invalid
    with pytest.raises(InvalidVersion, match="08650"):
        parse("v0.3.6-08650")
    assert is_valid("v0.3.6-ca3b6")
    assert is_valid("v0.3.6-0ca3b")  # alphanumeric identifiers may start with 0
    assert is_valid("v0.3.6-0")
    assert is_valid("v0.3.6-g08650")


def test_python_specific_inputs_are_rejected() -> None:
    # Python's re `$` and int() are more lenient than Go's; none of these is a version.
    for text in ["1.2.3\n", "1_000.0.0", "１.2.3", "1.2.3 ", " 1.2.3", "V1.2.3", ""]:
        assert not is_valid(text), text
        assert not is_valid(text, strict=True), text


def test_sorting_a_collection() -> None:
    texts = ["1.2.3", "1.0", "1.3", "2", "0.4.2", "1.2.3-beta", "1.2.3-alpha.10", "1.2.3-alpha.9"]
    ordered = [v.original for v in sorted(parse(t) for t in texts)]
    assert ordered == ["0.4.2", "1.0", "1.2.3-alpha.9", "1.2.3-alpha.10", "1.2.3-beta", "1.2.3", "1.3", "2"]


def test_base() -> None:
    assert parse("v0.2.2-ca3b6+x").base.original == "v0.2.2"
    assert str(parse("0.2.2-ca3b6").base) == "0.2.2"


# --- constraints ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "op", "version", "invalid"), CASES["parse_constraint"], ids=ids(CASES["parse_constraint"])
)
def test_parse_single_constraint(text: str, op: str | None, version: str, invalid: bool) -> None:
    if invalid:
        with pytest.raises(InvalidConstraint):
            _Constraint.parse(text)
        return
    c = _Constraint.parse(text)
    assert str(c.con) == version
    assert {"": "=", "=>": ">=", "=<": "<="}.get(c.op, c.op) == op


@pytest.mark.parametrize(
    ("text", "version", "ok"), CASES["single_constraint_check"], ids=ids(CASES["single_constraint_check"])
)
def test_single_constraint_check(text: str, version: str, ok: bool) -> None:
    c = _Constraint.parse(text)
    assert (c.check(parse(version), bool(c.con.prerelease)) is None) is ok


@pytest.mark.parametrize(("text", "ors", "ands", "invalid"), CASES["new_constraint"], ids=ids(CASES["new_constraint"]))
def test_new_constraint(text: str, ors: int, ands: int, invalid: bool) -> None:
    if invalid:
        with pytest.raises(InvalidConstraint):
            Constraints.parse(text)
        return
    cs = Constraints.parse(text)
    assert len(cs._groups) == ors
    assert len(cs._groups[0]) == ands


@pytest.mark.parametrize(("text", "version", "ok"), CASES["constraints_check"], ids=ids(CASES["constraints_check"]))
def test_constraints_check(text: str, version: str, ok: bool) -> None:
    assert Constraints.parse(text).check(parse(version)) is ok


@pytest.mark.parametrize(
    ("text", "version", "ok"),
    CASES["constraints_check_include_prerelease"],
    ids=ids(CASES["constraints_check_include_prerelease"]),
)
def test_constraints_check_include_prerelease(text: str, version: str, ok: bool) -> None:
    assert Constraints.parse(text, include_prerelease=True).check(version) is ok


@pytest.mark.parametrize("include", [False, True])
def test_constraints_validate(include: bool) -> None:
    key = "constraints_validate_include_prerelease" if include else "constraints_validate"
    for text, version, ok in CASES[key]:
        satisfied, reasons = Constraints.parse(text, include_prerelease=include).validate(version)
        assert satisfied is ok, (text, version)
        assert bool(reasons) is not ok, (text, version)


@pytest.mark.parametrize("include", [False, True])
def test_validate_messages(include: bool) -> None:
    key = "validate_messages_include_prerelease" if include else "validate_messages"
    for text, version, message in CASES[key]:
        _, reasons = Constraints.parse(text, include_prerelease=include).validate(parse_strict(version))
        assert reasons[0] == message, (text, version)


def test_validate_reports_every_failed_constraint() -> None:
    _, reasons = Constraints.parse("!= 1.2.5, ^2, <= 1.1.x").validate("1.2.3")
    assert reasons == ['"1.2.3" is less than "2"', '"1.2.3" is greater than "1.1.x"']


@pytest.mark.parametrize(("text", "rewritten"), CASES["rewrite_range"], ids=ids(CASES["rewrite_range"]))
def test_rewrite_range(text: str, rewritten: str) -> None:
    assert _rewrite_range(text) == rewritten


@pytest.mark.parametrize(("text", "string"), CASES["constraint_string"], ids=ids(CASES["constraint_string"]))
def test_constraint_string_round_trips(text: str, string: str) -> None:
    assert str(Constraints.parse(text)) == string
    Constraints.parse(string)


def test_the_brief_example() -> None:
    cs = Constraints.parse("^1.2, <2 || =3.0.0")
    assert cs.check("1.5.0")
    assert cs.check("3.0.0")
    assert not cs.check("2.0.0")
    assert not cs.check("1.5.0-rc.1")
    assert not cs.check("1.1.9")


def test_empty_and_garbage_constraints() -> None:
    for text in ["", "foo", ">= bar", "1.2.3 ||", "1x2", "1|2"]:
        with pytest.raises(InvalidConstraint):
            Constraints.parse(text)


# --- v3.2.x pre-release rules (helm 3.15, sprig v3.2.3), against v3.2.1's own tables -------


@pytest.mark.parametrize(
    ("text", "version", "ok"),
    CASES["legacy_single_constraint_check"],
    ids=ids(CASES["legacy_single_constraint_check"]),
)
def test_legacy_single_constraint_check(text: str, version: str, ok: bool) -> None:
    c = _Constraint.parse(text)
    assert (c.check(parse(version), c.legacy_include_pre()) is None) is ok


@pytest.mark.parametrize(
    ("text", "version", "ok"), CASES["legacy_constraints_check"], ids=ids(CASES["legacy_constraints_check"])
)
def test_legacy_constraints_check(text: str, version: str, ok: bool) -> None:
    assert Constraints.parse(text, legacy_prerelease=True).check(version) is ok


def test_legacy_constraints_validate() -> None:
    for text, version, ok in CASES["legacy_constraints_validate"]:
        satisfied, reasons = Constraints.parse(text, legacy_prerelease=True).validate(version)
        assert satisfied is ok, (text, version)
        assert bool(reasons) is not ok, (text, version)


@pytest.mark.parametrize(
    ("text", "version", "v34", "v32"),
    [
        # An AND group with one pre-release constraint lets pre-releases through in v3.4 only.
        (">= 1.0.0-0  <= 2.0.0", "1.0.1-beta", True, False),
        (">=1.0.0-alpha, <2", "1.5.0-beta", True, False),
        # A plain != never excluded pre-releases in v3.2.
        ("!=1.2.3", "1.2.4-beta", False, True),
        ("!=1.2.x", "1.2.4-beta", False, False),
    ],
)
def test_v34_and_v32_prerelease_rules_differ(text: str, version: str, v34: bool, v32: bool) -> None:
    assert Constraints.parse(text).check(version) is v34
    assert Constraints.parse(text, legacy_prerelease=True).check(version) is v32
