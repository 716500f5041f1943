"""Cases from helm-diff v3.9.14's diff/diff_test.go, with their expected output.

The texts here are given as-is (helm-diff's tests bypass normalisation too), to check the line
diff, context trimming and headers; the Secret cases go through compare() (so, redacted and written
as helm-diff writes them).
"""

from __future__ import annotations

import pytest

from pyhelmfile.diff.compare import Change, compare
from pyhelmfile.diff.manifest import Resource
from pyhelmfile.diff.render import render_change, render_text

TEXT1 = "line1\nline2\nline3\nline4\nline5\nline6\nline7\nline8\nline9\nline10"
TEXT2 = "line1 - different!\nline2 - different!\nline3\nline4\nline5\nline6\nline7\nline8 - different!\nline9\nline10"
CHANGED = ["- line1", "- line2", "+ line1 - different!", "+ line2 - different!"]
LINE8 = ["- line8", "+ line8 - different!"]


def _raw(text: str) -> Resource:
    """A Resource showing `text` as it is (its text is normally written from its object)."""
    res = Resource("v1", "ConfigMap", "default", "x", "", {})
    res.__dict__["text"] = text  # what functools.cached_property would have stored
    return res


def _lines(old: str, new: str, context: int) -> list[str]:
    change = Change("default, x, ConfigMap (v1)", "change", _raw(old), _raw(new), ["root"])
    out = render_change(change, context=context)
    header, _, body = out.partition("\n")
    assert header == "default, x, ConfigMap (v1) has changed:"
    return body.splitlines()


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        (
            -1,
            [*CHANGED, *(f"  line{i}" for i in range(3, 8)), "- line8", "+ line8 - different!", "  line9", "  line10"],
        ),
        (0, [*CHANGED, "...", "- line8", "+ line8 - different!", "..."]),
        (1, [*CHANGED, "  line3", "...", "  line7", "- line8", "+ line8 - different!", "  line9", "..."]),
        (
            2,
            [*CHANGED, "  line3", "  line4", "...", "  line6", "  line7", *LINE8, "  line9", "  line10"],
        ),
        (3, [*CHANGED, *(f"  line{i}" for i in range(3, 8)), "- line8", "+ line8 - different!", "  line9", "  line10"]),
    ],
)
def test_print_diff_with_context(context: int, expected: list[str]) -> None:
    assert _lines(TEXT1, TEXT2, context) == expected


def test_on_change() -> None:
    old = "\napiVersion: apps/v1beta1\nkind: Deployment\nmetadata:\n  name: nginx\n"
    new = "\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: nginx\n"
    change = Change("default, nginx, Deployment (apps)", "change", _raw(old), _raw(new), ["root"])
    assert render_change(change, context=10) == (
        "default, nginx, Deployment (apps) has changed:\n"
        "\n"
        "- apiVersion: apps/v1beta1\n"
        "+ apiVersion: apps/v1\n"
        "  kind: Deployment\n"
        "  metadata:\n"
        "    name: nginx\n"
        "\n"
    )


def test_on_change_with_suppress() -> None:
    old = "\napiVersion: apps/v1beta1\nkind: Deployment\nmetadata:\n  name: nginx\n"
    new = "\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: nginx\n"
    change = Change("default, nginx, Deployment (apps)", "change", _raw(old), _raw(new), ["root"])
    assert render_change(change, context=10, suppress_lines=["apiVersion"]) == (
        "default, nginx, Deployment (apps) has changed:\n"
    )


def test_on_change_removed() -> None:
    old = "\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: nginx\n"
    change = Change("default, nginx, Deployment (apps)", "remove", _raw(old), None, [])
    assert render_change(change, context=10) == (
        "default, nginx, Deployment (apps) has been removed:\n"
        "\n"
        "- apiVersion: apps/v1\n"
        "- kind: Deployment\n"
        "- metadata:\n"
        "-   name: nginx\n"
        "- \n"
    )


SECRET = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: foobar\ntype: Opaque\n"


