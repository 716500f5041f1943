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

Writing (`dump`) is yaml.v2's Marshal: yaml.v2's emitter is a port of libyaml, as is PyYAML's,
so PyYAML does the layout (2-space indent, unindented block lists, folding at 80 columns,
literal blocks for multi-line strings) with libyaml's double-quoted folding and simple-key
rules restored; how each scalar looks is decided here as yaml.v2 decides it (a string is
double-quoted when, written plain, it would read back as something else), and map keys are
ordered with yaml.v2's digit-aware comparison. `Struct` keeps a Go struct's field order.

Long because: loading and dumping share yaml.v2's scalar rules; split, each half would need the other's.
"""

from __future__ import annotations

import functools
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

from pyhelmfile.golang.strconv import parse_go_float, parse_go_int

YAMLError = yaml.YAMLError

_NUMBER_TAG = "tag:pyhelmfile,2024:number"
STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"

_NUMBER_START = "-+.0123456789"
_NUMBER = re.compile(r"^[-+]?[.0-9]")
_BOOLS = {
    **dict.fromkeys(["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"], True),
    **dict.fromkeys(["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"], False),
}
_NULLS = frozenset(["", "~", "null", "Null", "NULL"])
# The resolver's patterns are the tables above, written as regexes.
_BOOL = re.compile("^(?:" + "|".join(map(re.escape, _BOOLS)) + ")$")
_NULL = re.compile("^(?:" + "|".join(map(re.escape, sorted(_NULLS))) + ")$")
_SPECIAL_FLOATS = {
    **dict.fromkeys([".nan", ".NaN", ".NAN"], math.nan),
    **dict.fromkeys([".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"], math.inf),
    **dict.fromkeys(["-.inf", "-.Inf", "-.INF"], -math.inf),
}
# Patterns used through re's own cache (compiled on first use, not at start-up).
_YAML_FLOAT = r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?"
_BASE60 = r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?"
_TIMESTAMP = (
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    r"(?:(?:[Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]{1,9})?(?:Z|[+-][0-9]{2}:[0-9]{2}))"
    r"|(?: [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]{1,9})?))?"
)
_UNRESOLVED = object()


def _timestamp_ok(s: str) -> bool:
    """yaml.v2's parseTimestamp: time.Parse with its four layouts (field ranges are checked)."""
    if len(s) < 8 or s[4] != "-" or not re.fullmatch(_TIMESTAMP, s):  # the shortest is Y-M-D: `2024-1-2`
        return False
    nums = [int(x) for x in re.findall(r"[0-9]+", s)[:6]]
    y, mo, d = nums[:3]
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return False
    import calendar  # rarely needed: not imported at start-up

    if d > calendar.monthrange(y, mo)[1]:
        return False
    if len(nums) >= 6:
        h, mi, sec = nums[3:6]
        if h > 23 or mi > 59 or sec > 59:
            return False
    return True


def _parse_uint64(s: str) -> int | None:
    """strconv.ParseUint(s, 0, 64) for values beyond int64 (no sign allowed)."""
    if not s or s[0] in "+-":
        return None
    negative = parse_go_int("-" + s)  # Go's syntax check; exact for magnitudes up to 2**63
    if negative is not None:
        value = -negative
    else:
        try:
            value = int(s, 8) if len(s) > 1 and s[0] == "0" and s[1].isdigit() else int(s, 0)
        except ValueError:
            return None
    return value if (1 << 63) <= value < (1 << 64) else None


def resolve_plain(s: str) -> Any:
    """The value yaml.v2 gives a plain scalar; `_UNRESOLVED` means it stays a string."""
    hint = s[0] if s else ""
    if s in _NULLS:
        return None
    if s in _BOOLS:
        return _BOOLS[s]
    if s in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[s]
    if s == "<<":
        return _UNRESOLVED
    if hint == ".":
        f = parse_go_float(s)
        return _UNRESOLVED if f is None else f
    if hint and (hint in "+-" or hint.isdigit()):
        if _timestamp_ok(s):
            return _UNRESOLVED  # a time.Time, which yaml.v2 hands to interface{} as the string
        plain = s.replace("_", "")
        n = parse_go_int(plain)
        if n is not None:
            return n
        u = _parse_uint64(plain)
        if u is not None:
            return u
        if re.fullmatch(_YAML_FLOAT, plain):
            f = parse_go_float(plain)
            if f is not None:
                return f
        if plain.startswith(("0b", "-0b")):
            digits = plain.split("b", 1)[1]
            if digits and set(digits) <= {"0", "1"}:
                return int(plain.replace("0b", ""), 2)
    return _UNRESOLVED


