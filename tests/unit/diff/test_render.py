from __future__ import annotations

import json
import random

import pytest

from pyhelmfile.diff.compare import ReleaseDiff, compare
from pyhelmfile.diff.render import (
    NOT_INSTALLED_BANNER,
    chart_change_text,
    diff_lines,
    render_json,
    render_markdown,
    render_simple,
    render_text,
    split_chart,
    summary_line,
)
from pyhelmfile.errors import ConfigError
from tests.unit.diff.conftest import replace_once

OLD = """---
# Source: web/templates/cm.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  a: "1"
  b: "2"
  c: "3"
  d: "4"
  e: "5"
  f: "6"
  g: "7"
---
# Source: web/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: web
        image: nginx:1.25
"""
NEW = OLD.replace("nginx:1.25", "nginx:1.26").replace('d: "4"', 'd: "four"')


def _diff(old: str = OLD, new: str = NEW, **kw: object) -> ReleaseDiff:
    return compare("web", "default", "stg", old, new, **kw)  # type: ignore[arg-type]


def test_text_whole_objects_as_helm_diff() -> None:
    # each object's document as helm rendered it (Source line, key order, quoting), no blank line after it
    assert render_text([_diff()]) == (
        "default, web, Deployment (apps) has changed:\n"
        "  # Source: web/templates/deployment.yaml\n"
        "  apiVersion: apps/v1\n"
        "  kind: Deployment\n"
        "  metadata:\n"
        "    name: web\n"
        "  spec:\n"
        "    replicas: 1\n"
        "    template:\n"
        "      spec:\n"
        "        containers:\n"
        "        - name: web\n"
        "-         image: nginx:1.25\n"
        "+         image: nginx:1.26\n"
        "default, web-config, ConfigMap (v1) has changed:\n"
        "  # Source: web/templates/cm.yaml\n"
        "  apiVersion: v1\n"
        "  kind: ConfigMap\n"
        "  metadata:\n"
        "    name: web-config\n"
        "  data:\n"
        '    a: "1"\n'
        '    b: "2"\n'
        '    c: "3"\n'
        '-   d: "4"\n'
        '+   d: "four"\n'
        '    e: "5"\n'
        '    f: "6"\n'
        '    g: "7"\n'
    )


def test_formatting_alone_is_not_a_change() -> None:
    new = OLD.replace('a: "1"', "a: '1'   # quoted otherwise").replace("replicas: 1", "replicas:   1")
    assert render_text([_diff(new=new)]) == ""
    # a real change next to a formatting one shows both lines as written
    out = render_text([_diff(new=new.replace('b: "2"', 'b: "two"'))], context=0)
    assert out == (
        "default, web-config, ConfigMap (v1) has changed:\n"
        "...\n"
        '-   a: "1"\n'
        '-   b: "2"\n'
        "+   a: '1'   # quoted otherwise\n"
        '+   b: "two"\n'
        "...\n"
    )


def test_context_trims_with_dots() -> None:
    assert render_text([_diff()], context=2) == (
        "default, web, Deployment (apps) has changed:\n"
        "...\n"
        "        containers:\n"
        "        - name: web\n"
        "-         image: nginx:1.25\n"
        "+         image: nginx:1.26\n"
        "default, web-config, ConfigMap (v1) has changed:\n"
        "...\n"
        '    b: "2"\n'
        '    c: "3"\n'
        '-   d: "4"\n'
        '+   d: "four"\n'
        '    e: "5"\n'
        '    f: "6"\n'
        "...\n"
    )
    assert render_text([_diff()], context=0) == (
        "default, web, Deployment (apps) has changed:\n"
        "...\n-         image: nginx:1.25\n+         image: nginx:1.26\n"
        "default, web-config, ConfigMap (v1) has changed:\n"
        '...\n-   d: "4"\n+   d: "four"\n...\n'
    )


