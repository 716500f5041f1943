"""sprig's string functions (strings.go plus the goutils/xstrings helpers it wraps).

Go strings are byte strings: `trunc`, `substr` and `abbrev` count UTF-8 bytes, so they work on
the encoded text here and decode what they cut (a split rune becomes U+FFFD, as Go prints it).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from pyhelmfile.gotmpl.funcs._conv import as_int, as_str, go_quote, go_str, is_list
from pyhelmfile.gotmpl.funcs._errors import FuncError

# unicode.IsSpace: Python's str.isspace() also accepts \x1c-\x1f, which Go does not.
GO_SPACE = frozenset(
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
_GO_SPACE_STR = "".join(sorted(GO_SPACE))


def _bytes_to_str(b: bytes) -> str:
    return b.decode("utf-8", errors="replace")


def _upper(s: str) -> str:
    # Go maps rune by rune (simple case mapping): "ß" stays "ß", Python would give "SS".
    return "".join(u if len(u := c.upper()) == 1 else c for c in s)


def _lower(s: str) -> str:
    return "".join(low if len(low := c.lower()) == 1 else c for c in s)


def _title_case(c: str) -> str:
    t = c.title()
    return t if len(t) == 1 else c


def trim(s: Any) -> str:
    return as_str(s).strip(_GO_SPACE_STR)


def upper(s: Any) -> str:
    return _upper(as_str(s))


def lower(s: Any) -> str:
    return _lower(as_str(s))


def _is_separator(c: str) -> bool:
    """strings.Title's word boundary rule."""
    if c.isascii():
        return not (c.isalnum() or c == "_")
    if c.isalpha() or c.isdigit():
        return False
    return c in GO_SPACE


def title(s: Any) -> str:
    prev = " "
    out = []
    for c in as_str(s):
        out.append(_title_case(c) if _is_separator(prev) else c)
        prev = c
    return "".join(out)


def untitle(s: Any) -> str:
    """goutils.Uncapitalize: lower-case the first letter of each space-separated word."""
    out = []
    nxt = True
    for c in as_str(s):
        if c in GO_SPACE:
            nxt = True
            out.append(c)
        elif nxt:
            out.append(_lower(c))
            nxt = False
        else:
            out.append(c)
    return "".join(out)


def substr(start: Any, end: Any, s: Any) -> str:
    start, end, b = as_int(start), as_int(end), as_str(s).encode()
    if start < 0:
        if end < 0 or end > len(b):
            raise FuncError(f"runtime error: slice bounds out of range [:{end}] with length {len(b)}")
        return _bytes_to_str(b[:end])
    if end < 0 or end > len(b):
        if start > len(b):
            raise FuncError(f"runtime error: slice bounds out of range [{start}:{len(b)}]")
        return _bytes_to_str(b[start:])
    if start > end:
        raise FuncError(f"runtime error: slice bounds out of range [{start}:{end}]")
    return _bytes_to_str(b[start:end])


def repeat(count: Any, s: Any) -> str:
    n, text = as_int(count), as_str(s)
    if n < 0:
        raise FuncError("strings: negative Repeat count")
    return text * n


def trim_all(cutset: Any, s: Any) -> str:
    return as_str(s).strip(as_str(cutset))


def trim_suffix(suffix: Any, s: Any) -> str:
    return as_str(s).removesuffix(as_str(suffix))


def trim_prefix(prefix: Any, s: Any) -> str:
    return as_str(s).removeprefix(as_str(prefix))


def nospace(s: Any) -> str:
    return "".join(c for c in as_str(s) if c not in GO_SPACE)


