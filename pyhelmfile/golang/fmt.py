"""Go's fmt package formatting (Sprint, Sprintln, Sprintf) for Python values.

Templates print values exactly as Go would, so helmfile's rendered output can be
reproduced byte for byte. Python types map onto the Go types helmfile sees after
YAML decoding:

    dict -> map[string]interface {}     list/tuple -> []interface {}
    str -> string   bool -> bool   int -> int   float -> float64
    complex -> complex128   bytes -> []uint8   None -> nil

`bool` is checked before `int` everywhere because `True` is an `int` in Python.
The implementation follows the structure of Go's fmt (print.go/format.go) so that
the odd corners (bad verbs, missing and extra arguments, flags on composite values)
come out the same.

Long because: it follows print.go/format.go's structure, verb by verb, so that it can be read beside them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pyhelmfile.golang.strconv import can_backquote, format_float, is_print, quote, quote_rune
from pyhelmfile.golang.types import NIL_ANGLE, GoStruct, go_kind, go_type_name

_LDIGITS = "0123456789abcdefx"
_UDIGITS = "0123456789ABCDEFX"


# ---------------------------------------------------------------------------
# The printer


class _Flags:
    """fmt's per-verb flags (a plain class: a dataclass costs start-up time)."""

    __slots__ = (
        "minus",
        "plus",
        "plus_v",
        "prec",
        "prec_present",
        "sharp",
        "sharp_v",
        "space",
        "wid",
        "wid_present",
        "zero",
    )

    def __init__(self) -> None:
        self.plus = False
        self.minus = False
        self.sharp = False
        self.space = False
        self.zero = False
        self.plus_v = False
        self.sharp_v = False
        self.wid = 0
        self.wid_present = False
        self.prec = 0
        self.prec_present = False


