"""Selectors (`-l`), conditions and transitive needs: which releases of a state a run takes.

The one place selection happens, as helmfile 0.166.0's markExcludedReleases does it. `-l` texts
are parsed once (`Selector.parse`, at the CLI boundary, so a malformed one fails before anything
loads; a sub-helmfile's `selectors:` when it is visited). Each `-l` is a group, groups are OR'ed,
`,` inside a group is AND; `k!=v` also matches a release without `k`. Releases are matched on
their labels plus the implicit `name`, `namespace` and `chart` (the chart's last path part) and
`commonLabels`: computed here, never written into the release the state holds.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from pyhelmfile.errors import ConfigError
from pyhelmfile.state.spec import ReleaseSpec, release_id

_NEGATIVE = re.compile(r"^[a-zA-Z0-9_./+-]+!=[a-zA-Z0-9_./+-]+$")
_POSITIVE = re.compile(r"^[a-zA-Z0-9_./+-]+=[a-zA-Z0-9_./+-]+$")


class LabelFilter:
    """One `-l` selector: all of its `k=v` must hold and none of its `k!=v` may be violated."""

    __slots__ = ("negative", "positive", "text")  # not a dataclass: those cost start-up time

    def __init__(
        self, positive: tuple[tuple[str, str], ...], negative: tuple[tuple[str, str], ...], text: str = ""
    ) -> None:
        self.positive = positive
        self.negative = negative
        self.text = text  # as given on the command line

    @classmethod
    def parse(cls, text: str) -> LabelFilter:
        positive, negative = [], []
        for label in text.split(","):
            if _NEGATIVE.match(label):
                key, value = label.split("!=", 1)
                negative.append((key, value))
            elif _POSITIVE.match(label):
                key, value = label.split("=", 1)
                positive.append((key, value))
            else:
                raise ConfigError(f"malformed label: {label}. Expected label in form k=v or k!=v")
        return cls(tuple(positive), tuple(negative), text)

    def match(self, labels: dict[str, str]) -> bool:
        return self.mismatch(labels) is None

    def mismatch(self, labels: dict[str, str]) -> str | None:
        """Why these labels do not match (the first label that fails), or None when they do."""
        for key, value in self.positive:
            if key not in labels:
                return f'no label "{key}"'
            if labels[key] != value:
                return f'{key} is "{labels[key]}"'
        for key, value in self.negative:
            if labels.get(key) == value:
                return f'{key} is "{value}"'
        return None


class Selector:
    """Every `-l` of a run (or a sub-helmfile's `selectors:`), parsed; empty selects everything."""

    __slots__ = ("filters",)

    def __init__(self, filters: tuple[LabelFilter, ...] = ()) -> None:
        self.filters = filters

    @classmethod
    def parse(cls, texts: list[str] | tuple[str, ...]) -> Selector:
        """Parsed `-l` texts; a malformed one is a ConfigError naming its label."""
        return cls(tuple(LabelFilter.parse(t) for t in texts))

    @property
    def texts(self) -> list[str]:
        return [f.text for f in self.filters]

    def __bool__(self) -> bool:
        return bool(self.filters)

    def match(self, labels: dict[str, str]) -> bool:
        return any(f.match(labels) for f in self.filters)

    def reason(self, labels: dict[str, str]) -> str:
        """Why a release with these labels was picked or not, for `why`."""
        if not self.filters:
            return "no selector given"
        for f in self.filters:
            if f.match(labels):
                return f"-l {f.text} matches"
        return "; ".join(f"-l {f.text}: {f.mismatch(labels)}" for f in self.filters)


def selector_labels(release: ReleaseSpec, common_labels: dict[str, str]) -> dict[str, str]:
    """The labels selectors see: the release's own, the implicit name/namespace/chart, then commonLabels."""
    labels = dict(release.labels)
    labels["name"] = release.name
    labels["namespace"] = release.namespace
    labels["chart"] = release.chart.split("/")[-1]
    labels.update(common_labels)
    return labels


def condition_enabled(release: ReleaseSpec, values: dict[str, Any]) -> bool:
    """`condition: foo.enabled` looked up in the environment values."""
    if not release.condition:
        return True
    keys = release.condition.split(".")
    if keys[-1] != "enabled":
        raise ConfigError(
            f"failed to parse condition in release {release.name}: Condition value must be in the form "
            "'foo.enabled' where 'foo' can be modified as necessary"
        )
    current: Any = values
    seen = ""
    for key in keys[:-1]:
        seen = f"{seen}.{key}"
        if key not in current:
            raise ConfigError(
                f"failed to parse condition in release {release.name}: environment values field '{seen}' not found"
            )
        current = current[key]
        if not isinstance(current, dict):
            raise ConfigError(
                f"failed to parse condition in release {release.name}: environment values field '{seen}' is not a map"
            )
    enabled = current.get("enabled")
    return enabled is True


class Selected:
    """A release as the selection hands it on, and whether the selectors or its condition leave it out.

    With selectors, `release` is a copy carrying the labels they saw (implicit ones included), as the
    releases helmfile's selection returns do: hooks and output templates see `.Release.Labels` so."""

    __slots__ = ("filtered", "matched", "release")  # not a dataclass: those cost start-up time

    def __init__(self, release: ReleaseSpec, filtered: bool, matched: bool) -> None:
        self.release = release
        self.filtered = filtered
        self.matched = matched  # the selectors picked it (True without selectors)


def mark(
    releases: list[ReleaseSpec],
    selector: Selector,
    common_labels: dict[str, str],
    values: dict[str, Any],
    *,
    include_transitive_needs: bool = False,
) -> list[Selected]:
    """markExcludedReleases: every release, in order, with whether the selectors and conditions leave it out."""
    result = []
    for release in releases:
        matched = True
        if selector:
            labels = selector_labels(release, common_labels)
            matched = selector.match(labels)
            release = dataclasses.replace(release, labels=labels)
        filtered = not matched or not condition_enabled(release, values)
        result.append(Selected(release, filtered, matched))
    if include_transitive_needs:
        needed: set[str] = set()
        for selected in result:
            if not selected.filtered:
                _collect_needs(selected.release, releases, needed)
        for selected in result:
            if release_id(selected.release) in needed:
                selected.filtered = False
    return result


def _collect_needs(release: ReleaseSpec, releases: list[ReleaseSpec], needed: set[str]) -> None:
    for need in release.needs:
        if need in needed:
            continue
        needed.add(need)
        name = need.split("/")[-1]
        for other in releases:
            if other.name == name:
                _collect_needs(other, releases, needed)