def resolve_number(text: str) -> Any:
    """The value yaml.v2 gives an unquoted scalar that starts like a number (else the text)."""
    value = resolve_plain(text)
    return text if value is _UNRESOLVED else value


class LineDict(dict[Any, Any]):
    """A mapping from YAML that knows the line (1-based) of itself and of each key."""

    line: int = 0
    key_lines: dict[Any, int]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key_lines = {}

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class GoResolver(BaseResolver):
    """yaml.v2's implicit typing; no timestamps, no `=` value, no sexagesimal numbers."""


GoResolver.yaml_implicit_resolvers = {}
GoResolver.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL, list("yYnNtTfFoO"))
GoResolver.add_implicit_resolver("tag:yaml.org,2002:null", _NULL, ["~", "n", "N", ""])
GoResolver.add_implicit_resolver(_NUMBER_TAG, _NUMBER, list(_NUMBER_START))
GoResolver.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^<<$"), ["<"])


class GoConstructor(SafeConstructor):
    def construct_go_bool(self, node: yaml.ScalarNode) -> bool:
        return _BOOLS.get(str(self.construct_scalar(node)), False)

    def construct_go_number(self, node: yaml.ScalarNode) -> Any:
        return resolve_number(str(self.construct_scalar(node)))

    def construct_go_int(self, node: yaml.ScalarNode) -> int:
        value = parse_go_int(str(self.construct_scalar(node)).replace("_", ""))
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


def load(text: str | bytes, *, string_keys_at_top: bool = False) -> Any:
    """One YAML document as yaml.v2 decodes it into interface{} (None for an empty one).

    With `string_keys_at_top`, it is Unmarshal into map[string]interface{} as helmfile's
    fromYaml and values loading do: each top-level key is its source text (`y`, `1`, `~`
    stay strings) while nested maps keep resolved keys.
    """
    loader = GoLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if string_keys_at_top and isinstance(node, yaml.MappingNode):
            loader.flatten_mapping(node)
            out = LineDict()
            out.line = node.start_mark.line + 1
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise ConstructorError(
                        None, None, "cannot unmarshal a collection into a string key", key_node.start_mark
                    )
                key = key_node.value
                if not key_node.style and resolve_plain(key) is None:
                    key = ""  # a null decoded into a string
                out[key] = loader.construct_object(value_node, deep=True)
                out.key_lines[key] = key_node.start_mark.line + 1
            return out
        return loader.construct_document(node)
    finally:
        loader.dispose()


class NotPlain(Exception):
    """load_plain met something it leaves to `load` (explicit tags, merge keys, non-scalar keys)."""


_PLAIN_TAG = "tag:pyhelmfile,2024:plain"
_RESOLVED_START = frozenset("yYnNtTfFoO~<" + _NUMBER_START)  # GoResolver's first characters


def _plain_scalar(value: str, floats: typing.Callable[[float], Any] | None) -> Any:
    """What GoResolver then GoConstructor make of a plain scalar (the resolvers' order: bool, null, number)."""
    if value and value[0] not in _RESOLVED_START:
        return value  # no implicit resolver is registered for its first character
    if _BOOL.match(value):
        return _BOOLS.get(value, False)
    if _NULL.match(value):
        return None
    if _NUMBER.match(value):
        number = resolve_number(value)
        return floats(number) if floats is not None and isinstance(number, float) else number
    if value == "<<":
        raise NotPlain("merge key")
    return value


def _plain(node: yaml.Node, floats: typing.Callable[[float], Any] | None) -> Any:
    cls, tag = node.__class__, node.tag
    if cls is yaml.ScalarNode:
        if tag == _PLAIN_TAG:
            return _plain_scalar(node.value, floats)
        if tag == STR_TAG:
            return node.value
    elif cls is yaml.MappingNode and tag == _MAP_TAG:
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is not yaml.ScalarNode or key_node.tag not in (_PLAIN_TAG, STR_TAG):
                raise NotPlain("key")
            key = _plain_scalar(key_node.value, floats) if key_node.tag == _PLAIN_TAG else key_node.value
            out[key] = _plain(value_node, floats)
        return out
    elif cls is yaml.SequenceNode and tag == _SEQ_TAG:
        return [_plain(item, floats) for item in node.value]
    raise NotPlain(tag)


