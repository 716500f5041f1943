"""vals reference parsing and evaluation (pyhelmfile/secrets/vals.py) with the backends that need no server.

The expected values are what helmfile 0.166.0 (vals v0.37.3) gives for the same references; the
AWS and sops backends are tested against real servers and the real sops in tests/integration.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pyhelmfile.secrets.vals import Vals, ValsError, parse_ref


def test_parse_ref_as_go_url_parse() -> None:
    ref = parse_ref("awsssm://app/db?region=eu-west-1&mode=singleparam#/a/b")
    assert (ref.scheme, ref.host, ref.path, ref.location) == ("awsssm", "app", "/db", "app/db")
    assert ref.query == {"region": "eu-west-1", "mode": "singleparam"}
    assert ref.keys == ["a", "b"]
    assert ref.document_key == "awsssm://app/db?region=eu-west-1&mode=singleparam"
    assert parse_ref("awsssm:///abs/path").location == "/abs/path"
    assert parse_ref("sops://./secrets.yaml#/").keys == []  # `#/` is no fragment
    assert parse_ref("S3://b/k%20x?version=a+b").location == "b/k x"
    assert parse_ref("S3://b/k?version=a+b").query == {"version": "a b"}
    assert parse_ref("echo://x?a=1&a=2").query == {"a": "1"}  # the first value, as vals reads it
    with pytest.raises(ValsError, match='invalid port ":x" after host'):
        parse_ref("awssecrets://arn:aws:secretsmanager:x")
    with pytest.raises(ValsError, match="missing protocol scheme"):
        parse_ref("://x")


def test_expand_strings_as_vals() -> None:
    vals = Vals({})
    assert vals.expand("ref+echo://foo/bar/") == "foo/bar"
    assert vals.expand("secretref+echo://a/b") == "a/b"
    # several references, a `+` ending one; a one-character spec before a comma is not a reference
    assert vals.expand("x-ref+echo://a/b+-y, ref+echo://c,") == "x-a/b-y, ref+echo://c,"
    assert vals.expand('"ref+echo://a/b",') == '"a/b",'
    assert vals.expand("ref+echo://foo/bar#/foo") == "bar"


def test_fragments_give_strings_or_empty(tmp_path: Path) -> None:
    (tmp_path / "doc.yaml").write_text(
        'db:\n  pass: p4ss\n  port: 5432\n  on: true\n  quoted: "1"\n  yes: yes\nlist: [a]\n'
    )
    vals = Vals({})
    got = {
        k: vals.expand(f"ref+file://doc.yaml#/{k}", str(tmp_path))
        for k in ("db/pass", "db/port", "db/on", "db/quoted", "db/yes", "db", "list", "missing", "missing/deeper")
    }
    assert got == {
        "db/pass": "p4ss",
        "db/port": "",
        "db/on": "",
        "db/quoted": "1",
        "db/yes": "yes",  # yaml.v3, as vals reads it: `yes` (key and value) is a string
        "db": "",
        "list": "",
        "missing": "",
        "missing/deeper": "",
    }
    with pytest.raises(ValsError) as err:
        vals.expand("ref+file://doc.yaml#/db/pass/x", str(tmp_path))
    assert "expected map[string]interface{}, got string" in str(err.value)
    assert "p4ss" not in str(err.value)  # the value found is never in a message


def test_eval_maps_lists_and_reference_keys(tmp_path: Path) -> None:
    (tmp_path / "kv.yaml").write_text("mk1: v1\nmk2: {a: b}\n")
    vals = Vals({"TOKEN": "t0k"})
    values = {
        "a": "ref+envsubst://$TOKEN",
        "n": ["x-ref+envsubst://${TOKEN}", 1, True, None],
        "ref+file://kv.yaml": {"ignored": True},  # a reference key with a map value: replaced by its YAML's keys
        "ref+echo://plain/key": "kept",  # ... only with a map value
        "nested": {"k": "ref+echo://q/r"},
    }
    assert vals.eval(values, str(tmp_path)) == {
        "a": "t0k",
        "n": ["x-t0k", 1, True, None],
        "mk1": "v1",
        "mk2": {"a": "b"},
        "ref+echo://plain/key": "kept",
        "nested": {"k": "q/r"},
    }
    assert values["a"] == "ref+envsubst://$TOKEN"  # the input is left as it was


def test_file_backend(tmp_path: Path) -> None:
    (tmp_path / "raw.bin").write_bytes(b"\x00\x01raw")
    (tmp_path / "sub").mkdir()
    vals = Vals({})
    assert vals.expand("ref+file://raw.bin?encode=base64", str(tmp_path)) == "AAFyYXc="
    assert vals.expand(f"ref+file://{tmp_path}/raw.bin?encode=base64", "/") == "AAFyYXc="
    with pytest.raises(ValsError, match=r"^expand file://nope.yaml: open nope.yaml: no such file or directory$"):
        vals.expand("ref+file://nope.yaml", str(tmp_path))
    with pytest.raises(ValsError, match="Unsupported encode parameter: 'hex'"):
        vals.expand("ref+file://raw.bin?encode=hex", str(tmp_path))


def test_each_reference_is_read_once_and_relative_paths_by_directory(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    for d, text in ((one, "k: first\n"), (two, "k: second\n")):
        d.mkdir()
        (d / "v.yaml").write_text(text)
    vals = Vals({})
    assert vals.expand("ref+file://v.yaml#/k", str(one)) == "first"
    assert vals.expand("ref+file://v.yaml#/k", str(two)) == "second"
    (one / "v.yaml").write_text("k: changed\n")
    assert vals.expand("ref+file://v.yaml#/k", str(one)) == "first"  # cached for the run
    # the same file without a fragment is a different lookup (vals' own cache errors here)
    assert vals.expand("ref+file://v.yaml", str(one)) == "k: changed\n"


def test_params_fall_back_to_vals_env() -> None:
    from pyhelmfile.secrets.vals import param

    env = {"VALS_REGION": "eu-central-1"}
    assert param(env, parse_ref("awsssm://x"), "region") == "eu-central-1"
    assert param(env, parse_ref("awsssm://x?region=us-east-2"), "region") == "us-east-2"
    assert param(env, parse_ref("awsssm://x?region="), "region") == ""


def test_unknown_and_unsupported_backends() -> None:
    vals = Vals({})
    with pytest.raises(ValsError, match=r'^expand vault://secret/x#/k: the "vault" vals backend is not supported'):
        vals.expand("ref+vault://secret/x#/k")
    with pytest.raises(ValsError, match='no provider registered for scheme "nosuch"'):
        vals.expand("ref+nosuch://xy")
    with pytest.raises(ValsError, match='key must have two or more components separated by "/": got "solo"'):
        vals.expand("ref+echo://solo#/a")
    with pytest.raises(ValsError, match="needs a bucket and a key"):
        vals.expand("ref+s3://bucket-only")
