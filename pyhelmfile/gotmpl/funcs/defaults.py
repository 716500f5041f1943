"""sprig's defaults and flow functions (defaults.go, `fail`), plus the OS ones (`env`, `expandenv`)."""

from __future__ import annotations

import os
import re
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


_EXPAND = re.compile(r"\$(\{([^}]*)\}?|[A-Za-z0-9_]+|[*#$@!?\-0-9])")


def expand_env(s: str, env: Mapping[str, str]) -> str:
    """os.ExpandEnv: $VAR and ${VAR}; unset variables become empty; a lone `$` stays."""

    def sub(m: re.Match[str]) -> str:
        if m.group(0).startswith("${"):
            if not m.group(0).endswith("}"):
                return ""  # Go: a bad ${ syntax eats the rest of the name
            return env.get(m.group(2) or "", "")
        return env.get(m.group(1), "")

    return _EXPAND.sub(sub, s)


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
