"""Change scalar values in a YAML file in place, leaving every other byte as it was.

The file is parsed (PyYAML's composer, which records where each node starts and ends in the
text), the nodes to change are found by path, and only their text is replaced. Comments,
key order, indentation, blank lines, other quoting, anchors and line endings are untouched,
which a load-and-dump round trip cannot promise. The new value keeps the old one's quoting:
`"..."` stays double-quoted, `'...'` single-quoted, and a plain value stays plain unless
the new text would then read as something other than a string (a number, a bool such as
`y`, null, ...), in which case it is double-quoted. After the edit the text is parsed again
and compared with what was intended, so a splice can never silently change anything else.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from pyhelmfile.errors import ConfigError

PathPart = str | int

# YAML 1.2 core schema non-strings (Go's yaml.v3 reads these), on top of PyYAML's YAML 1.1.
_CORE_NON_STRING = re.compile(
    r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"
    r"|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?"
    r"|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)"
    r"|true|True|TRUE|false|False|FALSE|null|Null|NULL|~"
)
# YAML 1.1 booleans that PyYAML does not know but Go's yaml.v2 does.
_YAML11_EXTRA = {"y", "Y", "n", "N"}
_PLAIN_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/+@-]*")


def plain_is_string(value: str) -> bool:
    """Whether `value` written plain (unquoted) is read back as this same string everywhere."""
    if not _PLAIN_SAFE.fullmatch(value) or value in _YAML11_EXTRA or _CORE_NON_STRING.fullmatch(value):
        return False
    try:
        return bool(yaml.safe_load(value) == value)
    except yaml.YAMLError:
        return False


def render(value: str, style: str | None) -> str:
    """`value` as a scalar in the given quoting style (None = plain when that is safe)."""
    if style == "'":
        return "'" + value.replace("'", "''") + "'"
    if style == '"' or not plain_is_string(value):
        return json.dumps(value, ensure_ascii=False)
    return value


@dataclass(frozen=True)
class Edit:
    path: tuple[PathPart, ...]
    value: str


def _compose(text: str, source: str) -> yaml.Node:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError("not valid YAML", path=source, line=(mark.line + 1) if mark else None) from None
    if node is None:
        raise ConfigError("empty YAML document", path=source)
    return node


def _child(node: yaml.Node, part: PathPart) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode) and isinstance(part, str):
        found = None
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == part:
                found = value  # the last duplicate key wins, as in a load
        return found
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int):
        return node.value[part] if 0 <= part < len(node.value) else None
    return None


def find(node: yaml.Node, path: Sequence[PathPart]) -> yaml.Node | None:
    for part in path:
        child = _child(node, part)
        if child is None:
            return None
        node = child
    return node


def dotted(path: Sequence[PathPart]) -> str:
    return ".".join(f"[{p}]" if isinstance(p, int) else p for p in path).replace(".[", "[")


def load(text: str, source: str) -> tuple[yaml.Node, Any]:
    """The composed node tree (for finding) and the loaded data (for checking)."""
    node = _compose(text, source)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        raise ConfigError("not valid YAML", path=source) from None
    return node, data


def _set_in(data: Any, path: Sequence[PathPart], value: str) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def apply(text: str, edits: Sequence[Edit], *, source: str) -> str:
    """`text` with each edit's scalar replaced; ConfigError when a path is missing or not a scalar."""
    root, expected = load(text, source)
    spans: list[tuple[int, int, str]] = []
    for edit in edits:
        node = find(root, edit.path)
        if node is None:
            raise ConfigError(f"{dotted(edit.path)} not found", path=source)
        if not isinstance(node, yaml.ScalarNode):
            raise ConfigError(f"{dotted(edit.path)} is not a single value", path=source)
        if node.style in ("|", ">"):
            raise ConfigError(f"{dotted(edit.path)} is a block scalar; edit it by hand", path=source)
        start, end = node.start_mark.index, node.end_mark.index
        if "\n" in text[start:end]:
            raise ConfigError(f"{dotted(edit.path)} spans several lines; edit it by hand", path=source)
        new = render(edit.value, node.style)
        if start == end and start > 0 and text[start - 1] == ":":
            new = " " + new  # `key:` with no value
        spans.append((start, end, new))
        _set_in(expected, edit.path, edit.value)
    out = text
    for start, end, new in sorted(set(spans), reverse=True):
        out = out[:start] + new + out[end:]
    try:
        got = yaml.safe_load(out)
    except yaml.YAMLError:
        got = None
    if got != expected:
        raise ConfigError("could not change it in place (anchors or aliases?); edit it by hand", path=source)
    return out