def test_added_and_removed_objects() -> None:
    new = OLD.replace("name: web-config", "name: web-settings")
    out = render_text([_diff(new=new)], context=1)
    # helm-diff diffs against an empty text: one empty line on the other side
    assert out.startswith(
        "default, web-config, ConfigMap (v1) has been removed:\n"
        "- # Source: web/templates/cm.yaml\n- apiVersion: v1\n- kind: ConfigMap\n"
    )
    assert '-   g: "7"\n+ \ndefault, web-settings, ConfigMap (v1) has been added:\n- \n+ # Source:' in out
    assert out.endswith(
        '+   name: web-settings\n+ data:\n+   a: "1"\n+   b: "2"\n+   c: "3"\n+   d: "4"\n+   e: "5"\n+   f: "6"\n'
        '+   g: "7"\n'
    )


def test_colour_as_helm_diff() -> None:
    out = render_text([_diff()], context=0, color=True)
    assert out.endswith(
        "\x1b[33mdefault, web-config, ConfigMap (v1) has changed:\x1b[0m\n"
        '...\n\x1b[31m-   d: "4"\x1b[0m\n\x1b[32m+   d: "four"\x1b[0m\n...\n'
    )
    assert "\x1b" not in render_text([_diff()])


def test_not_installed_banner_and_nothing_for_unchanged() -> None:
    assert render_text([_diff(old="", installed=False)]).startswith(NOT_INSTALLED_BANNER + "default, web, Deploy")
    assert render_text([_diff(new=OLD)]) == ""
    assert render_text([]) == ""


def test_suppressed_kind_prints_helm_diff_notice() -> None:
    out = render_text([_diff(suppressed_kinds=["ConfigMap"])])
    assert out.endswith(
        "+         image: nginx:1.26\n"
        "default, web-config, ConfigMap (v1) has changed:\n"
        "+ Changes suppressed on sensitive content of type ConfigMap\n"
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (["x"], ["y"], ["-x", "+y"]),
        (["a", "x", "b"], ["a", "y", "b"], [" a", "-x", "+y", " b"]),
        ([""], ["a", "b", ""], ["+a", "+b", " "]),
        (["a", "b", ""], [""], ["-a", "-b", " "]),
        # aryann/difflib prefers a deletion whenever the LCS allows it
        (["a", "b"], ["b", "a"], ["-a", " b", "+a"]),
        (["s", "a", "b", "c", "e"], ["s", "b", "c", "d", "e"], [" s", "-a", " b", " c", "+d", " e"]),
    ],
)
def test_line_diff_matches_aryann_difflib(old: list[str], new: list[str], expected: list[str]) -> None:
    assert [op + line for op, line in diff_lines(old, new)] == expected


def _lcs(a: list[str], b: list[str]) -> int:
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            table[i + 1][j + 1] = table[i][j] + 1 if x == y else max(table[i][j + 1], table[i + 1][j])
    return table[-1][-1]


def test_line_diff_is_a_minimal_edit_script() -> None:
    rng = random.Random(7)
    for _ in range(300):
        a = [rng.choice("abcd") for _ in range(rng.randint(0, 9))]
        b = [rng.choice("abcd") for _ in range(rng.randint(0, 9))]
        recs = diff_lines(a, b)
        assert [x for op, x in recs if op != "+"] == a
        assert [x for op, x in recs if op != "-"] == b
        assert sum(op == " " for op, _ in recs) == _lcs(a, b)


def test_large_inputs_still_give_a_valid_diff() -> None:
    a = [f"line {i}" for i in range(2500)]
    b = [f"line {i}" if i % 97 else f"changed {i}" for i in range(2500)]
    recs = diff_lines(a, b)
    assert [x for op, x in recs if op != "+"] == a and [x for op, x in recs if op != "-"] == b
    assert sum(op == "-" for op, _ in recs) == 26


# ----------------------------------------------------------------------------- summary, json, markdown


