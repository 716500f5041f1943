"""sprig's numeric functions (numeric.go): int64 arithmetic over spf13/cast conversions, and
the `...f` variants computed in shopspring/decimal (exact decimals from each float's shortest
text, division to 16 places) before turning back into float64.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal, DivisionByZero, InvalidOperation, localcontext
from typing import Any

from pyhelmfile.gotmpl.funcs._conv import (
    as_int,
    go_str,
    to_float64,
    to_int64,
    wrap_int64,
)
from pyhelmfile.gotmpl.funcs._errors import FuncError


def add1(i: Any) -> int:
    return wrap_int64(to_int64(i) + 1)


def add(*nums: Any) -> int:
    return wrap_int64(sum(to_int64(n) for n in nums))


def sub(a: Any, b: Any) -> int:
    return wrap_int64(to_int64(a) - to_int64(b))


def _go_divmod(a: int, b: int) -> tuple[int, int]:
    """Go's truncated division (Python floors)."""
    if b == 0:
        raise FuncError("runtime error: integer divide by zero")
    q = abs(a) // abs(b)
    if (a < 0) != (b < 0):
        q = -q
    return wrap_int64(q), a - b * q


def div(a: Any, b: Any) -> int:
    return _go_divmod(to_int64(a), to_int64(b))[0]


def mod(a: Any, b: Any) -> int:
    return _go_divmod(to_int64(a), to_int64(b))[1]


def mul(a: Any, *rest: Any) -> int:
    v = to_int64(a)
    for b in rest:
        v = wrap_int64(v * to_int64(b))
    return v


def rand_int(lo: Any, hi: Any) -> int:
    import secrets

    low, high = as_int(lo), as_int(hi)
    if high - low <= 0:
        raise FuncError("invalid argument to Intn")
    return low + secrets.randbelow(high - low)


def _dec(v: Any) -> Decimal:
    f = to_float64(v)
    if math.isnan(f) or math.isinf(f):
        raise FuncError(f"Cannot create a Decimal from {go_str(f)}")
    return Decimal(repr(f))


def _decimal_op(a: Any, rest: tuple[Any, ...], op: str) -> float:
    with localcontext() as ctx:
        ctx.prec = 200
        acc = _dec(a)
        for x in rest:
            d = _dec(x)
            if op == "+":
                acc += d
            elif op == "-":
                acc -= d
            elif op == "*":
                acc *= d
            else:
                if d == 0:
                    raise FuncError("decimal division by zero")
                try:
                    acc = (acc / d).quantize(Decimal(1).scaleb(-16), rounding=ROUND_HALF_UP)
                except (DivisionByZero, InvalidOperation) as err:
                    raise FuncError(str(err)) from None
        return float(acc)


def add1f(i: Any) -> float:
    return _decimal_op(i, (1,), "+")


def addf(*nums: Any) -> float:
    return _decimal_op(0.0, nums, "+")


def subf(a: Any, *rest: Any) -> float:
    return _decimal_op(a, rest, "-")


def divf(a: Any, *rest: Any) -> float:
    return _decimal_op(a, rest, "/")


def mulf(a: Any, *rest: Any) -> float:
    return _decimal_op(a, rest, "*")


def max_(a: Any, *rest: Any) -> int:
    return max([to_int64(a), *(to_int64(b) for b in rest)])


def min_(a: Any, *rest: Any) -> int:
    return min([to_int64(a), *(to_int64(b) for b in rest)])


def _go_max(x: float, y: float) -> float:
    if (math.isinf(x) and x > 0) or (math.isinf(y) and y > 0):
        return math.inf
    if math.isnan(x) or math.isnan(y):
        return math.nan
    return max(x, y)


def _go_min(x: float, y: float) -> float:
    if (math.isinf(x) and x < 0) or (math.isinf(y) and y < 0):
        return -math.inf
    if math.isnan(x) or math.isnan(y):
        return math.nan
    return min(x, y)


def maxf(a: Any, *rest: Any) -> float:
    acc = to_float64(a)
    for b in rest:
        acc = _go_max(acc, to_float64(b))
    return acc


def minf(a: Any, *rest: Any) -> float:
    acc = to_float64(a)
    for b in rest:
        acc = _go_min(acc, to_float64(b))
    return acc


def floor(a: Any) -> float:
    f = to_float64(a)
    return float(math.floor(f)) if math.isfinite(f) else f


def ceil(a: Any) -> float:
    f = to_float64(a)
    return float(math.ceil(f)) if math.isfinite(f) else f


def round_(a: Any, places: Any, *round_on: Any) -> float:
    on = round_on[0] if round_on else 0.5
    if not isinstance(on, float | int) or isinstance(on, bool):
        raise FuncError("wrong type for value; expected float64")
    val = to_float64(a)
    pow_ = math.pow(10, float(as_int(places)))
    digit = pow_ * val
    frac = math.modf(digit)[0] if math.isfinite(digit) else 0.0
    rounded = math.ceil(digit) if frac >= on else math.floor(digit)
    return float(rounded) / pow_


def to_decimal(v: Any) -> int:
    s = go_str(v)
    if not re.fullmatch(r"[+-]?[0-7]+", s):
        return 0
    n = int(s, 8)
    return n if -(1 << 63) <= n < (1 << 63) else 0


def atoi(s: Any) -> int:
    from pyhelmfile.gotmpl.funcs._conv import as_str

    text = as_str(s)
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        return 0
    n = int(text)
    return n if -(1 << 63) <= n < (1 << 63) else 0


def int_(v: Any) -> int:
    return to_int64(v)


def float64(v: Any) -> float:
    return to_float64(v)


FUNCS: dict[str, Any] = {
    "atoi": atoi,
    "int64": int_,
    "int": int_,
    "float64": float64,
    "toDecimal": to_decimal,
    "add1": add1,
    "add": add,
    "sub": sub,
    "div": div,
    "mod": mod,
    "mul": mul,
    "randInt": rand_int,
    "add1f": add1f,
    "addf": addf,
    "subf": subf,
    "divf": divf,
    "mulf": mulf,
    "biggest": max_,
    "max": max_,
    "min": min_,
    "maxf": maxf,
    "minf": minf,
    "ceil": ceil,
    "floor": floor,
    "round": round_,
}
