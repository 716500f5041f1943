"""Semantic versions and version constraints as Helm and sprig see them.

A port of github.com/Masterminds/semver v3 (the behaviour of v3.4.0, which with its
default `CoerceNewVersion = true` parses exactly like v3.2.1 used by helm 3.15.3):

- `parse` is `NewVersion`: loose. An optional leading `v`, `1` and `1.2` are accepted
  (missing parts are 0) and leading zeros in major/minor/patch are coerced away, but the
  pre-release and build metadata are validated: a numeric pre-release identifier with a
  leading zero (`1.2.3-08650`) is rejected, as is any character outside `[0-9A-Za-z-]`.
  This is the check behind helm's warning `chart.metadata.version "v0.3.6-08650" is invalid`.
- `parse_strict` is `StrictNewVersion`: exactly `MAJOR.MINOR.PATCH[-PRE][+META]`, no `v`,
  no leading zeros.
- `Version` orders by SemVer 2.0 precedence (build metadata ignored); `==` is precedence
  equality, as Masterminds' `Equal`, so `1.2.3+a == 1.2.3+b`.
- `Constraints.parse` is `NewConstraint`: `=`, `!=`, `>`, `<`, `>=`/`=>`, `<=`/`=<`, `~`/`~>`,
  `^`, `x`/`X`/`*` wildcards and missing parts, hyphen ranges `1.2 - 3`, `,` or whitespace
  for AND and `||` for OR. Pre-release versions only satisfy an AND group if one of its
  constraints names a pre-release (or `include_prerelease` is set), per Masterminds v3.4;
  `legacy_prerelease=True` gives v3.2.x's per-constraint rule (helm 3.15, sprig v3.2.3).

The regular expressions are Go's, with Python's differences neutralised: ASCII-only
classes instead of `\\d`/`\\s`, and full-string matching instead of `$` (which in Python
also matches before a trailing newline).

Long because: parsing, precedence and constraints are one port of Masterminds/semver and share its regular expressions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import total_ordering

__all__ = [
    "Constraints",
    "InvalidConstraint",
    "InvalidVersion",
    "Version",
    "compare",
    "is_valid",
    "parse",
    "parse_strict",
]

_MAX_UINT64 = (1 << 64) - 1
_DIGITS = frozenset("0123456789")
_ALLOWED = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789")
_WS = r"[\t\n\f\r ]"  # Go's \s

# Masterminds' looseSemVerRegex, used by NewVersion when CoerceNewVersion is true.
_LOOSE = re.compile(
    r"v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?"
    r"(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"
    r"(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"
)


class InvalidVersion(ValueError):
    """A string that is not a (loose or strict) semantic version."""


class InvalidConstraint(ValueError):
    """A string that is not a version constraint."""


def _only(text: str, chars: frozenset[str]) -> bool:
    return all(c in chars for c in text)


def _uint(text: str, original: str) -> int:
    if not text or not _only(text, _DIGITS):
        raise InvalidVersion(f"invalid characters in version: {original!r}")
    value = int(text)
    if value > _MAX_UINT64:
        raise InvalidVersion(f"version segment out of range: {original!r}")
    return value


def _validate_prerelease(pre: str, original: str) -> None:
    for part in pre.split("."):
        if part == "":
            raise InvalidVersion(f"invalid prerelease string: {original!r}")
        if _only(part, _DIGITS):
            if len(part) > 1 and part[0] == "0":
                raise InvalidVersion(
                    f"invalid version {original!r}: numeric prerelease identifier {part!r} starts with 0"
                )
        elif not _only(part, _ALLOWED):
            raise InvalidVersion(f"invalid prerelease string: {original!r}")


def _validate_metadata(meta: str, original: str) -> None:
    for part in meta.split("."):
        if part == "" or not _only(part, _ALLOWED):
            raise InvalidVersion(f"invalid metadata string: {original!r}")


def _numeric(part: str) -> int | None:
    """Go's strconv.ParseUint(part, 10, 64) success value, else None."""
    if part and _only(part, _DIGITS):
        value = int(part)
        if value <= _MAX_UINT64:
            return value
    return None


