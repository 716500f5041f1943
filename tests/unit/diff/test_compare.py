from __future__ import annotations

from pyhelmfile.diff.compare import MASK, ValueChange, compare, compare_values
from tests.unit.diff.conftest import replace_once

DEPLOYMENT = "shop, demo-web, Deployment (apps)"
SECRET = "shop, demo-creds, Secret (v1)"
IMAGE_PATH = "root['spec']['template']['spec']['containers'][0]['image']"


def _diff(old: str, new: str, **kw: object):  # type: ignore[no-untyped-def]
    return compare("demo", "shop", "stg", old, new, **kw)  # type: ignore[arg-type]


def test_same_manifest_no_changes(webapp: str) -> None:
    d = _diff(webapp, webapp)
    assert d.changes == [] and not d.has_changes


def test_formatting_key_order_comments_and_document_order_do_not_count(webapp: str, webapp_reformatted: str) -> None:
    d = _diff(webapp, webapp_reformatted)
    assert d.changes == []
    assert _diff(webapp_reformatted, webapp).changes == []


def test_one_character_image_tag_change_is_caught(webapp: str, webapp_reformatted: str) -> None:
    new = replace_once(webapp_reformatted, "image: nginx:1.25.3    #", "image: nginx:1.25.4    #")
    d = _diff(webapp, new)
    assert [(c.key, c.action, c.paths) for c in d.changes] == [(DEPLOYMENT, "change", [IMAGE_PATH])]
    assert d.has_changes
    c = d.changes[0]
    assert c.old is not None and c.new is not None
    assert 'image: "nginx:1.25.3"' in c.old.text and "image: nginx:1.25.4    #" in c.new.text  # as written


def test_type_change_counts(webapp: str) -> None:
    # "2" (a string) is not 2: the API server would reject it, and yaml.v2 writes it quoted
    d = _diff(webapp, replace_once(webapp, "replicas: 2", 'replicas: "2"'))
    assert [(c.key, c.paths) for c in d.changes] == [(DEPLOYMENT, ["root['spec']['replicas']"])]


def test_every_action_in_helm_diff_order(webapp: str) -> None:
    new = replace_once(webapp, "replicas: 2", "replicas: 3")
    new = replace_once(new, "port: 80\n    targetPort: 80", "port: 8080\n    targetPort: 80")
    new = replace_once(new, "name: demo-a\n", "name: demo-a2\n")  # removes demo-a, adds demo-a2
    new = replace_once(new, "name: demo-reader", "name: demo-admin")
    d = _diff(webapp, new)
    assert [(c.action, c.key) for c in d.changes] == [
        # changed, in key order; then removed; then added
        ("change", DEPLOYMENT),
        ("change", "shop, demo-web, Service (v1)"),
        ("remove", "shop, demo-a, ConfigMap (v1)"),
        ("remove", "shop, demo-reader, ClusterRole (rbac.authorization.k8s.io)"),
        ("add", "shop, demo-a2, ConfigMap (v1)"),
        ("add", "shop, demo-admin, ClusterRole (rbac.authorization.k8s.io)"),
    ]
    assert (d.count("change"), d.count("add"), d.count("remove")) == (2, 2, 2)
    removed = d.changes[2]
    assert removed.old is not None and removed.new is None and removed.paths == []
    added = d.changes[4]
    assert added.old is None and added.new is not None and added.resource is added.new


def test_kept_resources_are_not_reported_removed() -> None:
    old = (
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\n"
        "  annotations:\n    helm.sh/resource-policy: keep\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: gone\n"
    )
    d = _diff(old, "")
    assert [(c.action, c.key) for c in d.changes] == [("remove", "shop, gone, ConfigMap (v1)")]


def test_new_install_and_uninstall(webapp: str) -> None:
    d = _diff("", webapp, installed=False)
    assert not d.installed and {c.action for c in d.changes} == {"add"} and len(d.changes) == 7
    assert d.has_changes
    d = _diff(webapp, "", to_delete=True)
    assert d.to_delete and {c.action for c in d.changes} == {"remove"} and len(d.changes) == 7
    assert _diff("", "", installed=False).has_changes  # installing an empty chart still records a release