def test_summary_line() -> None:
    d = _diff(old_chart="linoapp-0.1.0", new_chart="linoapp-0.1.1")
    d.release = "linoapp"
    d.changes = d.changes[:1]
    assert summary_line(d) == "linoapp (default@stg): 1 changed, 0 added, 0 removed; chart linoapp-0.1.0 -> 0.1.1"
    d.kube_context = ""
    d.chart_change = None
    assert summary_line(d) == "linoapp (default): 1 changed, 0 added, 0 removed"
    assert summary_line(_diff(old="", installed=False)).endswith("0 changed, 2 added, 0 removed; not installed yet")
    assert summary_line(_diff(new="", to_delete=True)).endswith("2 removed; to be deleted")
    vals = _diff(old_values={"a": 1}, new_values={"a": 2})
    assert summary_line(vals).endswith("; 1 value changed")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("linoapp-0.1.0", ("linoapp", "0.1.0")),
        ("linoapp-ws-0.1.0", ("linoapp-ws", "0.1.0")),
        ("web-neo-v0.2.2-ca3b6", ("web-neo", "v0.2.2-ca3b6")),
        ("sniffer-1.0.0-rc.1+build.5", ("sniffer", "1.0.0-rc.1+build.5")),
        ("noversion", ("", "noversion")),
    ],
)
def test_split_chart(text: str, expected: tuple[str, str]) -> None:
    assert split_chart(text) == expected


def test_chart_change_text() -> None:
    assert chart_change_text(("web-neo-v0.2.2-ca3b6", "web-neo-v0.2.3-ab12c")) == "web-neo-v0.2.2-ca3b6 -> v0.2.3-ab12c"
    assert chart_change_text(("linoapp-0.1.0", "linoapp-ws-0.1.0")) == "linoapp-0.1.0 -> linoapp-ws-0.1.0"


def test_json() -> None:
    d = _diff(old_chart="web-0.1.0", new_chart="web-0.2.0", old_values={"t": "1.25"}, new_values={"t": "1.26"})
    (rel,) = json.loads(render_json([d]))
    assert rel == {
        "release": "web",
        "namespace": "default",
        "kube_context": "stg",
        "installed": True,
        "to_delete": False,
        "has_changes": True,
        "changes": [
            {
                "key": "default, web, Deployment (apps)",
                "action": "change",
                "api_version": "apps/v1",
                "kind": "Deployment",
                "namespace": "default",
                "name": "web",
                "source": "web/templates/deployment.yaml",
                "suppressed": False,
                "paths": ["root['spec']['template']['spec']['containers'][0]['image']"],
            },
            {
                "key": "default, web-config, ConfigMap (v1)",
                "action": "change",
                "api_version": "v1",
                "kind": "ConfigMap",
                "namespace": "default",
                "name": "web-config",
                "source": "web/templates/cm.yaml",
                "suppressed": False,
                "paths": ["root['data']['d']"],
            },
        ],
        "chart_change": {"old": "web-0.1.0", "new": "web-0.2.0"},
        "values_changes": [{"path": "t", "action": "change", "old": "1.25", "new": "1.26", "masked": False}],
    }
    assert json.loads(render_json([])) == []


def test_markdown() -> None:
    unchanged = compare("idle", "ops", "prd", OLD, OLD)
    out = render_markdown([_diff(old_chart="web-0.1.0", new_chart="web-0.2.0"), unchanged], context=0)
    assert out.startswith(
        "### pyhelmfile diff\n\n"
        "| release | namespace | context | added | changed | removed |\n"
        "| --- | --- | --- | ---: | ---: | ---: |\n"
        "| web | default | stg | 0 | 2 | 0 |\n"
        "| idle | ops | prd | 0 | 0 | 0 |\n\n"
    )
    assert out.count("<details>") == 1  # nothing to show for an unchanged release
    assert (
        "<details><summary>web (default@stg): 2 changed, 0 added, 0 removed; chart web-0.1.0 -&gt; 0.2.0</summary>\n"
        in out
    )
    assert "```diff\ndefault, web, Deployment (apps) has changed:\n...\n-         image: nginx:1.25\n" in out
    assert out.endswith("...\n```\n\n</details>\n")
    assert "\x1b" not in out


def test_markdown_fences_and_escapes() -> None:
    old = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: md}\ndata: {readme: 'x'}\n"
    new = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: md}\ndata: {readme: "```\\ncode\\n```"}\n'
    d = compare("a|b", "default", "", old, new)
    out = render_markdown([d])
    assert "| a\\|b | default |  |" in out
    assert "\n````diff\n" in out and "\n````\n" in out  # a longer fence than any run of backticks inside


