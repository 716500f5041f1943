"""sprig's reflection helpers: typeOf/typeIs/typeIsLike/kindOf/kindIs/deepEqual."""

from __future__ import annotations

from typing import Any

from pyhelmfile.golang.types import GoStruct, go_kind
from pyhelmfile.gotmpl.funcs._conv import as_str, deep_equal, type_name


def kind_of(v: Any) -> str:
    """reflect.Kind's name for a template value (sprig's kindOf)."""
    kind = getattr(v, "go_kind", None)  # values that carry their Go kind (semver, time, ...)
    if kind:
        return str(kind)
    found = go_kind(v)
    # Other Python objects reach templates only as pointers to Go structs (certificates, ...).
    return "ptr" if found in ("struct", "func") and not isinstance(v, GoStruct) else found


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