def _compare_pre_part(s: str, o: str) -> int:
    if s == o:
        return 0
    if s == "":
        return -1
    if o == "":
        return 1
    si, oi = _numeric(s), _numeric(o)
    if si is None and oi is None:
        return 1 if s > o else -1
    if oi is None:  # s is a number, o a string: numbers sort first
        return -1
    if si is None:
        return 1
    return 1 if si > oi else -1


def _compare_prerelease(a: str, b: str) -> int:
    aparts, bparts = a.split("."), b.split(".")
    for i in range(max(len(aparts), len(bparts))):
        d = _compare_pre_part(
            aparts[i] if i < len(aparts) else "",
            bparts[i] if i < len(bparts) else "",
        )
        if d:
            return d
    return 0


@total_ordering
@dataclass(frozen=True, eq=False)
class Version:
    """A semantic version. `str()` is canonical (no `v`); `original` is the text it was parsed from."""

    major: int
    minor: int
    patch: int
    prerelease: str = ""
    metadata: str = ""
    original: str = ""

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.prerelease:
            text += f"-{self.prerelease}"
        if self.metadata:
            text += f"+{self.metadata}"
        return text

    def __repr__(self) -> str:
        return f"Version({str(self)!r})"

    def compare(self, other: Version) -> int:
        """-1, 0 or 1 by SemVer precedence; build metadata is ignored."""
        for a, b in ((self.major, other.major), (self.minor, other.minor), (self.patch, other.patch)):
            if a != b:
                return -1 if a < b else 1
        ps, po = self.prerelease, other.prerelease
        if ps == po == "":
            return 0
        if ps == "":
            return 1
        if po == "":
            return -1
        return _compare_prerelease(ps, po)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self.compare(other) == 0

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self.compare(other) < 0

    def __hash__(self) -> int:
        # Precedence-equal versions have identical prerelease strings (see _compare_pre_part).
        return hash((self.major, self.minor, self.patch, self.prerelease))

    @property
    def base(self) -> Version:
        """MAJOR.MINOR.PATCH without pre-release and metadata (keeping a `v` prefix in `original`)."""
        return self._derive(self.major, self.minor, self.patch, "", "")

    def _v_prefix(self) -> str:
        return "v" if self.original.startswith("v") else ""

    def _derive(self, major: int, minor: int, patch: int, pre: str, meta: str) -> Version:
        plain = Version(major, minor, patch, pre, meta)
        return Version(major, minor, patch, pre, meta, self._v_prefix() + str(plain))

    def inc_patch(self) -> Version:
        """Masterminds IncPatch: a pre-release becomes its release; otherwise patch + 1."""
        if self.prerelease:
            return self._derive(self.major, self.minor, self.patch, "", "")
        if self.patch == _MAX_UINT64:
            raise OverflowError("patch version increment would overflow uint64")
        return self._derive(self.major, self.minor, self.patch + 1, "", "")

    def inc_minor(self) -> Version:
        if self.minor == _MAX_UINT64:
            raise OverflowError("minor version increment would overflow uint64")
        return self._derive(self.major, self.minor + 1, 0, "", "")

    def inc_major(self) -> Version:
        if self.major == _MAX_UINT64:
            raise OverflowError("major version increment would overflow uint64")
        return self._derive(self.major + 1, 0, 0, "", "")

    def with_prerelease(self, prerelease: str) -> Version:
        if prerelease:
            _validate_prerelease(prerelease, prerelease)
        return self._derive(self.major, self.minor, self.patch, prerelease, self.metadata)

    def with_metadata(self, metadata: str) -> Version:
        if metadata:
            _validate_metadata(metadata, metadata)
        return self._derive(self.major, self.minor, self.patch, self.prerelease, metadata)


def parse(text: str) -> Version:
    """Masterminds `NewVersion` (loose, coercing): `v1`, `1.2`, `01.2.3` are accepted."""
    if not isinstance(text, str):
        raise InvalidVersion(f"invalid semantic version: {text!r}")
    m = _LOOSE.fullmatch(text)
    if m is None:
        raise InvalidVersion(f"invalid semantic version: {text!r}")
    major = _uint(m.group(1), text)
    minor = _uint(m.group(2)[1:], text) if m.group(2) else 0
    patch = _uint(m.group(3)[1:], text) if m.group(3) else 0
    pre = m.group(5) or ""
    meta = m.group(8) or ""
    if pre:
        _validate_prerelease(pre, text)
    if meta:
        _validate_metadata(meta, text)
    return Version(major, minor, patch, pre, meta, text)


