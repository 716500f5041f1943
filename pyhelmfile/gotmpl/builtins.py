"""The predefined template functions of text/template (funcs.go) with Go's semantics.

`and`, `or` and `call` need the executor (lazy evaluation, calling a value) and live
in `exec`; the rest are plain functions that raise `FuncError` with Go's messages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pyhelmfile.golang.fmt import sprint, sprintf, sprintln
from pyhelmfile.golang.types import GoStruct, go_kind, go_type_name


class FuncError(Exception):
    """A template function failed; the executor reports "error calling NAME: MSG"."""


def truth(v: Any) -> bool:
    """Go's isTrue: false, 0, 0.0, "", nil, empty map/slice are false; everything else is true."""
    if v is None:
        return False
    if isinstance(v, GoStruct):
        return True  # struct values are always true
    if isinstance(v, (bool, int, float, complex, str, Mapping, list, tuple, bytes, bytearray)):
        return bool(v)
    return True


def _basic_kind(v: Any) -> str:
    """basicKind in funcs.go; "" for invalid (non-basic) kinds."""
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, complex):
        return "complex"
    if isinstance(v, str):
        return "string"
    return ""


def _is_nil(v: Any) -> bool:
    return v is None


def eq(arg1: Any, *arg2: Any) -> bool:
    if not arg2:
        raise FuncError("missing argument for comparison")
    k1 = _basic_kind(arg1)
    for arg in arg2:
        k2 = _basic_kind(arg)
        if k1 != k2:
            if arg1 is not None and arg is not None:
                # go1.22.4 (helmfile 0.166.0's Go) does not name the types; Go >= 1.23 does.
                raise FuncError("incompatible types for comparison")
            truth_ = False
        elif k1:
            truth_ = arg1 == arg
        else:
            # Non-basic kinds: only nil compares; maps, slices and funcs are not comparable.
            if arg1 is not None and arg is not None and go_kind(arg1) != go_kind(arg):
                raise FuncError(
                    f"non-comparable types {sprintf('%s', arg1)}: {go_type_name(arg1)}, "
                    f"{go_type_name(arg)}: {sprintf('%v', arg)}"
                )
            if arg1 is None or arg is None:
                truth_ = arg1 is None and arg is None
            else:
                raise FuncError(f"non-comparable type {sprintf('%s', arg)}: {go_type_name(arg)}")
        if truth_:
            return True
    return False


def ne(arg1: Any, arg2: Any) -> bool:
    return not eq(arg1, arg2)


def lt(arg1: Any, arg2: Any) -> bool:
    k1 = _basic_kind(arg1)
    if not k1:
        raise FuncError("invalid type for comparison")
    k2 = _basic_kind(arg2)
    if not k2:
        raise FuncError("invalid type for comparison")
    if k1 != k2:
        raise FuncError("incompatible types for comparison")
    if k1 in ("bool", "complex"):
        raise FuncError("invalid type for comparison")
    if k1 == "string":
        return bool(arg1.encode("utf-8", "surrogatepass") < arg2.encode("utf-8", "surrogatepass"))
    return bool(arg1 < arg2)


def le(arg1: Any, arg2: Any) -> bool:
    return lt(arg1, arg2) or eq(arg1, arg2)


def gt(arg1: Any, arg2: Any) -> bool:
    return not le(arg1, arg2)


def ge(arg1: Any, arg2: Any) -> bool:
    return not lt(arg1, arg2)


def not_(arg: Any) -> bool:
    return not truth(arg)


class NilInterface:
    """Marker the executor passes to `len` for a nil held in a map or slice (Go's nil interface)."""


def length(item: Any) -> int:
    if isinstance(item, NilInterface):
        raise FuncError("len of nil pointer")
    if item is None:
        raise FuncError("reflect: call of reflect.Value.Type on zero Value")
    if isinstance(item, str):
        return len(item.encode("utf-8", "surrogatepass"))
    if isinstance(item, (Mapping, list, tuple, bytes, bytearray)) and not isinstance(item, GoStruct):
        return len(item)
    raise FuncError(f"len of type {go_type_name(item)}")


def _index_arg(index: Any, cap: int) -> int:
    if isinstance(index, bool) or not isinstance(index, int):
        if index is None:
            raise FuncError("cannot index slice/array with nil")
        raise FuncError(f"cannot index slice/array with type {go_type_name(index)}")
    if index < 0 or index > cap:
        raise FuncError(f"index out of range: {index}")
    return index


