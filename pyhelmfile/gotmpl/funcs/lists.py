"""sprig's list functions (list.go). Each `mustX` reports what `X` turns into a panic.

In Go a panic inside a template function becomes an `error calling X` error too, so both
flavours fail the same way here; they differ only in the message.
"""

from __future__ import annotations

from typing import Any

from pyhelmfile.gotmpl.funcs._conv import as_int, deep_equal, empty, is_list, to_int64
from pyhelmfile.gotmpl.funcs._errors import FuncError
from pyhelmfile.gotmpl.funcs.reflection import kind_of
from pyhelmfile.gotmpl.funcs.strings import to_strings


def _seq(v: Any, what: str) -> list[Any]:
    if v is None:
        raise FuncError("runtime error: invalid memory address or nil pointer dereference")
    if not is_list(v):
        raise FuncError(f"{what} {kind_of(v)}")
    return list(v)


def list_(*items: Any) -> list[Any]:
    return list(items)


def push(lst: Any, v: Any) -> list[Any]:
    return [*_seq(lst, "Cannot push on type"), v]


def prepend(lst: Any, v: Any) -> list[Any]:
    return [v, *_seq(lst, "Cannot prepend on type")]


def chunk(size: Any, lst: Any) -> list[list[Any]]:
    size = as_int(size)
    items = _seq(lst, "Cannot chunk type")
    if size <= 0:
        raise FuncError("runtime error: makeslice: len out of range")
    return [items[i : i + size] for i in range(0, len(items), size)]


def last(lst: Any) -> Any:
    items = _seq(lst, "Cannot find last on type")
    return items[-1] if items else None


def first(lst: Any) -> Any:
    items = _seq(lst, "Cannot find first on type")
    return items[0] if items else None


def rest(lst: Any) -> list[Any]:
    return _seq(lst, "Cannot find rest on type")[1:]


def initial(lst: Any) -> list[Any]:
    return _seq(lst, "Cannot find initial on type")[:-1]


def sort_alpha(lst: Any) -> list[str]:
    if is_list(lst):
        return sorted(to_strings(lst))
    return to_strings(lst) if lst is not None else ["<nil>"]


def reverse(lst: Any) -> list[Any]:
    return _seq(lst, "Cannot find reverse on type")[::-1]


def compact(lst: Any) -> list[Any]:
    return [x for x in _seq(lst, "Cannot compact on type") if not empty(x)]


def _contains(haystack: list[Any], needle: Any) -> bool:
    return any(deep_equal(needle, h) for h in haystack)


def uniq(lst: Any) -> list[Any]:
    out: list[Any] = []
    for x in _seq(lst, "Cannot find uniq on type"):
        if not _contains(out, x):
            out.append(x)
    return out


def without(lst: Any, *omit: Any) -> list[Any]:
    return [x for x in _seq(lst, "Cannot find without on type") if not _contains(list(omit), x)]


def has(needle: Any, haystack: Any) -> bool:
    if haystack is None:
        return False
    return _contains(_seq(haystack, "Cannot find has on type"), needle)


def slice_(lst: Any, *indices: Any) -> Any:
    items = _seq(lst, "list should be type of slice or array but")
    if not items:
        return None
    start = to_int64(indices[0]) if indices else 0
    end = to_int64(indices[1]) if len(indices) > 1 else len(items)
    if not 0 <= start <= end <= len(items):
        raise FuncError(f"reflect: slice index out of range [{start}:{end}] with capacity {len(items)}")
    return items[start:end]


def concat(*lists: Any) -> list[Any]:
    out: list[Any] = []
    for lst in lists:
        if not is_list(lst):
            raise FuncError(f"Cannot concat type {kind_of(lst)} as list")
        out.extend(lst)
    return out


def until(count: Any) -> list[int]:
    n = as_int(count)
    return until_step(0, n, 1 if n >= 0 else -1)


def until_step(start: Any, stop: Any, step: Any) -> list[int]:
    start, stop, step = as_int(start), as_int(stop), as_int(step)
    if stop < start:
        return list(range(start, stop, step)) if step < 0 else []
    return list(range(start, stop, step)) if step > 0 else []


def seq(*params: Any) -> str:
    p = [as_int(x) for x in params]
    if len(p) == 1:
        start, end = 1, p[0]
        inc = -1 if end < start else 1
        nums = until_step(start, end + inc, inc)
    elif len(p) == 2:
        start, end = p
        step = -1 if end < start else 1
        nums = until_step(start, end + step, step)
    elif len(p) == 3:
        start, step, end = p
        inc = 1
        if end < start:
            inc = -1
            if step > 0:
                return ""
        nums = until_step(start, end + inc, step)
    else:
        return ""
    return " ".join(str(n) for n in nums)


FUNCS: dict[str, Any] = {
    "tuple": list_,
    "list": list_,
    "append": push,
    "push": push,
    "mustAppend": push,
    "mustPush": push,
    "prepend": prepend,
    "mustPrepend": prepend,
    "first": first,
    "mustFirst": first,
    "rest": rest,
    "mustRest": rest,
    "last": last,
    "mustLast": last,
    "initial": initial,
    "mustInitial": initial,
    "reverse": reverse,
    "mustReverse": reverse,
    "uniq": uniq,
    "mustUniq": uniq,
    "without": without,
    "mustWithout": without,
    "has": has,
    "mustHas": has,
    "slice": slice_,
    "mustSlice": slice_,
    "concat": concat,
    "chunk": chunk,
    "mustChunk": chunk,
    "compact": compact,
    "mustCompact": compact,
    "sortAlpha": sort_alpha,
    "until": until,
    "untilStep": until_step,
    "seq": seq,
}
