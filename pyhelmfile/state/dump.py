"""A loaded state as helmfile's `build` prints it: Go's yaml.v2 Marshal of its HelmState."""

from __future__ import annotations

import dataclasses
import os
import types
import typing
from functools import cache
from typing import Any

from pyhelmfile.golang import goyaml
from pyhelmfile.state.loader import HelmState
from pyhelmfile.state.merge import is_empty
from pyhelmfile.state.spec import SubHelmfileSpec


def _is_zero(value: Any) -> bool:
    """yaml.v2's isZero, which decides `omitempty`: mergo's emptiness, structs field by field."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return all(_is_zero(getattr(value, f.name)) for f in dataclasses.fields(value))
    return is_empty(value)


@cache
def _pointers(cls: type) -> frozenset[str]:
    """Fields that are Go pointers (Optional here): only nil counts as empty for them."""
    hints = typing.get_type_hints(cls)
    return frozenset(
        name
        for name, tp in hints.items()
        if typing.get_origin(tp) in (typing.Union, types.UnionType) and type(None) in typing.get_args(tp)
    )


def to_go(value: Any) -> Any:
    """Spec dataclasses as ordered structs (omitempty applied), everything else as it is."""
    if isinstance(value, SubHelmfileSpec):
        fields: dict[str, Any] = {"path": value.path, "selectors": value.selectors, "values": value.values}
        if value.selectors_inherited:
            fields["selectorsInherited"] = True
        return goyaml.Struct({k: to_go(v) for k, v in fields.items() if not _is_zero(v)})
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = goyaml.Struct()
        pointers = _pointers(type(value))
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            empty = item is None if f.name in pointers else _is_zero(item)
            if "yaml" not in f.metadata or (not f.metadata["keep"] and empty):
                continue
            out[f.metadata["yaml"]] = to_go(item)
        return out
    if isinstance(value, dict):
        return {k: to_go(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_go(v) for v in value]
    return value


def state_yaml(st: HelmState) -> str:
    document = goyaml.Struct(filepath=os.path.basename(st.file_path))
    document.update(to_go(st.spec))
    document["renderedvalues"] = st.rendered_values
    return goyaml.dump(document)


def build_output(st: HelmState) -> str:
    """One state's block of `build` output."""
    return f"---\n#  Source: {os.path.abspath(st.file_path)}\n\n{state_yaml(st)}"
