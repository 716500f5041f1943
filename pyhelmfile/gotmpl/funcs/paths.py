"""sprig's path (slash-separated, Go's `path`) and filepath (OS, here POSIX) functions."""

from __future__ import annotations

from typing import Any

from pyhelmfile.gotmpl.funcs._conv import as_str


def clean(p: Any) -> str:
    """path.Clean: lexical; "" becomes "."; a rooted path cannot climb above "/"."""
    s = as_str(p)
    if s == "":
        return "."
    rooted = s.startswith("/")
    parts: list[str] = []
    for part in s.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
            continue
        parts.append(part)
    out = "/".join(parts)
    if rooted:
        return "/" + out
    return out or "."


def base(p: Any) -> str:
    s = as_str(p)
    if s == "":
        return "."
    s = s.rstrip("/")
    if s == "":
        return "/"
    return s.rsplit("/", 1)[-1]


def dir_(p: Any) -> str:
    s = as_str(p)
    idx = s.rfind("/")
    return clean(s[: idx + 1])


def ext(p: Any) -> str:
    s = as_str(p)
    for i in range(len(s) - 1, -1, -1):
        if s[i] == "/":
            break
        if s[i] == ".":
            return s[i:]
    return ""


def is_abs(p: Any) -> bool:
    return as_str(p).startswith("/")


FUNCS: dict[str, Any] = {
    "base": base,
    "dir": dir_,
    "clean": clean,
    "ext": ext,
    "isAbs": is_abs,
    # filepath on a POSIX system is path
    "osBase": base,
    "osClean": clean,
    "osDir": dir_,
    "osExt": ext,
    "osIsAbs": is_abs,
}