def _abbreviate_full(s: str, offset: int, width: int) -> str:
    """goutils.AbbreviateFull (byte offsets); errors become "" as sprig ignores them."""
    if s == "":
        return ""
    b = s.encode()
    if width < 4:
        return ""
    if len(b) <= width:
        return s
    offset = min(offset, len(b))
    if len(b) - offset < width - 3:
        offset = len(b) - (width - 3)
    if offset <= 4:
        return _bytes_to_str(b[: width - 3]) + "..."
    if width < 7:
        return ""
    if offset + width - 3 < len(b):
        return "..." + _abbreviate_full(_bytes_to_str(b[offset:]), 0, width - 3)
    return "..." + _bytes_to_str(b[len(b) - (width - 3) :])


def abbrev(width: Any, s: Any) -> str:
    w, text = as_int(width), as_str(s)
    if w < 4:
        return text
    return _abbreviate_full(text, 0, w)


def abbrevboth(left: Any, right: Any, s: Any) -> str:
    lo, hi, text = as_int(left), as_int(right), as_str(s)
    if hi < 4 or (lo > 0 and hi < 7):
        return text
    return _abbreviate_full(text, lo, hi)


def initials(s: Any) -> str:
    out = []
    gap = True
    for c in as_str(s):
        if c in GO_SPACE:
            gap = True
        elif gap:
            out.append(c)
            gap = False
    return "".join(out)


def _random(count: Any, alphabet: str) -> str:
    import secrets

    n = as_int(count)
    if n <= 0:  # goutils reports an error for n < 0, which sprig drops
        return ""
    return "".join(secrets.choice(alphabet) for _ in range(n))


# string.ascii_letters and string.digits (the `string` module compiles a regex at import)
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_DIGITS = "0123456789"


# goutils.CryptoRandom draws code points in [' ', 'z'] and keeps letters/digits: ASCII only.
def rand_alpha_num(count: Any) -> str:
    return _random(count, _LETTERS + _DIGITS)


def rand_alpha(count: Any) -> str:
    return _random(count, _LETTERS)


def rand_ascii(count: Any) -> str:
    return _random(count, "".join(chr(c) for c in range(32, 127)))


def rand_numeric(count: Any) -> str:
    return _random(count, _DIGITS)


def swapcase(s: Any) -> str:
    """goutils.SwapCase: lower-case letters after whitespace become title case."""
    out = []
    ws = True
    for c in as_str(s):
        if c.isupper() or unicodedata.category(c) == "Lt":
            out.append(_lower(c))
            ws = False
        elif c.islower():
            out.append(_title_case(c) if ws else _upper(c))
            ws = False
        else:
            out.append(c)
            ws = c in GO_SPACE
    return "".join(out)


def shuffle(s: Any) -> str:
    import secrets

    chars = list(as_str(s))
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def _wrap_custom(s: str, width: int, newline: str, long_words: bool) -> str:
    """goutils.WrapCustom."""
    if s == "":
        return ""
    newline = newline or "\n"
    width = max(width, 1)
    n = len(s)
    offset = 0
    out: list[str] = []
    while n - offset > width:
        if s[offset] == " ":
            offset += 1
            continue
        at = s.rfind(" ", offset, offset + width + 1)
        if at >= offset:
            out.append(s[offset:at] + newline)
            offset = at + 1
        elif long_words:
            out.append(s[offset : offset + width] + newline)
            offset += width
        else:
            idx = s.find(" ", offset + width)
            if idx == -1:
                out.append(s[offset:])
                offset = n
            else:
                out.append(s[offset:idx] + newline)
                offset = idx + 1
    out.append(s[offset:])
    return "".join(out)


def wrap(width: Any, s: Any) -> str:
    return _wrap_custom(as_str(s), as_int(width), "", False)


def wrap_with(width: Any, sep: Any, s: Any) -> str:
    return _wrap_custom(as_str(s), as_int(width), as_str(sep), True)


def contains(sub: Any, s: Any) -> bool:
    return as_str(sub) in as_str(s)


def has_prefix(prefix: Any, s: Any) -> bool:
    return as_str(s).startswith(as_str(prefix))


