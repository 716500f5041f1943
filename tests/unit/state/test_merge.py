"""helmfile's (mergo's) merge rules for values and for specs."""

from __future__ import annotations

from pyhelmfile.state.merge import merge_spec, merge_values, merged
from pyhelmfile.state.spec import HelmSpec, ReleaseSpec


def test_maps_merge_deeply_and_lists_replace() -> None:
    assert merged({"a": {"x": 1, "y": 2}, "l": [1, 2]}, {"a": {"y": 3}, "l": [9]}) == {
        "a": {"x": 1, "y": 3},
        "l": [9],
    }


def test_null_overrides() -> None:
    assert merged({"a": 1}, {"a": None}) == {"a": None}


def test_empty_scalars_override() -> None:
    assert merged({"a": "x", "b": True}, {"a": "", "b": False}) == {"a": "", "b": False}


def test_map_does_not_replace_a_non_empty_scalar() -> None:
    assert merged({"a": "keep"}, {"a": {"x": 1}}) == {"a": "keep"}
    assert merged({"a": ""}, {"a": {"x": 1}}) == {"a": {"x": 1}}


def test_merge_does_not_alias_the_source() -> None:
    src = {"a": {"b": [1]}}
    dst = merge_values({}, src)
    dst["a"]["b"].append(2)
    assert src == {"a": {"b": [1]}}


def test_spec_override_keeps_dst_when_src_is_empty() -> None:
    dst = ReleaseSpec(name="a", namespace="ns", wait=True)
    merge_spec(dst, ReleaseSpec(namespace="other", wait=False), override=True)
    assert (dst.name, dst.namespace, dst.wait) == ("a", "other", True)


def test_spec_append_concatenates_lists() -> None:
    dst = ReleaseSpec(needs=["a"])
    merge_spec(dst, ReleaseSpec(needs=["b"]), override=False, append=True)
    assert dst.needs == ["a", "b"]


def test_spec_without_override_only_fills_empty_fields() -> None:
    dst = HelmSpec(kube_context="one")
    merge_spec(dst, HelmSpec(kube_context="two", wait=True), override=False)
    assert (dst.kube_context, dst.wait) == ("one", True)
