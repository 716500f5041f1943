"""Strict, typed decoding of state files with file:line errors."""

from __future__ import annotations

import re

import pytest

from pyhelmfile.errors import ConfigError
from pyhelmfile.state.decode import decode_documents
from pyhelmfile.state.spec import ReleaseSetSpec


def load(text: str) -> ReleaseSetSpec:
    (spec,) = decode_documents(text, ReleaseSetSpec, "helmfile.yaml")
    return spec


def test_strings_keep_their_source_text() -> None:
    spec = load("releases:\n- name: a\n  chart: c\n  version: 1.10\n  labels: {tier: 1}\n")
    release = spec.releases[0]
    assert release.version == "1.10"
    assert release.labels == {"tier": "1"}


def test_unset_pointer_fields_stay_none() -> None:
    release = load("releases:\n- name: a\n  wait: false\n").releases[0]
    assert release.wait is False
    assert release.atomic is None


def test_unknown_key_names_file_line_and_suggestion() -> None:
    with pytest.raises(ConfigError) as err:
        load("releases:\n  - name: a\n    chrt: x\n")
    assert str(err.value) == 'helmfile.yaml:3: unknown field "chrt" in releases[0] (did you mean "chart"?)'


def test_wrong_type_is_an_error() -> None:
    with pytest.raises(ConfigError, match=r"helmfile.yaml:2: releases\[0\].wait: expected true or false"):
        load("releases:\n- wait: maybe\n")


def test_syntax_error_points_at_line() -> None:
    with pytest.raises(ConfigError) as err:
        load("releases:\n  - name: a\n    chart: [x\n")
    assert err.value.path == "helmfile.yaml"
    assert err.value.line is not None


def test_key_repeated_through_a_merge_is_an_error() -> None:
    text = "templates:\n  t: &t {namespace: a}\nreleases:\n- <<: *t\n  namespace: b\n"
    with pytest.raises(ConfigError, match=re.escape("helmfile.yaml:5: key 'namespace' already set in map")):
        load(text)


def test_sub_helmfiles_as_paths_or_maps() -> None:
    spec = load("helmfiles:\n- a.yaml\n- path: b.yaml\n  selectors: [x=y]\n  values: [{k: 1}]\n")
    assert [h.path for h in spec.helmfiles] == ["a.yaml", "b.yaml"]
    assert spec.helmfiles[1].selectors == ["x=y"]
    assert spec.helmfiles[1].values == [{"k": 1}]


def test_selectors_without_path_are_rejected() -> None:
    with pytest.raises(ConfigError, match="selectors' definition without path"):
        load("helmfiles:\n- selectors: [x=y]\n")


def test_inherit_accepts_the_old_single_map_form() -> None:
    release = load("releases:\n- name: a\n  inherit: {template: base}\n").releases[0]
    assert [i.template for i in release.inherit] == ["base"]
