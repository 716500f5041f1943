"""sprig's `semver` and `semverCompare` over pyhelmfile.golang.semver (Masterminds/semver v3)."""

from __future__ import annotations

from typing import Any

from pyhelmfile.gotmpl.funcs._conv import as_str
from pyhelmfile.gotmpl.funcs._errors import FuncError


class SemverValue:
    """A *semver.Version as templates see it: printed as its original text, with Go's methods."""

    go_kind = "ptr"

    def __init__(self, version: Any) -> None:
        self._v = version

    def __str__(self) -> str:
        return str(self._v)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SemverValue) and str(self._v) == str(other._v)

    def __hash__(self) -> int:
        return hash(str(self._v))

    def Major(self) -> int:
        return int(self._v.major)

    def Minor(self) -> int:
        return int(self._v.minor)

    def Patch(self) -> int:
        return int(self._v.patch)

    def Prerelease(self) -> str:
        return str(self._v.prerelease)

    def Metadata(self) -> str:
        return str(self._v.metadata)

    def Original(self) -> str:
        return str(self._v.original)

    def String(self) -> str:
        return str(self._v)

    def Compare(self, other: SemverValue) -> int:
        return int(self._v.compare(other._v))

    def LessThan(self, other: SemverValue) -> bool:
        return bool(self._v.compare(other._v) < 0)

    def GreaterThan(self, other: SemverValue) -> bool:
        return bool(self._v.compare(other._v) > 0)

    def Equal(self, other: SemverValue) -> bool:
        return bool(self._v.compare(other._v) == 0)

    def IncMajor(self) -> SemverValue:
        return SemverValue(self._v.inc_major())

    def IncMinor(self) -> SemverValue:
        return SemverValue(self._v.inc_minor())

    def IncPatch(self) -> SemverValue:
        return SemverValue(self._v.inc_patch())

    def go_json(self) -> str:
        return str(self._v)


SemverValue.__name__ = "*semver.Version"


def semver(version: Any) -> SemverValue:
    from pyhelmfile.golang import semver as sv

    try:
        return SemverValue(sv.parse(as_str(version)))
    except sv.InvalidVersion as err:
        raise FuncError(_msg(err)) from None


def _msg(err: Exception) -> str:
    text = str(err)
    return "Invalid Semantic Version" if text.startswith("invalid semantic version") else text


def semver_compare(constraint: Any, version: Any) -> bool:
    from pyhelmfile.golang import semver as sv

    try:
        c = sv.Constraints.parse(as_str(constraint))
    except sv.InvalidConstraint as err:
        raise FuncError(str(err)) from None
    try:
        v = sv.parse(as_str(version))
    except sv.InvalidVersion as err:
        raise FuncError(_msg(err)) from None
    return bool(c.check(v))


FUNCS: dict[str, Any] = {"semver": semver, "semverCompare": semver_compare}
