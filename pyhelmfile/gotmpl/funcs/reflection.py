"""sprig's reflection helpers: typeOf/typeIs/typeIsLike/kindOf/kindIs/deepEqual."""

from __future__ import annotations

from typing import Any

from pyhelmfile.gotmpl.funcs._conv import as_str, deep_equal, type_name


def kind_of(v: Any) -> str:
    """reflect.Kind's name for a template value."""
    if v is None:
        return "invalid"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, str):
        return "string"
    if isinstance(v, dict):
        return "map"
    if isinstance(v, list | tuple):
        return "slice"
    kind = getattr(v, "go_kind", None)
    return str(kind) if kind else "ptr"


def type_of(v: Any) -> str:
    return type_name(v)


def type_is(target: Any, v: Any) -> bool:
    return as_str(target) == type_of(v)


def type_is_like(target: Any, v: Any) -> bool:
    t = type_of(v)
    name = as_str(target)
    return name == t or "*" + name == t


def kind_is(target: Any, v: Any) -> bool:
    return as_str(target) == kind_of(v)


FUNCS: dict[str, Any] = {
    "typeOf": type_of,
    "typeIs": type_is,
    "typeIsLike": type_is_like,
    "kindOf": kind_of,
    "kindIs": kind_is,
    "deepEqual": deep_equal,
}
