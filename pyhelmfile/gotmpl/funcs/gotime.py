"""Go's time.Time, time.Duration and reference-time layouts ("2006-01-02 15:04:05") in Python.

Templates format dates with Go layouts and print times and durations with Go's String
methods, so both directions of the layout language (Format and Parse) and ParseDuration /
Duration.String are implemented here, following the Go time package's rules.

Long because: Format, Parse and Duration share one layout tokenizer, as in Go's time package.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any

LONG_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December"]  # fmt: skip
LONG_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]


class LayoutError(ValueError):
    pass


def local_zone() -> tzinfo:
    """Go's time.Local: $TZ when set ("" or an unknown zone is UTC), else /etc/localtime."""
    from zoneinfo import ZoneInfo

    tz = os.environ.get("TZ")
    try:
        if tz is not None:
            name = tz.removeprefix(":")
            if name == "" or name == "UTC":
                return UTC
            if os.path.isabs(name):
                with open(name, "rb") as fh:
                    return ZoneInfo.from_file(fh, key=name)
            return ZoneInfo(name)
        with open("/etc/localtime", "rb") as fh:
            return ZoneInfo.from_file(fh, key="Local")
    except (OSError, ValueError):
        return UTC


@dataclass(frozen=True)
class GoTime:
    """A time.Time: an aware datetime (second precision) plus nanoseconds."""

    dt: datetime
    nanos: int = 0

    go_kind = "struct"

    @classmethod
    def now(cls) -> GoTime:
        t = datetime.now().astimezone()
        return cls(t.replace(microsecond=0), t.microsecond * 1000)

    @classmethod
    def unix(cls, seconds: int, tz: tzinfo | None = None) -> GoTime:
        dt = (
            datetime.fromtimestamp(seconds, tz=UTC).astimezone(tz)
            if tz
            else datetime.fromtimestamp(seconds).astimezone()
        )
        return cls(dt, 0)

    def in_zone(self, tz: tzinfo) -> GoTime:
        return GoTime(self.dt.astimezone(tz), self.nanos)

    def unix_seconds(self) -> int:
        return int((self.dt - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds())

    def unix_nanos(self) -> int:
        return self.unix_seconds() * 1_000_000_000 + self.nanos

    def add_nanos(self, ns: int) -> GoTime:
        total = self.nanos + ns
        secs, nanos = divmod(total, 1_000_000_000)
        return GoTime(self.dt + timedelta(seconds=secs), nanos)

    def format(self, layout: str) -> str:
        return go_format(self, layout)

    def __str__(self) -> str:
        return go_format(self, "2006-01-02 15:04:05.999999999 -0700 MST")

    # Methods templates call on a time value (`(now).Year`, `.Unix`, `.Format "..."`).
    def Format(self, layout: str) -> str:
        return self.format(layout)

    def Unix(self) -> int:
        return self.unix_seconds()

    def UnixNano(self) -> int:
        return self.unix_nanos()

    def Year(self) -> int:
        return self.dt.year

    def Day(self) -> int:
        return self.dt.day

    def Hour(self) -> int:
        return self.dt.hour

    def Minute(self) -> int:
        return self.dt.minute

    def Second(self) -> int:
        return self.dt.second

    def Nanosecond(self) -> int:
        return self.nanos

    def UTC(self) -> GoTime:
        return self.in_zone(UTC)

    def String(self) -> str:
        return str(self)

    def go_json(self) -> str:
        return go_format(self, "2006-01-02T15:04:05.999999999Z07:00")

    def go_yaml(self) -> str:
        return self.go_json()


GoTime.__name__ = "time.Time"  # what %T prints
ZERO_TIME = GoTime(datetime(1, 1, 1, tzinfo=UTC), 0)


# --- layouts -------------------------------------------------------------------------------

_STD_WORDS = [
    "January", "Jan", "Monday", "Mon", "MST",
    "Z070000", "Z07:00:00", "Z0700", "Z07:00", "Z07",
    "-070000", "-07:00:00", "-0700", "-07:00", "-07",
    "2006", "002", "__2", "_2", "01", "02", "03", "04", "05", "06", "15", "PM", "pm",
    "1", "2", "3", "4", "5",
]  # fmt: skip


def _chunks(layout: str) -> list[tuple[str, str]]:
    """Split a layout into ("lit", text) and ("std", token) pieces, as time.nextStdChunk does."""
    out: list[tuple[str, str]] = []
    lit = []
    i = 0
    n = len(layout)
    while i < n:
        c = layout[i]
        tok = ""
        if c in ".,":
            if i + 1 < n and layout[i + 1] in "09":
                j = i + 1
                while j < n and layout[j] == layout[i + 1]:
                    j += 1
                if not (j < n and layout[j].isdigit()):
                    tok = layout[i:j]
        elif layout.startswith("Jan", i):
            tok = "January" if layout.startswith("January", i) else "Jan"
        elif layout.startswith("Mon", i):
            tok = "Monday" if layout.startswith("Monday", i) else "Mon"
            if tok == "Mon" and i + 3 < n and layout[i + 3].islower() and not layout.startswith("Monday", i):
                tok = "Mon"
        elif layout.startswith("MST", i):
            tok = "MST"
        elif c == "0" and i + 1 < n and layout[i + 1] in "123456":
            tok = layout[i : i + 2]
            if layout.startswith("002", i):
                tok = "002"
        elif c == "0" and layout.startswith("002", i):
            tok = "002"
        elif c == "1":
            tok = "15" if layout.startswith("15", i) else "1"
        elif c == "2":
            tok = "2006" if layout.startswith("2006", i) else "2"
        elif c == "_":
            if layout.startswith("_2", i):
                tok = "_2" if not layout.startswith("_2006", i) else ""
                if layout.startswith("_2006", i):
                    lit.append("_")
                    i += 1
                    continue
            elif layout.startswith("__2", i):
                tok = "__2"
        elif c in "345":
            tok = c
        elif layout.startswith("PM", i):
            tok = "PM"
        elif layout.startswith("pm", i):
            tok = "pm"
        elif c in "-Z":
            for w in ("070000", "07:00:00", "0700", "07:00", "07"):
                if layout.startswith(c + w, i):
                    tok = c + w
                    break
        if tok:
            if lit:
                out.append(("lit", "".join(lit)))
                lit = []
            out.append(("std", tok))
            i += len(tok)
        else:
            lit.append(c)
            i += 1
    if lit:
        out.append(("lit", "".join(lit)))
    return out


def _zone_name(dt: datetime) -> str:
    name = dt.tzname() or ""
    if dt.tzinfo is UTC or (
        isinstance(dt.tzinfo, timezone) and dt.utcoffset() == timedelta(0) and name in ("UTC", "UTC+00:00")
    ):
        return "UTC"
    if re.fullmatch(r"UTC[+-]\d\d:\d\d(:\d\d)?", name) or re.fullmatch(r"[+-]\d+", name):
        return ""  # a fixed offset without a zone abbreviation
    return name


def _offset_seconds(dt: datetime) -> int:
    off = dt.utcoffset()
    return int(off.total_seconds()) if off is not None else 0


def _fmt_offset(secs: int, tok: str) -> str:
    if tok.startswith("Z") and secs == 0:
        return "Z"
    sign = "-" if secs < 0 else "+"
    secs = abs(secs)
    h, m, s = secs // 3600, (secs // 60) % 60, secs % 60
    body = tok[1:]
    if body == "07":
        return f"{sign}{h:02d}"
    if body == "0700":
        return f"{sign}{h:02d}{m:02d}"
    if body == "07:00":
        return f"{sign}{h:02d}:{m:02d}"
    if body == "070000":
        return f"{sign}{h:02d}{m:02d}{s:02d}"
    return f"{sign}{h:02d}:{m:02d}:{s:02d}"


def go_format(t: GoTime, layout: str) -> str:
    dt = t.dt
    out: list[str] = []
    for kind, tok in _chunks(layout):
        if kind == "lit":
            out.append(tok)
            continue
        hour12 = dt.hour % 12 or 12
        match tok:
            case "January":
                out.append(LONG_MONTHS[dt.month - 1])
            case "Jan":
                out.append(LONG_MONTHS[dt.month - 1][:3])
            case "1":
                out.append(str(dt.month))
            case "01":
                out.append(f"{dt.month:02d}")
            case "Monday":
                out.append(LONG_DAYS[(dt.weekday() + 1) % 7])
            case "Mon":
                out.append(LONG_DAYS[(dt.weekday() + 1) % 7][:3])
            case "2":
                out.append(str(dt.day))
            case "_2":
                out.append(f"{dt.day:2d}")
            case "02":
                out.append(f"{dt.day:02d}")
            case "__2":
                out.append(f"{dt.timetuple().tm_yday:3d}")
            case "002":
                out.append(f"{dt.timetuple().tm_yday:03d}")
            case "15":
                out.append(f"{dt.hour:02d}")
            case "3":
                out.append(str(hour12))
            case "03":
                out.append(f"{hour12:02d}")
            case "4":
                out.append(str(dt.minute))
            case "04":
                out.append(f"{dt.minute:02d}")
            case "5":
                out.append(str(dt.second))
            case "05":
                out.append(f"{dt.second:02d}")
            case "2006":
                out.append(f"{dt.year:04d}")
            case "06":
                out.append(f"{dt.year % 100:02d}")
            case "PM":
                out.append("PM" if dt.hour >= 12 else "AM")
            case "pm":
                out.append("pm" if dt.hour >= 12 else "am")
            case "MST":
                name = _zone_name(dt)
                if name:
                    out.append(name)
                else:
                    off = _offset_seconds(dt) // 60
                    sign = "-" if off < 0 else "+"
                    off = abs(off)
                    out.append(f"{sign}{off // 60:02d}{off % 60:02d}")
            case _ if tok[0] in "-Z":
                out.append(_fmt_offset(_offset_seconds(dt), tok))
            case _ if tok[0] in ".,":
                digits = f"{t.nanos:09d}"[: len(tok) - 1]
                if tok[1] == "9":
                    digits = digits.rstrip("0")
                    if digits:
                        out.append(tok[0] + digits)
                else:
                    out.append(tok[0] + digits)
    return "".join(out)


def _num(value: str, i: int, width: int, fixed: bool) -> tuple[int, int]:
    j = i
    while j < len(value) and value[j].isdigit() and (j - i < width):
        j += 1
    if j == i or (fixed and j - i != width):
        raise LayoutError("bad number")
    return int(value[i:j]), j


def go_parse(layout: str, value: str, local: tzinfo) -> GoTime:
    """time.ParseInLocation (the common layouts; zone names other than UTC and local are 0-offset)."""
    year, month, day, hour, minute, sec, nanos = 1, 1, 1, 0, 0, 0, 0
    pm: bool | None = None
    offset: int | None = None
    zone_name = ""
    i = 0
    chunks = _chunks(layout)
    for pos, (kind, tok) in enumerate(chunks):
        if kind == "lit":
            if not value.startswith(tok, i):
                raise LayoutError(f"cannot parse {value[i:]!r} as {tok!r}")
            i += len(tok)
            continue
        if tok in ("January", "Jan"):
            names = LONG_MONTHS if tok == "January" else [m[:3] for m in LONG_MONTHS]
            for k, name in enumerate(names):
                if value[i : i + len(name)].lower() == name.lower():
                    month, i = k + 1, i + len(name)
                    break
            else:
                raise LayoutError("bad month")
        elif tok in ("Monday", "Mon"):
            names = LONG_DAYS if tok == "Monday" else [d[:3] for d in LONG_DAYS]
            for name in names:
                if value[i : i + len(name)].lower() == name.lower():
                    i += len(name)
                    break
            else:
                raise LayoutError("bad day")
        elif tok in ("1", "01"):
            month, i = _num(value, i, 2, tok == "01")
        elif tok in ("2", "02", "_2"):
            if tok == "_2" and i < len(value) and value[i] == " ":
                i += 1
            day, i = _num(value, i, 2, tok == "02")
        elif tok in ("__2", "002"):
            _, i = _num(value, i, 3, tok == "002")
        elif tok == "15":
            hour, i = _num(value, i, 2, False)
        elif tok in ("3", "03"):
            hour, i = _num(value, i, 2, tok == "03")
        elif tok in ("4", "04"):
            minute, i = _num(value, i, 2, tok == "04")
        elif tok in ("5", "05"):
            sec, i = _num(value, i, 2, tok == "05")
            # Go accepts a fractional second after seconds even when the layout has none
            next_is_frac = pos + 1 < len(chunks) and chunks[pos + 1][0] == "std" and chunks[pos + 1][1][0] in ".,"
            if not next_is_frac and i + 1 < len(value) and value[i] in ".," and value[i + 1].isdigit():
                j = i + 1
                while j < len(value) and value[j].isdigit():
                    j += 1
                nanos = int((value[i + 1 : j] + "000000000")[:9])
                i = j
        elif tok == "2006":
            year, i = _num(value, i, 4, True)
        elif tok == "06":
            yy, i = _num(value, i, 2, True)
            year = yy + (1900 if yy >= 69 else 2000)
        elif tok in ("PM", "pm"):
            word = value[i : i + 2].upper()
            if word not in ("AM", "PM"):
                raise LayoutError("bad am/pm")
            pm = word == "PM"
            i += 2
        elif tok == "MST":
            m = re.match(r"[A-Z]{3,5}|[+-]\d+", value[i:])
            if not m:
                raise LayoutError("bad zone")
            zone_name = m.group(0)
            i += len(zone_name)
        elif tok[0] in "-Z":
            if tok[0] == "Z" and value[i : i + 1] == "Z":
                offset, i = 0, i + 1
                continue
            m = re.match(r"([+-])(\d\d)(?::?(\d\d))?(?::?(\d\d))?", value[i:])
            if not m:
                raise LayoutError("bad offset")
            secs = int(m.group(2)) * 3600 + int(m.group(3) or 0) * 60 + int(m.group(4) or 0)
            offset = -secs if m.group(1) == "-" else secs
            i += len(m.group(0))
        elif tok[0] in ".,":
            if value[i : i + 1] != tok[0]:
                if tok[1] == "9":
                    continue
                raise LayoutError("bad fraction")
            j = i + 1
            while j < len(value) and value[j].isdigit():
                j += 1
            nanos = int((value[i + 1 : j] + "000000000")[:9])
            i = j
    if i != len(value):
        raise LayoutError(f"extra text: {value[i:]!r}")
    if pm is not None:
        if hour > 12:
            raise LayoutError("hour out of range")
        hour = (hour % 12) + (12 if pm else 0)
    try:
        naive = datetime(year, month, day, hour, minute, sec)
    except ValueError as err:
        raise LayoutError(str(err)) from None
    if offset is not None:
        local_dt = naive.replace(tzinfo=local)
        if _offset_seconds(local_dt) == offset:
            return GoTime(local_dt, nanos)
        return GoTime(
            naive.replace(
                tzinfo=timezone(timedelta(seconds=offset), zone_name)
                if zone_name
                else timezone(timedelta(seconds=offset))
            ),
            nanos,
        )
    if zone_name:
        if zone_name == "UTC":
            return GoTime(naive.replace(tzinfo=UTC), nanos)
        local_dt = naive.replace(tzinfo=local)
        if local_dt.tzname() == zone_name:
            return GoTime(local_dt, nanos)
        return GoTime(naive.replace(tzinfo=timezone(timedelta(0), zone_name)), nanos)
    return GoTime(naive.replace(tzinfo=local), nanos)


# --- durations -----------------------------------------------------------------------------

_UNITS = {"ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000, "s": 1_000_000_000,
          "m": 60_000_000_000, "h": 3_600_000_000_000}  # fmt: skip
_DUR_PART = re.compile(r"([0-9]*)(?:\.([0-9]*))?([^0-9.]+)")


def parse_duration(s: str) -> int:
    """time.ParseDuration, in nanoseconds."""
    orig = s
    neg = False
    if s and s[0] in "+-":
        neg = s[0] == "-"
        s = s[1:]
    if s == "0":
        return 0
    if not s:
        raise ValueError(f'time: invalid duration "{orig}"')
    total = 0
    pos = 0
    while pos < len(s):
        m = _DUR_PART.match(s, pos)
        if not m or (m.group(1) == "" and not m.group(2)):
            raise ValueError(f'time: invalid duration "{orig}"')
        unit = m.group(3)
        if unit not in _UNITS:
            raise ValueError(f'time: unknown unit "{unit}" in duration "{orig}"')
        scale = _UNITS[unit]
        whole = int(m.group(1) or 0) * scale
        frac = m.group(2) or ""
        if frac:
            whole += int(int(frac) * scale / 10 ** len(frac))
        total += whole
        pos = m.end()
    if total > (1 << 63) - 1:
        raise ValueError(f'time: invalid duration "{orig}"')
    return -total if neg else total


def _frac(v: int, prec: int) -> tuple[str, int]:
    digits = ""
    printed = False
    for _ in range(prec):
        d = v % 10
        printed = printed or d != 0
        if printed:
            digits = str(d) + digits
        v //= 10
    return ("." + digits if printed else ""), v


def duration_string(d: int) -> str:
    """time.Duration.String."""
    if d == 0:
        return "0s"
    neg = d < 0
    u = -d if neg else d
    if u < 1_000_000_000:
        if u < 1_000:
            s = f"{u}ns"
        elif u < 1_000_000:
            frac, whole = _frac(u, 3)
            s = f"{whole}{frac}µs"
        else:
            frac, whole = _frac(u, 6)
            s = f"{whole}{frac}ms"
    else:
        frac, secs = _frac(u, 9)
        s = f"{secs % 60}{frac}s"
        mins = secs // 60
        if mins > 0:
            s = f"{mins % 60}m" + s
            hours = mins // 60
            if hours > 0:
                s = f"{hours}h" + s
    return ("-" if neg else "") + s


def round_duration(d: int, m: int) -> int:
    """time.Duration.Round: halfway values round away from zero."""
    if m <= 0:
        return d
    r = abs(d) % m
    if d < 0:
        r = -r
        if -r + -r < m:
            return d - r
        return d - r - m
    if r + r < m:
        return d - r
    return d + m - r


def to_time(v: Any) -> GoTime | None:
    return v if isinstance(v, GoTime) else None
