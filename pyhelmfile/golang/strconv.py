"""Go's strconv: Quote and friends, FormatFloat, and ParseInt/ParseFloat's syntax rules."""

from __future__ import annotations

import math
import re
import struct
import unicodedata

INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1

# ---------------------------------------------------------------------------
# strconv.Quote and friends


def is_print(r: str) -> bool:
    """unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space."""
    if r == " ":
        return True
    cat = unicodedata.category(r)
    return cat[0] in "LMNPS"


_SIMPLE_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
}


def _quote_with(s: str, quote_char: str, ascii_only: bool) -> str:
    out = [quote_char]
    for ch in s:
        o = ord(ch)
        if ch == quote_char or ch == "\\":
            out.append("\\" + ch)
        elif ascii_only and o >= 0x80:
            if 0xD800 <= o <= 0xDFFF:
                out.append("\\ufffd")
            elif o < 0x10000:
                out.append(f"\\u{o:04x}")
            else:
                out.append(f"\\U{o:08x}")
        elif 0xD800 <= o <= 0xDFFF:
            # Lone surrogates cannot be valid UTF-8: Go sees them as bad bytes.
            out.append("\\ufffd")
        elif is_print(ch):
            out.append(ch)
        elif ch in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[ch])
        elif o < 0x20 or o == 0x7F:
            out.append(f"\\x{o:02x}")
        elif o < 0x10000:
            out.append(f"\\u{o:04x}")
        else:
            out.append(f"\\U{o:08x}")
    out.append(quote_char)
    return "".join(out)


def quote(s: str, *, ascii_only: bool = False) -> str:
    """strconv.Quote (or QuoteToASCII)."""
    return _quote_with(s, '"', ascii_only)


def quote_rune(r: int, *, ascii_only: bool = False) -> str:
    """strconv.QuoteRune (or QuoteRuneToASCII)."""
    if r < 0 or r > 0x10FFFF or 0xD800 <= r <= 0xDFFF:
        r = 0xFFFD
    return _quote_with(chr(r), "'", ascii_only)


def can_backquote(s: str) -> bool:
    """strconv.CanBackquote."""
    for ch in s:
        if ch == "`" or ch == "\ufeff":
            return False
        o = ord(ch)
        if (o < 0x20 and ch != "\t") or o == 0x7F:
            return False
    return True


# ---------------------------------------------------------------------------
# Floats: strconv.FormatFloat


def _shortest_digits(v: float) -> tuple[str, int]:
    """Shortest round-trip decimal digits of abs(v) and the decimal point position (0.d1d2... * 10**dp).

    Python's repr is the shortest representation that round-trips, as is Go's.
    """
    r = repr(abs(v))
    mant, _, exp_s = r.partition("e")
    exp = int(exp_s) if exp_s else 0
    int_part, _, frac = mant.partition(".")
    digits = (int_part + frac).lstrip("0")
    lead_zeros = len(int_part + frac) - len((int_part + frac).lstrip("0"))
    dp = len(int_part) + exp - lead_zeros
    digits = digits.rstrip("0")
    if not digits:
        return "0", 1
    return digits, dp


def _fmt_e_digits(neg: bool, digits: str, dp: int, prec: int, fmt: str) -> str:
    """strconv fmtE with already-rounded digits; prec < 0 means all digits."""
    out = "-" if neg else ""
    out += digits[0]
    if prec < 0:
        prec = len(digits) - 1
    if prec > 0:
        frac = digits[1 : 1 + prec]
        out += "." + frac + "0" * (prec - len(frac))
    exp = dp - 1 if digits != "0" else 0
    sign = "+"
    if exp < 0:
        sign = "-"
        exp = -exp
    out += fmt + sign + (f"{exp:02d}")
    return out


def _fmt_f_digits(neg: bool, digits: str, dp: int, prec: int) -> str:
    out = "-" if neg else ""
    if dp > 0:
        ip = digits[:dp]
        out += ip + "0" * (dp - len(ip))
    else:
        out += "0"
    if prec > 0:
        out += "."
        for i in range(prec):
            j = dp + i
            out += digits[j] if 0 <= j < len(digits) else "0"
    return out


def _float_bits(v: float) -> tuple[bool, int, int]:
    """(negative, mantissa with the implicit bit, unbiased binary exponent) as strconv sees them."""
    bits = struct.unpack(">Q", struct.pack(">d", v))[0]
    neg = bool(bits >> 63)
    exp = (bits >> 52) & 0x7FF
    mant = bits & ((1 << 52) - 1)
    if exp == 0:
        exp += 1  # denormal
    else:
        mant |= 1 << 52
    return neg, mant, exp - 1023