def test_test_hooks_ignored_unless_included(webapp: str) -> None:
    new = replace_once(webapp, "image: busybox", "image: busybox:1.36")
    assert _diff(webapp, new).changes == []
    d = _diff(webapp, new, include_tests=True)
    assert [c.key for c in d.changes] == ["shop, demo-test, Pod (v1)"]


def test_hooks_are_diffed(webapp: str) -> None:
    new = replace_once(webapp, '"helm.sh/hook-weight": "-5"', '"helm.sh/hook-weight": "-4"')
    assert [c.key for c in _diff(webapp, new).changes] == ["shop, demo-migrate, Job (batch)"]
    assert _diff(webapp, new, include_hooks=False).changes == []


def test_chart_change() -> None:
    assert _diff("", "", old_chart="webapp-0.1.0", new_chart="webapp-0.2.0").chart_change == (
        "webapp-0.1.0",
        "webapp-0.2.0",
    )
    assert _diff("", "", old_chart="webapp-0.1.0", new_chart="webapp-0.1.0").chart_change is None
    assert _diff("", "", new_chart="webapp-0.1.0", installed=False).chart_change is None


# ---------------------------------------------------------------------------- secrets

OLD_PASSWORD, OLD_B64 = "s3cr3t-Pa55", "czNjcjN0LVBhNTU="
NEW_PASSWORD, NEW_B64 = "n3w-s3cr3t!", "bjN3LXMzY3IzdCE="
TOKEN = "tok-0123456789"


def _new_password(webapp: str) -> str:
    return replace_once(webapp, f'password: "{OLD_B64}"', f'password: "{NEW_B64}"')


def test_secret_change_is_reported_masked(webapp: str) -> None:
    d = _diff(webapp, _new_password(webapp))
    assert [(c.key, c.paths) for c in d.changes] == [(SECRET, ["root['data']['password']"])]
    c = d.changes[0]
    assert c.old is not None and c.new is not None
    assert c.old.obj["data"] == {"password": "-------- # (11 bytes)", "token": "REDACTED # (14 bytes)"}
    assert c.new.obj["data"] == {"password": "++++++++ # (11 bytes)", "token": "REDACTED # (14 bytes)"}
    assert "stringData" not in c.new.obj
    assert "  password: '++++++++ # (11 bytes)'\n" in c.new.text
    for secret in (OLD_PASSWORD, OLD_B64, NEW_PASSWORD, NEW_B64, TOKEN):
        assert secret not in repr(d)


def test_added_and_removed_secrets_are_masked(webapp: str) -> None:
    added = _diff("", webapp, installed=False).changes
    secret = next(c for c in added if c.key == SECRET)
    assert secret.new is not None
    assert secret.new.obj["data"] == {"password": "++++++++ # (11 bytes)", "token": "++++++++ # (14 bytes)"}
    removed = next(c for c in _diff(webapp, "", to_delete=True).changes if c.key == SECRET)
    assert removed.old is not None
    assert removed.old.obj["data"] == {"password": "-------- # (11 bytes)", "token": "-------- # (14 bytes)"}
    for changes in (added, [removed]):
        for secret_text in (OLD_PASSWORD, OLD_B64, TOKEN):
            assert secret_text not in repr(changes)


def test_same_bytes_as_data_or_string_data_is_no_change(webapp: str) -> None:
    new = replace_once(
        webapp, f'data:\n  password: "{OLD_B64}"\nstringData:\n', f"stringData:\n  password: {OLD_PASSWORD}\n"
    )
    assert _diff(webapp, new).changes == []


def test_secret_metadata_change_shows_values_redacted(webapp: str) -> None:
    new = replace_once(webapp, "name: demo-creds\ntype: Opaque", "name: demo-creds\n  labels: {a: b}\ntype: Opaque")
    (c,) = _diff(webapp, new).changes
    assert c.paths == ["root['metadata']['labels']"]
    assert c.new is not None and c.new.obj["data"]["password"] == "REDACTED # (11 bytes)"


def test_show_secrets_shows_them(webapp: str) -> None:
    (c,) = _diff(webapp, _new_password(webapp), show_secrets=True).changes
    assert c.new is not None and NEW_B64 in c.new.text and c.new.obj["stringData"] == {"token": TOKEN}


