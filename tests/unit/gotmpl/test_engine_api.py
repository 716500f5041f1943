"""The public API of pyhelmfile.gotmpl: options, functions, context passing, caching, limits."""

from __future__ import annotations

from typing import Any

import pytest

import pyhelmfile.errors
from pyhelmfile import gotmpl
from pyhelmfile.gotmpl import ExecContext, FuncError, GoStruct, Template, TemplateError, needs_context, render
from pyhelmfile.gotmpl import lexer as lexer_mod


def test_render_and_template_agree() -> None:
    data = {"Values": {"name": "web", "replicas": 3}}
    text = "{{ .Values.name }}-{{ .Values.replicas }}"
    assert render("t", text, data) == "web-3"
    assert Template("t", text).execute(data) == "web-3"


def test_template_error_is_a_pyhelmfile_error() -> None:
    with pytest.raises(pyhelmfile.errors.TemplateError):
        render("t", "{{ .x }}", {})


@pytest.mark.parametrize(
    ("missingkey", "expected"),
    [("default", "<no value>"), ("invalid", "<no value>"), ("zero", "<no value>")],
)
def test_missingkey_options(missingkey: str, expected: str) -> None:
    assert render("t", "{{ .Values.nope }}", {"Values": {}}, missingkey=missingkey) == expected


def test_missingkey_zero_is_a_nil_interface() -> None:
    # Go: the zero value of interface {} is a nil interface, whose fields cannot be read.
    assert render("t", "{{ .a.nope.x }}", {"a": {}}, missingkey="default") == "<no value>"
    with pytest.raises(TemplateError, match=r"nil pointer evaluating interface \{\}\.x"):
        render("t", "{{ .a.nope.x }}", {"a": {}}, missingkey="zero")
    assert render("t", "{{ print .a.nope }}", {"a": {}}, missingkey="zero") == "<nil>"


def test_missingkey_error_message() -> None:
    with pytest.raises(TemplateError) as info:
        render("v.gotmpl", "a\n  {{ .Values.foo }}", {"Values": {}})
    assert str(info.value) == (
        'template: v.gotmpl:2:12: executing "v.gotmpl" at <.Values.foo>: map has no entry for key "foo"'
    )


def test_unknown_missingkey_option() -> None:
    with pytest.raises(ValueError, match="missingkey=bogus"):
        Template("t", "x", missingkey="bogus")


def test_parse_error_message() -> None:
    with pytest.raises(TemplateError) as info:
        render("h.yaml", "ok\n{{ .a }", {})
    assert str(info.value) == 'template: h.yaml:2: unexpected "}" in operand'


def test_undefined_function_is_a_parse_error() -> None:
    with pytest.raises(TemplateError, match=r'^template: t:1: function "upper" not defined$'):
        render("t", "{{ upper .x }}", {"x": "a"})


def test_functions_and_pipelines() -> None:
    funcs = {"upper": str.upper, "join": lambda sep, items: sep.join(items)}
    out = render("t", '{{ .x | upper }} {{ .l | join "," }}', {"x": "a", "l": ["p", "q"]}, funcs)
    assert out == "A p,q"


def test_function_arity_is_checked_like_go() -> None:
    funcs = {"two": lambda a, b: a + b, "many": lambda a, *rest: a}
    with pytest.raises(TemplateError, match="wrong number of args for two: want 2 got 1"):
        render("t", "{{ two 1 }}", {}, funcs)
    with pytest.raises(TemplateError, match="wrong number of args for two: want 2 got 3"):
        render("t", "{{ 3 | two 1 2 }}", {}, funcs)
    with pytest.raises(TemplateError, match="wrong number of args for many: want at least 1 got 0"):
        render("t", "{{ many }}", {}, funcs)
    assert render("t", "{{ many 1 2 3 }}", {}, funcs) == "1"


def test_function_errors_become_template_errors() -> None:
    def boom(x: Any) -> Any:
        raise FuncError(f"bad value {x}")

    def crash() -> Any:
        return {}["missing"]

    with pytest.raises(TemplateError) as info:
        render("t", "{{ boom 3 }}", {}, {"boom": boom})
    assert str(info.value) == 'template: t:1:3: executing "t" at <boom 3>: error calling boom: bad value 3'
    with pytest.raises(TemplateError, match="error calling crash: missing"):
        render("t", "{{ crash }}", {}, {"crash": crash})


