"""Executor for parsed Go templates (text/template/exec.go).

Values are plain Python objects (see pyhelmfile.golang.types for the Go type each one stands for).
Two sentinels model reflect.Value states Python has no word for:

* ``MISSING``: no piped-in value ("final" in exec.go), so nothing is appended to a call.
* ``NIL_IFACE``: a nil stored in a map or slice, seen *before* Go unwraps the
  interface. Accessing a field on it is an error ("nil pointer evaluating
  interface {}.x") whereas a field of a missing value (None, Go's invalid Value)
  follows the missingkey option. Pipelines unwrap it to None.

Long because: it mirrors exec.go's walk (one method per node kind), whose error messages depend on the order of checks.
"""

from __future__ import annotations

import contextlib
import sys
import types
import weakref
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from pyhelmfile.golang.fmt import format_value, sort_keys
from pyhelmfile.golang.strconv import quote
from pyhelmfile.golang.types import GoStruct, go_type_name
from pyhelmfile.gotmpl import nodes as n
from pyhelmfile.gotmpl.builtins import BUILTINS, FuncError, NilInterface, length, truth

if TYPE_CHECKING:
    from pyhelmfile.gotmpl import Template

# Go's limit is 100000 nested {{template}} calls. Each level costs about 6 Python frames
# ({{template}}) or 12 (an `include` function), so the limit is kept where the interpreter
# can reach it: `ensure_recursion_room` lifts Python's recursion limit to fit it.
MAX_EXEC_DEPTH = 1000
_FRAMES_PER_LEVEL = 16
_ROOM = MAX_EXEC_DEPTH * _FRAMES_PER_LEVEL + 2000


def ensure_recursion_room() -> None:
    """Make sure MAX_EXEC_DEPTH is reached before Python's own recursion limit.

    CPython 3.11+ runs Python-to-Python calls without growing the C stack, so a higher
    limit is safe; it is only ever raised, never lowered.
    """
    if sys.getrecursionlimit() < _ROOM:
        sys.setrecursionlimit(_ROOM)


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


class _NilIface:
    __slots__ = ()

    def __repr__(self) -> str:
        return "NIL_IFACE"


MISSING: Any = _Missing()
NIL_IFACE: Any = _NilIface()
_NIL_FOR_LEN = NilInterface()


class ExecError(Exception):
    """Raised with Go's fully formatted message; the public API wraps it in TemplateError."""


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class FuncInfo:
    """What the executor needs to know about a callable, computed once per function."""

    __slots__ = ("fn", "max_args", "min_args", "needs_context", "string_first")

    def __init__(
        self,
        fn: Callable[..., Any],
        min_args: int,
        max_args: int | None,  # None: variadic
        needs_context: bool,
        string_first: bool = False,  # printf's format parameter is a Go string
    ) -> None:
        self.fn = fn
        self.min_args = min_args
        self.max_args = max_args
        self.needs_context = needs_context
        self.string_first = string_first


# Signatures are inspected once per function object. Weak keys: state files create
# closures per render, which must not pile up here; objects that cannot be weakly
# referenced (some builtins) are inspected each time instead.
_SIG_CACHE: weakref.WeakKeyDictionary[Callable[..., Any], tuple[int, int | None, bool]] = weakref.WeakKeyDictionary()


def func_info(fn: Callable[..., Any], *, string_first: bool = False) -> FuncInfo:
    try:
        sig = _SIG_CACHE.get(fn)
    except TypeError:
        sig = None
    if sig is None:
        sig = _inspect_func(fn)
        with contextlib.suppress(TypeError):  # not weakly referenceable: inspect next time
            _SIG_CACHE[fn] = sig
    return FuncInfo(fn, sig[0], sig[1], sig[2], string_first)


_CO_VARARGS = 0x04  # inspect.CO_VARARGS


def _inspect_func(fn: Callable[..., Any]) -> tuple[int, int | None, bool]:
    """(minimum args, maximum args or None when variadic, needs an ExecContext)."""
    needs_ctx = bool(getattr(fn, "__gotmpl_needs_context__", False))
    code = getattr(fn, "__code__", None)
    if type(fn) is types.FunctionType and code is not None and not hasattr(fn, "__wrapped__"):
        # A plain function's code says it all; inspect.signature takes 20 times as long.
        hi = code.co_argcount
        lo = hi - len(fn.__defaults__ or ())
        variadic = bool(code.co_flags & _CO_VARARGS)
    else:
        import inspect  # builtins, partials, bound methods, wrappers

        try:
            sig = inspect.signature(fn)
        except (TypeError, ValueError):
            return 0, None, needs_ctx
        lo, hi = 0, 0
        variadic = False
        for p in sig.parameters.values():
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
                hi += 1
                if p.default is p.empty:
                    lo += 1
            elif p.kind == p.VAR_POSITIONAL:
                variadic = True
    if needs_ctx:
        lo = max(lo - 1, 0)
        hi = max(hi - 1, 0)
    return lo, None if variadic else hi, needs_ctx


