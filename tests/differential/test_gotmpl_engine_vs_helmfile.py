# ruff: noqa: E501  (the case texts are template data; their lines stay as helmfile sees them)
"""The template engine against Go's real one, as helmfile 0.166.0 runs it on values templates.

Every case is the whole text of a `values.yaml.gotmpl`-style file of one release. helmfile
renders it (template name "stringTemplate", missingkey=error, data .Values = environment
values), parses the YAML and `write-values` writes it back out; pyhelmfile.gotmpl renders
the same text with the same data and both results are compared as parsed YAML. Cases are
built so their interesting output lands in YAML strings (printf "%q", quoted scalars and
block scalars), so string equality is exact byte equality of the engine's output.

All succeeding cases share one helmfile run; each failing case needs its own run (helmfile
stops at the first failure) and must fail in both, with our message inside helmfile's.
helmfile adds sprig, whose `slice` replaces the builtin one, so `slice` is not used here.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from pyhelmfile.gotmpl import Template, TemplateError, render
from tests.support.differential import run_helmfile, tmp_env
from tests.support.toolchain import Toolchain

pytestmark = pytest.mark.differential

NAME = "stringTemplate"  # the name helmfile gives every values template

ENV_VALUES = """\
i: 3
neg: -42
f: 2.5
three: 3.0
big: 1.0e+21
tiny: 1.0e-05
h: 100000.0
m6: 1000000.0
pi: 3.14159
s: str
q: 'say "hi"\\tnow'
uni: héllo wörld
html: <a href='x'>&</a>
n: null
t: true
l: [1, two, 3.5, null, {k: v}]
m: {z: 1, a: {b: [1, 2]}, e: {}}
e: {}
el: []
"""

OK_CASES: dict[str, str] = {
    "print_composites": """\
map: {{ printf "%q" (print .Values.m) }}
list: {{ printf "%q" (print .Values.l) }}
nil: {{ printf "%q" (print .Values.n) }}
empty: {{ printf "%q" (print .Values.e .Values.el) }}
mixed: {{ printf "%q" (print 1 2 "a" "b" 3 .Values.t nil 4.5) }}
ln: {{ printf "%q" (println 1 "a" .Values.f) }}
""",
    "floats": """\
all: {{ printf "%q" (print .Values.f " " .Values.three " " .Values.big " " .Values.tiny " " .Values.h " " .Values.m6) }}
direct: "{{ .Values.f }} {{ .Values.three }} {{ .Values.big }} {{ .Values.tiny }} {{ .Values.h }} {{ .Values.m6 }}"
lits: "{{ 1.5 }} {{ 1e3 }} {{ 0.000001 }} {{ 1e20 }} {{ -0.0 }} {{ 0x1p-2 }}"
""",
    "printf_verbs": """\
v: {{ printf "%v|%+v|%#v" .Values.m .Values.m .Values.l | printf "%q" }}
s: {{ printf "%s|%s|%s" .Values.s .Values.l .Values.i | printf "%q" }}
d: {{ printf "%d|%5d|%-5d|%05d|%+d|% d|%x|%X|%o|%O|%b|%c|%U|%#U|%q" .Values.i .Values.neg .Values.i .Values.neg .Values.i .Values.i 255 255 8 8 5 65 65 233 97 | printf "%q" }}
f: {{ printf "%f|%.2f|%8.3f|%-8.2f|%e|%E|%g|%G|%.3g|%6.1e" .Values.pi .Values.pi .Values.pi .Values.pi .Values.pi .Values.big .Values.big .Values.tiny .Values.pi 1234.5 | printf "%q" }}
q: {{ printf "%q|%+q|%#q|%x|% X|%.3s|%-6s|%6s" .Values.q .Values.uni "bq" "hi" "hi" .Values.uni "ab" "ab" | printf "%q" }}
t: {{ printf "%t|%v|%T|%T|%T|%T|%T|%%" .Values.t .Values.t .Values.i .Values.f .Values.s .Values.m .Values.n | printf "%q" }}
star: {{ printf "%*d|%-*d|%.*f" 5 1 4 2 2 .Values.pi | printf "%q" }}
bad: {{ printf "%s|%d|%z|%t" .Values.i .Values.s .Values.i .Values.s | printf "%q" }}
missing: {{ printf "%d %d %s" 1 | printf "%q" }}
extra: {{ printf "%d" 1 2 "x" nil | printf "%q" }}
idx: {{ printf "%[2]d-%[1]d" 1 2 | printf "%q" }}
novb: {{ printf "abc%" | printf "%q" }}
""",
    "range": """\