def test_suppress_secrets_hides_even_the_changed_keys(webapp: str) -> None:
    for show in (False, True):
        (c,) = _diff(webapp, _new_password(webapp), suppress_secrets=True, show_secrets=show).changes
        assert c.suppressed and c.paths == [] and c.key == SECRET
        assert c.new is not None and NEW_B64 not in c.new.text


def test_suppressed_kinds() -> None:
    old = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v1}\n"
    (c,) = _diff(old, old.replace("v1}", "v2}"), suppressed_kinds=["ConfigMap"]).changes
    assert c.suppressed and c.paths == []


def test_last_applied_annotation_of_a_secret_is_masked() -> None:
    old = (
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  annotations:\n"
        '    kubectl.kubernetes.io/last-applied-configuration: \'{"data":{"k":"c2VjcmV0"}}\'\n'
        "data:\n  k: c2VjcmV0\n"
    )
    new = old.replace("c2VjcmV0", "b3RoZXI=")
    (c,) = _diff(old, new).changes
    assert c.old is not None and c.new is not None
    assert "c2VjcmV0" not in c.old.text and "b3RoZXI=" not in c.new.text
    ann = "kubectl.kubernetes.io/last-applied-configuration"
    assert c.new.obj["metadata"]["annotations"][ann].startswith("++++++++ # (")


# ---------------------------------------------------------------------------- values


def test_compare_values_leaves() -> None:
    old = {"image": {"tag": "1.0", "repo": "x"}, "replicas": 1, "flag": True, "list": [1, 2], "gone": {"a": 1}}
    new = {"image": {"tag": "1.1", "repo": "x"}, "replicas": 1.0, "flag": 1, "list": [1, 2, 3], "added": {"b": {}}}
    assert compare_values(old, new) == [
        ValueChange("added.b", None, {}, False, "add"),
        ValueChange("flag", True, 1, False, "change"),  # true is not 1
        ValueChange("gone.a", 1, None, False, "remove"),
        ValueChange("image.tag", "1.0", "1.1", False, "change"),
        ValueChange("list", [1, 2], [1, 2, 3], False, "change"),
    ]


def test_compare_values_masks_secret_paths_and_their_parents_and_children() -> None:
    old = {"db": {"password": "hunter2", "user": "app"}, "api": {"key": "k1"}, "tok": "t1"}
    new = {"db": {"password": "hunter3", "user": "app"}, "api": "disabled", "tok": "t2", "extra": {"k": "t3"}}
    changes = compare_values(old, new, secret_paths={"db.password", "api.key", "tok", "extra"})
    assert changes == [
        ValueChange("api", MASK, MASK, True, "change"),  # a map holding a secret, now a string
        ValueChange("db.password", MASK, MASK, True, "change"),
        ValueChange("extra.k", None, MASK, True, "add"),
        ValueChange("tok", MASK, MASK, True, "change"),
    ]
    for secret in ("hunter2", "hunter3", "k1", "t1", "t2", "t3"):
        assert secret not in repr(changes)


def test_compare_passes_values() -> None:
    d = _diff("", "", old_values={"a": 1}, new_values={"a": 2, "s": "x"}, secret_value_paths={"s"})
    assert d.values_changes == [ValueChange("a", 1, 2, False), ValueChange("s", None, MASK, True, "add")]
    assert not d.has_changes  # values alone do not make a release change (helm-diff's verdict)


def test_verdict_tells_true_from_1_and_1_from_1_5() -> None:
    doc = "apiVersion: example.com/v1\nkind: Thing\nmetadata: {name: t}\nspec: {x: %s}\n"
    for old, new in (("true", "1"), ("1", "1.5"), ("1", '"1"'), ("null", '""'), ("[]", "{}")):
        (c,) = _diff(doc % old, doc % new).changes
        assert c.paths == ["root['spec']['x']"], (old, new)
    for old, new in (("1", "1.0"), ("yes", "true"), (".nan", ".NaN"), ("'a'", "a"), ("1e3", "1000.0")):
        assert _diff(doc % old, doc % new).changes == [], (old, new)