def test_needs_context_include_and_tpl() -> None:
    @needs_context
    def include(ctx: ExecContext, name: str, data: Any) -> str:
        return ctx.include(name, data)

    @needs_context
    def tpl(ctx: ExecContext, text: str, data: Any) -> str:
        return ctx.render(text, data)

    @needs_context
    def helm_tpl(ctx: ExecContext, text: str, data: Any) -> str:
        return ctx.render(text, data, share_defines=True)

    funcs = {"include": include, "tpl": tpl, "helmTpl": helm_tpl}
    text = '{{ define "name" }}app-{{ .n }}{{ end }}{{ include "name" . }}|{{ tpl .t . }}|{{ helmTpl .h . }}'
    data = {"n": 1, "t": "{{ .n }}+{{ .n }}", "h": '{{ include "name" . }}'}
    assert render("t", text, data, funcs) == "app-1|1+1|app-1"
    # helmfile's tpl renders in a fresh template: the caller's defines are not visible.
    with pytest.raises(TemplateError, match=r'error calling tpl: .*no template "name"'):
        render("t", text, {**data, "t": '{{ include "name" . }}'}, funcs)
    # tpl'd text keeps the caller's missingkey option.
    with pytest.raises(TemplateError, match=r'error calling tpl: .*map has no entry for key "zz"'):
        render("t", "{{ tpl .t . }}", {"t": "{{ .zz }}"}, funcs)


def test_context_sees_the_template() -> None:
    @needs_context
    def names(ctx: ExecContext) -> str:
        return ",".join(ctx.template.defined_templates())

    out = render("main", '{{ define "a" }}{{ end }}{{ define "b" }}x{{ end }}{{ names }}', {}, {"names": names})
    assert out == "a,b,main"


def test_include_of_unknown_template() -> None:
    @needs_context
    def include(ctx: ExecContext, name: str, data: Any) -> str:
        return ctx.include(name, data)

    with pytest.raises(TemplateError, match='error calling include: template: no template "nope"'):
        render("t", '{{ include "nope" . }}', {}, {"include": include})


def test_lookup_and_defines() -> None:
    t = Template("main", '{{ define "part" }}<{{ . }}>{{ end }}main')
    part = t.lookup("part")
    assert part is not None
    assert part.execute(5) == "<5>"
    assert t.lookup("missing") is None
    assert t.lookup("main") is t
    assert t.execute(None) == "main"


def test_parse_is_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    original = lexer_mod.Lexer.run

    def counting(self: lexer_mod.Lexer) -> list[lexer_mod.Item]:
        calls.append(self.input)
        return original(self)

    monkeypatch.setattr(lexer_mod.Lexer, "run", counting)
    text = "{{ .a }} cached-text-unique-7f3a"
    render("c", text, {"a": 1})
    render("c", text, {"a": 2})
    Template("c", text).execute({"a": 3})
    assert calls == [text]
    # Different functions can change how a text parses, so they get their own entry.
    render("c", text, {"a": 1}, {"f": lambda: 1})
    assert len(calls) == 2


def test_function_signatures_are_not_kept_alive() -> None:
    import gc
    import weakref

    def make() -> Any:
        return lambda a: a

    fn = make()
    ref = weakref.ref(fn)
    assert render("t", "{{ f 1 }}", {}, {"f": fn}) == "1"
    del fn
    gc.collect()
    assert ref() is None


def test_recursive_template_fails_cleanly() -> None:
    with pytest.raises(TemplateError) as info:
        render("t", '{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}', {})
    assert str(info.value) == (
        'template: t:1:28: executing "r" at <{{template "r" .}}>: exceeded maximum template depth (1000)'
    )


def test_deep_but_finite_recursion_works() -> None:
    text = '{{ define "r" }}{{ if . }}x{{ template "r" (dec .) }}{{ end }}{{ end }}{{ template "r" 900 }}'
    assert render("t", text, None, {"dec": lambda x: x - 1}) == "x" * 900


def test_recursive_include_fails_cleanly() -> None:
    @needs_context
    def include(ctx: ExecContext, name: str, data: Any) -> str:
        return ctx.include(name, data)

    with pytest.raises(TemplateError, match=r"error calling include: exceeded maximum template depth \(1000\)"):
        render("t", '{{ define "r" }}{{ include "r" . }}{{ end }}{{ include "r" . }}', {}, {"include": include})


def test_deeply_nested_parentheses_fail_cleanly() -> None:
    text = "{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}"
    with pytest.raises(TemplateError, match="max expression depth exceeded"):
        render("t", text, {})