list: "{{ range .Values.l }}{{ . }};{{ end }}"
idx: "{{ range $i, $v := .Values.l }}{{ $i }}={{ $v }},{{ end }}"
map: "{{ range $k, $v := .Values.m }}{{ $k }}:{{ $v }} {{ end }}"
mapdot: "{{ range .Values.m }}[{{ . }}]{{ end }}"
else: "{{ range .Values.el }}x{{ else }}empty{{ end }}|{{ range .Values.n }}x{{ else }}nil{{ end }}"
brk: "{{ range .Values.l }}{{ if eq (printf "%T" .) "string" }}{{ break }}{{ end }}{{ . }}{{ end }}"
cont: "{{ range $i, $v := .Values.l }}{{ if eq $i 1 3 }}{{ continue }}{{ end }}{{ $v }}{{ end }}"
nested: "{{ range .Values.m.a }}{{ range . }}({{ . }}){{ end }}{{ end }}"
dollar: "{{ range .Values.el }}{{ else }}{{ $.Values.s }}{{ end }}"
""",
    "if_with": """\
if: "{{ if .Values.n }}a{{ else if .Values.e }}b{{ else if .Values.l }}c{{ else }}d{{ end }}"
truth: "{{ if 0 }}1{{ end }}{{ if 0.0 }}2{{ end }}{{ if "" }}3{{ end }}{{ if .Values.el }}4{{ end }}{{ if .Values.e }}5{{ end }}{{ if .Values.t }}6{{ end }}"
with: "{{ with .Values.m.a }}{{ .b }}{{ end }}|{{ with .Values.n }}x{{ else }}none{{ end }}"
withvar: "{{ with $x := .Values.s }}{{ $x }}{{ . }}{{ end }}"
vars: "{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ $y := 3 }}{{ end }}{{ $x }}"
shadow: "{{ $x := 1 }}{{ with $x := 2 }}{{ $x }}{{ end }}{{ $x }}"
""",
    "define_template_block": """\
{{- define "item" }}<{{ . }}>{{ end -}}
{{- define "nested" }}{{ template "item" .s }}{{ template "item" }}{{ end -}}
a: "{{ template "item" .Values.i }}{{ template "nested" .Values }}"
b: "{{ block "blk" .Values.s }}[{{ . }}]{{ end }}"
c: "{{ template "blk" 5 }}"
""",
    "trim": """\
a: "x {{- 1 -}} y"
b: "x {{ 1 -}}    y"
c: "x    {{- 1 }} y"
d: "{{- /* comment */ -}} z"
e: "{{ 3 }}{{/* c */}}{{ -3 }}"
block: |
  line1
  {{- if true }}
  kept
  {{- end }}
  {{ range .Values.el }}{{ end -}}
  tail
list:
{{- range .Values.l }}
- {{ printf "%q" (print .) }}
{{- end }}
""",
    "builtins": """\
