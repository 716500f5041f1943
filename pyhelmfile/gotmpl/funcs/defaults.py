"""sprig's defaults and flow functions (defaults.go, `fail`), plus the OS ones (`env`, `expandenv`)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from pyhelmfile.gotmpl.funcs._conv import as_bool, as_str, empty
from pyhelmfile.gotmpl.funcs._errors import FuncError


def default(d: Any, *given: Any) -> Any:
    if not given or empty(given[0]):
        return d
    return given[0]


def coalesce(*values: Any) -> Any:
    return next((v for v in values if not empty(v)), None)


def all_(*values: Any) -> bool:
    return all(not empty(v) for v in values)


def any_(*values: Any) -> bool:
    return any(not empty(v) for v in values)


def ternary(vt: Any, vf: Any, cond: Any) -> Any:
    return vt if as_bool(cond) else vf


def fail(msg: Any) -> str:
    raise FuncError(as_str(msg))


_SPECIAL = frozenset("*#$@!?-0123456789")


def _shell_name(s: str) -> tuple[str, int]:
    """os.getShellName: the variable name after a `$` and how many bytes it spans."""
    if s[0] == "{":
        if len(s) > 2 and s[1] in _SPECIAL and s[2] == "}":
            return s[1], 3
        end = s.find("}", 1)
        if end == 1:
            return "", 2  # "${}": bad syntax, eaten
        if end < 0:
            return "", 1  # "${" without "}": bad syntax, only "${" is eaten
        return s[1:end], end + 1
    if s[0] in _SPECIAL:
        return s[0], 1
    i = 0
    while i < len(s) and (s[i] == "_" or (s[i].isascii() and s[i].isalnum())):
        i += 1
    return s[:i], i


def expand_env(s: str, env: Mapping[str, str]) -> str:
    """os.ExpandEnv: $VAR and ${VAR}; unset variables become empty; bad syntax is dropped."""
    out: list[str] = []
    i = 0
    j = 0
    while j < len(s):
        if s[j] == "$" and j + 1 < len(s):
            out.append(s[i:j])
            name, width = _shell_name(s[j + 1 :])
            if name:
                out.append(env.get(name, ""))
            elif width == 0:
                out.append("$")  # `$` not followed by a name stays
            j += width
            i = j + 1
        j += 1
    out.append(s[i:])
    return "".join(out)


def make_os_funcs(env: Mapping[str, str] | None) -> dict[str, Any]:
    source: Mapping[str, str] = os.environ if env is None else env

    def env_(name: Any) -> str:
        return source.get(as_str(name), "")

    def expandenv(s: Any) -> str:
        return expand_env(as_str(s), source)

    return {"env": env_, "expandenv": expandenv}


FUNCS: dict[str, Any] = {
    "default": default,
    "empty": empty,
    "coalesce": coalesce,
    "all": all_,
    "any": any_,
    "ternary": ternary,
    "fail": fail,
}
