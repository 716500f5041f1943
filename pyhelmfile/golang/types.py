"""Go's view of Python values: type names and kinds as fmt and text/template print them, map key order.

Python types map onto the Go types helmfile sees after YAML decoding:

    dict -> map[string]interface {}     list/tuple -> []interface {}
    str -> string   bool -> bool   int -> int   float -> float64
    complex -> complex128   bytes -> []uint8   None -> nil

`bool` is checked before `int` everywhere because `True` is an `int` in Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

NIL_ANGLE = "<nil>"
# ---------------------------------------------------------------------------
# Go type names and kinds


class GoStruct(dict[str, Any]):
    """A Go struct value: named fields in declaration order, and a Go type name.

    For template data that helmfile passes as structs (its environment, release
    data, ...): a missing field is "can't evaluate field X in type T" whatever the
    missingkey option, it prints as `{v1 v2}` (`%+v`: `{A:v1 B:v2}`), is always true
    and cannot be ranged over, indexed or measured with len.
    """

    __slots__ = ("go_type",)

    def __init__(self, go_type: str, fields: Mapping[str, Any] | None = None, /, **kw: Any) -> None:
        super().__init__(fields or {}, **kw)
        self.go_type = go_type

    def __repr__(self) -> str:
        return f"GoStruct({self.go_type!r}, {dict.__repr__(self)})"


def go_kind(v: Any) -> str:
    """The Go reflect kind a Python value stands for: bool, int, float64, string, map, slice, ..."""
    if v is None:
        return "invalid"
    if isinstance(v, GoStruct):
        return "struct"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, str):
        return "string"
    if isinstance(v, complex):
        return "complex128"
    if isinstance(v, Mapping):
        return "map"
    if isinstance(v, (list, tuple, bytes, bytearray)):
        return "slice"
    if callable(v):
        return "func"
    return "struct"


def go_type_name(v: Any) -> str:
    """Go's %T of the value: int, float64, string, bool, map[string]interface {}, []interface {}, <nil>."""
    if v is None:
        return NIL_ANGLE
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, str):
        return "string"
    if isinstance(v, complex):
        return "complex128"
    if isinstance(v, GoStruct):
        return v.go_type
    if isinstance(v, Mapping):
        if all(isinstance(k, str) for k in v):
            return "map[string]interface {}"
        return "map[interface {}]interface {}"
    if isinstance(v, (bytes, bytearray)):
        return "[]uint8"
    if isinstance(v, (list, tuple)):
        return "[]interface {}"
    if callable(v):
        return "func(...interface {}) (interface {}, error)"
    return type(v).__name__