def test_markdown_leaves_out_what_does_not_fit() -> None:
    big_old = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n" + "".join(
        f"  k{i}: v{i}\n" for i in range(3000)
    )
    d = compare("big", "default", "stg", big_old, big_old.replace("v1\n", "v1x\n", 2))
    out = render_markdown([d, _diff()], max_chars=5000)
    assert len(out) < 5000
    assert "too large for this comment" in out
    assert '+   d: "four"' in out  # the next release still fits


# ----------------------------------------------------------------------------- secrets never leak

OLD_PASSWORD, OLD_B64 = "s3cr3t-Pa55", "czNjcjN0LVBhNTU="
NEW_PASSWORD, NEW_B64 = "n3w-s3cr3t!", "bjN3LXMzY3IzdCE="
TOKEN, TOKEN_B64 = "tok-0123456789", "dG9rLTAxMjM0NTY3ODk="


def _all_renderings(diffs: list[ReleaseDiff]) -> list[str]:
    out = [render_json(diffs), *(summary_line(d) for d in diffs)]
    for context in (-1, 0, 3):
        out.append(render_text(diffs, context=context))
        out.append(render_text(diffs, context=context, color=True, show_values=True))
        out.append(render_markdown(diffs, context=context))
    return out


def test_secret_values_never_appear_in_any_rendering(webapp: str) -> None:
    new = replace_once(webapp, f'password: "{OLD_B64}"', f'password: "{NEW_B64}"')
    values_old = {"password": OLD_PASSWORD, "apiToken": TOKEN}
    values_new = {"password": NEW_PASSWORD, "apiToken": TOKEN + "x"}
    secret_paths = {"password", "apiToken"}
    diffs = [
        compare("demo", "shop", "stg", webapp, new, old_values=values_old, new_values=values_new,
                secret_value_paths=secret_paths),
        compare("fresh", "shop", "stg", "", new, installed=False),
        compare("old", "shop", "stg", webapp, "", to_delete=True),
        compare("sup", "shop", "stg", webapp, new, suppress_secrets=True),
    ]  # fmt: skip
    assert diffs[0].changes[0].key == "shop, demo-creds, Secret (v1)"
    for out in _all_renderings(diffs):
        for secret in (OLD_PASSWORD, OLD_B64, NEW_PASSWORD, NEW_B64, TOKEN, TOKEN_B64):
            assert secret not in out
    text = render_text(diffs)
    assert "-   password: '-------- # (11 bytes)'\n+   password: '++++++++ # (11 bytes)'\n" in text
    assert "    token: 'REDACTED # (14 bytes)'\n" in text
    assert "+   token: '++++++++ # (14 bytes)'\n" in text  # the new install
    assert (
        "shop, demo-creds, Secret (v1) has changed:\n+ Changes suppressed on sensitive content of type Secret\n" in text
    )
    # the same check can fail: with show_secrets the values are there
    shown = render_text([compare("demo", "shop", "stg", webapp, new, show_secrets=True)])
    assert OLD_B64 in shown and NEW_B64 in shown


def test_suppress_output_line_regex() -> None:
    d = _diff(suppress_output_line_regex=["image:"])
    out = render_text([d])
    # every line of the Deployment's change matched: its header stays (helm-diff still counts the change)
    assert out.startswith("default, web, Deployment (apps) has changed:\ndefault, web-config, ConfigMap (v1) has")
    assert "image" not in out and '+   d: "four"\n' in out
    out = render_text([_diff(suppress_output_line_regex=[r"^\s+[a-c]: "])], context=1)
    assert '...\n  data:\n-   d: "4"\n+   d: "four"\n    e: "5"\n...\n' in out  # a-c gone


def test_bad_suppress_regex_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="invalid suppress-output-line-regex"):
        _diff(suppress_output_line_regex=["(unclosed"])


def test_simple_output() -> None:
    new = NEW.replace("name: web-config", "name: web-settings")
    assert render_simple([_diff(new=new)]) == (
        "default, web, Deployment (apps) to be changed.\n"
        "default, web-config, ConfigMap (v1) to be removed.\n"
        "default, web-settings, ConfigMap (v1) to be added.\n"
        "Plan: 1 to add, 1 to change, 1 to destroy.\n"
    )
    assert render_simple([_diff(new=new)], color=True).startswith(
        "\x1b[33mdefault, web, Deployment (apps) to be changed.\x1b[0m\n\x1b[31mdefault, web-config"
    )
