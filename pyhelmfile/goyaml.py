"""YAML read the way helmfile 0.166.0 reads it (gopkg.in/yaml.v2), into Go-typed Python values.

Templates see the values' types (`int` vs `float64`, strings vs booleans), so plain
YAML 1.1 as PyYAML resolves it is not good enough. yaml.v2's rules for an unquoted scalar:
- `~`, `null`, `Null`, `NULL` and the empty scalar are null;
- `y Y yes Yes YES on On ON true True TRUE` are true, the `n`/`no`/`off`/`false` forms false;
- after removing `_`, what Go's ParseInt(s, 0, 64) accepts is an int (`0x1F`, `0o17`,
  `0b101`, `0777` octal), else what matches `[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?`
  is a float (so `1e3` is a float and `08` is the float 8), `.inf`/`.nan` forms are floats;
- everything else, timestamps and `1:30` included, is a string.

Mappings load as `LineDict`, a dict that remembers the line of each key, so that callers
can point errors at file:line.
"""

from __future__ import annotations

import math
import re
import typing
from collections.abc import Iterator
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

YAMLError = yaml.YAMLError

_NUMBER_TAG = "tag:pyhelmfile,2024:number"

_BOOL = re.compile(r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$")
_TRUE = frozenset(["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"])
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_NUMBER_START = "-+.0123456789"
_NUMBER = re.compile(r"^[-+]?[.0-9]")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_SPECIAL_FLOATS = {
    ".inf": math.inf,
    ".Inf": math.inf,
    ".INF": math.inf,
    "+.inf": math.inf,
    "+.Inf": math.inf,
    "+.INF": math.inf,
    "-.inf": -math.inf,
    "-.Inf": -math.inf,
    "-.INF": -math.inf,
    ".nan": math.nan,
    ".NaN": math.nan,
    ".NAN": math.nan,
}
_INT64_MIN, _UINT64_MAX = -(1 << 63), (1 << 64) - 1
_GO_INT = re.compile(r"^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$")


class LineDict(dict[Any, Any]):
    """A mapping from YAML that knows the line (1-based) of itself and of each key."""

    line: int = 0
    key_lines: dict[Any, int]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key_lines = {}

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


def parse_go_int(text: str) -> int | None:
    """strconv.ParseInt/ParseUint(text, 0, 64) after yaml.v2 removed underscores; None if not an int."""
    plain = text.replace("_", "")
    if not _GO_INT.match(plain):
        return None
    sign = -1 if plain.startswith("-") else 1
    digits = plain.lstrip("+-")
    prefix = digits[:2].lower()
    if prefix == "0x":
        value = int(digits[2:], 16)
    elif prefix == "0o":
        value = int(digits[2:], 8)
    elif prefix == "0b":
        value = int(digits[2:], 2)
    elif len(digits) > 1 and digits.startswith("0"):
        value = int(digits[1:], 8)
    else:
        value = int(digits)
    value *= sign
    if _INT64_MIN <= value <= _UINT64_MAX:
        return value
    return None


def resolve_number(text: str) -> int | float | str:
    """The value yaml.v2 gives an unquoted scalar that starts like a number."""
    if text in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[text]
    as_int = parse_go_int(text)
    if as_int is not None:
        return as_int
    plain = text.replace("_", "")
    if _FLOAT.match(plain):
        try:
            return float(plain)
        except ValueError:  # pragma: no cover - the regex only admits valid floats
            pass
    return text


class GoResolver(BaseResolver):
    """yaml.v2's implicit typing; no timestamps, no `=` value, no sexagesimal numbers."""


GoResolver.yaml_implicit_resolvers = {}
GoResolver.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL, list("yYnNtTfFoO"))
GoResolver.add_implicit_resolver("tag:yaml.org,2002:null", _NULL, ["~", "n", "N", ""])
GoResolver.add_implicit_resolver(_NUMBER_TAG, _NUMBER, list(_NUMBER_START))
GoResolver.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^<<$"), ["<"])


