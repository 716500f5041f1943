"""sprig's dict functions (dict.go), with merge/mergeOverwrite following imdario/mergo.

mergo's map rules, as sprig (dst and src both map[string]interface{}) exercises them:
- a nested map in both is merged recursively, in place in dst;
- a src map or list never replaces a non-empty dst value unless overwriting;
- otherwise src wins when overwriting, or when dst lacks the key or holds an empty value;
- a nil src value only matters when overwriting (it then sets nil).
"""

from __future__ import annotations

import copy
from typing import Any

from pyhelmfile.gotmpl.funcs._conv import as_map, as_str, empty, go_str
from pyhelmfile.gotmpl.funcs._errors import FuncError


def _map_or_empty(v: Any) -> dict[str, Any]:
    # Go hands a nil argument to a map parameter as a nil map: readable, empty.
    return {} if v is None else as_map(v)


def get(d: Any, key: Any) -> Any:
    return _map_or_empty(d).get(as_str(key), "")


def set_(d: Any, key: Any, value: Any) -> dict[str, Any]:
    if d is None:
        raise FuncError("assignment to entry in nil map")
    m = as_map(d)
    m[as_str(key)] = value
    return m


def unset(d: Any, key: Any) -> dict[str, Any]:
    m = _map_or_empty(d)
    m.pop(as_str(key), None)
    return m


def has_key(d: Any, key: Any) -> bool:
    return as_str(key) in _map_or_empty(d)


def pluck(key: Any, *dicts: Any) -> list[Any]:
    k = as_str(key)
    return [m[k] for m in map(_map_or_empty, dicts) if k in m]


def keys(*dicts: Any) -> list[str]:
    return [k for m in map(_map_or_empty, dicts) for k in m]


def pick(d: Any, *names: Any) -> dict[str, Any]:
    m = _map_or_empty(d)
    return {k: m[k] for k in map(as_str, names) if k in m}


def omit(d: Any, *names: Any) -> dict[str, Any]:
    drop = set(map(as_str, names))
    return {k: v for k, v in _map_or_empty(d).items() if k not in drop}


def dict_(*items: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for i in range(0, len(items), 2):
        out[go_str(items[i])] = items[i + 1] if i + 1 < len(items) else ""
    return out


def _mergo(dst: dict[str, Any], src: dict[str, Any], overwrite: bool) -> None:
    for key, sv in src.items():
        if sv is None:
            if overwrite:
                dst[key] = None
            continue
        present = key in dst
        dv = dst.get(key)
        if isinstance(sv, dict):
            if isinstance(dv, dict):
                was_empty = not dv
                _mergo(dv, sv, overwrite)
                if was_empty:
                    dst[key] = sv
                continue
            if present and not empty(dv) and not overwrite:
                continue
            dst[key] = sv
        elif isinstance(sv, list):
            if overwrite or not present or empty(dv):
                dst[key] = sv
        elif overwrite or not present or empty(dv):
            dst[key] = sv


def _merge(overwrite: bool, dst: Any, *srcs: Any) -> dict[str, Any]:
    if dst is None:
        raise FuncError("src and dst must be of same type")
    d = as_map(dst)
    for src in srcs:
        if src is None:
            continue
        _mergo(d, as_map(src), overwrite)
    return d


def merge(dst: Any, *srcs: Any) -> dict[str, Any]:
    return _merge(False, dst, *srcs)


def merge_overwrite(dst: Any, *srcs: Any) -> dict[str, Any]:
    return _merge(True, dst, *srcs)


def values(d: Any) -> list[Any]:
    return list(_map_or_empty(d).values())


def deep_copy(v: Any) -> Any:
    return copy.deepcopy(v)


def dig(*args: Any) -> Any:
    if len(args) < 3:
        raise FuncError("dig needs at least three arguments")
    current = args[-1]
    default = args[-2]
    path = [as_str(k) for k in args[:-2]]
    for i, key in enumerate(path):
        m = as_map(current) if current is not None else {}
        if key not in m:
            return default
        current = m[key]
        if i == len(path) - 1:
            return current
    return current


FUNCS: dict[str, Any] = {
    "dict": dict_,
    "get": get,
    "set": set_,
    "unset": unset,
    "hasKey": has_key,
    "pluck": pluck,
    "keys": keys,
    "pick": pick,
    "omit": omit,
    "merge": merge,
    "mergeOverwrite": merge_overwrite,
    "mustMerge": merge,
    "mustMergeOverwrite": merge_overwrite,
    "values": values,
    "deepCopy": deep_copy,
    "mustDeepCopy": deep_copy,
    "dig": dig,
}
