"""Template function maps: sprig (as helmfile 0.166.0 vendors it) and helmfile's own functions.

helmfile 0.166.0's go.mod pins github.com/Masterminds/sprig/v3 v3.2.3, so `sprig_funcs` is
that version's TxtFuncMap (no `sha512sum`, which arrived in 3.3.0). `helmfile_funcs` layers
pkg/tmpl's functions over it exactly as helmfile's CreateFuncMap does: helmfile's `get`
replaces sprig's, which stays reachable as `sprigGet`, and `include` runs {{define}}s.

Both are `FuncMap`s: a function's module is imported when a template first looks it up,
since importing all of them would cost more start-up time than rendering a state file.
The names are listed here for that; tests check the lists against the modules' FUNCS.
"""

from __future__ import annotations

import functools
import importlib
import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from pyhelmfile.gotmpl import FuncLoader, FuncMap

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["helmfile_funcs", "sprig_funcs"]

# module of pyhelmfile.gotmpl.funcs -> the names of its FUNCS (no name is in two modules)
SPRIG_MODULES: dict[str, str] = {
    "strings": (
        "hello abbrev abbrevboth trunc trim upper lower title untitle substr repeat trimall trimAll "
        "trimSuffix trimPrefix nospace initials randAlphaNum randAlpha randAscii randNumeric swapcase shuffle "
        "wrap wrapWith contains hasPrefix hasSuffix quote squote cat indent nindent replace plural toString "
        "split splitList splitn toStrings join"
    ),
    "casing": "snakecase kebabcase camelcase",
    "lists": (
        "tuple list append push mustAppend mustPush prepend mustPrepend first mustFirst rest mustRest last "
        "mustLast initial mustInitial reverse mustReverse uniq mustUniq without mustWithout has mustHas slice "
        "mustSlice concat chunk mustChunk compact mustCompact sortAlpha until untilStep seq"
    ),
    "dicts": (
        "dict get set unset hasKey pluck keys pick omit merge mergeOverwrite mustMerge mustMergeOverwrite "
        "values deepCopy mustDeepCopy dig"
    ),
    "maths": (
        "atoi int64 int float64 toDecimal add1 add sub div mod mul randInt add1f addf subf divf mulf biggest "
        "max min maxf minf ceil floor round"
    ),
    "defaults": "default empty coalesce all any ternary fail",
    "encoding": (
        "b64enc b64dec b32enc b32dec fromJson toJson toPrettyJson toRawJson mustFromJson mustToJson "
        "mustToPrettyJson mustToRawJson"
    ),
    "crypto": (
        "sha1sum sha256sum adler32sum bcrypt htpasswd genPrivateKey derivePassword buildCustomCert genCA "
        "genCAWithKey genSelfSignedCert genSelfSignedCertWithKey genSignedCert genSignedCertWithKey "
        "encryptAES decryptAES randBytes uuidv4"
    ),
    "regex": (
        "regexMatch mustRegexMatch regexFindAll mustRegexFindAll regexFind mustRegexFind regexReplaceAll "
        "mustRegexReplaceAll regexReplaceAllLiteral mustRegexReplaceAllLiteral regexSplit mustRegexSplit "
        "regexQuoteMeta"
    ),
    "dates": (
        "ago date date_in_zone date_modify dateInZone dateModify duration durationRound htmlDate "
        "htmlDateInZone must_date_modify mustDateModify mustToDate now toDate unixEpoch"
    ),
    "semverfuncs": "semver semverCompare",
    "paths": "base dir clean ext isAbs osBase osClean osDir osExt osIsAbs",
    "urls": "urlParse urlJoin getHostByName",
    "reflection": "typeOf typeIs typeIsLike kindOf kindIs deepEqual",
}
OS_FUNCS = ("env", "expandenv")  # defaults.make_os_funcs: they read the given environment
HELMFILE_FUNCS = (
    "envExec", "exec", "isFile", "readFile", "readDir", "readDirEntries", "toYaml", "fromYaml", "setValueAtPath",
    "requiredEnv", "get", "getOrNil", "tpl", "required", "fetchSecretValue", "expandSecretRefs", "sprigGet", "include",
)  # fmt: skip