class _Printer:
    __slots__ = ("arg", "buf", "f")

    def __init__(self) -> None:
        self.buf: list[str] = []
        self.f = _Flags()
        self.arg: Any = None

    # -- padding helpers (fmt.pad/padString/writePadding)

    def _padding(self, n: int) -> str:
        if n <= 0:
            return ""
        return ("0" if self.f.zero and not self.f.minus else " ") * n

    def pad(self, s: str) -> None:
        f = self.f
        if not f.wid_present or f.wid == 0:
            self.buf.append(s)
            return
        width = f.wid - len(s)
        if not f.minus:
            self.buf.append(self._padding(width))
            self.buf.append(s)
        else:
            self.buf.append(s)
            self.buf.append(" " * max(width, 0))

    def _truncate(self, s: str) -> str:
        if self.f.prec_present and self.f.prec < len(s):
            return s[: self.f.prec]
        return s

    # -- basic formatters

    def fmt_s(self, s: str) -> None:
        self.pad(self._truncate(s))

    def fmt_q(self, s: str) -> None:
        s = self._truncate(s)
        if self.f.sharp and can_backquote(s):
            self.pad("`" + s + "`")
        else:
            self.pad(quote(s, ascii_only=self.f.plus))

    def fmt_sx(self, b: bytes, digits: str) -> None:
        f = self.f
        length = len(b)
        if f.prec_present and f.prec < length:
            length = f.prec
        width = 2 * length
        if width > 0:
            if f.space:
                if f.sharp:
                    width *= 2
                width += length - 1
            elif f.sharp:
                width += 2
        else:
            if f.wid_present:
                self.buf.append(self._padding(f.wid))
            return
        if f.wid_present and f.wid > width and not f.minus:
            self.buf.append(self._padding(f.wid - width))
        out = []
        if f.sharp:
            out.append("0" + digits[16])
        for i in range(length):
            if f.space and i > 0:
                out.append(" ")
                if f.sharp:
                    out.append("0" + digits[16])
            c = b[i]
            out.append(digits[c >> 4] + digits[c & 0xF])
        self.buf.append("".join(out))
        if f.wid_present and f.wid > width and f.minus:
            self.buf.append(" " * (f.wid - width))

    def fmt_integer(self, u: int, base: int, verb: str, digits: str) -> None:
        f = self.f
        negative = u < 0
        if negative:
            u = -u
        prec = 0
        if f.prec_present:
            prec = f.prec
            if prec == 0 and u == 0:
                old = f.zero
                f.zero = False
                self.buf.append(self._padding(f.wid))
                f.zero = old
                return
        elif f.zero and not f.minus and f.wid_present:
            prec = f.wid
            if negative or f.plus or f.space:
                prec -= 1
        if base == 10:
            s = str(u)
        elif base == 16:
            s = format(u, "x") if digits is _LDIGITS else format(u, "X")
        elif base == 8:
            s = format(u, "o")
        else:
            s = format(u, "b")
        if len(s) < prec:
            s = "0" * (prec - len(s)) + s
        if f.sharp:
            if base == 2:
                s = "0b" + s
            elif base == 8:
                if s[0] != "0":
                    s = "0" + s
            elif base == 16:
                s = "0" + digits[16] + s
        if verb == "O":
            s = "0o" + s
        if negative:
            s = "-" + s
        elif f.plus:
            s = "+" + s
        elif f.space:
            s = " " + s
        old = f.zero
        f.zero = False
        self.pad(s)
        f.zero = old

    def fmt_c(self, u: int) -> None:
        r = u if 0 <= u <= 0x10FFFF and not 0xD800 <= u <= 0xDFFF else 0xFFFD
        self.pad(chr(r))

    def fmt_qc(self, u: int) -> None:
        r = u if 0 <= u <= 0x10FFFF else 0xFFFD
        self.pad(quote_rune(r, ascii_only=self.f.plus))

    def fmt_unicode(self, u: int) -> None:
        u &= (1 << 64) - 1  # Go formats the value as a uint64
        f = self.f
        prec = 4
        if f.prec_present and f.prec > 4:
            prec = f.prec
        s = "U+" + format(u, "X").rjust(prec, "0")
        if f.sharp and 0 <= u <= 0x10FFFF and not 0xD800 <= u <= 0xDFFF and is_print(chr(u)):
            s += " '" + chr(u) + "'"
        old = f.zero
        f.zero = False
        self.pad(s)
        f.zero = old

    def fmt_float(self, v: float, verb: str, prec: int) -> None:
        f = self.f
        if f.prec_present:
            prec = f.prec
        num = format_float(v, verb, prec)
        num = num if num[0] in "+-" else "+" + num
        if f.space and num[0] == "+" and not f.plus:
            num = " " + num[1:]
        if num[1] in "IN":
            old = f.zero
            f.zero = False
            if num[1] == "N" and not f.space and not f.plus:
                num = num[1:]
            self.pad(num)
            f.zero = old
            return
        if f.sharp and verb != "b":
            num = self._sharp_float(num, verb, prec)
        if f.plus or num[0] != "+":
            if f.zero and not f.minus and f.wid_present and f.wid > len(num):
                self.buf.append(num[0])
                self.buf.append(self._padding(f.wid - len(num)))
                self.buf.append(num[1:])
                return
            self.pad(num)
            return
        self.pad(num[1:])

    @staticmethod
    def _sharp_float(num: str, verb: str, prec: int) -> str:
        # The '#' flag: keep the decimal point and (for %v/%g/%x) trailing zeros.
        digits = 0
        if verb in "vgGx":
            digits = prec
            if digits == -1:
                digits = 6
        tail = ""
        has_point = False
        saw_nonzero = False
        for i in range(1, len(num)):
            c = num[i]
            if c == ".":
                has_point = True
            elif c in "pP" or (c in "eE" and verb not in "xX"):
                tail = num[i:]
                num = num[:i]
                break
            else:
                if c != "0":
                    saw_nonzero = True
                if saw_nonzero:
                    digits -= 1
        if not has_point:
            if len(num) == 2 and num[1] == "0":
                digits -= 1
            num += "."
        if digits > 0:
            num += "0" * digits
        return num + tail

    def fmt_complex(self, v: complex, verb: str) -> None:
        if verb not in "vbgGxXfFeE":
            self.bad_verb(verb)
            return
        old_plus = self.f.plus
        self.buf.append("(")
        self.print_float(v.real, verb)
        self.f.plus = True
        self.print_float(v.imag, verb)
        self.buf.append("i)")
        self.f.plus = old_plus

    def print_float(self, v: float, verb: str) -> None:
        if verb == "v":
            self.fmt_float(v, "g", -1)
        elif verb in "bgGxX":
            self.fmt_float(v, verb, -1)
        elif verb in "feE":
            self.fmt_float(v, verb, 6)
        elif verb == "F":
            self.fmt_float(v, "f", 6)
        else:
            self.bad_verb(verb)

    # -- dispatch on the value

    def bad_verb(self, verb: str) -> None:
        self.buf.append("%!" + verb + "(")
        arg = self.arg
        if arg is None:
            self.buf.append(NIL_ANGLE)
        else:
            self.buf.append(go_type_name(arg) + "=")
            self.print_arg(arg, "v")
        self.buf.append(")")

    def print_arg(self, arg: Any, verb: str) -> None:
        self.arg = arg
        if arg is None:
            if verb in "Tv":
                self.pad(NIL_ANGLE)
            else:
                self.bad_verb(verb)
            return
        if verb == "T":
            self.fmt_s(go_type_name(arg))
            return
        self.print_value(arg, verb, 0)

    def print_value(self, v: Any, verb: str, depth: int) -> None:
        if depth > 0:
            self.arg = v
        f = self.f
        if v is None:
            # A nil inside a map or slice is a nil interface: printed as <nil> for any verb.
            if f.sharp_v:
                self.buf.append("interface {}(nil)")
            else:
                self.pad(NIL_ANGLE)
            return
        if isinstance(v, bool):
            if verb in "tv":
                self.pad("true" if v else "false")
            else:
                self.bad_verb(verb)
        elif isinstance(v, int):
            self._print_int(v, verb)
        elif isinstance(v, float):
            self.print_float(v, verb)
        elif isinstance(v, str):
            if verb == "v":
                if f.sharp_v:
                    self.fmt_q(v)
                else:
                    self.fmt_s(v)
            elif verb == "s":
                self.fmt_s(v)
            elif verb == "x":
                self.fmt_sx(v.encode("utf-8", "surrogatepass"), _LDIGITS)
            elif verb == "X":
                self.fmt_sx(v.encode("utf-8", "surrogatepass"), _UDIGITS)
            elif verb == "q":
                self.fmt_q(v)
            else:
                self.bad_verb(verb)
        elif isinstance(v, complex):
            self.fmt_complex(v, verb)
        elif isinstance(v, GoStruct):
            self._print_struct(v, verb, depth)
        elif isinstance(v, Mapping):
            self._print_map(v, verb, depth)
        elif isinstance(v, (bytes, bytearray)):
            self._print_bytes(bytes(v), verb, depth)
        elif isinstance(v, (list, tuple)):
            self._print_slice(v, verb, depth)
        elif callable(v):
            # Go prints a func as its address; there is none to give, so mimic the shape.
            self.pad("0x0" if verb in "vp" else "%!" + verb + "(func)")
        else:
            s = str(v)
            if verb in "vs":
                self.fmt_s(s)
            elif verb == "q":
                self.fmt_q(s)
            else:
                self.bad_verb(verb)

    def _print_int(self, v: int, verb: str) -> None:
        if verb in "vd":
            self.fmt_integer(v, 10, verb, _LDIGITS)
        elif verb == "b":
            self.fmt_integer(v, 2, verb, _LDIGITS)
        elif verb in "oO":
            self.fmt_integer(v, 8, verb, _LDIGITS)
        elif verb == "x":
            self.fmt_integer(v, 16, verb, _LDIGITS)
        elif verb == "X":
            self.fmt_integer(v, 16, verb, _UDIGITS)
        elif verb == "c":
            self.fmt_c(v)
        elif verb == "q":
            self.fmt_qc(v)
        elif verb == "U":
            self.fmt_unicode(v)
        else:
            self.bad_verb(verb)

    def _print_map(self, m: Mapping[Any, Any], verb: str, depth: int) -> None:
        sharp_v = self.f.sharp_v
        if sharp_v:
            self.buf.append(go_type_name(m) + "{")
        else:
            self.buf.append("map[")
        for i, k in enumerate(sort_keys(m)):
            if i > 0:
                self.buf.append(", " if sharp_v else " ")
            self.print_value(k, verb, depth + 1)
            self.buf.append(":")
            self.print_value(m[k], verb, depth + 1)
        self.buf.append("}" if sharp_v else "]")

    def _print_struct(self, st: GoStruct, verb: str, depth: int) -> None:
        f = self.f
        if f.sharp_v:
            self.buf.append(st.go_type)
        if st.go_type.startswith("*") and depth == 0 and not f.sharp_v:
            self.buf.append("&")
        self.buf.append("{")
        for i, (name, value) in enumerate(st.items()):
            if i > 0:
                self.buf.append(", " if f.sharp_v else " ")
            if f.plus_v or f.sharp_v:
                self.buf.append(name + ":")
            self.print_value(value, verb, depth + 1)
        self.buf.append("}")

    def _print_slice(self, s: Sequence[Any], verb: str, depth: int) -> None:
        if self.f.sharp_v:
            self.buf.append(go_type_name(s) + "{")
            for i, e in enumerate(s):
                if i > 0:
                    self.buf.append(", ")
                self.print_value(e, verb, depth + 1)
            self.buf.append("}")
            return
        self.buf.append("[")
        for i, e in enumerate(s):
            if i > 0:
                self.buf.append(" ")
            self.print_value(e, verb, depth + 1)
        self.buf.append("]")

    def _print_bytes(self, b: bytes, verb: str, depth: int) -> None:
        if verb == "s":
            self.fmt_s(b.decode("utf-8", "replace"))
        elif verb == "q":
            self.fmt_q(b.decode("utf-8", "replace"))
        elif verb == "x":
            self.fmt_sx(b, _LDIGITS)
        elif verb == "X":
            self.fmt_sx(b, _UDIGITS)
        else:
            self._print_slice(list(b), verb, depth)


