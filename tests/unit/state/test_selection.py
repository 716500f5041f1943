"""Selectors (-l), conditions and needs as helmfile 0.166.0 applies them (state/selection.py)."""

from __future__ import annotations

import pytest

from pyhelmfile.app.run.visit import parse_key, parse_state_values_set
from pyhelmfile.errors import ConfigError
from pyhelmfile.state.selection import LabelFilter, Selector, condition_enabled, mark, selector_labels
from pyhelmfile.state.spec import ReleaseSpec, release_id


def names(releases: list[ReleaseSpec], *selectors: str, transitive: bool = False) -> list[str]:
    marked = mark(releases, Selector.parse(selectors), {}, {}, include_transitive_needs=transitive)
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


def test_implicit_labels_are_computed_not_written_into_the_state() -> None:
    releases = fresh()
    marked = mark(releases, Selector.parse(["name=web"]), {"team": "a"}, {})
    assert releases[0].labels == {"tier": "front"}  # the state's release is left as loaded
    assert marked[0].release.labels == {
        "tier": "front",
        "name": "web",
        "namespace": "app",
        "chart": "nginx",
        "team": "a",
    }
    assert [m.matched for m in marked] == [True, False, False]


def test_without_a_selector_releases_are_handed_on_as_they_are() -> None:
    releases = fresh()
    marked = mark(releases, Selector(), {"team": "a"}, {})
    assert [m.release for m in marked] == releases  # the same objects: nothing to label
    assert not any(m.filtered for m in marked)


def test_common_labels_win_over_the_release_s_own() -> None:
    release = ReleaseSpec(name="r", labels={"team": "mine"})
    assert selector_labels(release, {"team": "common"})["team"] == "common"


def test_a_condition_that_is_off_filters_a_matched_release() -> None:
    release = ReleaseSpec(name="r", condition="feature.enabled")
    (selected,) = mark([release], Selector.parse(["name=r"]), {}, {"feature": {"enabled": False}})
    assert selected.matched and selected.filtered


def test_selector_parses_every_text_and_fails_on_a_malformed_one() -> None:
    assert Selector.parse(["a=1", "b!=2,c=3"]).texts == ["a=1", "b!=2,c=3"]
    assert not Selector.parse([])
    with pytest.raises(ConfigError, match="malformed label: c"):
        Selector.parse(["a=1", "b=2,c"])


def test_selector_reason_names_the_matching_or_each_failing_label() -> None:
    labels = {"name": "web", "tier": "front"}
    assert Selector().reason(labels) == "no selector given"
    assert Selector.parse(["tier=back", "name=web"]).reason(labels) == "-l name=web matches"
    assert (
        Selector.parse(["tier=back", "app=x"]).reason(labels)
        == '-l tier=back: tier is "front"; -l app=x: no label "app"'
    )
    assert Selector.parse(["tier!=front"]).reason(labels) == '-l tier!=front: tier is "front"'
