"""Go text/template in pure Python, rendering byte-identical output to Go's engine.

Usage::

    from pyhelmfile.gotmpl import Template, render

    render("values.yaml.gotmpl", "name: {{ .Values.name }}", {"Values": {"name": "x"}})
    t = Template("helmfile.yaml", text, funcs={"upper": str.upper}, missingkey="error")
    out = t.execute(data)
    t.lookup("my-define")   # a Template for a {{define "my-define"}} block, or None

Functions are plain Python callables taking positional arguments; the engine checks
arity from the signature like Go does ("wrong number of args for NAME: want N got M";
`*args` makes a function variadic). Raising any exception (conventionally
`FuncError`) fails the execution with Go's message ``error calling NAME: MSG``.

Functions that need the executing template (helmfile's `tpl`, `include`,
`required`-style helpers) are marked with the `needs_context` decorator; the
engine then passes an `ExecContext` as the first argument::

    @needs_context
    def include(ctx: ExecContext, name: str, data: Any) -> str:
        return ctx.include(name, data)          # runs {{define "name"}} with dot = data

    @needs_context
    def tpl(ctx: ExecContext, text: str, data: Any) -> str:
        return ctx.render(text, data)           # same funcs and missingkey, fresh template set

`ctx.template` is the executing Template (`ctx.template.lookup(name)` finds defines).
Nested renders count toward the engine's template depth limit, so runaway recursion
through `include` fails with an error instead of crashing.

Data is plain Python (dict, list, str, int, float, bool, None); `GoStruct(type_name,
fields)` stands for a Go struct (such as helmfile's environment) where Go's struct rules
matter: unknown fields are errors and it prints as `{...}`.

Errors are `TemplateError` (a `pyhelmfile.errors.TemplateError`) whose message is
formatted exactly like Go's:

    template: NAME:LINE: unexpected "}" in operand                      (parse)
    template: NAME:LINE:COL: executing "NAME" at <.Values.foo>: map has no entry for key "foo"
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

from pyhelmfile.errors import TemplateError as _BaseTemplateError
from pyhelmfile.golang.types import GoStruct
from pyhelmfile.gotmpl.builtins import BUILTIN_NAMES, FuncError
from pyhelmfile.gotmpl.exec import ExecContext, ExecError, FuncInfo, State, ensure_recursion_room, func_info
from pyhelmfile.gotmpl.parse import ParseError, Tree, parse

__all__ = [
    "ExecContext",
    "FuncError",
    "FuncLoader",
    "FuncMap",
    "GoStruct",
    "Template",
    "TemplateError",
    "needs_context",
    "render",
]

_F = TypeVar("_F", bound=Callable[..., Any])

_MISSINGKEY_OPTIONS = {"default": "default", "invalid": "default", "zero": "zero", "error": "error"}


class TemplateError(_BaseTemplateError):
    """A template failed to parse or execute; the message is Go's, verbatim.

    `partial` is what an execution wrote before failing (Go leaves it in the buffer;
    helmfile's first pass over a state file uses it); None for parse errors.
    """

    def __init__(self, message: str, partial: str | None = None) -> None:
        super().__init__(message)
        self.partial = partial


def needs_context(fn: _F) -> _F:
    """Mark a template function as taking an `ExecContext` as its first argument."""
    fn.__gotmpl_needs_context__ = True  # type: ignore[attr-defined]
    return fn


FuncLoader = Callable[[], Mapping[str, Callable[..., Any]]]


class FuncMap(Mapping[str, Callable[..., Any]]):
    """A read-only function map whose functions are loaded on first lookup.

    `index` maps each name to a loader: a callable returning a mapping that holds the
    function under that name (many names share one loader, which should cache its result).
    Templates keep a FuncMap as it is, where they copy other maps, and parse with its
    names, so only the functions a template calls are ever loaded.
    """

    __slots__ = ("_loaded", "_parse_names", "index")

    def __init__(self, index: Mapping[str, FuncLoader]) -> None:
        self.index: Mapping[str, FuncLoader] = index
        self._loaded: dict[str, Callable[..., Any]] = {}
        self._parse_names = frozenset(index) | BUILTIN_NAMES

    def __getitem__(self, name: str) -> Callable[..., Any]:
        fn = self._loaded.get(name)
        if fn is None:
            fn = self._loaded[name] = self.index[name]()[name]
        return fn

    def __contains__(self, name: object) -> bool:
        return name in self.index

    def __iter__(self) -> Iterator[str]:
        return iter(self.index)

    def __len__(self) -> int:
        return len(self.index)


# Parsed tree sets, keyed by everything that influences parsing. Trees are never
# mutated after parsing, so sharing them between Template objects is safe.
_PARSE_CACHE: OrderedDict[tuple[str, str, str, str, frozenset[str]], dict[str, Tree]] = OrderedDict()
_PARSE_CACHE_SIZE = 512


_PARSE_CACHE_LOCK = threading.Lock()


def _parse_cached(name: str, text: str, funcs: frozenset[str], left: str, right: str) -> dict[str, Tree]:
    # Parsing depends on the function *names* only (undefined-function errors, and
    # break/continue turning into identifiers when a function shadows them).
    key = (name, text, left, right, funcs)
    with _PARSE_CACHE_LOCK:
        hit = _PARSE_CACHE.get(key)
        if hit is not None:
            _PARSE_CACHE.move_to_end(key)
            return hit
    try:
        trees = parse(name, text, funcs, left, right)
    except ParseError as e:
        raise TemplateError(str(e)) from None
    except Exception as e:
        raise TemplateError(f"template: {name}: internal error: {type(e).__name__}: {e}") from e
    with _PARSE_CACHE_LOCK:
        _PARSE_CACHE[key] = trees
        if len(_PARSE_CACHE) > _PARSE_CACHE_SIZE:
            _PARSE_CACHE.popitem(last=False)
    return trees


class _FuncInfos(dict[str, FuncInfo]):
    """Function infos built on first use: a template calls a few of the hundreds it is given."""

    def __init__(self, funcs: Mapping[str, Callable[..., Any]]) -> None:
        super().__init__()
        self._funcs = funcs

    def get(self, name: str, default: Any = None) -> Any:
        info = super().get(name)
        if info is None:
            fn = self._funcs.get(name)
            if fn is None:
                return default
            info = self[name] = func_info(fn)
        return info


class Template:
    """A parsed template plus the templates it {{define}}s (Go's template set)."""

    __slots__ = ("_names", "_trees", "func_infos", "funcs", "left_delim", "missingkey", "name", "right_delim", "tree")

    def __init__(
        self,
        name: str,
        text: str,
        funcs: Mapping[str, Callable[..., Any]] | None = None,
        *,
        missingkey: str = "error",
        left_delim: str = "{{",
        right_delim: str = "}}",
    ) -> None:
        if missingkey not in _MISSINGKEY_OPTIONS:
            raise ValueError(f"unrecognized option: missingkey={missingkey}")
        self.name = name
        if isinstance(funcs, FuncMap):
            self.funcs: Mapping[str, Callable[..., Any]] = funcs
            self._names = funcs._parse_names
        else:
            self.funcs = dict(funcs or {})
            self._names = frozenset(self.funcs) | BUILTIN_NAMES
        self.missingkey = _MISSINGKEY_OPTIONS[missingkey]
        self.left_delim = left_delim or "{{"
        self.right_delim = right_delim or "}}"
        self.func_infos: dict[str, FuncInfo] = _FuncInfos(self.funcs)
        self._trees = _parse_cached(name, text, self._names, self.left_delim, self.right_delim)
        self.tree: Tree | None = self._trees.get(name)

    def _bound(self, name: str, tree: Tree) -> Template:
        """A Template sharing this one's set, functions and options, executing `tree`."""
        t = object.__new__(Template)
        t.name = name
        t.funcs = self.funcs
        t.missingkey = self.missingkey
        t.left_delim = self.left_delim
        t.right_delim = self.right_delim
        t._names = self._names
        t.func_infos = self.func_infos
        t._trees = self._trees
        t.tree = tree
        return t

    def lookup(self, name: str) -> Template | None:
        """The template `name` of this set ({{define}}d or the main one), or None."""
        tree = self._trees.get(name)
        if tree is None or tree.root is None:
            return None
        if tree is self.tree and name == self.name:
            return self
        return self._bound(name, tree)

    def defined_templates(self) -> list[str]:
        return sorted(k for k, t in self._trees.items() if t.root is not None)

    def new_sibling(self, name: str, text: str, *, share_defines: bool = True) -> Template:
        """Parse another text with the same functions and options.

        With `share_defines` its {{define}}s join a copy of this set (so it can use this
        template's defines, as Go's `t.New(name).Parse(text)` does); without, it stands alone.
        """
        t = Template(
            name,
            text,
            self.funcs,
            missingkey=self.missingkey,
            left_delim=self.left_delim,
            right_delim=self.right_delim,
        )
        if share_defines:
            merged = dict(self._trees)
            merged.update(t._trees)
            t._trees = merged
        return t

    def execute(self, data: Any) -> str:
        """Run the template with `data` as dot and `$`; returns the output."""
        return self._execute_at_depth(data, 0)

    def _execute_at_depth(self, data: Any, depth: int) -> str:
        if depth == 0:
            ensure_recursion_room()
        out: list[str] = []
        state = State(self, out, data, depth)
        if self.tree is None or self.tree.root is None:
            raise TemplateError(f'template: {self.name}: "{self.name}" is an incomplete or empty template')
        try:
            state.walk(data, self.tree.root)
        except ExecError as e:
            raise TemplateError(str(e), "".join(out)) from None
        except RecursionError:
            raise TemplateError(
                f"template: {self.name}: exceeded maximum template depth (nesting too deep for the interpreter)"
            ) from None
        except Exception as e:
            # A bug here must still reach users as one line, not a traceback; keep the cause chained.
            raise TemplateError(f"template: {self.name}: internal error: {type(e).__name__}: {e}") from e
        return "".join(out)


def render(
    name: str,
    text: str,
    data: Any,
    funcs: Mapping[str, Callable[..., Any]] | None = None,
    *,
    missingkey: str = "error",
) -> str:
    """Parse (cached) and execute `text` in one call."""
    return Template(name, text, funcs, missingkey=missingkey).execute(data)
