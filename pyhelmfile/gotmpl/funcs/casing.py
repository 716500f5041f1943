"""snakecase, kebabcase and camelcase as github.com/huandu/xstrings v1.4.0 computes them.

Its word splitter has many small rules (runs of capitals, digits glued to words, punctuation
kept as-is), and templates feed these functions resource names where every rule shows, so the
splitter is followed step by step rather than approximated with a regular expression.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from pyhelmfile.gotmpl.funcs._conv import as_str
from pyhelmfile.gotmpl.funcs.strings import GO_SPACE

INVALID, NUMBER, UPPER, ALPHA, CONNECTOR, PUNCT, OTHER = range(7)


def _is_connector(c: str) -> bool:
    return c in "-_" or c in GO_SPACE


def _is_upper(c: str) -> bool:
    return unicodedata.category(c) == "Lu"


def _is_punct(c: str) -> bool:
    return unicodedata.category(c).startswith("P")


def _is_number(c: str) -> bool:
    return unicodedata.category(c).startswith("N")


def _is_alphabet(c: str) -> bool:
    """xstrings' isAlphabet: a letter, but not a CJK ideograph (those are their own words)."""
    if not unicodedata.category(c).startswith("L"):
        return False
    code = ord(c)
    cjk = 0x2E80 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x2FA1F or 0xAC00 <= code <= 0xD7AF
    return not cjk


def _next_word(s: str) -> tuple[int, str, str]:
    """(word type, word, remaining) like xstrings' nextWord."""
    if not s:
        return INVALID, "", ""
    r = s[0]
    i = 1
    n = len(s)
    if _is_connector(r):
        wt = CONNECTOR
        while i < n and _is_connector(s[i]):
            i += 1
    elif _is_punct(r):
        wt = PUNCT
        while i < n and _is_punct(s[i]):
            i += 1
    elif _is_upper(r):
        wt = UPPER
        if i < n:
            if _is_upper(s[i]):
                i += 1
                while i < n and _is_upper(s[i]):
                    i += 1
                # "HTTPServer": the last capital starts the next word
                if i < n and _is_alphabet(s[i]):
                    i -= 1
            elif _is_alphabet(s[i]):
                i += 1
                while i < n and _is_alphabet(s[i]) and not _is_upper(s[i]):
                    i += 1
    elif _is_alphabet(r):
        wt = ALPHA
        while i < n and _is_alphabet(s[i]) and not _is_upper(s[i]):
            i += 1
    elif _is_number(r):
        wt = NUMBER
        while i < n and _is_number(s[i]):
            i += 1
    else:
        wt = OTHER
        while i < n:
            c = s[i]
            if _is_connector(c) or _is_alphabet(c) or _is_number(c) or _is_punct(c):
                break
            i += 1
    return wt, s[:i], s[i:]


def _to_lower(buf: list[str], wt: int, word: str, connector: str) -> None:
    if wt not in (UPPER, CONNECTOR):
        buf.append(word)
        return
    for c in word:
        if _is_connector(c):
            buf.append(connector)
        elif _is_upper(c):
            low = c.lower()
            buf.append(low if len(low) == 1 else c)
        else:
            buf.append(c)


def _camel_to_lower(s: str, connector: str) -> str:
    if not s:
        return ""
    buf: list[str] = []
    wt, word, rest = _next_word(s)
    while rest:
        if wt != CONNECTOR:
            _to_lower(buf, wt, word, connector)
        prev, last = wt, word
        wt, word, rest = _next_word(rest)
        if prev == NUMBER:
            while wt in (ALPHA, NUMBER):
                _to_lower(buf, wt, word, connector)
                wt, word, rest = _next_word(rest)
            if wt not in (INVALID, PUNCT, CONNECTOR):
                buf.append(connector)
        elif prev == CONNECTOR:
            _to_lower(buf, prev, last, connector)
        elif prev == PUNCT:
            pass
        else:
            if wt != NUMBER:
                if wt not in (CONNECTOR, PUNCT):
                    buf.append(connector)
                continue
            if not rest:
                continue
            last = word
            wt, word, rest = _next_word(rest)
            if wt != ALPHA:
                _to_lower(buf, NUMBER, last, connector)
                if wt not in (CONNECTOR, PUNCT):
                    buf.append(connector)
                continue
            buf.append(connector)
            _to_lower(buf, NUMBER, last, connector)
            while wt in (ALPHA, NUMBER):
                _to_lower(buf, wt, word, connector)
                wt, word, rest = _next_word(rest)
            if wt not in (INVALID, CONNECTOR, PUNCT):
                buf.append(connector)
    _to_lower(buf, wt, word, connector)
    return "".join(buf)


def snakecase(s: Any) -> str:
    return _camel_to_lower(as_str(s), "_")


def kebabcase(s: Any) -> str:
    return _camel_to_lower(as_str(s), "-")


def _up(c: str) -> str:
    u = c.upper()
    return u if len(u) == 1 else c


def camelcase(s: Any) -> str:
    """xstrings.ToCamelCase: drop connectors and capitalise what follows them (and the start)."""
    text = as_str(s)
    if not text:
        return ""
    buf: list[str] = []
    i = 0
    r0 = ""
    while i < len(text):
        r0 = text[i]
        i += 1
        if not _is_connector(r0):
            r0 = _up(r0)
            break
        buf.append(r0)
    if i >= len(text):
        buf.append(r0)  # Go writes the last rune again even when it was a connector
        return "".join(buf)
    while i < len(text):
        r1 = r0
        r0 = text[i]
        i += 1
        if _is_connector(r0) and _is_connector(r1):
            buf.append(r1)
            continue
        if _is_connector(r1):
            r0 = _up(r0)
        else:
            buf.append(r1)
    buf.append(r0)
    return "".join(buf)


FUNCS: dict[str, Any] = {"snakecase": snakecase, "kebabcase": kebabcase, "camelcase": camelcase}
