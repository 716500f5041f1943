"""Template function maps: sprig (as helmfile 0.166.0 vendors it) and helmfile's own functions.

helmfile 0.166.0's go.mod pins github.com/Masterminds/sprig/v3 v3.2.3, so `sprig_funcs` is
that version's TxtFuncMap (no `sha512sum`, which arrived in 3.3.0). `helmfile_funcs` layers
pkg/tmpl's functions over it exactly as helmfile's CreateFuncMap does: helmfile's `get`
replaces sprig's, which stays reachable as `sprigGet`, and `include` runs {{define}}s.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["helmfile_funcs", "sprig_funcs"]


def sprig_funcs(*, env: Mapping[str, str] | None = None) -> dict[str, Callable[..., Any]]:
    """sprig v3.2.3's TxtFuncMap; `env`/`expandenv` read `env` (default: the process environment)."""
    from pyhelmfile.gotmpl.funcs import (
        casing,
        crypto,
        dates,
        defaults,
        dicts,
        encoding,
        lists,
        maths,
        paths,
        reflection,
        regex,
        semverfuncs,
        strings,
        urls,
    )

    funcs: dict[str, Callable[..., Any]] = {}
    for module in (
        strings, casing, lists, dicts, maths, defaults, encoding, crypto,
        regex, dates, semverfuncs, paths, urls, reflection,
    ):  # fmt: skip
        funcs.update(module.FUNCS)
    funcs.update(defaults.make_os_funcs(env))
    return funcs


def helmfile_funcs(
    base_dir: str | Path,
    *,
    env: Mapping[str, str] | None = None,
    pre_render: bool = False,
) -> dict[str, Callable[..., Any]]:
    """helmfile 0.166.0's template functions for a state or values file in `base_dir`.

    `pre_render` is helmfile's first pass over a state file: exec and file reads return
    empty results there, as they also do with HELMFILE_SKIP_INSECURE_TEMPLATE_FUNCTIONS;
    HELMFILE_DISABLE_INSECURE_FEATURES makes them fail.
    """
    from pyhelmfile.gotmpl import needs_context
    from pyhelmfile.gotmpl.funcs import helmfile as hf
    from pyhelmfile.gotmpl.funcs._errors import FuncError

    environ: Mapping[str, str] = os.environ if env is None else env
    base = Path(base_dir)
    funcs = sprig_funcs(env=environ)
    sprig_get = funcs["get"]

    runner = hf.ExecRunner(base, environ)
    secrets = hf.SecretResolver(base, environ)
    included: dict[str, int] = {}

    @needs_context
    def tpl(ctx: Any, text: Any, data: Any) -> str:
        """helmfile's Tpl: a fresh template (its helper `_*.tpl` files, not this file's defines)."""
        from pyhelmfile.gotmpl.funcs._conv import as_str

        source = as_str(text)
        t = None
        for _, helper in hf.helper_templates(base):
            t = (t or ctx.template).new_sibling(hf.TPL_NAME, helper, share_defines=t is not None)
        t = (t or ctx.template).new_sibling(hf.TPL_NAME, source, share_defines=t is not None)
        return str(t.execute(data))

    @needs_context
    def include(ctx: Any, name: Any, data: Any) -> str:
        from pyhelmfile.gotmpl.funcs._conv import as_str

        key = as_str(name)
        if included.get(key, 0) > hf.INCLUDE_MAX_DEPTH:
            raise FuncError(f"rendering template has a nested reference name: {key}: unable to execute template")
        included[key] = included.get(key, 0) + 1
        try:
            return str(ctx.include(key, data))
        finally:
            included[key] -= 1

    funcs.update(
        {
            "envExec": runner.env_exec,
            "exec": runner.exec,
            **hf.make_file_funcs(base),
            "toYaml": hf.to_yaml,
            "fromYaml": hf.from_yaml,
            "setValueAtPath": hf.set_value_at_path,
            "requiredEnv": hf.make_required_env(environ),
            "get": hf.get,
            "getOrNil": hf.get_or_nil,
            "tpl": tpl,
            "required": hf.required,
            "fetchSecretValue": secrets.fetch_secret_value,
            "expandSecretRefs": secrets.expand_secret_refs,
            "sprigGet": sprig_get,
            "include": include,
        }
    )
    if pre_render or hf._truthy_env(environ, "HELMFILE_SKIP_INSECURE_TEMPLATE_FUNCTIONS"):
        funcs.update(_inert_insecure())
    if hf._truthy_env(environ, "HELMFILE_DISABLE_INSECURE_FEATURES"):
        funcs.update(_disabled_insecure())
    return funcs


def _inert_insecure() -> dict[str, Callable[..., Any]]:
    """The side-effect-free stand-ins helmfile uses while pre-rendering."""

    def exec_(command: Any, args: Any, *inputs: Any) -> str:
        return ""

    def env_exec(envs: Any, command: Any, args: Any, *inputs: Any) -> str:
        return ""

    def read_file(filename: Any) -> str:
        return ""

    def read_dir(path: Any) -> list[Any]:
        return []

    return {"exec": exec_, "envExec": env_exec, "readFile": read_file, "readDir": read_dir, "readDirEntries": read_dir}


def _disabled_insecure() -> dict[str, Callable[..., Any]]:
    from pyhelmfile.gotmpl.funcs._errors import FuncError

    msg = "HELMFILE_DISABLE_INSECURE_FEATURES is active, insecure function calls are disabled"

    def exec_(command: Any, args: Any, *inputs: Any) -> str:
        raise FuncError(msg)

    def env_exec(envs: Any, command: Any, args: Any, *inputs: Any) -> str:
        raise FuncError(msg)

    def read_file(filename: Any) -> str:
        raise FuncError(msg)

    def read_dir(path: Any) -> list[Any]:
        raise FuncError(msg)

    return {"exec": exec_, "envExec": env_exec, "readFile": read_file, "readDir": read_dir, "readDirEntries": read_dir}
