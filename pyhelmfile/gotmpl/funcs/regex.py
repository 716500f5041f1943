"""sprig's regex functions over Go RE2 syntax, run on Python's `re`.

Go patterns are translated where the two engines read the same text differently:
`$` (end of text only, unless (?m)), `\\z`, `\\Q...\\E`, `(?<name>...)`, POSIX classes such as
`[[:alpha:]]`, and ASCII-only `\\d \\w \\s \b`. Replacement templates use Go's `$1`/`${1}`/`$name`
expansion, where `$1x` names a group "1x" (empty when absent), not group 1 followed by "x".
Match iteration follows Go too: an empty match right after the previous match is skipped.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from pyhelmfile.gotmpl.funcs._conv import as_int, as_str
from pyhelmfile.gotmpl.funcs._errors import FuncError

_POSIX = {
    "alnum": "0-9A-Za-z", "alpha": "A-Za-z", "ascii": "\\x00-\\x7f", "blank": "\\t ", "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9", "graph": "!-~", "lower": "a-z", "print": " -~", "punct": "!-/:-@\\[-`{-~",
    "space": "\\t\\n\\v\\f\\r ", "upper": "A-Z", "word": "0-9A-Za-z_", "xdigit": "0-9A-Fa-f",
}  # fmt: skip
_META = frozenset("\\.+*?()|[]{}^$")


def _translate(pattern: str) -> str:
    multiline = bool(re.match(r"\(\?[a-zA-Z]*m", pattern))
    out: list[str] = []
    i = 0
    n = len(pattern)
    in_class = False
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            if nxt == "Q" and not in_class:
                end = pattern.find("\\E", i + 2)
                lit = pattern[i + 2 :] if end < 0 else pattern[i + 2 : end]
                out.append(re.escape(lit))
                i = n if end < 0 else end + 2
                continue
            if nxt == "z" and not in_class:
                out.append(r"\Z")
            else:
                out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if c == "[" and pattern.startswith("[:", i):
                end = pattern.find(":]", i + 2)
                name = pattern[i + 2 : end] if end > 0 else ""
                negated = name.startswith("^")
                if name.lstrip("^") in _POSIX and not negated:
                    out.append(_POSIX[name])
                    i = end + 2
                    continue
            if c == "[":
                out.append("\\[")
                i += 1
                continue
            if c == "]":
                in_class = False
            out.append(c)
            i += 1
            continue
        if c == "[":
            in_class = True
            out.append(c)
            i += 1
            if i < n and pattern[i] == "^":
                out.append("^")
                i += 1
            if i < n and pattern[i] == "]":  # a leading ] is literal
                out.append("\\]")
                i += 1
            continue
        if c == "$" and not multiline:
            out.append(r"\Z")  # Go: end of text; Python $ also matches before a final newline
            i += 1
            continue
        if pattern.startswith("(?<", i) and i + 3 < n and pattern[i + 3] not in "=!":
            out.append("(?P<")
            i += 3
            continue
        out.append(c)
        i += 1
    return "".join(out)


@functools.lru_cache(maxsize=256)
def compile_go(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(_translate(pattern), re.ASCII)
    except re.error as err:
        raise FuncError(f"error parsing regexp: {err}: `{pattern}`") from None


def _matches(rx: re.Pattern[str], s: str, n: int) -> list[re.Match[str]]:
    out: list[re.Match[str]] = []
    prev_end = -1
    for m in rx.finditer(s):
        if n >= 0 and len(out) >= n:
            break
        if m.start() == m.end() and m.start() == prev_end:
            continue
        out.append(m)
        prev_end = m.end()
    return out


def _expand(template: str, m: re.Match[str]) -> str:
    out: list[str] = []
    i = 0
    while i < len(template):
        c = template[i]
        if c != "$":
            out.append(c)
            i += 1
            continue
        if template.startswith("$$", i):
            out.append("$")
            i += 2
            continue
        if template.startswith("${", i):
            end = template.find("}", i + 2)
            name = template[i + 2 : end] if end > 0 else ""
            rest = end + 1
        else:
            j = i + 1
            while j < len(template) and (template[j].isascii() and (template[j].isalnum() or template[j] == "_")):
                j += 1
            name, rest = template[i + 1 : j], j
        if not name or not re.fullmatch(r"[A-Za-z0-9_]+", name):
            out.append("$")
            i += 1
            continue
        group: str | None
        if name.isdigit():
            idx = int(name)
            group = m.group(idx) if idx <= (m.re.groups) else None
        else:
            group = m.group(name) if name in m.re.groupindex else None
        out.append(group or "")
        i = rest
    return "".join(out)


def must_regex_match(regex: Any, s: Any) -> bool:
    return compile_go(as_str(regex)).search(as_str(s)) is not None


def regex_match(regex: Any, s: Any) -> bool:
    try:
        return must_regex_match(regex, s)
    except FuncError:
        return False


def regex_find_all(regex: Any, s: Any, n: Any) -> list[str]:
    return [m.group(0) for m in _matches(compile_go(as_str(regex)), as_str(s), as_int(n))]


def regex_find(regex: Any, s: Any) -> str:
    m = compile_go(as_str(regex)).search(as_str(s))
    return m.group(0) if m else ""


def _replace(regex: Any, s: Any, repl: Any, literal: bool) -> str:
    rx, text, template = compile_go(as_str(regex)), as_str(s), as_str(repl)
    out: list[str] = []
    last = 0
    for m in _matches(rx, text, -1):
        out.append(text[last : m.start()])
        out.append(template if literal else _expand(template, m))
        last = m.end()
    out.append(text[last:])
    return "".join(out)


def regex_replace_all(regex: Any, s: Any, repl: Any) -> str:
    return _replace(regex, s, repl, False)


def regex_replace_all_literal(regex: Any, s: Any, repl: Any) -> str:
    return _replace(regex, s, repl, True)


def regex_split(regex: Any, s: Any, n: Any) -> list[str]:
    pattern, text, count = as_str(regex), as_str(s), as_int(n)
    if count == 0:
        return []
    rx = compile_go(pattern)
    if pattern and not text:
        return [""]
    parts: list[str] = []
    beg = end = 0
    for m in _matches(rx, text, count):
        if count > 0 and len(parts) == count - 1:
            break
        end = m.start()
        if m.end() != 0:
            parts.append(text[beg:end])
        beg = m.end()
    if end != len(text):
        parts.append(text[beg:])
    return parts


def regex_quote_meta(s: Any) -> str:
    return "".join("\\" + c if c in _META else c for c in as_str(s))


FUNCS: dict[str, Any] = {
    "regexMatch": regex_match,
    "mustRegexMatch": must_regex_match,
    "regexFindAll": regex_find_all,
    "mustRegexFindAll": regex_find_all,
    "regexFind": regex_find,
    "mustRegexFind": regex_find,
    "regexReplaceAll": regex_replace_all,
    "mustRegexReplaceAll": regex_replace_all,
    "regexReplaceAllLiteral": regex_replace_all_literal,
    "mustRegexReplaceAllLiteral": regex_replace_all_literal,
    "regexSplit": regex_split,
    "mustRegexSplit": regex_split,
    "regexQuoteMeta": regex_quote_meta,
}
