"""Encodings: base64/base32 (sprig) and JSON as Go's encoding/json writes and reads it.

Go's JSON differs from Python's json module in ways templates show: keys sorted bytewise,
`<`, `>`, `&`, U+2028 and U+2029 escaped, floats in strconv's shortest form (`1` for 1.0,
`1e+21`, `1e-7`), NaN/Inf unsupported, and every number decoded as float64.
"""

from __future__ import annotations

import base64
import math
from typing import Any

from pyhelmfile.gotmpl.funcs._conv import as_str, go_str
from pyhelmfile.gotmpl.funcs._errors import FuncError

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def _go_decode(text: str, alphabet: str, bits: int, block: int) -> bytes:
    """Go's base64/base32 StdEncoding.DecodeString, raising with its error text.

    Newlines are ignored; padding is required; the reported offset is Go's `input byte N`.
    """
    values = {c: i for i, c in enumerate(alphabet)}
    chars = [(i, c) for i, c in enumerate(text) if c not in "\r\n"]
    data = [c for _, c in chars]
    if any(not c.isascii() for c in data):
        bad = next(i for i, c in chars if not c.isascii())
        raise FuncError(f"illegal {'base64' if bits == 6 else 'base32'} data at input byte {bad}")
    out_bits = 0
    acc = 0
    out = bytearray()
    n = len(data)
    kind = "base64" if bits == 6 else "base32"
    for idx, c in enumerate(data):
        if c == "=":
            # padding: the rest must be '=' up to the block boundary, nothing after
            tail = data[idx:]
            if idx % block == 0 or any(t != "=" for t in tail) or n % block != 0:
                raise FuncError(f"illegal {kind} data at input byte {chars[idx][0]}")
            pad_ok = {6: (1, 2), 5: (1, 3, 4, 6)}[bits]
            if len(tail) not in pad_ok:
                raise FuncError(f"illegal {kind} data at input byte {chars[idx][0]}")
            return bytes(out)
        if c not in values:
            raise FuncError(f"illegal {kind} data at input byte {chars[idx][0]}")
        acc = (acc << bits) | values[c]
        out_bits += bits
        if out_bits >= 8:
            out_bits -= 8
            out.append((acc >> out_bits) & 0xFF)
            acc &= (1 << out_bits) - 1
    if n % block != 0:
        # Go reports an incomplete final quantum at the quantum's first byte
        raise FuncError(f"illegal {kind} data at input byte {chars[n - n % block][0]}")
    return bytes(out)


def b64enc(s: Any) -> str:
    return base64.b64encode(as_str(s).encode()).decode()


def b64dec(s: Any) -> str:
    try:
        return _go_decode(as_str(s), _B64, 6, 4).decode("utf-8", errors="replace")
    except FuncError as err:  # sprig returns the error text as the result
        return str(err)


def b32enc(s: Any) -> str:
    return base64.b32encode(as_str(s).encode()).decode()


def b32dec(s: Any) -> str:
    try:
        return _go_decode(as_str(s), _B32, 5, 8).decode("utf-8", errors="replace")
    except FuncError as err:
        return str(err)


# --- JSON ----------------------------------------------------------------------------------


def _json_float(f: float) -> str:
    from pyhelmfile.golang.strconv import format_float

    if math.isnan(f) or math.isinf(f):
        raise FuncError(f"json: unsupported value: {go_str(f)}")
    a = abs(f)
    if a != 0 and (a < 1e-6 or a >= 1e21):
        s = str(format_float(f, "e", -1))
        if len(s) >= 4 and s[-4] == "e" and s[-3] == "-" and s[-2] == "0":
            s = s[:-2] + s[-1]
        return s
    return str(format_float(f, "f", -1))


def _json_string(s: str, escape_html: bool) -> str:
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\b":
            out.append("\\b")
        elif ch == "\f":
            out.append("\\f")
        elif o < 0x20 or (escape_html and ch in "<>&") or o in (0x2028, 0x2029):
            out.append(f"\\u{o:04x}")
        elif 0xD800 <= o <= 0xDFFF:
            out.append("\\ufffd")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def json_encode(v: Any, *, escape_html: bool = True, indent: str = "", _level: int = 0) -> str:
    """encoding/json.Marshal (or MarshalIndent with prefix "" when `indent` is set)."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return _json_float(v)
    if isinstance(v, str):
        return _json_string(v, escape_html)
    if isinstance(v, bytes):
        return '"' + base64.b64encode(v).decode() + '"'
    nl = "\n" + indent * (_level + 1) if indent else ""
    end = "\n" + indent * _level if indent else ""
    colon = ": " if indent else ":"
    if isinstance(v, dict):
        if not v:
            return "{}"
        items = sorted(((go_str(k), val) for k, val in v.items()), key=lambda kv: kv[0].encode())
        parts = [
            _json_string(k, escape_html)
            + colon
            + json_encode(val, escape_html=escape_html, indent=indent, _level=_level + 1)
            for k, val in items
        ]
        return "{" + nl + ("," + nl).join(parts) + end + "}"
    if isinstance(v, list | tuple):
        if not v:
            return "[]"
        parts = [json_encode(x, escape_html=escape_html, indent=indent, _level=_level + 1) for x in v]
        return "[" + nl + ("," + nl).join(parts) + end + "]"
    to_json = getattr(v, "go_json", None)
    if to_json is not None:
        return _json_string(str(to_json()), escape_html)
    return "{}"  # a struct without exported fields


def must_to_json(v: Any) -> str:
    return json_encode(v)


def must_to_pretty_json(v: Any) -> str:
    return json_encode(v, indent="  ")


def must_to_raw_json(v: Any) -> str:
    return json_encode(v, escape_html=False)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"invalid character '{name[0]}' looking for beginning of value")


def must_from_json(s: Any) -> Any:
    import json

    text = as_str(s)
    try:
        return json.loads(text, parse_int=float, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as err:
        msg = str(err)
        if isinstance(err, json.JSONDecodeError):
            msg = "unexpected end of JSON input" if err.pos >= len(text) else f"invalid JSON: {err.msg}"
        raise FuncError(msg) from None


def from_json(s: Any) -> Any:
    try:
        return must_from_json(s)
    except FuncError:
        return None


def to_json(v: Any) -> str:
    try:
        return json_encode(v)
    except FuncError:
        return ""


def to_pretty_json(v: Any) -> str:
    try:
        return must_to_pretty_json(v)
    except FuncError:
        return ""


FUNCS: dict[str, Any] = {
    "b64enc": b64enc,
    "b64dec": b64dec,
    "b32enc": b32enc,
    "b32dec": b32dec,
    "fromJson": from_json,
    "toJson": to_json,
    "toPrettyJson": to_pretty_json,
    "toRawJson": must_to_raw_json,  # sprig panics on error: it fails either way
    "mustFromJson": must_from_json,
    "mustToJson": must_to_json,
    "mustToPrettyJson": must_to_pretty_json,
    "mustToRawJson": must_to_raw_json,
}