if getattr(yaml, "__with_libyaml__", False):

    class _PlainComposer(CParser):
        """libyaml's composer with a resolver that only marks plain scalars (typed by _plain_scalar)."""

        def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
            if kind is yaml.ScalarNode:
                return _PLAIN_TAG if implicit[0] else STR_TAG
            return _SEQ_TAG if kind is yaml.SequenceNode else _MAP_TAG

        def descend_resolver(self, *args: Any) -> None:
            pass

        def ascend_resolver(self, *args: Any) -> None:
            pass


def load_plain(text: str, *, floats: typing.Callable[[float], Any] | None = None) -> Any:
    """`load` into plain dicts and lists (no lines), a few times faster; `floats` maps each float.

    Only untagged documents of scalars, mappings with scalar keys and sequences are read here;
    anything else (explicit tags, `<<` merge keys) raises NotPlain, and a YAML error is PyYAML's:
    callers then use `load`, which gives the value or the error message as always. Aliases are
    read as copies, as a deep copy of `load`'s value would be.
    """
    if not getattr(yaml, "__with_libyaml__", False):  # pragma: no cover - depends on how PyYAML was built
        raise NotPlain("no libyaml")
    composer = _PlainComposer(text)
    try:
        node = composer.get_single_node()
        return None if node is None else _plain(node, floats)
    except RecursionError:
        raise NotPlain("recursive") from None
    finally:
        composer.dispose()


def load_all(text: str | bytes) -> list[Any]:
    return list(yaml.load_all(text, Loader=typing.cast(Any, GoLoader)))


def non_string_key(value: Any) -> Any:
    """The first map key (at any depth) that is not a string, or None: helmfile rejects them."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, child in item.items():
                if not isinstance(key, str):
                    return key
                stack.append(child)
        elif isinstance(item, list):
            stack.extend(item)
    return None


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


def _needs_quotes(s: str) -> bool:
    """yaml.v2 stringv: quote when the plain form would not read back as this string."""
    if resolve_plain(s) is not _UNRESOLVED or re.fullmatch(_BASE60, s):
        return True
    return bool(s[:1].isdigit() and _timestamp_ok(s))


# --- writing -------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """No implicit resolvers: every scalar we emit is already text in the style we chose."""

    def check_simple_key(self) -> bool:
        # libyaml (and so yaml.v2) writes an empty scalar as a simple key (`"": 1`); PyYAML
        # would fall back to the complex `? ""` form.
        event = self.event
        if isinstance(event, yaml.ScalarEvent) and event.value == "":
            return True
        return bool(super().check_simple_key())

    def write_double_quoted(self, text: str, split: bool = True) -> None:
        """libyaml's double-quoted writer, as yaml.v2 has it.

        PyYAML folds long double-quoted scalars with a `\\` line continuation; libyaml breaks
        at a single space (which the line break then stands for) and only escapes a second one.
        """
        self.write_indicator('"', True)
        spaces = False
        i = 0
        n = len(text)
        while i < n:
            ch = text[i]
            code = ord(ch)
            printable = ch == "\n" or 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
            if not printable or ch in '"\\\x85\u2028\u2029\ufeff\n\r':
                esc = self.ESCAPE_REPLACEMENTS.get(ch)
                if esc is None or ch == "\xa0":
                    if code <= 0xFF:
                        esc = f"x{code:02X}"
                    elif code <= 0xFFFF:
                        esc = f"u{code:04X}"
                    else:
                        esc = f"U{code:08X}"
                self._put("\\" + esc)
                spaces = False
            elif ch == " ":
                if split and not spaces and self.column > self.best_width and 0 < i < n - 1:
                    self.write_indent()
                    if text[i + 1] == " ":
                        self._put("\\")
                else:
                    self._put(" ")
                spaces = True
            else:
                self._put(ch)
                spaces = False
            i += 1
        self.write_indicator('"', False)

    def _put(self, data: str) -> None:
        self.column += len(data)
        self.stream.write(data.encode(self.encoding) if self.encoding else data)

    def analyze_scalar(self, scalar: str) -> Any:
        # libyaml's printable set stops at U+FFFD and leaves out NEL: such text is escaped in
        # double quotes by yaml.v2 (`"emoji\U0001F600"`), where PyYAML would write it plain.
        analysis = super().analyze_scalar(scalar)
        if any(ch == "\x85" or ord(ch) > 0xFFFD for ch in scalar):
            analysis.allow_flow_plain = analysis.allow_block_plain = False
            analysis.allow_single_quoted = analysis.allow_block = False
        return analysis


_Dumper.yaml_implicit_resolvers = {}


def _key_less(a: str, b: str) -> bool:
    """yaml.v2 keyList.Less for two string keys: letters before digits, digit runs numerically."""
    for i in range(min(len(a), len(b))):
        ca, cb = a[i], b[i]
        if ca == cb:
            continue
        al, bl = ca.isalpha(), cb.isalpha()
        if al and bl:
            return ca < cb
        if al or bl:
            return bl
        an = bn = 0
        if ca == "0" or cb == "0":
            j = i - 1
            while j >= 0 and a[j].isdigit():
                if a[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(a) and a[ai].isdigit():
            an = an * 10 + (ord(a[ai]) - 48)
            ai += 1
        bi = i
        while bi < len(b) and b[bi].isdigit():
            bn = bn * 10 + (ord(b[bi]) - 48)
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return ca < cb
    return len(a) < len(b)


def _key_rank(k: Any) -> tuple[int, Any]:
    if isinstance(k, bool):
        return (0, float(k))
    if isinstance(k, int | float):
        return (0, float(k))
    return (1, k)


def _compare_keys(a: Any, b: Any) -> int:
    ra, rb = _key_rank(a), _key_rank(b)
    if ra[0] != rb[0]:
        return -1 if ra[0] < rb[0] else 1
    if ra[0] == 0:
        return -1 if ra[1] < rb[1] else (1 if ra[1] > rb[1] else 0)
    if not isinstance(a, str) or not isinstance(b, str):
        return 0
    if _key_less(a, b):
        return -1
    return 1 if _key_less(b, a) else 0


def _scalar_text(v: Any) -> str:
    from pyhelmfile.golang.strconv import format_float

    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return ".nan"
        if math.isinf(v):
            return ".inf" if v > 0 else "-.inf"
        return str(format_float(v, "g", -1))
    return str(v)


class Struct(dict[str, Any]):
    """A mapping written in insertion order, as yaml.v2 writes a Go struct's fields."""


