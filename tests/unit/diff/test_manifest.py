from __future__ import annotations

import pytest

from pyhelmfile.diff.manifest import Resource, make_resource, parse_manifests
from pyhelmfile.errors import ManifestError
from tests.unit.diff.conftest import replace_once

WEBAPP_KEYS = [
    "shop, demo-creds, Secret (v1)",
    "shop, demo-reader, ClusterRole (rbac.authorization.k8s.io)",
    "shop, demo-web, Service (v1)",
    "shop, demo-web, Deployment (apps)",
    "shop, demo-a, ConfigMap (v1)",
    "other, demo-b, ConfigMap (v1)",
    "shop, demo-migrate, Job (batch)",
]


def test_helm_template_output_keys_in_stream_order(webapp: str) -> None:
    assert list(parse_manifests(webapp, "shop")) == WEBAPP_KEYS


def test_test_hooks_dropped_unless_included(webapp: str) -> None:
    with_tests = parse_manifests(webapp, "shop", include_tests=True)
    assert list(with_tests) == [*WEBAPP_KEYS[: 5 + 1], "shop, demo-test, Pod (v1)", WEBAPP_KEYS[-1]]
    pod = with_tests["shop, demo-test, Pod (v1)"]
    assert pod.is_test and pod.hooks == ("test",)


def test_hooks_kept_with_their_events_or_dropped(webapp: str) -> None:
    job = parse_manifests(webapp, "shop")["shop, demo-migrate, Job (batch)"]
    assert job.hooks == ("pre-install", "pre-upgrade")
    assert job.is_hook and not job.is_test
    assert "shop, demo-migrate, Job (batch)" not in parse_manifests(webapp, "shop", include_hooks=False)


@pytest.mark.parametrize("hook", ["test", "test-success", "test-failure", "pre-install, test"])
def test_every_test_hook_form_is_a_test(hook: str) -> None:
    doc = f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: t\n  annotations:\n    helm.sh/hook: {hook}\n"
    assert parse_manifests(doc, "ns") == {}
    assert list(parse_manifests(doc, "ns", include_tests=True)) == ["ns, t, Pod (v1)"]


def test_normalised_text_and_object(webapp: str) -> None:
    dep = parse_manifests(webapp, "shop")["shop, demo-web, Deployment (apps)"]
    assert dep.source == "webapp/templates/deployment.yaml"
    assert (dep.api_version, dep.kind, dep.namespace, dep.name) == ("apps/v1", "Deployment", "shop", "demo-web")
    # what a diff shows: the document as helm rendered it (helm-diff without --normalize-manifests), trimmed
    assert dep.text.startswith(
        "# Source: webapp/templates/deployment.yaml\n# The web server; quoting and comments below must not count"
        " as changes.\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: demo-web\n  labels:\n"
    )
    assert dep.text == dep.content and webapp.count(dep.text) == 1 and not dep.text.endswith("\n")
    # the normalised form, yaml.v2's Marshal of the object: sorted keys, block style, comments gone
    assert dep.body.startswith("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels:\n")
    assert "# The web server" not in dep.body and "# http" not in dep.body
    assert "      - env:\n        - name: PASSWORD\n" in dep.body and dep.body.endswith("\n")
    assert dep.obj["spec"]["replicas"] == 2 and type(dep.obj["spec"]["replicas"]) is int
    assert type(dep.obj) is dict and type(dep.obj["metadata"]) is dict
    assert dep.obj["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.25.3"


def test_list_items_flattened_with_their_own_namespace_and_the_list_source(webapp: str) -> None:
    res = parse_manifests(webapp, "shop")
    a, b = res["shop, demo-a, ConfigMap (v1)"], res["other, demo-b, ConfigMap (v1)"]
    assert a.source == b.source == "webapp/templates/configmaps.yaml"
    assert (a.namespace, b.namespace) == ("shop", "other")
    assert a.obj == {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "demo-a"}, "data": {"mode": "a"}}
    # helm-diff writes each item again (yaml.v2, its own key order) without the list's Source line
    assert a.text == "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo-a\ndata:\n  mode: a"


def test_nested_lists_and_plain_list_kind() -> None:
    text = """# Source: c/templates/l.yaml
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ServiceAccountList
  items:
  - {apiVersion: v1, kind: ServiceAccount, metadata: {name: inner}}
- {apiVersion: v1, kind: ServiceAccount, metadata: {name: outer}}
"""
    assert list(parse_manifests(text, "ns")) == ["ns, inner, ServiceAccount (v1)", "ns, outer, ServiceAccount (v1)"]


def test_cluster_scoped_objects_keyed_with_the_default_namespace_as_helm_diff(webapp: str) -> None:
    # helm-diff's key has the release namespace for every object without one, cluster-scoped too
    role = parse_manifests(webapp, "shop")["shop, demo-reader, ClusterRole (rbac.authorization.k8s.io)"]
    assert role.cluster_scoped and role.group == "rbac.authorization.k8s.io"
    ns = parse_manifests("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n", "shop")
    assert list(ns) == ["shop, team, Namespace (v1)"] and ns["shop, team, Namespace (v1)"].cluster_scoped
    assert not parse_manifests(webapp, "shop")["shop, demo-web, Service (v1)"].cluster_scoped


