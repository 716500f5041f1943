"""sprig's date functions (date.go) over gotime.GoTime."""

from __future__ import annotations

import re
from datetime import UTC, tzinfo
from typing import Any

from pyhelmfile.gotmpl.funcs._conv import as_str
from pyhelmfile.gotmpl.funcs._errors import FuncError
from pyhelmfile.gotmpl.funcs.gotime import (
    ZERO_TIME,
    GoTime,
    LayoutError,
    duration_string,
    go_parse,
    local_zone,
    parse_duration,
    round_duration,
)


def load_location(name: str) -> tzinfo | None:
    """time.LoadLocation: "" and "UTC" are UTC, "Local" the local zone, else the tz database."""
    if name in ("", "UTC"):
        return UTC
    if name == "Local":
        return local_zone()
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except (ValueError, OSError, KeyError):
        return None


def _as_time(date: Any) -> GoTime:
    """The time sprig's date functions make of their argument (anything else means now)."""
    if isinstance(date, GoTime):
        return date
    if isinstance(date, int) and not isinstance(date, bool):
        return GoTime.unix(date)
    return GoTime.now()


def date_in_zone(fmt: Any, date: Any, zone: Any) -> str:
    tz = load_location(as_str(zone)) or UTC
    return _as_time(date).in_zone(tz).format(as_str(fmt))


def date(fmt: Any, date_: Any) -> str:
    return date_in_zone(fmt, date_, "Local")


def html_date(date_: Any) -> str:
    return date_in_zone("2006-01-02", date_, "Local")


def html_date_in_zone(date_: Any, zone: Any) -> str:
    return date_in_zone("2006-01-02", date_, zone)


def _need_time(v: Any) -> GoTime:
    if isinstance(v, GoTime):
        return v
    from pyhelmfile.gotmpl.funcs._conv import type_name

    raise FuncError(f"wrong type for value; expected time.Time; got {type_name(v)}")


def must_date_modify(fmt: Any, date_: Any) -> GoTime:
    t = _need_time(date_)
    try:
        return t.add_nanos(parse_duration(as_str(fmt)))
    except ValueError as err:
        raise FuncError(str(err)) from None


def date_modify(fmt: Any, date_: Any) -> GoTime:
    t = _need_time(date_)
    try:
        return t.add_nanos(parse_duration(as_str(fmt)))
    except ValueError:
        return t


def _since(t: GoTime) -> int:
    return GoTime.now().unix_nanos() - t.unix_nanos()


def ago(date_: Any) -> str:
    t = _as_time(date_)
    return duration_string(round_duration(_since(t), 1_000_000_000))


def duration(sec: Any) -> str:
    # sprig accepts only string and int64; a template int (a literal or a YAML number) is 0.
    n = 0
    if isinstance(sec, str) and re.fullmatch(r"[+-]?[0-9]+", sec) and abs(int(sec)) < (1 << 63):
        n = int(sec)  # strconv.ParseInt(s, 10, 64)
    return duration_string(n * 1_000_000_000)


def duration_round(d: Any) -> str:
    if isinstance(d, str):
        try:
            ns = parse_duration(d)
        except ValueError:
            ns = 0
    elif isinstance(d, GoTime):
        ns = _since(d)
    else:
        ns = 0
    u = abs(ns)
    year, month, day = 3600 * 24 * 365 * 10**9, 3600 * 24 * 30 * 10**9, 3600 * 24 * 10**9
    hour, minute, second = 3600 * 10**9, 60 * 10**9, 10**9
    for size, unit in ((year, "y"), (month, "mo"), (day, "d"), (hour, "h"), (minute, "m"), (second, "s")):
        if u > size:
            return f"{u // size}{unit}"
    return "0s"


def must_to_date(fmt: Any, s: Any) -> GoTime:
    try:
        return go_parse(as_str(fmt), as_str(s), local_zone())
    except LayoutError as err:
        raise FuncError(f'parsing time "{s}" as "{fmt}": {err}') from None


def to_date(fmt: Any, s: Any) -> GoTime:
    try:
        return must_to_date(fmt, s)
    except FuncError:
        return ZERO_TIME


def unix_epoch(date_: Any) -> str:
    return str(_need_time(date_).unix_seconds())


def now() -> GoTime:
    return GoTime.now()


FUNCS: dict[str, Any] = {
    "ago": ago,
    "date": date,
    "date_in_zone": date_in_zone,
    "date_modify": date_modify,
    "dateInZone": date_in_zone,
    "dateModify": date_modify,
    "duration": duration,
    "durationRound": duration_round,
    "htmlDate": html_date,
    "htmlDateInZone": html_date_in_zone,
    "must_date_modify": must_date_modify,
    "mustDateModify": must_date_modify,
    "mustToDate": must_to_date,
    "now": now,
    "toDate": to_date,
    "unixEpoch": unix_epoch,
}