class GoConstructor(SafeConstructor):
    def construct_go_bool(self, node: yaml.ScalarNode) -> bool:
        return str(self.construct_scalar(node)) in _TRUE

    def construct_go_number(self, node: yaml.ScalarNode) -> int | float | str:
        return resolve_number(str(self.construct_scalar(node)))

    def construct_go_int(self, node: yaml.ScalarNode) -> int:
        value = parse_go_int(str(self.construct_scalar(node)))
        if value is None:
            raise ConstructorError(None, None, f"cannot decode {node.value!r} as an int", node.start_mark)
        return value

    def construct_go_mapping(self, node: yaml.MappingNode) -> Iterator[LineDict]:
        data = LineDict()
        data.line = node.start_mark.line + 1
        yield data
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=False)
            try:
                hash(key)
            except TypeError:
                raise ConstructorError(
                    "while constructing a mapping", node.start_mark, "found unhashable key", key_node.start_mark
                ) from None
            data[key] = self.construct_object(value_node, deep=True)
            data.key_lines[key] = key_node.start_mark.line + 1


for _tag, _construct in (
    ("tag:yaml.org,2002:bool", GoConstructor.construct_go_bool),
    (_NUMBER_TAG, GoConstructor.construct_go_number),
    ("tag:yaml.org,2002:int", GoConstructor.construct_go_int),
    ("tag:yaml.org,2002:map", GoConstructor.construct_go_mapping),
    # yaml.v2 leaves timestamps as strings when decoding into interface{}.
    ("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str),
):
    GoConstructor.add_constructor(_tag, _construct)  # type: ignore[type-var]

if getattr(yaml, "__with_libyaml__", False):  # libyaml's C parser is several times faster
    from yaml.cyaml import CParser  # type: ignore[attr-defined]

    class GoLoader(CParser, GoConstructor, GoResolver):
        def __init__(self, stream: str | bytes) -> None:
            CParser.__init__(self, stream)
            GoConstructor.__init__(self)
            GoResolver.__init__(self)

else:  # pragma: no cover - depends on how PyYAML was built

    class GoLoader(Reader, Scanner, Parser, Composer, GoConstructor, GoResolver):  # type: ignore[no-redef]
        def __init__(self, stream: str | bytes) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)
            GoConstructor.__init__(self)
            GoResolver.__init__(self)


def load(text: str | bytes) -> Any:
    """One YAML document as yaml.v2 would decode it into interface{} (None for an empty one)."""
    return yaml.load(text, Loader=typing.cast(Any, GoLoader))


def load_all(text: str | bytes) -> list[Any]:
    return list(yaml.load_all(text, Loader=typing.cast(Any, GoLoader)))


def error_line(exc: yaml.YAMLError) -> int | None:
    """The 1-based line a PyYAML error points at, if any."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return mark.line + 1 if mark is not None else None


def error_message(exc: yaml.YAMLError) -> str:
    """PyYAML's error as one line, without its multi-line source excerpt."""
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    parts = [p for p in (context, problem) if p]
    return ": ".join(parts) if parts else str(exc).splitlines()[0]


# --- writing: yaml.v2's Marshal ---------------------------------------------------------------

_STR_TAG = "tag:yaml.org,2002:str"
_BASE60 = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
_TIMESTAMP = re.compile(
    r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    r"(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::?[0-9]{2})?))?)?$"
)


def plain_tag(text: str) -> str:
    """The tag yaml.v2's resolve() gives an unquoted scalar (timestamps count as timestamps)."""
    if _NULL.match(text):
        return "tag:yaml.org,2002:null"
    if _BOOL.match(text):
        return "tag:yaml.org,2002:bool"
    if text == "<<":
        return "tag:yaml.org,2002:merge"
    if text and text[0] in _NUMBER_START:
        value = resolve_number(text)
        if isinstance(value, int):
            return "tag:yaml.org,2002:int"
        if isinstance(value, float):
            return "tag:yaml.org,2002:float"
        if _TIMESTAMP.match(text):
            return "tag:yaml.org,2002:timestamp"
    return _STR_TAG