def parse_strict(text: str) -> Version:
    """Masterminds `StrictNewVersion`: only `MAJOR.MINOR.PATCH[-PRE][+META]`, no `v`, no leading zeros."""
    if not text:
        raise InvalidVersion("version string empty")
    parts = text.split(".", 2)
    if len(parts) != 3:
        raise InvalidVersion(f"invalid semantic version: {text!r}")
    meta = pre = ""
    if "+" in parts[2]:
        parts[2], meta = parts[2].split("+", 1)
        _validate_metadata(meta, text)
    if "-" in parts[2]:
        parts[2], pre = parts[2].split("-", 1)
        _validate_prerelease(pre, text)
    for part in parts:
        if not _only(part, _DIGITS):
            raise InvalidVersion(f"invalid characters in version: {text!r}")
        if len(part) > 1 and part[0] == "0":
            raise InvalidVersion(f"version segment starts with 0: {text!r}")
    return Version(_uint(parts[0], text), _uint(parts[1], text), _uint(parts[2], text), pre, meta, text)


def is_valid(text: str, *, strict: bool = False) -> bool:
    try:
        (parse_strict if strict else parse)(text)
    except InvalidVersion:
        return False
    return True


def compare(a: str, b: str) -> int:
    """Compare two version strings (loose parsing)."""
    return parse(a).compare(parse(b))


# --- constraints -------------------------------------------------------------------------

_CV = (
    r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?"
    r"(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"
    r"(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"
)
# Go's alternation order matters (leftmost-first), including the empty operator.
_OPS = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^"
_CONSTRAINT = re.compile(rf"{_WS}*({_OPS}){_WS}*({_CV}){_WS}*")
_RANGE = re.compile(rf"{_WS}*({_CV}){_WS}+-{_WS}+({_CV}){_WS}*")
_FIND = re.compile(rf"({_OPS}){_WS}*({_CV})")
_VALID = re.compile(rf"({_WS}*({_OPS}){_WS}*({_CV}){_WS}*)((?:{_WS}+|,{_WS}*)({_OPS}){_WS}*({_CV}){_WS}*)*")


def _is_x(text: str) -> bool:
    return text in ("x", "X", "*")


