"""Selectors (-l), conditions and needs as helmfile 0.166.0 applies them."""

from __future__ import annotations

import pytest

from pyhelmfile.app.states import parse_key, parse_state_values_set
from pyhelmfile.errors import ConfigError
from pyhelmfile.state.release import LabelFilter, condition_enabled, mark_excluded, release_id
from pyhelmfile.state.spec import ReleaseSpec


def names(releases: list[ReleaseSpec], *selectors: str, transitive: bool = False) -> list[str]:
    marked = mark_excluded(releases, list(selectors), {}, {}, transitive)
    return [m.release.name for m in marked if not m.filtered]


RELEASES = [
    ReleaseSpec(name="web", namespace="app", chart="repo/nginx", labels={"tier": "front"}, needs=["app/api"]),
    ReleaseSpec(name="api", namespace="app", chart="repo/api", labels={"tier": "back"}, needs=["data/db"]),
    ReleaseSpec(name="db", namespace="data", chart="bitnami/postgresql"),
]


def fresh() -> list[ReleaseSpec]:
    return [ReleaseSpec(**{**r.__dict__, "labels": dict(r.labels)}) for r in RELEASES]


def test_groups_are_ored_and_commas_anded() -> None:
    assert names(fresh(), "tier=front", "name=db") == ["web", "db"]
    assert names(fresh(), "tier=back,namespace=app") == ["api"]


def test_not_equal_also_matches_releases_without_the_label() -> None:
    assert names(fresh(), "tier!=front") == ["api", "db"]


def test_implicit_labels_name_namespace_and_chart_basename() -> None:
    assert names(fresh(), "chart=postgresql") == ["db"]
    assert names(fresh(), "namespace=app") == ["web", "api"]


def test_transitive_needs_are_included_on_request() -> None:
    assert names(fresh(), "name=web", transitive=True) == ["web", "api", "db"]


def test_malformed_selector() -> None:
    with pytest.raises(ConfigError, match="malformed label: a b"):
        LabelFilter.parse("a b")


def test_condition_needs_the_enabled_suffix() -> None:
    release = ReleaseSpec(name="r", condition="feature.on")
    with pytest.raises(ConfigError, match=r"foo\.enabled"):
        condition_enabled(release, {})


def test_condition_reads_environment_values() -> None:
    release = ReleaseSpec(name="r", condition="feature.enabled")
    assert condition_enabled(release, {"feature": {"enabled": True}}) is True
    assert condition_enabled(release, {"feature": {}}) is False
    with pytest.raises(ConfigError, match=r"'\.feature' not found"):
        condition_enabled(release, {})


def test_release_ids_keep_empty_parts_apart() -> None:
    assert release_id(ReleaseSpec(name="a")) == "a"
    assert release_id(ReleaseSpec(name="a", namespace="ns")) == "ns/a"
    assert release_id(ReleaseSpec(name="a", kube_context="ctx")) == "ctx//a"


def test_state_values_set_types_and_indexes() -> None:
    parsed = parse_state_values_set(["a.b=true,n=42,z=007,l[1]=x", "m=null"], as_string=False)
    assert parsed == {"a": {"b": True}, "n": 42, "z": "007", "l": [None, "x"], "m": None}
    assert parse_state_values_set(["n=42"], as_string=True) == {"n": "42"}


def test_escaped_dots_in_keys() -> None:
    assert parse_key(r"a\.b.c") == ["a.b", "c"]