def has_suffix(suffix: Any, s: Any) -> bool:
    return as_str(s).endswith(as_str(suffix))


def quote(*args: Any) -> str:
    return " ".join(go_quote(go_str(a)) for a in args if a is not None)


def squote(*args: Any) -> str:
    return " ".join(f"'{go_str(a)}'" for a in args if a is not None)


def cat(*args: Any) -> str:
    return " ".join(go_str(a) for a in args if a is not None)


def indent(spaces: Any, s: Any) -> str:
    pad = repeat(spaces, " ")
    return pad + as_str(s).replace("\n", "\n" + pad)


def nindent(spaces: Any, s: Any) -> str:
    return "\n" + indent(spaces, s)


def replace(old: Any, new: Any, s: Any) -> str:
    return as_str(s).replace(as_str(old), as_str(new))


def plural(one: Any, many: Any, count: Any) -> str:
    single, multiple = as_str(one), as_str(many)
    return single if as_int(count) == 1 else multiple


def to_string(v: Any) -> str:
    return go_str(v)


def trunc(c: Any, s: Any) -> str:
    c, b = as_int(c), as_str(s).encode()
    if c < 0 and len(b) + c > 0:
        return _bytes_to_str(b[len(b) + c :])
    if c >= 0 and len(b) > c:
        return _bytes_to_str(b[:c])
    return as_str(s)


def to_strings(v: Any) -> list[str]:
    """sprig's strslice: list items (nils dropped) as strings; a scalar becomes a 1-list."""
    if is_list(v):
        return [go_str(x) for x in v if x is not None]
    if v is None:
        return []
    return [go_str(v)]


def join(sep: Any, v: Any) -> str:
    return as_str(sep).join(to_strings(v))


def _go_split(s: str, sep: str, n: int = -1) -> list[str]:
    """strings.SplitN; an empty separator splits after each rune."""
    if n == 0:
        return []
    if sep == "":
        chars = list(s)
        if n < 0 or n >= len(chars):
            return chars
        return [*chars[: n - 1], "".join(chars[n - 1 :])]
    return s.split(sep) if n < 0 else s.split(sep, n - 1)


def split_list(sep: Any, s: Any) -> list[str]:
    return _go_split(as_str(s), as_str(sep))


def split(sep: Any, s: Any) -> dict[str, Any]:
    return {f"_{i}": part for i, part in enumerate(_go_split(as_str(s), as_str(sep)))}


def splitn(sep: Any, n: Any, s: Any) -> dict[str, Any]:
    return {f"_{i}": part for i, part in enumerate(_go_split(as_str(s), as_str(sep), as_int(n)))}


def hello() -> str:
    return "Hello!"


FUNCS: dict[str, Any] = {
    "hello": hello,
    "abbrev": abbrev,
    "abbrevboth": abbrevboth,
    "trunc": trunc,
    "trim": trim,
    "upper": upper,
    "lower": lower,
    "title": title,
    "untitle": untitle,
    "substr": substr,
    "repeat": repeat,
    "trimall": trim_all,
    "trimAll": trim_all,
    "trimSuffix": trim_suffix,
    "trimPrefix": trim_prefix,
    "nospace": nospace,
    "initials": initials,
    "randAlphaNum": rand_alpha_num,
    "randAlpha": rand_alpha,
    "randAscii": rand_ascii,
    "randNumeric": rand_numeric,
    "swapcase": swapcase,
    "shuffle": shuffle,
    "wrap": wrap,
    "wrapWith": wrap_with,
    "contains": contains,
    "hasPrefix": has_prefix,
    "hasSuffix": has_suffix,
    "quote": quote,
    "squote": squote,
    "cat": cat,
    "indent": indent,
    "nindent": nindent,
    "replace": replace,
    "plural": plural,
    "toString": to_string,
    "split": split,
    "splitList": split_list,
    "splitn": splitn,
    "toStrings": to_strings,
    "join": join,
}
