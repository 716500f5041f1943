"""Decode YAML nodes into the typed state schema, strictly, as yaml.v2's UnmarshalStrict does.

Decoding from nodes rather than from loaded values keeps what Go keeps: a scalar read into a
string field is its source text (`version: 1.10` is "1.10", not 1.1), and every error
can name the file and line. Unknown keys are errors, with the closest known key suggested.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from functools import cache
from typing import Any, TypeVar, Union

import yaml

from pyhelmfile.errors import ConfigError
from pyhelmfile.golang import goyaml
from pyhelmfile.state import spec

T = TypeVar("T")


@cache
def _fields(cls: type) -> dict[str, tuple[str, Any]]:
    """YAML key -> (attribute name, type) for a spec dataclass (spec.py's annotations are types)."""
    return {f.metadata["yaml"]: (f.name, f.type) for f in dataclasses.fields(cls) if "yaml" in f.metadata}


class _Decoder:
    def __init__(self, path: str, strict: bool = True) -> None:
        self.path = path
        self.strict = strict
        self.constructor = goyaml.GoConstructor()

    def fail(self, node: yaml.Node, message: str) -> ConfigError:
        return ConfigError(message, path=self.path, line=node.start_mark.line + 1)

    def generic(self, node: yaml.Node) -> Any:
        return self.constructor.construct_document(node)

    def scalar(self, node: yaml.Node) -> Any:
        """A scalar's Go-typed value (quoted scalars are strings)."""
        return self.generic(node)

    def decode(self, node: yaml.Node, tp: Any, where: str) -> Any:
        origin = typing.get_origin(tp)
        if tp is Any:
            return self.generic(node)
        if origin in (Union, types.UnionType):
            inner = [a for a in typing.get_args(tp) if a is not type(None)]
            if _is_null(node):
                return None
            return self.decode(node, inner[0], where)
        if dataclasses.is_dataclass(tp):
            return self.decode_struct(node, typing.cast(type, tp), where)
        if origin is list:
            (item_type,) = typing.get_args(tp)
            if _is_null(node):
                return []
            if item_type is spec.Inherit and isinstance(node, yaml.MappingNode):
                return [self.decode_fields(node, spec.Inherit, where)]  # the pre-0.151 single-map form
            if not isinstance(node, yaml.SequenceNode):
                raise self.fail(node, f"{where}: expected a list, got {_describe(node)}")
            return [self.decode(item, item_type, f"{where}[{i}]") for i, item in enumerate(node.value)]
        if origin is dict:
            _, value_type = typing.get_args(tp)
            if _is_null(node):
                return {}
            if not isinstance(node, yaml.MappingNode):
                raise self.fail(node, f"{where}: expected a map, got {_describe(node)}")
            self.constructor.flatten_mapping(node)
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = self.string_key(key_node, where)
                result[key] = self.decode(value_node, value_type, f"{where}.{key}")
            return result
        if tp is str:
            if _is_null(node):
                return ""
            if not isinstance(node, yaml.ScalarNode):
                raise self.fail(node, f"{where}: expected a string, got {_describe(node)}")
            return node.value
        if tp is bool:
            value = None if not isinstance(node, yaml.ScalarNode) else self.scalar(node)
            if _is_null(node):
                return False
            if not isinstance(value, bool):
                raise self.fail(node, f"{where}: expected true or false, got {_describe(node)}")
            return value
        if tp is int:
            value = None if not isinstance(node, yaml.ScalarNode) else self.scalar(node)
            if _is_null(node):
                return 0
            if isinstance(value, float) and value.is_integer():
                return int(value)
            if not isinstance(value, int) or isinstance(value, bool):
                raise self.fail(node, f"{where}: expected an integer, got {_describe(node)}")
            return value
        raise TypeError(f"unsupported spec type {tp!r}")  # a bug in spec.py, not bad input

    def sub_helmfile(self, node: yaml.Node, where: str) -> spec.SubHelmfileSpec:
        """`helmfiles:` entries are a path, or a map with path, selectors and values."""
        if isinstance(node, yaml.ScalarNode):
            return spec.SubHelmfileSpec(path=node.value)
        sub: spec.SubHelmfileSpec = self.decode_fields(node, spec.SubHelmfileSpec, where)
        if sub.selectors is not None and not sub.path:
            raise self.fail(node, f"{where}: found 'selectors' definition without path: {sub.selectors}")
        if sub.selectors_inherited and sub.selectors:
            raise self.fail(node, f"{where}: 'selectorsInherited: true' cannot be used with explicit selectors")
        return sub

    def string_key(self, key_node: yaml.Node, where: str) -> str:
        key = self.scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
        if not isinstance(key, str):
            raise self.fail(key_node, f"{where}: keys must be strings, got {_describe(key_node)}")
        return key

    def decode_struct(self, node: yaml.Node, cls: type, where: str) -> Any:
        if cls is spec.SubHelmfileSpec:
            return self.sub_helmfile(node, where)
        return self.decode_fields(node, cls, where)

    def decode_fields(self, node: yaml.Node, cls: type, where: str) -> Any:
        if _is_null(node):
            return cls()
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{where or 'document'}: expected a map, got {_describe(node)}")
        self.constructor.flatten_mapping(node)
        known = _fields(cls)
        values: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self.string_key(key_node, where)
            if key not in known:
                if not self.strict:
                    continue
                raise self.fail(key_node, _unknown_key(key, known, where))
            attr, tp = known[key]
            values[attr] = self.decode(value_node, tp, f"{where}.{key}" if where else key)
        return cls(**values)


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a map"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return repr(node.value)


def _unknown_key(key: str, known: dict[str, Any], where: str) -> str:
    import difflib

    place = f" in {where}" if where else ""
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    hint = f' (did you mean "{close[0]}"?)' if close else ""
    return f'unknown field "{key}"{place}{hint}'


def compose_documents(text: str, path: str) -> list[yaml.Node]:
    """The YAML documents of text as nodes; a syntax error becomes a ConfigError at file:line."""
    try:
        return [node for node in yaml.compose_all(text, Loader=typing.cast(Any, goyaml.GoLoader)) if node is not None]
    except yaml.YAMLError as exc:
        raise ConfigError(goyaml.error_message(exc), path=path, line=goyaml.error_line(exc)) from None


def check_duplicate_keys(node: yaml.Node, path: str) -> None:
    """yaml.v2's strict mode: a key set twice in one mapping, also through `<<` merges, is an error."""
    constructor = goyaml.GoConstructor()
    seen_nodes: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen_nodes:
            continue
        seen_nodes.add(id(current))
        if isinstance(current, yaml.MappingNode):
            keys: set[Any] = set()
            for key_node, value_node in _effective_pairs(current):
                key = constructor.construct_object(key_node) if isinstance(key_node, yaml.ScalarNode) else id(key_node)
                if key in keys:
                    raise ConfigError(f"key {key!r} already set in map", path=path, line=key_node.start_mark.line + 1)
                keys.add(key)
                stack.append(value_node)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


def _effective_pairs(node: yaml.MappingNode) -> list[tuple[yaml.Node, yaml.Node]]:
    """The key/value pairs of a mapping in yaml.v2's order, with `<<` merges expanded in place."""
    pairs: list[tuple[yaml.Node, yaml.Node]] = []
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            for source in sources:
                if isinstance(source, yaml.MappingNode):
                    pairs.extend(_effective_pairs(source))
        else:
            pairs.append((key_node, value_node))
    return pairs


def decode(node: yaml.Node, cls: type[T], path: str, where: str = "", *, strict: bool = True) -> T:
    """Decode one node into spec class cls; errors name path:line. Not strict: unknown keys are ignored."""
    if strict:
        check_duplicate_keys(node, path)
    decoder = _Decoder(path, strict)
    return typing.cast(T, decoder.decode(node, cls, where))


def decode_documents(text: str, cls: type[T], path: str) -> list[T]:
    return [decode(node, cls, path) for node in compose_documents(text, path)]