def _node(v: Any) -> yaml.Node:
    if isinstance(v, Struct):
        return yaml.MappingNode(_MAP_TAG, [(_node(k), _node(x)) for k, x in v.items()], flow_style=False)
    if isinstance(v, dict):
        keys = sorted(v.keys(), key=functools.cmp_to_key(_compare_keys))
        return yaml.MappingNode(_MAP_TAG, [(_node(k), _node(v[k])) for k in keys], flow_style=False)
    if isinstance(v, list | tuple):
        return yaml.SequenceNode(_SEQ_TAG, [_node(x) for x in v], flow_style=False)
    if isinstance(v, str):
        if "\n" in v:
            style: str | None = "|"
        elif _needs_quotes(v):
            style = '"'
        else:
            style = None
        return yaml.ScalarNode(STR_TAG, v, style=style)
    to_yaml = getattr(v, "go_yaml", None)
    if to_yaml is not None:
        # yaml.v2 writes a time.Time (RFC 3339) as a plain scalar, never quoted
        return yaml.ScalarNode(STR_TAG, str(to_yaml()), style=None)
    return yaml.ScalarNode(STR_TAG, _scalar_text(v), style=None)


if getattr(yaml, "__with_libyaml__", False):
    from yaml.cyaml import CDumper

    class _CDumper(CDumper):
        """libyaml itself, which yaml.v2's emitter is a port of; about 4x faster than _Dumper."""

    _CDumper.yaml_implicit_resolvers = {}
    _EMITTER: type = _CDumper
else:  # pragma: no cover - depends on how PyYAML was built
    _EMITTER = _Dumper


def dump(v: Any) -> str:
    """yaml.v2 Marshal."""
    text: str = yaml.serialize(_node(v), Dumper=_EMITTER, allow_unicode=True, width=80, indent=2)
    # libyaml ends an open-ended document (a plain root scalar, a `|+` block last) with an
    # explicit `...`; yaml.v2 never writes one.
    if text.endswith("\n...\n"):
        text = text[: -len("...\n")]
    return text