@pytest.mark.parametrize(
    ("old_data", "new_data"),
    [
        (
            "data:\n  key1: dmFsdWUx\n  key2: dmFsdWUy\n  key3: dmFsdWUz\n",
            "data:\n  key1: dmFsdWUxY2hhbmdlZA==\n  key2: dmFsdWUy\n  key4: dmFsdWU0\n",
        ),
        (
            "stringData:\n  key1: value1\n  key2: value2\n  key3: value3\n",
            "stringData:\n  key1: value1changed\n  key2: value2\n  key4: value4\n",
        ),
    ],
)
def test_manifests_with_redacted_secrets(old_data: str, new_data: str) -> None:
    d = compare("r", "default", "", SECRET + old_data, SECRET + new_data)
    out = render_text([d], context=10)
    # helm-diff's expected output, byte for byte (its serializer's sorted keys, stringData renamed data)
    assert out == (
        "default, foobar, Secret (v1) has changed:\n"
        "  apiVersion: v1\n"
        "  kind: Secret\n"
        "  metadata:\n"
        "    name: foobar\n"
        "  data:\n"
        "-   key1: '-------- # (6 bytes)'\n"
        "+   key1: '++++++++ # (13 bytes)'\n"
        "    key2: 'REDACTED # (6 bytes)'\n"
        "-   key3: '-------- # (6 bytes)'\n"
        "+   key4: '++++++++ # (6 bytes)'\n"
        "  type: Opaque\n"
        "\n"
    )


BRIEF_CM = """---
# Source: app/templates/cm.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: demo
  labels:
    app: demo
data:
  greeting: "hi"
  a: "1"
---
# Source: app/templates/cm.yaml
apiVersion: v1
kind: Secret
metadata:
  name: demo-s
  labels:
    z: "1"
    a: "2"
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"stringData":{"password":"hi"}}'
  unknownField: dropped
type: Opaque
spec: dropped too
stringData:
  password: "hi"
"""


def test_documents_as_rendered_and_secrets_as_helm_diff_writes_them() -> None:
    d = compare("demo", "default", "", BRIEF_CM, BRIEF_CM.replace('"hi"', '"hej"').replace('"hi"}}', '"hej"}}'))
    assert render_text([d]) == (
        "default, demo, ConfigMap (v1) has changed:\n"
        "  # Source: app/templates/cm.yaml\n"
        "  apiVersion: v1\n"
        "  kind: ConfigMap\n"
        "  metadata:\n"
        "    name: demo\n"
        "    labels:\n"
        "      app: demo\n"
        "  data:\n"
        '-   greeting: "hi"\n'
        '+   greeting: "hej"\n'
        '    a: "1"\n'
        "default, demo-s, Secret (v1) has changed:\n"
        "  # Source: app/templates/cm.yaml\n"
        "  apiVersion: v1\n"
        "  kind: Secret\n"
        "  metadata:\n"
        "    annotations:\n"
        # helm-diff would show this annotation (it holds the value); pyhelmfile masks it
        "-     kubectl.kubernetes.io/last-applied-configuration: '-------- # (32 bytes)'\n"
        "+     kubectl.kubernetes.io/last-applied-configuration: '++++++++ # (33 bytes)'\n"
        "    labels:\n"
        '      a: "2"\n'
        '      z: "1"\n'
        "    name: demo-s\n"
        "  data:\n"
        "-   password: '-------- # (2 bytes)'\n"
        "+   password: '++++++++ # (3 bytes)'\n"
        "  type: Opaque\n"
        "\n"
    )


def test_list_items_and_separators_with_comments() -> None:
    old = (
        "# Source: c/templates/l.yaml\napiVersion: v1\nkind: ConfigMapList\nitems:\n"
        "- metadata: {name: one}\n  kind: ConfigMap\n  apiVersion: v1\n  data: {b: '1', a: x}\n"
        "--- # a comment YAML allows here\n# Source: c/templates/two.yaml\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: two}\ndata: {k: v}\n"
    )
    new = old.replace("a: x", "a: z").replace("k: v", "k: w")
    assert render_text([compare("r", "default", "", old, new)]) == (
        # an item is written again by yaml.v2, in its own key order, without the list's Source line
        "default, one, ConfigMap (v1) has changed:\n"
        "  metadata:\n"
        "    name: one\n"
        "  kind: ConfigMap\n"
        "  apiVersion: v1\n"
        "  data:\n"
        '    b: "1"\n'
        "-   a: x\n"
        "+   a: z\n"
        "default, two, ConfigMap (v1) has changed:\n"
        "  # Source: c/templates/two.yaml\n"
        "  apiVersion: v1\n"
        "  kind: ConfigMap\n"
        "  metadata: {name: two}\n"
        "- data: {k: v}\n"
        "+ data: {k: w}\n"
    )