logic: "{{ and 1 0 }} {{ and 1 2 }} {{ or 0 "" }} {{ or 0 "x" }} {{ not 0 }} {{ not .Values.s }}"
cmp: "{{ eq 1 1 }} {{ eq .Values.s "a" "str" }} {{ ne 1 2 }} {{ lt 1 2 }} {{ le 2 2 }} {{ gt "b" "a" }} {{ ge 1.5 2.5 }} {{ eq .Values.n nil }}"
len: "{{ len .Values.l }} {{ len .Values.m }} {{ len .Values.uni }} {{ len "" }}"
index: "{{ index .Values.l 1 }} {{ index .Values.m "a" "b" 0 }} {{ index .Values.s 0 }} {{ index .Values.m "nope" }}"
esc: {{ printf "%q" (print (html .Values.html) "|" (js .Values.html) "|" (urlquery .Values.html) "|" (js .Values.uni)) }}
pipe: "{{ .Values.s | printf "%s-%s" "x" }} {{ .Values.l | len }} {{ "a" | printf "%s%s" "b" | printf "%s!" }}"
paren: "{{ (index .Values.m "a").b }} {{ printf "%d" (len (index .Values.m "a" "b")) }}"
""",
    "literals": """\
nums: "{{ 1_000 }} {{ 0x1F }} {{ 0o17 }} {{ 017 }} {{ 0b101 }} {{ 'a' }} {{ '\\n' }} {{ -5 }} {{ +5 }} {{ .5 }}"
strs: {{ printf "%q" (print "tab\\there" `raw\\n` "\\u00e9\\x41\\101") }}
bools: "{{ true }} {{ false }} {{ print nil }}"
values: "{{ .Values.n }} {{ index .Values.m "nope" }} {{ .Values.m.e }}"
""",
}

ERROR_CASES: dict[str, str] = {
    "missing_key": "a: {{ .Values.nope }}\n",
    "nested_missing": "a: {{ .Values.m.a.nope }}\n",
    "nil_field": "a: {{ .Values.n.x }}\n",
    "field_of_string": "a: {{ .Values.s.x }}\n",
    "int_vs_float": "a: {{ eq .Values.i .Values.f }}\n",
    "lt_bool": "a: {{ lt .Values.t .Values.t }}\n",
    "arg_count": "a: {{ len 1 2 }}\n",
    "index_range": "a: {{ index .Values.l 10 }}\n",
    "range_string": "a: {{ range .Values.s }}x{{ end }}\n",
    "undefined_template": 'a: {{ template "nope" }}\n',
    "parse_brace": "a: {{ .Values.s }\n",
    "parse_unclosed": "a: {{ if .Values.t }}x\n",
    "parse_function": "a: {{ nosuchfunc 1 }}\n",
    "parse_break": "a: {{ break }}\n",
    "not_a_command": "a: {{ nil }}\n",
    "printf_format_type": "a: {{ printf 3 }}\n",
    "call_non_function": "a: {{ call .Values.i }}\n",
    "arg_to_non_function": "a: {{ $x := 1 }}{{ $x 2 }}\n",
    "field_with_args": "a: {{ .Values.i 1 }}\n",
    "undefined_variable": "a: {{ $y }}\n",
    "bad_character": "a: {{ # }}\n",
    "bad_number": "a: {{ 08 }}\n",
    "range_elem_nil_field": "a: {{ range .Values.l }}{{ .x }}{{ end }}\n",
    "multiline_action": "a: {{\n.Values.i\n|\nnope\n}}\n",
    "unterminated_string": 'a\n{{ "x \n',
}


def _data() -> dict[str, Any]:
    return {"Values": yaml.safe_load(ENV_VALUES)}


def _project(root: Path, cases: dict[str, str]) -> None:
    (root / "chart").mkdir(parents=True, exist_ok=True)
    (root / "chart" / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    (root / "env.yaml").write_text(ENV_VALUES, encoding="utf-8")
    (root / "cases").mkdir(exist_ok=True)
    releases = []
    for name, text in cases.items():
        (root / "cases" / f"{name}.yaml.gotmpl").write_text(text, encoding="utf-8")
        releases.append(f"- name: {name}\n  chart: ./chart\n  values:\n  - cases/{name}.yaml.gotmpl\n")
    (root / "helmfile.yaml").write_text(
        "environments:\n  default:\n    values:\n    - env.yaml\n---\nreleases:\n" + "".join(releases),
        encoding="utf-8",
    )


def _write_values(tools: Toolchain, root: Path, *selector: str) -> Any:
    return run_helmfile(
        tools,
        root,
        *selector,
        "write-values",
        "--output-file-template",
        "out/{{ .Release.Name }}.yaml",
        env=tmp_env(root),
    )


def test_successful_templates_render_like_helmfile(tools: Toolchain, tmp_path: Path) -> None:
    _project(tmp_path, OK_CASES)
    run = _write_values(tools, tmp_path).check()
    mismatches = []
    for name, text in OK_CASES.items():
        theirs = yaml.safe_load((tmp_path / "out" / f"{name}.yaml").read_text(encoding="utf-8"))
        ours = yaml.safe_load(render(NAME, text, _data()))
        if ours != theirs:
            mismatches.append(f"{name}:\n  helmfile: {theirs}\n  ours:     {ours}")
    assert not mismatches, "\n".join(mismatches) + f"\n{run.stderr}"


@pytest.mark.parametrize("name", sorted(ERROR_CASES))
def test_failing_templates_fail_like_helmfile(tools: Toolchain, tmp_path: Path, name: str) -> None:
    _project(tmp_path, {name: ERROR_CASES[name]})
    run = _write_values(tools, tmp_path)
    assert run.returncode != 0, run.stdout
    with pytest.raises(TemplateError) as info:
        render(NAME, ERROR_CASES[name], _data())
    assert str(info.value) in run.stderr, f"ours: {info.value}\nhelmfile: {run.stderr}"


# Features of Go newer than the go1.22.4 helmfile 0.166.0 is built with: helmfile rejects
# them; the engine accepts them (Go >= 1.23 semantics), a deliberate, documented difference.
NEWER_GO = {
    "else_with": ('a: "{{ with .Values.n }}x{{ else with .Values.s }}{{ . }}{{ end }}"\n', {"a": "str"}),
    "range_int": ('a: "{{ range 3 }}{{ . }}{{ end }}"\n', {"a": "012"}),
}


@pytest.mark.parametrize("name", sorted(NEWER_GO))
def test_newer_go_features_are_a_known_difference(tools: Toolchain, tmp_path: Path, name: str) -> None:
    text, expected = NEWER_GO[name]
    _project(tmp_path, {name: text})
    assert _write_values(tools, tmp_path).returncode != 0
    assert yaml.safe_load(render(NAME, text, _data())) == expected


def _big_values_template() -> str:
    lines = ["{{- $env := .Values }}"]
    for i in range(40):
        lines += [
            f"svc{i}:",
            f'  name: {{{{ printf "%s-%d" $env.s {i} | printf "%q" }}}}',
            f"  replicas: {{{{ if gt $env.i {i % 5} }}}}{{{{ $env.i }}}}{{{{ else }}}}1{{{{ end }}}}",
            "  ports:{{ range $k, $v := $env.m }}",
            '  - {{ printf "%q" $k }}{{ end }}',
        ]
    return "\n".join(lines) + "\n"


def test_a_200_line_values_template_and_its_timing(tools: Toolchain, tmp_path: Path) -> None:
    text = _big_values_template()
    assert len(text.splitlines()) >= 200
    _project(tmp_path, {"big": text})
    start = time.perf_counter()
    _write_values(tools, tmp_path).check()
    helmfile_s = time.perf_counter() - start
    theirs = yaml.safe_load((tmp_path / "out" / "big.yaml").read_text(encoding="utf-8"))

    start = time.perf_counter()
    ours_text = Template(NAME + "-timing", text).execute(_data())  # first use: lex + parse + execute
    first_s = time.perf_counter() - start
    start = time.perf_counter()
    rounds = 20
    for _ in range(rounds):
        Template(NAME + "-timing", text).execute(_data())  # cached parse
    cached_s = (time.perf_counter() - start) / rounds

    assert yaml.safe_load(ours_text) == theirs
    print(
        f"\n200-line values template: helmfile write-values process {helmfile_s * 1000:.0f} ms; "
        f"pyhelmfile.gotmpl first render {first_s * 1000:.1f} ms, cached render {cached_s * 1000:.2f} ms"
    )