_BUILTIN_INFO: dict[str, FuncInfo] = {}  # filled on first use


def _builtin_info(name: str) -> FuncInfo | None:
    info = _BUILTIN_INFO.get(name)
    if info is None:
        fn = BUILTINS.get(name)
        if fn is None:
            return None
        info = _BUILTIN_INFO[name] = func_info(fn, string_first=(name == "printf"))
    return info


def error_context(node: n.Node) -> tuple[str, str]:
    """Go's Tree.ErrorContext: ("NAME:LINE:COL", node text); COL counts bytes like Go."""
    tree = node.tree
    text = tree.text if tree is not None else ""
    pos = node.pos
    before = text[:pos]
    nl = before.rfind("\n")
    col_text = before if nl < 0 else before[nl + 1 :]
    col = len(col_text.encode("utf-8", "surrogatepass"))
    line = 1 + before.count("\n")
    name = tree.parse_name if tree is not None else ""
    return f"{name}:{line}:{col}", str(node)


class ExecContext:
    """Passed as first argument to functions marked with `needs_context`.

    `template` is the Template being executed (its `lookup` finds every {{define}}),
    `render(text, data)` parses and executes another text with the same functions and
    options in a fresh template set (helmfile's `tpl`; `share_defines=True` for Helm's),
    `include(name, data)` executes a defined template and returns its output.
    """

    __slots__ = ("_state", "template")

    def __init__(self, template: Template, state: State) -> None:
        self.template = template
        self._state = state

    @property
    def depth(self) -> int:
        return self._state.depth

    def render(self, text: str, data: Any, *, name: str | None = None, share_defines: bool = False) -> str:
        """Parse and run `text` with the same functions and options.

        helmfile's `tpl` renders into a fresh template (the caller's {{define}}s are not
        visible); Helm's shares them: pass share_defines=True for that.
        """
        self._check_depth()
        tmpl = self.template.new_sibling(name or self.template.name, text, share_defines=share_defines)
        return tmpl._execute_at_depth(data, self._state.depth + 1)

    def _check_depth(self) -> None:
        if self._state.depth + 1 >= MAX_EXEC_DEPTH:
            raise FuncError(f"exceeded maximum template depth ({MAX_EXEC_DEPTH})")

    def include(self, name: str, data: Any) -> str:
        self._check_depth()
        tmpl = self.template.lookup(name)
        if tmpl is None:
            raise FuncError(f'template: no template "{name}" associated with template "{self.template.name}"')
        return tmpl._execute_at_depth(data, self._state.depth + 1)