def sort_keys(m: Mapping[Any, Any]) -> list[Any]:
    """Map keys in Go's fmtsort order: numbers numerically, strings bytewise, mixed by kind first."""
    keys = list(m.keys())
    try:
        if all(isinstance(k, str) for k in keys):
            return sorted(keys, key=lambda k: k.encode("utf-8", "surrogatepass"))
        return sorted(keys)
    except TypeError:
        order = {"bool": 0, "int": 1, "float64": 2, "string": 3}
        return sorted(keys, key=lambda k: (order.get(go_kind(k), 9), str(k)))


# ---------------------------------------------------------------------------
# Public entry points


def format_value(v: Any) -> str:
    """%v of one value, as `{{ . }}` or fmt.Sprint(v) prints it."""
    if isinstance(v, str):
        return v
    if v is None:
        return NIL_ANGLE
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    p = _Printer()
    p.print_arg(v, "v")
    return "".join(p.buf)


def sprint(*args: Any) -> str:
    """fmt.Sprint: spaces between operands when neither side is a string."""
    out: list[str] = []
    prev_string = False
    for i, a in enumerate(args):
        is_string = isinstance(a, str)
        if i > 0 and not is_string and not prev_string:
            out.append(" ")
        out.append(format_value(a))
        prev_string = is_string
    return "".join(out)