def natural_less(a: Any, b: Any) -> bool:
    """yaml.v2's keyList.Less: numbers before strings, and strings compared with digit runs as numbers."""
    a_num = isinstance(a, (int, float)) and not isinstance(a, bool)
    b_num = isinstance(b, (int, float)) and not isinstance(b, bool)
    if a_num and b_num:
        return bool(a < b)
    if not (isinstance(a, str) and isinstance(b, str)):
        return _kind_rank(a) < _kind_rank(b)
    for i in range(min(len(a), len(b))):
        if a[i] == b[i]:
            continue
        al, bl = a[i].isalpha(), b[i].isalpha()
        if al and bl:
            return a[i] < b[i]
        if al or bl:
            return bl
        an = bn = 0
        if a[i] == "0" or b[i] == "0":
            j = i - 1
            while j >= 0 and a[j].isdigit():
                if a[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(a) and a[ai].isdigit():
            an = an * 10 + int(a[ai])
            ai += 1
        bi = i
        while bi < len(b) and b[bi].isdigit():
            bn = bn * 10 + int(b[bi])
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return a[i] < b[i]
    return len(a) < len(b)


def _kind_rank(value: Any) -> int:
    """reflect.Kind order for keys of different kinds (Bool < Int < Float64 < String)."""
    if isinstance(value, bool):
        return 1
    if isinstance(value, int):
        return 2
    if isinstance(value, float):
        return 14
    if isinstance(value, str):
        return 24
    return 30


def sorted_keys(mapping: dict[Any, Any]) -> list[Any]:
    import functools

    return sorted(mapping, key=functools.cmp_to_key(lambda x, y: -1 if natural_less(x, y) else 1))


class Struct(dict[str, Any]):
    """A mapping written in insertion order, as yaml.v2 writes a Go struct's fields."""


class _GoDumpResolver(BaseResolver):
    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode and implicit[0]:
            return plain_tag(value)
        return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]


class _GoRepresenter(yaml.representer.SafeRepresenter):
    def represent_go_str(self, data: str) -> yaml.ScalarNode:
        if "\n" in data:
            style: str | None = "|"
        elif plain_tag(data) == _STR_TAG and not _BASE60.match(data):
            style = None  # plain, or single-quoted where the emitter cannot write it plain
        else:
            style = '"'
        return self.represent_scalar(_STR_TAG, data, style=style)

    def represent_go_scalar(self, data: Any) -> yaml.ScalarNode:
        if data is None:
            text = "null"
        elif isinstance(data, bool):
            text = "true" if data else "false"
        elif isinstance(data, int):
            text = str(data)
        else:
            text = _format_yaml_float(data)
        return self.represent_scalar(plain_tag(text), text)

    def represent_go_struct(self, data: Struct) -> yaml.MappingNode:
        return self.represent_mapping("tag:yaml.org,2002:map", list(data.items()))

    def represent_go_map(self, data: dict[Any, Any]) -> yaml.MappingNode:
        return self.represent_mapping("tag:yaml.org,2002:map", [(k, data[k]) for k in sorted_keys(data)])


def _format_yaml_float(value: float) -> str:
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    from pyhelmfile.gotmpl.gofmt import format_float

    return format_float(value, "g", -1)


_GoRepresenter.add_representer(str, _GoRepresenter.represent_go_str)
for _scalar_type in (type(None), bool, int, float):
    _GoRepresenter.add_representer(_scalar_type, _GoRepresenter.represent_go_scalar)
_GoRepresenter.add_representer(dict, _GoRepresenter.represent_go_map)
_GoRepresenter.add_representer(LineDict, _GoRepresenter.represent_go_map)
_GoRepresenter.add_representer(Struct, _GoRepresenter.represent_go_struct)


class _GoDumper(yaml.emitter.Emitter, yaml.serializer.Serializer, _GoRepresenter, _GoDumpResolver):
    def __init__(self, stream: Any, **_ignored: Any) -> None:
        yaml.emitter.Emitter.__init__(self, stream, indent=2, width=80, allow_unicode=True)
        yaml.serializer.Serializer.__init__(self)
        _GoRepresenter.__init__(self, default_flow_style=False, sort_keys=False)
        _GoDumpResolver.__init__(self)


def dump(value: Any) -> str:
    """yaml.v2's Marshal(value): what helmfile's toYaml and its state/values output write."""
    text: str = yaml.dump(value, Dumper=typing.cast(Any, _GoDumper))
    if text.endswith("\n...\n"):  # PyYAML ends a lone plain scalar document explicitly; yaml.v2 does not
        text = text[: -len("...\n")]
    return text