def _q(value: object) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class _Constraint:
    con: Version
    orig: str
    op: str
    minor_dirty: bool = False
    patch_dirty: bool = False
    dirty: bool = False

    @classmethod
    def parse(cls, text: str) -> _Constraint:
        if not text:  # the empty constraint is `*`
            return cls(parse_strict("0.0.0"), "", "", dirty=True)
        m = _CONSTRAINT.fullmatch(text)
        if m is None:
            raise InvalidConstraint(f"improper constraint: {text!r}")
        op, orig = m.group(1), m.group(2)
        major, minor, patch, pre = m.group(3), m.group(4) or "", m.group(5) or "", m.group(6) or ""
        ver = orig
        minor_dirty = patch_dirty = dirty = False
        if _is_x(major):
            ver, dirty = f"0.0.0{pre}", True
        elif minor == "" or _is_x(minor[1:]):
            ver, dirty, minor_dirty = f"{major}.0.0{pre}", True, True
        elif patch == "" or _is_x(patch[1:]):
            ver, dirty, patch_dirty = f"{major}{minor}.0{pre}", True, True
        try:
            con = parse(ver)
        except InvalidVersion as exc:
            raise InvalidConstraint(f"improper constraint: {text!r}: {exc}") from None
        return cls(con, orig, op, minor_dirty, patch_dirty, dirty)

    def __str__(self) -> str:
        return self.op + self.orig

    def legacy_include_pre(self) -> bool:
        """v3.2.x: a pre-release passes a constraint only if that constraint names one,
        except `!=` without wildcards, which never excluded pre-releases."""
        return bool(self.con.prerelease) or (self.op == "!=" and not self.dirty)

    def check(self, v: Version, include_pre: bool) -> str | None:
        """None when `v` satisfies this constraint, else Masterminds' reason."""
        if v.prerelease and not include_pre:
            return f"{_q(v)} is a prerelease version and the constraint is only looking for release versions"
        return _OPERATORS[self.op](self, v, include_pre)

    # Each returns None (satisfied) or the reason it is not.

    def _not_equal(self, v: Version, include_pre: bool) -> str | None:
        c = self.con
        equal = f"{_q(v)} is equal to {_q(self.orig)}"
        if self.dirty:
            if c.major != v.major:
                return None
            if c.minor != v.minor and not self.minor_dirty:
                return None
            if self.minor_dirty:
                return equal
            if c.patch != v.patch and not self.patch_dirty:
                return None
            if self.patch_dirty:
                if v.prerelease or c.prerelease:
                    return None if _compare_prerelease(v.prerelease, c.prerelease) != 0 else equal
                return equal
        return equal if v == c else None

    def _greater_than(self, v: Version, include_pre: bool) -> str | None:
        c = self.con
        fail = f"{_q(v)} is less than or equal to {_q(self.orig)}"
        if not self.dirty:
            return None if v.compare(c) == 1 else fail
        if v.major > c.major:
            return None
        if v.major < c.major or self.minor_dirty:
            return fail
        if self.patch_dirty:
            return None if v.minor > c.minor else fail
        return None if v.compare(c) == 1 else fail

    def _less_than(self, v: Version, include_pre: bool) -> str | None:
        if v.compare(self.con) < 0:
            return None
        return f"{_q(v)} is greater than or equal to {_q(self.orig)}"

    def _greater_than_equal(self, v: Version, include_pre: bool) -> str | None:
        if v.compare(self.con) >= 0:
            return None
        return f"{_q(v)} is less than {_q(self.orig)}"

    def _less_than_equal(self, v: Version, include_pre: bool) -> str | None:
        c = self.con
        fail = f"{_q(v)} is greater than {_q(self.orig)}"
        if not self.dirty:
            return None if v.compare(c) <= 0 else fail
        if v.major > c.major:
            return fail
        if v.major == c.major and v.minor > c.minor and not self.minor_dirty:
            return fail
        return None

    def _tilde(self, v: Version, include_pre: bool) -> str | None:
        c = self.con
        if v < c:
            return f"{_q(v)} is less than {_q(self.orig)}"
        if c.major == 0 and c.minor == 0 and c.patch == 0 and not self.minor_dirty and not self.patch_dirty:
            return None  # ~0.0.0 accepts everything
        if v.major != c.major:
            return f"{_q(v)} does not have same major version as {_q(self.orig)}"
        if v.minor != c.minor and not self.minor_dirty:
            return f"{_q(v)} does not have same major and minor version as {_q(self.orig)}"
        return None

    def _tilde_or_equal(self, v: Version, include_pre: bool) -> str | None:
        if self.dirty:
            return self._tilde(v, include_pre)
        return None if v == self.con else f"{_q(v)} is not equal to {_q(self.orig)}"

    def _caret(self, v: Version, include_pre: bool) -> str | None:
        c = self.con
        if v < c:
            return f"{_q(v)} is less than {_q(self.orig)}"
        if c.major > 0 or self.minor_dirty:
            return None if v.major == c.major else f"{_q(v)} does not have same major version as {_q(self.orig)}"
        if v.major > 0:
            return f"{_q(v)} does not have same major version as {_q(self.orig)}"
        if c.minor > 0 or self.patch_dirty:
            if v.minor == c.minor:
                return None
            return (
                f"{_q(v)} does not have same minor version as {_q(self.orig)}. "
                "Expected minor versions to match when constraint major version is 0"
            )
        if v.minor > 0:
            return f"{_q(v)} does not have same minor version as {_q(self.orig)}"
        if c.patch == v.patch:
            return None
        return (
            f"{_q(v)} does not equal {_q(self.orig)}. "
            "Expect version and constraint to equal when major and minor versions are 0"
        )