def sprintln(*args: Any) -> str:
    """fmt.Sprintln: always a space between operands, and a newline."""
    return " ".join(format_value(a) for a in args) + "\n"


def _parsenum(s: str, start: int, end: int) -> tuple[int, bool, int]:
    if start >= end:
        return 0, False, end
    num = 0
    is_num = False
    i = start
    while i < end and "0" <= s[i] <= "9":
        num = num * 10 + ord(s[i]) - 48
        if num > 1_000_000:
            return 0, False, end
        is_num = True
        i += 1
    return num, is_num, i


def _int_from_arg(a: Sequence[Any], arg_num: int) -> tuple[int, bool, int]:
    if arg_num < len(a):
        v = a[arg_num]
        if isinstance(v, int) and not isinstance(v, bool):
            if -1_000_000 <= v <= 1_000_000:
                return v, True, arg_num + 1
            return 0, False, arg_num + 1
        return 0, False, arg_num + 1
    return 0, False, arg_num


def sprintf(format: str, *a: Any) -> str:
    """fmt.Sprintf with Go's verbs, flags, argument indexes and error annotations."""
    p = _Printer()
    buf = p.buf
    end = len(format)
    arg_num = 0
    after_index = False
    reordered = [False]
    i = 0

    def arg_number(arg_num: int, i: int) -> tuple[int, int, bool, bool]:
        """Returns (arg_num, i, found, good)."""
        if i >= end or format[i] != "[":
            return arg_num, i, False, True
        reordered[0] = True
        # parseArgNumber
        if end - i < 3:
            return arg_num, i + 1, False, False
        for j in range(i + 1, end):
            if format[j] == "]":
                width, ok, newi = _parsenum(format, i + 1, j)
                if not ok or newi != j:
                    return arg_num, j + 1, False, False
                index = width - 1
                if 0 <= index < len(a):
                    return index, j + 1, True, True
                return arg_num, j + 1, True, False
        return arg_num, i + 1, False, False

    while i < end:
        good_arg_num = True
        lasti = i
        while i < end and format[i] != "%":
            i += 1
        if i > lasti:
            buf.append(format[lasti:i])
        if i >= end:
            break
        i += 1
        p.f = f = _Flags()
        simple_done = False
        while i < end:
            c = format[i]
            if c == "#":
                f.sharp = True
            elif c == "0":
                f.zero = True
            elif c == "+":
                f.plus = True
            elif c == "-":
                f.minus = True
            elif c == " ":
                f.space = True
            else:
                if "a" <= c <= "z" and arg_num < len(a):
                    if c == "v":
                        f.sharp_v, f.sharp = f.sharp, False
                        f.plus_v, f.plus = f.plus, False
                    p.print_arg(a[arg_num], c)
                    arg_num += 1
                    i += 1
                    simple_done = True
                break
            i += 1
        if simple_done:
            continue

        arg_num, i, after_index, ok = arg_number(arg_num, i)
        good_arg_num = good_arg_num and ok

        if i < end and format[i] == "*":
            i += 1
            f.wid, f.wid_present, arg_num = _int_from_arg(a, arg_num)
            if not f.wid_present:
                buf.append("%!(BADWIDTH)")
            if f.wid < 0:
                f.wid = -f.wid
                f.minus = True
                f.zero = False
            after_index = False
        else:
            f.wid, f.wid_present, i = _parsenum(format, i, end)
            if after_index and f.wid_present:
                good_arg_num = False

        if i + 1 < end and format[i] == ".":
            i += 1
            if after_index:
                good_arg_num = False
            arg_num, i, after_index, ok = arg_number(arg_num, i)
            good_arg_num = good_arg_num and ok
            if i < end and format[i] == "*":
                i += 1
                f.prec, f.prec_present, arg_num = _int_from_arg(a, arg_num)
                if f.prec < 0:
                    f.prec = 0
                    f.prec_present = False
                if not f.prec_present:
                    buf.append("%!(BADPREC)")
                after_index = False
            else:
                f.prec, f.prec_present, i = _parsenum(format, i, end)
                if not f.prec_present:
                    f.prec = 0
                    f.prec_present = True

        if not after_index:
            arg_num, i, after_index, ok = arg_number(arg_num, i)
            good_arg_num = good_arg_num and ok

        if i >= end:
            buf.append("%!(NOVERB)")
            break

        verb = format[i]
        i += 1
        if verb == "%":
            buf.append("%")
        elif not good_arg_num:
            buf.append("%!" + verb + "(BADINDEX)")
        elif arg_num >= len(a):
            buf.append("%!" + verb + "(MISSING)")
        else:
            if verb == "v":
                f.sharp_v, f.sharp = f.sharp, False
                f.plus_v, f.plus = f.plus, False
            p.print_arg(a[arg_num], verb)
            arg_num += 1

    if not reordered[0] and arg_num < len(a):
        p.f = _Flags()
        buf.append("%!(EXTRA ")
        for j, arg in enumerate(a[arg_num:]):
            if j > 0:
                buf.append(", ")
            if arg is None:
                buf.append(NIL_ANGLE)
            else:
                buf.append(go_type_name(arg) + "=")
                p.print_arg(arg, "v")
        buf.append(")")
    return "".join(buf)
