"""Merging as helmfile merges (github.com/imdario/mergo v0.3.x), for values and for state specs.

helmfile merges values maps with `mergo.Merge(dst, src, WithOverride)`; its quirks are part
of its behaviour, so they are kept here:
- a key whose src value is null sets the dst value to null;
- a src map merges into a dst map recursively; it replaces a dst value that is missing or
  "empty" (null, "", 0, false, empty list/map), but a non-empty scalar or list in dst wins;
- a src list replaces the dst value (lists never merge), a src scalar always replaces.

State specs (documents, parts, bases) merge field by field: `override` replaces non-empty
fields with non-empty src fields, otherwise src only fills empty ones; `append` concatenates
lists (bases and documents of one file), without it a non-empty src list replaces.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any


def is_empty(value: Any) -> bool:
    """mergo's isEmptyValue for the values YAML gives us."""
    if value is None:
        return True
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value == 0
    if isinstance(value, (str, list, dict, tuple)):
        return len(value) == 0
    return False


def merge_values(dst: dict[str, Any], src: dict[str, Any]) -> dict[str, Any]:
    """Merge src into dst in place (mergo WithOverride on map[string]any) and return dst."""
    for key, value in src.items():
        current = dst.get(key, _MISSING)
        if value is None:
            dst[key] = None
        elif isinstance(value, dict):
            if isinstance(current, dict):
                merge_values(current, value)
            elif current is _MISSING or is_empty(current):
                dst[key] = copy.deepcopy(value)
        else:
            dst[key] = copy.deepcopy(value) if isinstance(value, list) else value
    return dst


def merged(*layers: dict[str, Any]) -> dict[str, Any]:
    """A new map: each layer merged over the ones before it."""
    result: dict[str, Any] = {}
    for layer in layers:
        merge_values(result, layer)
    return result


_MISSING = object()


def merge_spec(dst: Any, src: Any, *, override: bool, append: bool = False) -> Any:
    """Merge dataclass src into dataclass dst in place, field by field (see module docstring)."""
    for f in dataclasses.fields(dst):
        dst_value = getattr(dst, f.name)
        src_value = getattr(src, f.name)
        setattr(dst, f.name, _merge_field(dst_value, src_value, override=override, append=append))
    return dst


def _merge_field(dst: Any, src: Any, *, override: bool, append: bool) -> Any:
    if dataclasses.is_dataclass(dst) and not isinstance(dst, type):
        return merge_spec(dst, src, override=override, append=append)
    if isinstance(dst, list):
        if append:
            return dst + list(src)
        if src and (override or not dst):
            return list(src)
        return dst
    if isinstance(dst, dict):
        for key, value in src.items():
            current = dst.get(key, _MISSING)
            if dataclasses.is_dataclass(value):
                # mergo cannot merge into a struct held by a map: it sets or keeps the whole struct.
                if override or current is _MISSING:
                    dst[key] = value
            elif override or current is _MISSING or is_empty(current):
                dst[key] = value
        return dst
    if src is None:
        return dst
    if dst is None:  # an unset pointer field takes src whatever it is
        return src
    if (override or is_empty(dst)) and not is_empty(src):
        return src
    return dst
