"""A release's deployed manifest against its new one, object by object (helm-diff's diff.Manifests).

Objects are matched by key ("namespace, name, Kind (group)"). An object on both sides has
changed when it differs (strict equality, then DeepDiff for the paths) between the normalised
objects; since each object is what its normalised YAML reads back as, formatting, comments
and key order never count, and the verdict agrees with the text a renderer shows. Order, as
helm-diff prints: changed objects in key order, then removed ones, then added ones (each in
key order). Removed objects that helm
keeps (`helm.sh/resource-policy: keep`) are not reported, as helm-diff does not.

Secrets are masked here (redact.py), before anything reaches a Change: renderers only ever
see placeholders unless `show_secrets`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pyhelmfile.diff.manifest import Resource, parse_manifests
from pyhelmfile.diff.redact import redact_pair
from pyhelmfile.errors import ConfigError

Action = Literal["add", "remove", "change"]
MASK = "***"


@dataclass
class Change:
    key: str
    action: Action
    old: Resource | None  # masked unless show_secrets
    new: Resource | None
    paths: list[str]  # DeepDiff paths that changed ("root['spec']['replicas']"); empty for add/remove
    suppressed: bool = False  # its kind's contents are not to be shown (--suppress-secrets, --suppress)

    @property
    def resource(self) -> Resource:
        """The new object, or the old one for a removal."""
        res = self.new if self.new is not None else self.old
        assert res is not None
        return res


@dataclass
class ValueChange:
    path: str  # dotted ("image.tag"); a list is one value
    old: Any  # None when added; MASK when masked
    new: Any  # None when removed; MASK when masked
    masked: bool
    action: Action = "change"


@dataclass
class ReleaseDiff:
    release: str
    namespace: str
    kube_context: str
    changes: list[Change]  # sorted as helm-diff sorts its output
    chart_change: tuple[str, str] | None = None  # ("sniffer-0.1.0", "sniffer-0.2.0")
    values_changes: list[ValueChange] = field(default_factory=list)
    installed: bool = True  # False: the release does not exist yet (everything is "add")
    to_delete: bool = False  # the release will be uninstalled (everything is "remove")
    # helm-diff's --suppress-output-line-regex: renderers leave out diff lines these match (re.search)
    suppress_output_line_regex: list[str] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        """Whether applying does anything: a manifest change (what helm-diff's exit code 2 says),
        an install or an uninstall. Chart and values changes alone do not count, as in helmfile."""
        return bool(self.changes) or not self.installed or self.to_delete

    def count(self, action: Action) -> int:
        return sum(1 for c in self.changes if c.action == action)


def compare(
    release: str,
    namespace: str,
    kube_context: str,
    old_manifest: str,
    new_manifest: str,
    *,
    show_secrets: bool = False,
    suppress_secrets: bool = False,
    suppressed_kinds: Collection[str] = (),
    include_tests: bool = False,
    include_hooks: bool = True,
    installed: bool = True,
    to_delete: bool = False,
    old_chart: str = "",
    new_chart: str = "",
    old_values: Mapping[str, Any] | None = None,
    new_values: Mapping[str, Any] | None = None,
    secret_value_paths: Collection[str] = frozenset(),
    suppress_output_line_regex: Sequence[str] = (),
) -> ReleaseDiff:
    """Diff two manifest streams of one release.

    `old_manifest` is the deployed release's manifest and hooks ('' when not `installed`),
    `new_manifest` what the chart renders now ('' when `to_delete`); both are parsed with
    `namespace` as the default namespace. `old_chart`/`new_chart` are "name-version" strings;
    `old_values`/`new_values`, when both given, are compared with compare_values.
    `suppress_output_line_regex` (Python `re` syntax, which agrees with Go's RE2 on common
    patterns) is kept for the renderers; a bad pattern is a ConfigError here.
    """
    for pattern in suppress_output_line_regex:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"invalid suppress-output-line-regex {pattern!r}: {exc}") from None
    # one memo for both sides: what did not change (usually everything) is read once
    memo: dict[str, list[Resource]] = {}
    parse = functools.partial(
        parse_manifests,
        default_namespace=namespace,
        include_tests=include_tests,
        include_hooks=include_hooks,
        memo=memo,
    )
    old = parse(old_manifest)
    new = parse(new_manifest)
    changes = compare_resources(
        old, new, show_secrets=show_secrets, suppress_secrets=suppress_secrets, suppressed_kinds=suppressed_kinds
    )
    chart_change = (old_chart, new_chart) if old_chart and new_chart and old_chart != new_chart else None
    values_changes = (
        compare_values(old_values, new_values, secret_paths=secret_value_paths)
        if old_values is not None and new_values is not None
        else []
    )
    return ReleaseDiff(
        release=release,
        namespace=namespace,
        kube_context=kube_context,
        changes=changes,
        chart_change=chart_change,
        values_changes=values_changes,
        installed=installed,
        to_delete=to_delete,
        suppress_output_line_regex=list(suppress_output_line_regex),
    )


def compare_resources(
    old: Mapping[str, Resource],
    new: Mapping[str, Resource],
    *,
    show_secrets: bool = False,
    suppress_secrets: bool = False,
    suppressed_kinds: Collection[str] = (),
) -> list[Change]:
    """The changes between two keyed sets of resources, in helm-diff's order."""
    suppressed = set(suppressed_kinds) | ({"Secret"} if suppress_secrets else set())
    modified: list[Change] = []
    removed: list[Change] = []
    for key in sorted(old):
        before = old[key]
        after = new.get(key)
        if after is None:
            if before.resource_policy != "keep":
                removed.append(_change(key, "remove", before, None, suppressed, show_secrets))
            continue
        change = _change(key, "change", before, after, suppressed, show_secrets)
        if change.paths:
            if change.suppressed:
                change.paths = []  # not even which keys of a suppressed kind changed
            modified.append(change)
    added = [_change(key, "add", None, new[key], suppressed, show_secrets) for key in sorted(new) if key not in old]
    return modified + removed + added


def changed_paths(old: Resource, new: Resource) -> list[str]:
    """DeepDiff's paths between two objects (empty: the same object)."""
    if same_object(old.obj, new.obj):
        return []  # most objects do not change, and DeepDiff is the slow part
    from deepdiff import DeepDiff

    dd = DeepDiff(old.obj, new.obj, ignore_order=False, ignore_nan_inequality=True)
    return sorted(dd.affected_paths)


def same_object(a: Any, b: Any) -> bool:
    """Whether two normalised objects are equal, telling true from 1 and 1 from 1.0 (== does not)."""
    if a is b:
        return True  # a document both sides hold is parsed once (NaN counts as equal to itself here too)
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return len(a) == len(b) and all(k in b and same_object(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return len(a) == len(b) and all(same_object(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and a != a:
        return bool(b != b)  # NaN, as DeepDiff's ignore_nan_inequality
    return bool(a == b)


def _change(
    key: str, action: Action, old: Resource | None, new: Resource | None, suppressed: set[str], show_secrets: bool
) -> Change:
    kind = (new or old).kind  # type: ignore[union-attr]
    hidden = kind in suppressed
    if hidden or not show_secrets:
        # masked before the verdict, as helm-diff: a Secret whose values are the same bytes
        # (written as stringData one time, data the next) has not changed
        old, new = redact_pair(old, new)
    paths = changed_paths(old, new) if old is not None and new is not None else []
    return Change(key=key, action=action, old=old, new=new, paths=paths, suppressed=hidden)


def compare_values(
    old: Mapping[str, Any], new: Mapping[str, Any], *, secret_paths: Collection[str] = frozenset()
) -> list[ValueChange]:
    """Changed, added and removed leaf values between two values trees, by dotted path.

    Maps are walked into; anything else (lists included) is one value. A value at, under or
    above a path of `secret_paths` is masked: its ValueChange holds MASK, never the value.
    """
    out: list[ValueChange] = []
    _walk_values((), old, new, out, frozenset(secret_paths))
    return out


_MISSING: Any = object()


def _walk_values(path: tuple[str, ...], old: Any, new: Any, out: list[ValueChange], secrets: frozenset[str]) -> None:
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in sorted({*old, *new}, key=str):
            _walk_values((*path, str(key)), old.get(key, _MISSING), new.get(key, _MISSING), out, secrets)
        return
    if old is _MISSING and isinstance(new, Mapping) and new:
        _walk_values(path, {}, new, out, secrets)
        return
    if new is _MISSING and isinstance(old, Mapping) and old:
        _walk_values(path, old, {}, out, secrets)
        return
    if old is not _MISSING and new is not _MISSING and _same(old, new):
        return
    dotted = ".".join(path)
    masked = _is_secret_path(dotted, secrets)
    action: Action = "add" if old is _MISSING else "remove" if new is _MISSING else "change"
    out.append(
        ValueChange(
            path=dotted,
            old=None if old is _MISSING else MASK if masked else old,
            new=None if new is _MISSING else MASK if masked else new,
            masked=masked,
            action=action,
        )
    )


def _is_secret_path(path: str, secrets: Iterable[str]) -> bool:
    return any(path == s or path.startswith(s + ".") or s.startswith(path + ".") for s in secrets)


def _same(a: Any, b: Any) -> bool:
    """Equality that tells true from 1 (Python's == does not), numbers compared by value."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b