_OPERATORS: dict[str, Callable[[_Constraint, Version, bool], str | None]] = {
    "": _Constraint._tilde_or_equal,
    "=": _Constraint._tilde_or_equal,
    "!=": _Constraint._not_equal,
    ">": _Constraint._greater_than,
    "<": _Constraint._less_than,
    ">=": _Constraint._greater_than_equal,
    "=>": _Constraint._greater_than_equal,
    "<=": _Constraint._less_than_equal,
    "=<": _Constraint._less_than_equal,
    "~": _Constraint._tilde,
    "~>": _Constraint._tilde,
    "^": _Constraint._caret,
}


def _rewrite_range(text: str) -> str:
    """`A - B` becomes `>= A, <= B ` (Masterminds rewriteRange, text replacement included)."""
    out = text
    for m in _RANGE.finditer(text):
        out = out.replace(m.group(0), f">= {m.group(1)}, <= {m.group(11)} ", 1)
    return out


class Constraints:
    """OR-groups of AND-ed constraints, e.g. `Constraints.parse(">=1.2, <2 || =3.0.0")`.

    Pre-releases: by default Masterminds v3.4 rules (a pre-release version can satisfy an
    AND group only if some constraint of the group names a pre-release). `legacy_prerelease`
    selects v3.2.x rules instead, as in helm 3.15 and in sprig v3.2.3 (helmfile 0.166.0):
    each constraint on its own must name a pre-release, except a plain `!=`.
    """

    def __init__(
        self,
        groups: list[list[_Constraint]],
        *,
        include_prerelease: bool = False,
        legacy_prerelease: bool = False,
    ) -> None:
        self._groups = groups
        self._contains_pre = [any(c.con.prerelease for c in group) for group in groups]
        self.include_prerelease = include_prerelease
        self.legacy_prerelease = legacy_prerelease

    def _include(self, c: _Constraint, group_has_pre: bool) -> bool:
        if self.include_prerelease:
            return True
        return c.legacy_include_pre() if self.legacy_prerelease else group_has_pre

    @classmethod
    def parse(cls, text: str, *, include_prerelease: bool = False, legacy_prerelease: bool = False) -> Constraints:
        if not isinstance(text, str):
            raise InvalidConstraint(f"improper constraint: {text!r}")
        groups: list[list[_Constraint]] = []
        for part in _rewrite_range(text).split("||"):
            if _VALID.fullmatch(part) is None:
                raise InvalidConstraint(f"improper constraint: {part!r}")
            found = [m.group(0) for m in _FIND.finditer(part)] or [part]
            groups.append([_Constraint.parse(s) for s in found])
        return cls(groups, include_prerelease=include_prerelease, legacy_prerelease=legacy_prerelease)

    def check(self, version: Version | str) -> bool:
        """Whether the version satisfies any OR-group (strings are parsed loosely)."""
        v = parse(version) if isinstance(version, str) else version
        for group, has_pre in zip(self._groups, self._contains_pre, strict=True):
            if all(c.check(v, self._include(c, has_pre)) is None for c in group):
                return True
        return False

    def validate(self, version: Version | str) -> tuple[bool, list[str]]:
        """Masterminds `Validate`: (satisfied, reasons it is not)."""
        v = parse(version) if isinstance(version, str) else version
        reasons: list[str] = []
        pre_reported = False
        for group, has_pre in zip(self._groups, self._contains_pre, strict=True):
            ok = True
            for c in group:
                include = self._include(c, has_pre)
                if self.legacy_prerelease and not self.include_prerelease:
                    include = bool(c.con.prerelease)  # v3.2.x Validate checks this before every operator
                if not include and v.prerelease:
                    if not pre_reported:
                        reasons.append(
                            f"{_q(v)} is a prerelease version and the constraint is only looking for release versions"
                        )
                        pre_reported = True
                    ok = False
                    continue
                reason = c.check(v, include)
                if reason is not None:
                    reasons.append(reason)
                    ok = False
            if ok:
                return True, []
        return False, reasons

    def __str__(self) -> str:
        return " || ".join(" ".join(str(c) for c in group) for group in self._groups)

    def __repr__(self) -> str:
        return f"Constraints({str(self)!r})"
