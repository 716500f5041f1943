"""helmfile 0.166.0's own template functions (pkg/tmpl), rendered through the engine."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from pyhelmfile.gotmpl import TemplateError, render
from pyhelmfile.gotmpl.funcs import helmfile_funcs, sprig_funcs


def run(template: str, base: Path, data: Any = None, **kw: Any) -> str:
    env = kw.pop("env", {"PATH": os.environ.get("PATH", ""), "SET_VAR": "set"})
    return render("values.yaml.gotmpl", template, data or {}, helmfile_funcs(base, env=env, **kw))


def fails(template: str, base: Path, **kw: Any) -> str:
    with pytest.raises(TemplateError) as err:
        run(template, base, **kw)
    return str(err.value)


def test_helmfile_get_overrides_sprig_get(tmp_path: Path) -> None:
    data = {"a": {"b": {"c": 1}}}
    assert run('{{ get "a.b.c" . }}|{{ get "a.x" "d" . }}|{{ sprigGet .a "b" }}', tmp_path, data) == "1|d|map[c:1]"
    assert sprig_funcs()["get"]({"k": 1}, "missing") == ""


def test_get_errors_and_get_or_nil(tmp_path: Path) -> None:
    msg = fails('{{ get "a.x" (dict "a" (dict "b" (dict "c" 1))) }}', tmp_path)
    assert 'error calling get: no value exist for key "x" in map[b:map[c:1]]' in msg
    assert "unexpected type(string)" in fails('{{ get "a.b" (dict "a" "s") }}', tmp_path)
    assert "expected 1 or 2, got 3" in fails('{{ get "a" 1 2 3 }}', tmp_path)
    assert run('{{ getOrNil "a.x" (dict "a" (dict)) }}', tmp_path) == "<no value>"


def test_set_value_at_path(tmp_path: Path) -> None:
    assert run('{{ setValueAtPath "a.b" 2 (dict "a" (dict "b" 1)) | toJson }}', tmp_path) == '{"a":{"b":2}}'
    assert 'value for key "x" does not exist' in fails('{{ setValueAtPath "x.y" 1 (dict) }}', tmp_path)
    assert 'value for key "a" was not a map' in fails('{{ setValueAtPath "a.b" 1 (dict "a" 1) }}', tmp_path)


def test_required_uses_the_message_as_a_format(tmp_path: Path) -> None:
    assert run('{{ required "x" 0 }}|{{ required "x" false }}', tmp_path) == "0|false"
    assert "error calling required: need it" in fails('{{ required "need it" nil }}', tmp_path)
    assert "100%!(NOVERB)" in fails('{{ required "100%" "" }}', tmp_path)


def test_required_env_and_env(tmp_path: Path) -> None:
    assert run('{{ requiredEnv "SET_VAR" }}|{{ env "SET_VAR" }}|{{ env "NOPE" }}', tmp_path) == "set|set|"
    assert "required env var `NOPE` is not set" in fails('{{ requiredEnv "NOPE" }}', tmp_path)


def test_exec_runs_in_base_dir_with_stdin(tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_text("x")
    assert run('{{ exec "ls" (list) }}', tmp_path) == "f.txt\n"
    assert run('{{ exec "cat" (list) "piped" }}', tmp_path) == "piped"
    assert run('{{ envExec (dict "V" "v1") "sh" (list "-c" "printf $V") }}', tmp_path) == "v1"


def test_exec_failure_reports_like_helmexec(tmp_path: Path) -> None:
    msg = fails('{{ exec "sh" (list "-c" "echo bad >&2; exit 4") }}', tmp_path)
    assert "exited with non-zero status:\n\nPATH:\n  /" in msg
    assert "ARGS:\n  0: sh (2 bytes)\n  1: -c (2 bytes)" in msg
    assert "EXIT STATUS\n  4" in msg
    assert "STDERR:\n  bad" in msg
    assert 'unexpected type of arg "int" in args [1] at index 0' in fails('{{ exec "echo" (list 1) }}', tmp_path)
    assert "executable file not found" in fails('{{ exec "no-such-binary-xyz" (list) }}', tmp_path)


def test_files(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "b.txt").write_text("B")
    (tmp_path / "d" / "a.txt").write_text("A")
    (tmp_path / "d" / "sub").mkdir()
    assert run('{{ readFile "d/a.txt" }}', tmp_path) == "A"
    assert run('{{ readDir "d" }}', tmp_path) == "[d/a.txt d/b.txt]"
    assert run('{{ range readDirEntries "d" }}{{ .Name }}:{{ .IsDir }} {{ end }}', tmp_path) == (
        "a.txt:false b.txt:false sub:true "
    )
    assert run('{{ isFile "d/a.txt" }} {{ isFile "d" }} {{ isFile "nope" }}', tmp_path) == "true false false"
    assert "no such file or directory" in fails('{{ readFile "nope" }}', tmp_path)
    assert f'ReadDir "{tmp_path}/nope"' in fails('{{ readDir "nope" }}', tmp_path)


def test_pre_render_and_insecure_switches(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("content")
    assert run('[{{ readFile "f" }}][{{ exec "echo" (list "x") }}]', tmp_path, pre_render=True) == "[][]"
    env = {"HELMFILE_SKIP_INSECURE_TEMPLATE_FUNCTIONS": "true"}
    assert run('[{{ readFile "f" }}]', tmp_path, env=env) == "[]"
    env = {"HELMFILE_DISABLE_INSECURE_FEATURES": "1"}
    assert "insecure function calls are disabled" in fails('{{ readFile "f" }}', tmp_path, env=env)


def test_to_and_from_yaml(tmp_path: Path) -> None:
    assert run('{{ toYaml (dict "a" "on" "b" (list 1 "") "c" nil) }}', tmp_path) == 'a: "on"\nb:\n- 1\n- ""\nc: null\n'
    assert run('{{ (fromYaml "a: 1\\nb: [x]").b }}', tmp_path) == "[x]"
    assert "offending yaml: - a" in fails('{{ fromYaml "- a" }}', tmp_path)
    assert "expected string, got bool" in fails('{{ fromYaml "a: {y: 1}" }}', tmp_path)


def test_tpl_and_include(tmp_path: Path) -> None:
    text = '{{ define "t" }}<{{ . }}>{{ end }}{{ include "t" "x" }}{{ tpl "{{ .v | upper }}" (dict "v" "y") }}'
    assert run(text, tmp_path) == "<x>Y"
    assert "no template" in fails('{{ include "missing" . }}', tmp_path)
    assert "error" in fails('{{ define "loop" }}{{ include "loop" . }}{{ end }}{{ include "loop" . }}', tmp_path)


def test_secret_refs(tmp_path: Path) -> None:
    from pyhelmfile.secrets.vals import Vals

    (tmp_path / "s.yaml").write_text("db:\n  pass: p4ss\n  port: 5432\n")
    (tmp_path / "raw.txt").write_text("raw")
    env = {"TOKEN": "t0k"}
    refs = Vals(env).evaluator(str(tmp_path))  # what the state layer gives: vals, relative to the state's directory

    def ok(template: str) -> str:
        return run(template, tmp_path, env=env, secret_refs=refs)

    assert ok('{{ fetchSecretValue "ref+file://s.yaml#/db/pass" }}') == "p4ss"
    assert ok('{{ fetchSecretValue "ref+file://raw.txt" }}') == "raw"
    assert ok('{{ fetchSecretValue "ref+envsubst://$TOKEN" }}') == "t0k"
    out = ok(
        '{{ expandSecretRefs (dict "a" "ref+envsubst://${TOKEN}" "n" (list "x-ref+envsubst://$TOKEN" 1)) | toJson }}'
    )
    assert out == '{"a":"t0k","n":["x-t0k",1]}'
    # vals gives "" for a fragment that ends at a number (helmfile's vals does not fail on missing keys)
    assert ok('{{ fetchSecretValue "ref+file://s.yaml#/db/port" | quote }}') == '""'
    assert 'expand vault://secret/x#key: the "vault" vals backend is not supported' in fails(
        '{{ fetchSecretValue "ref+vault://secret/x#key" }}', tmp_path, env=env, secret_refs=refs
    )
    assert "no vals runtime" in fails('{{ fetchSecretValue "ref+echo://a" }}', tmp_path, env=env)