def _fmt_x(v: float, prec: int, fmt: str) -> str:
    """strconv %x/%X: -0x1.yyyyp+dd, mantissa rounded to `prec` hex digits (prec < 0: exact)."""
    neg, mant, exp = _float_bits(v)
    if mant == 0:
        exp = 0
    mant <<= 60 - 52
    while mant != 0 and mant & (1 << 60) == 0:
        mant <<= 1
        exp -= 1
    if 0 <= prec < 15:
        shift = prec * 4
        extra = (mant << shift) & ((1 << 60) - 1)
        mant >>= 60 - shift
        if extra | (mant & 1) > 1 << 59:
            mant += 1
        mant <<= 60 - shift
        if mant & (1 << 61):
            mant >>= 1
            exp += 1
    hexd = "0123456789abcdef" if fmt == "x" else "0123456789ABCDEF"
    out = ["-" if neg else "", "0", fmt, str((mant >> 60) & 1)]
    mant = (mant << 4) & ((1 << 64) - 1)
    if prec < 0 and mant != 0:
        out.append(".")
        while mant != 0:
            out.append(hexd[(mant >> 60) & 15])
            mant = (mant << 4) & ((1 << 64) - 1)
    elif prec > 0:
        out.append(".")
        for _ in range(prec):
            out.append(hexd[(mant >> 60) & 15])
            mant = (mant << 4) & ((1 << 64) - 1)
    out.append("p" if fmt == "x" else "P")
    out.append("-" if exp < 0 else "+")
    exp = abs(exp)
    out.append(f"{exp:02d}")
    return "".join(out)


def _fmt_b(v: float) -> str:
    """strconv %b: decimal mantissa and binary exponent, e.g. 5629499534213120p-51."""
    neg, mant, exp = _float_bits(v)
    exp -= 52
    return f"{'-' if neg else ''}{mant}p{'+' if exp >= 0 else '-'}{abs(exp)}"


def format_float(v: float, fmt: str, prec: int) -> str:
    """strconv.FormatFloat(v, fmt, prec, 64) for fmt in b e E f g G x X (prec -1 = shortest)."""
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    if fmt in "xX":
        return _fmt_x(v, prec, fmt)
    if fmt == "b":
        return _fmt_b(v)
    neg = math.copysign(1.0, v) < 0
    if prec < 0:
        digits, dp = _shortest_digits(v)
        if fmt in "eE":
            return _fmt_e_digits(neg, digits, dp, -1, fmt)
        if fmt == "f":
            return _fmt_f_digits(neg, digits, dp, max(len(digits) - dp, 0))
        # %g shortest: exponent form when exp < -4 or exp >= 6 (Go uses 6 as eprec when shortest).
        exp = dp - 1
        if exp < -4 or exp >= 6:
            return _fmt_e_digits(neg, digits, dp, len(digits) - 1, "e" if fmt == "g" else "E")
        return _fmt_f_digits(neg, digits, dp, max(len(digits) - dp, 0))
    # With an explicit precision Python's correctly rounded formatting matches Go's.
    a = abs(v)
    if fmt in "eE":
        s = f"{a:.{prec}{fmt}}"
    elif fmt == "f":
        s = f"{a:.{prec}f}"
    else:
        s = f"{a:.{prec}{'g' if fmt == 'g' else 'G'}}"
        if "e" in s or "E" in s:
            mant, e, ex = s.partition("e" if "e" in s else "E")
            sign = ex[0]
            digs = ex[1:].lstrip("0") or "0"
            s = f"{mant}{e}{sign}{int(digs):02d}"
    return ("-" if neg else "") + s


# ---------------------------------------------------------------------------
# ParseInt and ParseFloat


_DEC = re.compile(r"[0-9]+(_[0-9]+)*")


def parse_go_int(s: str) -> int | None:
    """strconv.ParseInt(s, 0, 64): sign, 0x/0o/0b prefixes, a bare leading 0 means octal."""
    if not s or not s.isascii() or any(c.isspace() for c in s):
        return None
    body = s[1:] if s[0] in "+-" else s
    if not body:
        return None
    try:
        if len(body) > 1 and body[0] == "0" and body[1] not in "xXoObB":
            value = int("0o" + body[1:], 0)
        elif body[0] == "_" or (body[0].isdigit() and body[0] != "0" and not _DEC.fullmatch(body)):
            return None
        else:
            value = int(body, 0)
    except ValueError:
        return None
    if s[0] == "-":
        value = -value
    if not INT64_MIN <= value <= INT64_MAX:
        return None
    return value


def parse_go_float(s: str) -> float | None:
    """strconv.ParseFloat(s, 64): Python's float() minus what Go rejects (spaces, stray `_`)."""
    if not s or not s.isascii() or any(c.isspace() for c in s):
        return None
    if "_" in s:
        # Go's underscoreOK: each underscore sits between digits (or after a base prefix)
        if re.search(r"(^|[^0-9a-fA-FxX])_|_($|[^0-9a-fA-F])", s.lstrip("+-")):
            return None
        s = s.replace("_", "")
    body = s.lstrip("+-")
    if body[:2].lower() == "0x":
        if "p" not in body.lower():
            return None  # Go: a hexadecimal mantissa requires a 'p' exponent
        try:
            value = float.fromhex(s)
        except ValueError:
            return None
        return value
    if body.lower() not in ("inf", "infinity", "nan") and not re.fullmatch(
        r"([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?", body
    ):
        return None
    try:
        return float(s)
    except ValueError:
        return None