def index(item: Any, *indexes: Any) -> Any:
    if item is None:
        raise FuncError("index of untyped nil")
    for idx in indexes:
        if item is None:
            raise FuncError("index of nil pointer")
        if isinstance(item, str):
            b = item.encode("utf-8", "surrogatepass")
            x = _index_arg(idx, len(b))
            if x == len(b):
                raise FuncError(f"index out of range: {x}")
            item = b[x]
        elif isinstance(item, (list, tuple, bytes, bytearray)):
            x = _index_arg(idx, len(item))
            if x == len(item):
                raise FuncError(f"index out of range: {x}")
            item = item[x]
        elif isinstance(item, Mapping) and not isinstance(item, GoStruct):
            if idx is None:
                raise FuncError("value is nil; should be of type string")
            if not isinstance(idx, str) and all(isinstance(k, str) for k in item):
                raise FuncError(f"value has type {go_type_name(idx)}; should be string")
            item = item.get(idx)
        else:
            raise FuncError(f"can't index item of type {go_type_name(item)}")
    return item


def slice_(item: Any, *indexes: Any) -> Any:
    if item is None:
        raise FuncError("slice of untyped nil")
    if len(indexes) > 3:
        raise FuncError(f"too many slice indexes: {len(indexes)}")
    if isinstance(item, str):
        if len(indexes) == 3:
            raise FuncError("cannot 3-index slice a string")
        seq: Any = item.encode("utf-8", "surrogatepass")
    elif isinstance(item, (list, tuple, bytes, bytearray)):
        seq = item
    else:
        raise FuncError(f"can't slice item of type {go_type_name(item)}")
    cap = len(seq)
    idx = [0, len(seq), 0]
    for i, x in enumerate(indexes):
        idx[i] = _index_arg(x, cap)
    if idx[0] > idx[1]:
        raise FuncError(f"invalid slice index: {idx[0]} > {idx[1]}")
    if len(indexes) == 3 and idx[1] > idx[2]:
        raise FuncError(f"invalid slice index: {idx[1]} > {idx[2]}")
    out = seq[idx[0] : idx[1]]
    if isinstance(item, str):
        return out.decode("utf-8", "surrogateescape")
    if isinstance(item, tuple):
        return list(out)
    return out


def _eval_args(args: Sequence[Any]) -> str:
    if len(args) == 1 and isinstance(args[0], str):
        return args[0]
    # printableValue in exec.go: a missing value prints as <no value>, not <nil>.
    return sprint(*("<no value>" if a is None else a for a in args))


def html_escaper(*args: Any) -> str:
    s = _eval_args(args)
    if not any(c in s for c in "'\"&<>\0"):
        return s
    return (
        s.replace("&", "&amp;")
        .replace("\0", "\ufffd")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )


_JS_SPECIAL = {
    "\\": "\\\\",
    "'": "\\'",
    '"': '\\"',
    "<": "\\u003C",
    ">": "\\u003E",
    "&": "\\u0026",
    "=": "\\u003D",
}


def js_escaper(*args: Any) -> str:
    s = _eval_args(args)
    out: list[str] = []
    for ch in s:
        o = ord(ch)
        if ch in _JS_SPECIAL:
            out.append(_JS_SPECIAL[ch])
        elif o < 0x20:
            out.append(f"\\u00{o:02X}")
        elif o < 0x80 or ch.isprintable():
            out.append(ch)
        else:
            out.append(f"\\u{o:04X}")
    return "".join(out)


def urlquery_escaper(*args: Any) -> str:
    # url.QueryEscape: space becomes "+", and only A-Za-z0-9-_.~ stay unescaped.
    import urllib.parse  # rarely used: not imported at start-up

    return urllib.parse.quote_plus(_eval_args(args), safe="-_.~")


def printf(format: str, *args: Any) -> str:
    return sprintf(format, *args)


BUILTINS: dict[str, Callable[..., Any]] = {
    "eq": eq,
    "ne": ne,
    "lt": lt,
    "le": le,
    "gt": gt,
    "ge": ge,
    "not": not_,
    "len": length,
    "index": index,
    "slice": slice_,
    "print": sprint,
    "printf": printf,
    "println": sprintln,
    "html": html_escaper,
    "js": js_escaper,
    "urlquery": urlquery_escaper,
}

# and, or and call are evaluated by the executor itself.
SPECIAL = frozenset({"and", "or", "call"})

BUILTIN_NAMES = frozenset(BUILTINS) | SPECIAL