def test_deeply_nested_blocks_do_not_crash() -> None:
    depth = 3000
    text = "{{ if true }}" * depth + "x" + "{{ end }}" * depth
    try:
        out = render("t", text, {})
    except TemplateError as e:
        assert "depth" in str(e) or "nesting" in str(e)
    else:
        assert out == "x"


def test_custom_delimiters() -> None:
    t = Template("t", "[[ .a ]] {{ .a }}", left_delim="[[", right_delim="]]")
    assert t.execute({"a": 1}) == "1 {{ .a }}"


def test_no_python_attribute_access() -> None:
    class Obj:
        upper = "secret"

    with pytest.raises(TemplateError, match="can't evaluate field upper in type Obj"):
        render("t", "{{ .upper }}", Obj())
    with pytest.raises(TemplateError, match="can't evaluate field upper in type string"):
        render("t", "{{ .upper }}", "text")


def test_unexpected_data_is_an_error_not_a_traceback() -> None:
    class Weird:
        def __str__(self) -> str:
            raise RuntimeError("cannot show")

    with pytest.raises(TemplateError, match="internal error: RuntimeError: cannot show"):
        render("t", "{{ . }}", Weird())


def test_public_names() -> None:
    assert set(gotmpl.__all__) >= {"Template", "TemplateError", "FuncError", "render", "needs_context", "ExecContext"}


# Outputs recorded from Go (go1.26) with `type Env struct{Name string; Values map[string]interface{};
# Count int; Extra interface{}}` stored under "Environment" in a map[string]interface{}.
ENV = GoStruct("main.Env", {"Name": "prod", "Values": {"a": 1}, "Count": 2, "Extra": None})
STRUCT_CASES = [
    ("{{ .Environment }}", "{prod map[a:1] 2 <nil>}"),
    ('{{ printf "%+v" .Environment }}', "{Name:prod Values:map[a:1] Count:2 Extra:<nil>}"),
    (
        '{{ printf "%#v" .Environment }}',
        'main.Env{Name:"prod", Values:map[string]interface {}{"a":1}, Count:2, Extra:interface {}(nil)}',
    ),
    ('{{ printf "%T" .Environment }}', "main.Env"),
    ("{{ .Environment.Values.a }}", "1"),
    ("{{ if .Environment }}y{{ end }}", "y"),
    ("{{ .Environment.Extra }}", "<no value>"),
    ("{{ print .Environment.Extra }}", "<nil>"),
    (
        "{{ .Environment.Nope }}",
        'ERR template: t:1:15: executing "t" at <.Environment.Nope>: can\'t evaluate field Nope in type interface {}',
    ),
    (
        "{{ len .Environment }}",
        'ERR template: t:1:3: executing "t" at <len .Environment>: error calling len: len of type main.Env',
    ),
    (
        "{{ range .Environment }}x{{ end }}",
        'ERR template: t:1:9: executing "t" at <.Environment>: range can\'t iterate over {prod map[a:1] 2 <nil>}',
    ),
    (
        "{{ .Environment.Name 1 }}",
        'ERR template: t:1:15: executing "t" at <.Environment.Name>: '
        "Name has arguments but cannot be invoked as function",
    ),
    (
        '{{ index .Environment "Name" }}',
        'ERR template: t:1:3: executing "t" at <index .Environment "Name">: error calling index: '
        "can't index item of type main.Env",
    ),
]


@pytest.mark.parametrize(("text", "expected"), STRUCT_CASES)
@pytest.mark.parametrize("missingkey", ["error", "default"])
def test_go_struct_values(text: str, expected: str, missingkey: str) -> None:
    try:
        got = render("t", text, {"Environment": ENV}, missingkey=missingkey)
    except TemplateError as e:
        got = f"ERR {e}"
    assert got == expected


def test_go_struct_as_dot_names_its_type() -> None:
    with pytest.raises(TemplateError, match=r"can't evaluate field Nope in type main\.Env"):
        render("t", "{{ .Nope }}", ENV)


def test_execution_error_keeps_partial_output_like_go() -> None:
    from pyhelmfile.gotmpl import Template, TemplateError

    with pytest.raises(TemplateError) as err:
        Template("t", "before {{ .missing.x }} after").execute({})
    assert err.value.partial == "before "
    with pytest.raises(TemplateError) as parse_err:
        Template("t", "{{ end }}")
    assert parse_err.value.partial is None