@functools.cache
def module_funcs(module: str) -> Mapping[str, Callable[..., Any]]:
    """The FUNCS of one module of this package, imported on first use."""
    funcs: Mapping[str, Callable[..., Any]] = importlib.import_module(f"{__name__}.{module}").FUNCS
    return funcs


_SPRIG_INDEX: dict[str, FuncLoader] = {
    name: loader
    for module, names in SPRIG_MODULES.items()
    for loader in [functools.partial(module_funcs, module)]
    for name in names.split()
}


def sprig_funcs(*, env: Mapping[str, str] | None = None) -> FuncMap:
    """sprig v3.2.3's TxtFuncMap; `env`/`expandenv` read `env` (default: the process environment)."""

    @functools.cache
    def os_funcs() -> Mapping[str, Callable[..., Any]]:
        from pyhelmfile.gotmpl.funcs.defaults import make_os_funcs

        return make_os_funcs(env)

    return FuncMap({**_SPRIG_INDEX, **dict.fromkeys(OS_FUNCS, os_funcs)})


def helmfile_funcs(
    base_dir: str | Path,
    *,
    env: Mapping[str, str] | None = None,
    pre_render: bool = False,
    secret_refs: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> FuncMap:
    """helmfile 0.166.0's template functions for a state or values file in `base_dir`.

    `secret_refs` is vals' Eval for fetchSecretValue and expandSecretRefs (without it they fail).

    `pre_render` is helmfile's first pass over a state file: exec and file reads return
    empty results there, as they also do with HELMFILE_SKIP_INSECURE_TEMPLATE_FUNCTIONS;
    HELMFILE_DISABLE_INSECURE_FEATURES makes them fail.
    """
    environ: Mapping[str, str] = os.environ if env is None else env
    sprig = sprig_funcs(env=environ)

    @functools.cache
    def load_helmfile_layer() -> Mapping[str, Callable[..., Any]]:
        return helmfile_layer(base_dir, environ, sprig["get"], secret_refs)

    index: dict[str, FuncLoader] = {**sprig.index, **dict.fromkeys(HELMFILE_FUNCS, load_helmfile_layer)}
    overrides: dict[str, Callable[..., Any]] = {}
    if pre_render or _truthy_env(environ, "HELMFILE_SKIP_INSECURE_TEMPLATE_FUNCTIONS"):
        overrides.update(_inert_insecure())
    if _truthy_env(environ, "HELMFILE_DISABLE_INSECURE_FEATURES"):
        overrides.update(_disabled_insecure())
    index.update(dict.fromkeys(overrides, lambda: overrides))
    return FuncMap(index)


def _truthy_env(env: Mapping[str, str], name: str) -> bool:
    """strconv.ParseBool of an environment variable (false when unset or unparsable)."""
    return env.get(name, "").strip() in ("1", "t", "T", "TRUE", "true", "True")


def helmfile_layer(
    base_dir: str | Path,
    environ: Mapping[str, str],
    sprig_get: Callable[..., Any],
    secret_refs: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> dict[str, Callable[..., Any]]:
    """helmfile's own functions (HELMFILE_FUNCS), over sprig's."""
    from pathlib import Path

    from pyhelmfile.gotmpl import needs_context
    from pyhelmfile.gotmpl.funcs import helmfile as hf
    from pyhelmfile.gotmpl.funcs._errors import FuncError

    base = Path(base_dir)
    runner = hf.ExecRunner(base, environ)
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

    return {
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
        **hf.make_secret_funcs(secret_refs),
        "sprigGet": sprig_get,
        "include": include,
    }


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
