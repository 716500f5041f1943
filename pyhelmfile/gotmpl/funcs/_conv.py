"""Go value semantics the function library shares: argument checks, casts, emptiness, equality.

Go templates check each argument against the function's parameter type before calling it;
the functions here do that check themselves (`as_str`, `as_int`, ...), so a wrong type fails
as it does in Go instead of being silently coerced by Python.

The casts (`to_int64`, `to_float64`) follow github.com/spf13/cast v1.5.0, which sprig uses
for `int`, `add`, `max` and friends: unparsable input becomes 0, never an error.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from pyhelmfile.golang.strconv import INT64_MIN, parse_go_float, parse_go_int
from pyhelmfile.gotmpl.funcs._errors import FuncError


def type_name(v: Any) -> str:
    """Go's `%T` of a template value (delegates to the engine's formatter)."""
    from pyhelmfile.golang.types import go_type_name

    return str(go_type_name(v))


def go_str(v: Any) -> str:
    """Go's `fmt.Sprint(v)` / `%v` of one value (sprig's `strval`)."""
    if isinstance(v, str):
        return v
    if isinstance(v, bytes):
        return v.decode("utf-8", errors="replace")
    from pyhelmfile.golang.fmt import format_value

    return str(format_value(v))


def _wrong(expected: str, v: Any) -> FuncError:
    if v is None:
        return FuncError(f"invalid value; expected {expected}")
    return FuncError(f"wrong type for value; expected {expected}; got {type_name(v)}")


def as_str(v: Any) -> str:
    if isinstance(v, str):
        return v
    raise _wrong("string", v)


def as_int(v: Any) -> int:
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    raise _wrong("int", v)


def as_bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    raise _wrong("bool", v)


def as_map(v: Any) -> dict[str, Any]:
    if isinstance(v, dict):
        return v
    raise _wrong("map[string]interface {}", v)


def wrap_int64(n: int) -> int:
    """Two's-complement overflow, as Go's int64 arithmetic does."""
    return ((n - INT64_MIN) % (1 << 64)) + INT64_MIN


def _trim_zero_decimal(s: str) -> str:
    """cast's trimZeroDecimal: "3.00" -> "3", anything else unchanged."""
    found_zero = False
    for i in range(len(s), 0, -1):
        c = s[i - 1]
        if c == ".":
            if found_zero:
                return s[: i - 1]
        elif c == "0":
            found_zero = True
        else:
            return s
    return s


def float_to_int64(f: float) -> int:
    """Go's int64(f) conversion on amd64: truncation; NaN/overflow give the minimum int64."""
    if math.isnan(f) or math.isinf(f) or not INT64_MIN <= f < 2.0**63:
        return INT64_MIN
    return int(f)


def to_int64(v: Any) -> int:
    """cast.ToInt64 (also used for cast.ToInt on 64-bit platforms)."""
    if isinstance(v, bool):
        return 1 if v else 0
    if isinstance(v, int):
        return wrap_int64(v)
    if isinstance(v, float):
        return float_to_int64(v)
    if isinstance(v, str):
        n = parse_go_int(_trim_zero_decimal(v))
        return 0 if n is None else n
    return 0


def to_float64(v: Any) -> float:
    """cast.ToFloat64."""
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, int | float):
        return float(v)
    if isinstance(v, str):
        f = parse_go_float(v)
        return 0.0 if f is None else f
    return 0.0


def is_list(v: Any) -> bool:
    return isinstance(v, list | tuple)


def empty(v: Any) -> bool:
    """sprig's `empty`: the zero value of its type (structs such as times are never empty)."""
    if v is None:
        return True
    if isinstance(v, bool):
        return not v
    if isinstance(v, int | float | complex):
        return v == 0
    if isinstance(v, str | bytes | list | tuple | dict):
        return len(v) == 0
    return False


def deep_equal(a: Any, b: Any) -> bool:
    """reflect.DeepEqual for template values: types must match (1 != 1.0, true != 1)."""
    if a is None or b is None:
        return a is None and b is None
    if type(a) is not type(b):
        if is_list(a) and is_list(b):
            pass
        else:
            return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(deep_equal(a[k], b[k]) for k in a)
    if is_list(a):
        return len(a) == len(b) and all(deep_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return False
    return bool(a == b)


def go_quote(s: str) -> str:
    """Go's strconv.Quote (`%q` of a string): ASCII-printable escapes, non-printables as \\x/\\u."""
    out = ['"']
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\a":
            out.append("\\a")
        elif ch == "\b":
            out.append("\\b")
        elif ch == "\f":
            out.append("\\f")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\v":
            out.append("\\v")
        elif ch.isprintable() or ch == " ":
            out.append(ch)
        else:
            code = ord(ch)
            if code < 0x80:
                out.append(f"\\x{code:02x}")
            elif code < 0x10000:
                out.append(f"\\u{code:04x}")
            else:
                out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def must(fn: Callable[..., Any], fallback: Any) -> Callable[..., Any]:
    """The non-`must` twin of a sprig function: errors become a fixed value."""

    def lenient(*args: Any) -> Any:
        try:
            return fn(*args)
        except Exception:
            return fallback() if callable(fallback) else fallback

    lenient.__name__ = fn.__name__
    return lenient