def test_empty_comment_only_and_metadata_less_documents_are_dropped() -> None:
    text = (
        "---\n# Source: c/templates/empty.yaml\n---\n\n---\n---\n# just a comment\n"
        "---\nfoo: bar\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
    )
    assert list(parse_manifests(text, "ns")) == ["ns, x, ConfigMap (v1)"]
    assert parse_manifests("", "ns") == {}


def test_separator_forms_and_crlf() -> None:
    text = (
        "apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: a\r\n--- \r\napiVersion: v1\r\nkind: ConfigMap\r\n"
    )
    text += "metadata:\r\n  name: b\r\n--- # comment\r\napiVersion: v1\r\nkind: ConfigMap\r\nmetadata: {name: c}\r\n"
    assert list(parse_manifests(text, "ns")) == [f"ns, {n}, ConfigMap (v1)" for n in "abc"]


def test_base_name_annotation_names_the_key() -> None:
    doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg-8f7a\n  annotations:\n    helm-diff/base-name: cfg\n"
    res = parse_manifests(doc, "ns")
    assert list(res) == ["ns, cfg, ConfigMap (v1)"]
    assert res["ns, cfg, ConfigMap (v1)"].name == "cfg-8f7a"


def test_non_string_name_is_its_yaml_text() -> None:
    assert list(parse_manifests("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 123\n", "ns")) == [
        "ns, 123, ConfigMap (v1)"
    ]


def test_resource_policy() -> None:
    doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations:\n    helm.sh/resource-policy: keep\n"
    assert parse_manifests(doc, "ns")["ns, a, ConfigMap (v1)"].resource_policy == "keep"


def test_duplicate_key_is_an_error_naming_it(webapp: str) -> None:
    doc = "---\n# Source: webapp/templates/again.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: demo-web\n"
    with pytest.raises(ManifestError, match=r'duplicate resource "shop, demo-web, Service \(v1\)".*again\.yaml'):
        parse_manifests(webapp + doc, "shop")


def test_same_name_in_another_namespace_or_kind_is_not_a_duplicate() -> None:
    text = (
        "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\n"
        "apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: other}\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"
    )
    assert len(parse_manifests(text, "ns")) == 3


def test_bad_yaml_is_an_error_naming_the_template() -> None:
    text = "---\n# Source: c/templates/bad.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n"
    with pytest.raises(ManifestError, match=r"cannot parse c/templates/bad\.yaml \(line \d+ of its document\)"):
        parse_manifests(text, "ns")


def test_a_document_that_is_not_a_mapping_is_an_error() -> None:
    with pytest.raises(ManifestError, match=r"is a list, not a mapping \(from c/t\.yaml\)"):
        parse_manifests("# Source: c/t.yaml\n- a\n- b\n", "ns")


def test_make_resource_normalises_like_parse() -> None:
    res = make_resource({"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "x"}, "data": {"count": 1.0}})
    assert res.key == ", x, ConfigMap (v1)"
    assert res.obj["data"]["count"] == 1 and type(res.obj["data"]["count"]) is int
    assert res.text == "apiVersion: v1\ndata:\n  count: 1\nkind: ConfigMap\nmetadata:\n  name: x\n"


def test_errors_never_quote_the_manifest() -> None:
    bad = (
        '# Source: c/templates/secret.yaml\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  pw: "czNjcjN0\n'
    )
    with pytest.raises(ManifestError) as err:
        parse_manifests(bad, "ns")
    assert "czNjcjN0" not in str(err.value) and "c/templates/secret.yaml" in str(err.value)
    with pytest.raises(ManifestError) as err:
        parse_manifests("# Source: c/t.yaml\nczNjcjN0\n", "ns")
    assert "czNjcjN0" not in str(err.value)


def test_documents_either_reader_takes_give_the_same_objects() -> None:
    """Merge keys and explicit tags go to the full reader; the objects are as plain and normalised."""
    fast = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: '1'\n  z: '2'\nreplicas: 2.0\n"
    merged = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\nbase: &b {x: '1'}\n"
        "data:\n  <<: *b\n  z: !!str 2\nreplicas: 2.0\n"
    )
    fast_obj = parse_manifests(fast, "ns")["ns, a, ConfigMap (v1)"].obj
    merged_obj = parse_manifests(merged, "ns")["ns, a, ConfigMap (v1)"].obj
    assert fast_obj["data"] == merged_obj["data"] == {"x": "1", "z": "2"}
    assert fast_obj["replicas"] == merged_obj["replicas"] == 2  # 2.0 is written `2`, which reads back as an int
    assert type(fast_obj["replicas"]) is type(merged_obj["replicas"]) is int
    assert type(merged_obj["data"]) is dict


def test_a_memo_reads_a_document_both_streams_hold_once(webapp: str) -> None:
    memo: dict[str, list[Resource]] = {}
    old = parse_manifests(webapp, "shop", memo=memo)
    changed = replace_once(webapp, "name: demo-a\n", "name: demo-a2\n")  # one item of a List
    new = parse_manifests(changed, "shop", memo=memo)
    assert old["shop, demo-web, Deployment (apps)"] is new["shop, demo-web, Deployment (apps)"]
    assert "shop, demo-a, ConfigMap (v1)" not in new and "shop, demo-a2, ConfigMap (v1)" in new
    assert list(old) == WEBAPP_KEYS
    with_tests = parse_manifests(webapp, "shop", include_tests=True, memo=memo)  # the memo holds them unfiltered
    assert len(with_tests) == len(WEBAPP_KEYS) + 1