class State:
    __slots__ = ("depth", "dot_iface", "node", "out", "tmpl", "vars")

    def __init__(self, tmpl: Template, out: list[str], data: Any, depth: int = 0) -> None:
        self.tmpl = tmpl
        self.out = out
        self.vars: list[list[Any]] = [["$", data]]
        self.depth = depth
        self.node: n.Node | None = None
        self.dot_iface = False

    # -- errors

    def errorf(self, msg: str) -> ExecError:
        name = self.tmpl.name
        if self.node is None:
            return ExecError(f"template: {name}: {msg}")
        location, context = error_context(self.node)
        return ExecError(f"template: {location}: executing {quote(name)} at <{context}>: {msg}")

    # -- variables

    def set_var(self, name: str, value: Any) -> None:
        for i in range(len(self.vars) - 1, -1, -1):
            if self.vars[i][0] == name:
                self.vars[i][1] = value
                return
        raise self.errorf(f"undefined variable: {name}")

    def var_value(self, name: str) -> Any:
        for i in range(len(self.vars) - 1, -1, -1):
            if self.vars[i][0] == name:
                return self.vars[i][1]
        raise self.errorf(f"undefined variable: {name}")

    # -- walking

    def walk(self, dot: Any, node: n.Node) -> None:
        self.node = node
        typ = type(node)
        if typ is n.TextNode:
            self.out.append(node.text)  # type: ignore[attr-defined]
        elif typ is n.ActionNode:
            assert isinstance(node, n.ActionNode) and node.pipe is not None
            val = self.eval_pipeline(dot, node.pipe)
            if not node.pipe.decl:
                self.print_value(node, val)
        elif typ is n.ListNode:
            for child in node.nodes:  # type: ignore[attr-defined]
                self.walk(dot, child)
        elif typ is n.IfNode or typ is n.WithNode:
            assert isinstance(node, n.BranchNode)
            self.walk_if_or_with(typ is n.WithNode, dot, node)
        elif typ is n.RangeNode:
            assert isinstance(node, n.RangeNode)
            self.walk_range(dot, node)
        elif typ is n.TemplateNode:
            assert isinstance(node, n.TemplateNode)
            self.walk_template(dot, node)
        elif typ is n.CommentNode:
            pass
        elif typ is n.BreakNode:
            raise _Break
        elif typ is n.ContinueNode:
            raise _Continue
        else:
            raise self.errorf(f"unknown node: {node}")

    def walk_if_or_with(self, is_with: bool, dot: Any, node: n.BranchNode) -> None:
        mark = len(self.vars)
        try:
            assert node.pipe is not None and node.list is not None
            val = self.eval_pipeline(dot, node.pipe)
            if truth(val):
                if is_with:
                    saved = self.dot_iface
                    self.dot_iface = False
                    try:
                        self.walk(val, node.list)
                    finally:
                        self.dot_iface = saved
                else:
                    self.walk(dot, node.list)
            elif node.else_list is not None:
                self.walk(dot, node.else_list)
        finally:
            del self.vars[mark:]

    def walk_range(self, dot: Any, r: n.RangeNode) -> None:
        self.node = r
        mark = len(self.vars)
        pipe = r.pipe
        assert pipe is not None and r.list is not None
        try:
            val = self.eval_pipeline(dot, pipe)
            inner_mark = len(self.vars)
            ndecl = len(pipe.decl)

            def one(index: Any, elem: Any, iface: bool) -> None:
                if ndecl > 0:
                    if pipe.is_assign:
                        self.set_var(pipe.decl[0].ident[0], index if ndecl > 1 else elem)
                    else:
                        self.vars[len(self.vars) - 1][1:] = [elem, iface]
                if ndecl > 1:
                    if pipe.is_assign:
                        self.set_var(pipe.decl[1].ident[0], elem)
                    else:
                        self.vars[len(self.vars) - 2][1:] = [index, False]
                saved = self.dot_iface
                self.dot_iface = iface
                try:
                    self.walk(elem, r.list)  # type: ignore[arg-type]
                except _Continue:
                    pass
                finally:
                    self.dot_iface = saved
                    del self.vars[inner_mark:]

            ran = False
            try:
                if isinstance(val, (list, tuple)):
                    for i, e in enumerate(val):
                        ran = True
                        one(i, NIL_IFACE if e is None else e, True)
                elif isinstance(val, Mapping) and not isinstance(val, GoStruct):
                    for k in sort_keys(val):
                        ran = True
                        e = val[k]
                        one(k, NIL_IFACE if e is None else e, True)
                elif isinstance(val, int) and not isinstance(val, bool):
                    if ndecl > 1:
                        raise self.errorf(f"can't use {format_value(val)} to iterate over more than one variable")
                    for i in range(val):
                        ran = True
                        one(None, i, False)
                elif isinstance(val, (bytes, bytearray)):
                    for i, b in enumerate(val):
                        ran = True
                        one(i, b, False)
                elif val is None:
                    pass
                else:
                    # Go reports this at the last node evaluated (the pipeline's field).
                    raise self.errorf(f"range can't iterate over {format_value(val)}")
            except _Break:
                return
            if not ran and r.else_list is not None:
                self.walk(dot, r.else_list)
        finally:
            del self.vars[mark:]

    def walk_template(self, dot: Any, t: n.TemplateNode) -> None:
        self.node = t
        tmpl = self.tmpl.lookup(t.name)
        if tmpl is None:
            raise self.errorf(f"template {quote(t.name)} not defined")
        if self.depth >= MAX_EXEC_DEPTH:
            raise self.errorf(f"exceeded maximum template depth ({MAX_EXEC_DEPTH})")
        dot = self.eval_pipeline(dot, t.pipe)
        new = State(tmpl, self.out, dot, self.depth + 1)
        assert tmpl.tree is not None and tmpl.tree.root is not None
        new.walk(dot, tmpl.tree.root)

    # -- pipelines and commands

    def eval_pipeline(self, dot: Any, pipe: n.PipeNode | None) -> Any:
        if pipe is None:
            return None
        self.node = pipe
        value = MISSING
        for cmd in pipe.cmds:
            value = self.eval_command(dot, cmd, value)
            if value is NIL_IFACE:
                value = None
        for var in pipe.decl:
            if pipe.is_assign:
                self.set_var(var.ident[0], value)
            else:
                self.vars.append([var.ident[0], value])
        return value

    def not_a_function(self, args: list[n.Node], final: Any) -> None:
        if len(args) > 1 or final is not MISSING:
            raise self.errorf(f"can't give argument to non-function {args[0]}")

    def eval_command(self, dot: Any, cmd: n.CommandNode, final: Any) -> Any:
        first = cmd.args[0]
        typ = type(first)
        if typ is n.FieldNode:
            assert isinstance(first, n.FieldNode)
            self.node = first
            return self.eval_field_chain(dot, dot, self.dot_iface, first, first.ident, cmd.args, final)
        if typ is n.ChainNode:
            assert isinstance(first, n.ChainNode)
            return self.eval_chain_node(dot, first, cmd.args, final)
        if typ is n.IdentifierNode:
            assert isinstance(first, n.IdentifierNode)
            return self.eval_function(dot, first, cmd, cmd.args, final)
        if typ is n.PipeNode:
            assert isinstance(first, n.PipeNode)
            self.not_a_function(cmd.args, final)
            return self.eval_pipeline(dot, first)
        if typ is n.VariableNode:
            assert isinstance(first, n.VariableNode)
            return self.eval_variable_node(dot, first, cmd.args, final)
        self.node = first
        self.not_a_function(cmd.args, final)
        if typ is n.BoolNode:
            return first.value  # type: ignore[attr-defined]
        if typ is n.DotNode:
            return dot
        if typ is n.NilNode:
            raise self.errorf("nil is not a command")
        if typ is n.NumberNode:
            assert isinstance(first, n.NumberNode)
            return self.ideal_constant(first)
        if typ is n.StringNode:
            return first.text  # type: ignore[attr-defined]
        raise self.errorf(f"can't evaluate command {quote(str(first))}")

    def ideal_constant(self, node: n.NumberNode) -> Any:
        self.node = node
        if node.error is not None:
            raise self.errorf(node.error)
        return node.value

    def eval_chain_node(self, dot: Any, chain: n.ChainNode, args: list[n.Node], final: Any) -> Any:
        self.node = chain
        if isinstance(chain.node, n.NilNode):
            raise self.errorf(f"indirection through explicit nil in {chain}")
        assert chain.node is not None
        pipe = self.eval_arg(dot, chain.node)
        return self.eval_field_chain(dot, pipe, False, chain, chain.fields, args, final)

    def eval_variable_node(self, dot: Any, var: n.VariableNode, args: list[n.Node], final: Any) -> Any:
        self.node = var
        value = self.var_value(var.ident[0])
        if len(var.ident) == 1:
            self.not_a_function(args, final)
            return value
        return self.eval_field_chain(dot, value, self._var_iface(var.ident[0]), var, var.ident[1:], args, final)

    def _var_iface(self, name: str) -> bool:
        for i in range(len(self.vars) - 1, -1, -1):
            if self.vars[i][0] == name:
                return len(self.vars[i]) > 2 and bool(self.vars[i][2])
        return False

    def eval_field_chain(
        self,
        dot: Any,
        receiver: Any,
        iface: bool,
        node: n.Node,
        ident: list[str],
        args: list[n.Node],
        final: Any,
    ) -> Any:
        last = len(ident) - 1
        for i in range(last):
            receiver = self.eval_field(dot, ident[i], node, None, MISSING, receiver, iface)
            iface = True  # values looked up in a map[string]interface {} are interfaces
        return self.eval_field(dot, ident[last], node, args, final, receiver, iface)

    def eval_field(
        self,
        dot: Any,
        name: str,
        node: n.Node,
        args: list[n.Node] | None,
        final: Any,
        receiver: Any,
        iface: bool,
    ) -> Any:
        if receiver is None:
            if self.tmpl.missingkey == "error":
                raise self.errorf(f"nil data; no entry for key {quote(name)}")
            return None
        if receiver is NIL_IFACE:
            raise self.errorf(f"nil pointer evaluating interface {{}}.{name}")
        if isinstance(receiver, GoStruct):
            if name not in receiver:
                typ = "interface {}" if iface else receiver.go_type
                raise self.errorf(f"can't evaluate field {name} in type {typ}")
            if (args is not None and len(args) > 1) or final is not MISSING:
                raise self.errorf(f"{name} has arguments but cannot be invoked as function")
            value = receiver[name]
            return NIL_IFACE if value is None else value
        if isinstance(receiver, Mapping):
            if (args is not None and len(args) > 1) or final is not MISSING:
                raise self.errorf(f"{name} is not a method but has arguments")
            try:
                result = receiver[name]
            except KeyError:
                if self.tmpl.missingkey == "error":
                    raise self.errorf(f"map has no entry for key {quote(name)}") from None
                # "zero" yields the zero value of the element type, a nil interface{}: a
                # further field access on it fails, where "default" (invalid) stays silent.
                return NIL_IFACE if self.tmpl.missingkey == "zero" else None
            except TypeError:
                raise self.errorf(f"can't evaluate field {name} in type {go_type_name(receiver)}") from None
            return NIL_IFACE if result is None else result
        typ = "interface {}" if iface else go_type_name(receiver)
        raise self.errorf(f"can't evaluate field {name} in type {typ}")

    def eval_function(self, dot: Any, node: n.IdentifierNode, cmd: n.Node, args: list[n.Node], final: Any) -> Any:
        self.node = node
        name = node.ident
        if name in ("and", "or") and name not in self.tmpl.funcs:
            return self.eval_and_or(dot, name, args, final)
        if name == "call" and name not in self.tmpl.funcs:
            return self.eval_call_builtin(dot, node, cmd, args, final)
        info = self.tmpl.func_infos.get(name)
        if info is None:
            info = _builtin_info(name)
            if info is None:
                raise self.errorf(f"{quote(name)} is not a defined function")
        return self.eval_call(dot, info, cmd, name, args, final)

    def _check_arity(self, name: str, info: FuncInfo, nargs: int, num_in: int) -> None:
        if info.max_args is None:
            if num_in < info.min_args:
                raise self.errorf(f"wrong number of args for {name}: want at least {info.min_args} got {nargs}")
        elif num_in < info.min_args or num_in > info.max_args:
            want = info.max_args if num_in > info.max_args else info.min_args
            if info.min_args == info.max_args:
                want = info.max_args
            raise self.errorf(f"wrong number of args for {name}: want {want} got {num_in}")

    def eval_call(
        self, dot: Any, info: FuncInfo, node: n.Node, name: str, args: list[n.Node] | None, final: Any
    ) -> Any:
        arg_nodes = args[1:] if args else []
        num_in = len(arg_nodes) + (0 if final is MISSING else 1)
        self._check_arity(name, info, len(arg_nodes), num_in)
        argv: list[Any] = []
        for i, a in enumerate(arg_nodes):
            if i == 0 and info.string_first:
                argv.append(self.eval_string_arg(dot, a))
            else:
                v = self.eval_arg(dot, a, keep_iface=info.fn is length)
                argv.append(_NIL_FOR_LEN if v is NIL_IFACE else v)
        if final is not MISSING:
            if info.string_first and not argv:
                argv.append(self.validate_string(final))
            else:
                argv.append(None if final is NIL_IFACE else final)
        if info.needs_context:
            argv.insert(0, ExecContext(self.tmpl, self))
        try:
            result = info.fn(*argv)
        except ExecError as e:
            self.node = node
            raise self.errorf(f"error calling {name}: {e}") from None
        except RecursionError:
            self.node = node
            raise self.errorf(f"exceeded maximum template depth ({MAX_EXEC_DEPTH})") from None
        except Exception as e:  # a function's failure is a template error, as in Go
            self.node = node
            raise self.errorf(f"error calling {name}: {_exc_message(e)}") from None
        return result

    def eval_and_or(self, dot: Any, name: str, args: list[n.Node], final: Any) -> Any:
        arg_nodes = args[1:]
        num_in = len(arg_nodes) + (0 if final is MISSING else 1)
        if num_in < 1:
            raise self.errorf(f"wrong number of args for {name}: want at least 1 got {len(arg_nodes)}")
        v: Any = None
        want = name == "or"
        for a in arg_nodes:
            v = self.eval_arg(dot, a)
            if truth(v) == want:
                return v
        if final is not MISSING:
            v = None if final is NIL_IFACE else final
        return v

    def eval_call_builtin(self, dot: Any, node: n.IdentifierNode, cmd: n.Node, args: list[n.Node], final: Any) -> Any:
        arg_nodes = args[1:]
        num_in = len(arg_nodes) + (0 if final is MISSING else 1)
        if num_in < 1:
            raise self.errorf(f"wrong number of args for call: want at least 1 got {len(arg_nodes)}")
        vals = [self.eval_arg(dot, a) for a in arg_nodes]
        if final is not MISSING:
            vals.append(None if final is NIL_IFACE else final)
        fn = vals[0]
        # Messages as in go1.22.4 (helmfile 0.166.0); newer Go also names the callee.
        try:
            if fn is None:
                raise FuncError("call of nil")
            if not callable(fn):
                raise FuncError(f"non-function of type {go_type_name(fn)}")
            info = func_info(fn)
            n_args = len(vals) - 1
            if info.max_args is None:
                if n_args < info.min_args:
                    raise FuncError(f"wrong number of args: got {n_args} want at least {info.min_args}")
            elif not info.min_args <= n_args <= info.max_args:
                raise FuncError(f"wrong number of args: got {n_args} want {info.max_args}")
            call_args = vals[1:]
            if info.needs_context:
                call_args.insert(0, ExecContext(self.tmpl, self))
            return fn(*call_args)
        except ExecError as e:
            self.node = cmd
            raise self.errorf(f"error calling call: {e}") from None
        except Exception as e:
            self.node = cmd
            raise self.errorf(f"error calling call: {_exc_message(e)}") from None

    def eval_arg(self, dot: Any, node: n.Node, *, keep_iface: bool = False) -> Any:
        """An argument for an interface{} parameter; nil interfaces reach functions as None."""
        self.node = node
        typ = type(node)
        if typ is n.DotNode:
            v = dot
        elif typ is n.NilNode:
            return None
        elif typ is n.FieldNode:
            assert isinstance(node, n.FieldNode)
            v = self.eval_field_chain(dot, dot, self.dot_iface, node, node.ident, [node], MISSING)
        elif typ is n.VariableNode:
            assert isinstance(node, n.VariableNode)
            v = self.eval_variable_node(dot, node, [], MISSING)
        elif typ is n.PipeNode:
            assert isinstance(node, n.PipeNode)
            v = self.eval_pipeline(dot, node)
        elif typ is n.IdentifierNode:
            assert isinstance(node, n.IdentifierNode)
            v = self.eval_function(dot, node, node, [node], MISSING)
        elif typ is n.ChainNode:
            assert isinstance(node, n.ChainNode)
            v = self.eval_chain_node(dot, node, [], MISSING)
        elif typ is n.BoolNode:
            return node.value  # type: ignore[attr-defined]
        elif typ is n.NumberNode:
            assert isinstance(node, n.NumberNode)
            return self.ideal_constant(node)
        elif typ is n.StringNode:
            return node.text  # type: ignore[attr-defined]
        else:
            raise self.errorf(f"can't handle assignment of {node} to empty interface argument")
        return None if v is NIL_IFACE and not keep_iface else v

    def eval_string_arg(self, dot: Any, node: n.Node) -> str:
        """An argument for a Go `string` parameter (printf's format)."""
        self.node = node
        if isinstance(node, n.NilNode):
            raise self.errorf("cannot assign nil to string")
        if isinstance(node, (n.BoolNode, n.NumberNode)):
            raise self.errorf(f"expected string; found {node}")
        return self.validate_string(self.eval_arg(dot, node))

    def validate_string(self, v: Any) -> str:
        if v is None or v is NIL_IFACE:
            raise self.errorf("invalid value; expected string")
        if not isinstance(v, str):
            raise self.errorf(f"wrong type for value; expected string; got {go_type_name(v)}")
        return v

    def print_value(self, node: n.Node, v: Any) -> None:
        self.node = node
        if v is None:
            self.out.append("<no value>")
        elif isinstance(v, str):
            self.out.append(v)
        elif callable(v) and not isinstance(v, (Mapping, list, tuple)):
            raise self.errorf(f"can't print {node} of type {go_type_name(v)}")
        else:
            self.out.append(format_value(v))


def _exc_message(e: BaseException) -> str:
    """The text Go would show for a function's error (str(KeyError) adds quotes; drop them)."""
    text = str(e.args[0]) if isinstance(e, KeyError) and e.args else str(e)
    return text or type(e).__name__


__all__ = [
    "MISSING",
    "NIL_IFACE",
    "ExecContext",
    "ExecError",
    "FuncError",
    "FuncInfo",
    "State",
    "func_info",
]
