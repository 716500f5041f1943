"""helmfile 0.166.0's own template functions (pkg/tmpl/context_funcs.go, get_or_nil.go,
expand_secret_ref.go, context_tmpl.go), layered over sprig by `helmfile_funcs`.

Files are resolved against the state file's directory (`base_dir`) and commands run there,
as helmfile's Context does. Secret references (fetchSecretValue, expandSecretRefs) are
evaluated by the vals runtime the caller gives (pyhelmfile.secrets.vals, from the state layer).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyhelmfile.golang import goyaml
from pyhelmfile.gotmpl.funcs._conv import as_map, as_str, go_str, is_list, type_name
from pyhelmfile.gotmpl.funcs._errors import FuncError

if TYPE_CHECKING:
    import subprocess

INCLUDE_MAX_DEPTH = 1000  # helmfile's recursionMaxNums
TPL_NAME = "stringTemplate"  # the name helmfile gives every template it renders


def helper_templates(base_dir: Path) -> list[tuple[Path, str]]:
    """helmfile's helperTPLs: the `_*.tpl` files of the base directory, in glob (sorted) order.

    helmfile parses them into every template it renders (state files, values templates, and
    `tpl`), so their {{define}}s are available to `include`.
    """
    return [(p, p.read_text()) for p in sorted(Path(base_dir).glob("_*.tpl")) if p.is_file()]


class NoValueError(FuncError):
    """get's "no value" failures, which getOrNil turns into nil."""


# --- get / getOrNil / setValueAtPath ---------------------------------------------------------


def get(path: Any, *args: Any) -> Any:
    """get PATH [DEFAULT] OBJ: walk dot-separated keys; the default replaces any missing key."""
    path = as_str(path)
    if len(args) == 1:
        has_default, default, obj = False, None, args[0]
    elif len(args) == 2:
        has_default, default, obj = True, args[0], args[1]
    else:
        from pyhelmfile.golang.fmt import format_value

        raise FuncError(
            "unexpected number of args passed to the template function get(path, [def, ]obj): "
            f"expected 1 or 2, got {len(args)}, args was {format_value(list(args))}"
        )
    if path == "":
        return obj
    key, _, rest = path.partition(".")
    if not isinstance(obj, Mapping):
        raise NoValueError(
            f'unexpected type({type_name(obj)}) of value for key "{key}": '
            "it must be either map[string]any or any struct"
        )
    if key not in obj:
        if has_default:
            return default
        raise NoValueError(f'no value exist for key "{key}" in {go_str(dict(obj))}')
    value = obj[key]
    return get(rest, default, value) if has_default else get(rest, value)


def get_or_nil(path: Any, obj: Any) -> Any:
    try:
        return get(path, obj)
    except NoValueError:
        return None


def set_value_at_path(path: Any, value: Any, values: Any) -> dict[str, Any]:
    path = as_str(path)
    current: Any = as_map(values) if values is not None else None
    *parents, key = path.split(".")
    for k in parents:
        if not isinstance(current, dict):
            raise FuncError(f'failed to set value at path "{path}": value for key "{k}" was not a map')
        if k not in current:
            raise FuncError(f'failed to set value at path "{path}": value for key "{k}" does not exist')
        current = current[k]
        if not isinstance(current, dict):
            raise FuncError(f'failed to set value at path "{path}": value for key "{k}" was not a map')
    if not isinstance(current, dict):
        raise FuncError(f'failed to set value at path "{path}": value for key "{key}" was not a map')
    current[key] = value
    return values  # type: ignore[no-any-return]


# --- YAML ----------------------------------------------------------------------------------


def to_yaml(v: Any) -> str:
    return goyaml.dump(v)


def from_yaml(s: Any) -> dict[str, Any]:
    text = as_str(s)
    try:
        data = goyaml.load(text, string_keys_at_top=True)
        bad_key = goyaml.non_string_key(data)
        if bad_key is not None:
            raise ValueError(f"unexpected type of key in map: expected string, got {type(bad_key).__name__}")
    except Exception as err:  # PyYAML's errors and ours: report like helmfile
        raise FuncError(f"yaml: {_yaml_message(err)}, offending yaml: {text}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        kind = "!!seq" if isinstance(data, list) else "!!str"
        raise FuncError(
            f"yaml: unmarshal errors:\n  line 1: cannot unmarshal {kind} into map[string]interface {{}}, "
            f"offending yaml: {text}"
        )
    return data


def _yaml_message(err: Exception) -> str:
    return " ".join(str(err).split())


# --- required / requiredEnv ------------------------------------------------------------------


def required(warn: Any, val: Any) -> Any:
    from pyhelmfile.golang.fmt import sprintf

    # helmfile passes the message to fmt.Errorf as the format itself
    if val is None or val == "":
        raise FuncError(str(sprintf(as_str(warn))))
    return val


def make_required_env(env: Mapping[str, str]) -> Callable[[Any], str]:
    def required_env(name: Any) -> str:
        key = as_str(name)
        value = env.get(key, "")
        if value:
            return value
        raise FuncError(f"required env var `{key}` is not set")

    return required_env


# --- exec / files ----------------------------------------------------------------------------


def _indent(text: str, pad: str) -> str:
    """helmexec.Indent, including its habit of joining the last line without a newline."""
    lines = text.split("\n")
    last = len(lines) - 1
    out: list[str] = []
    for i, line in enumerate(lines):
        if 0 < i < last and line:
            out.append("\n")
        if line:
            out.append(pad + line)
    return "".join(out)


def _exit_error(path: str, argv: list[str], status: int, stderr: str, combined: str) -> FuncError:
    out = "PATH:\n" + _indent(path, "  ") + "\n\nARGS:"
    for i, a in enumerate(argv):
        out += "\n" + _indent(f"{i}: {a} ({len(a.encode())} bytes)", "  ")
    out += "\n\nERROR:\n" + _indent(f"exit status {status}", "  ")
    out += "\n\nEXIT STATUS\n" + _indent(str(status), "  ")
    if stderr:
        out += "\n\nSTDERR:\n" + _indent(stderr, "  ")
    if combined:
        out += "\n\nCOMBINED OUTPUT:\n" + _indent(combined, "  ")
    from pyhelmfile.gotmpl.funcs._conv import go_quote

    return FuncError(f"command {go_quote(path)} exited with non-zero status:\n\n{out}")


def _string_args(args: Any) -> list[str]:
    if args is None:
        return []
    if not is_list(args):
        raise FuncError(f"wrong type for value; expected []interface {{}}; got {type_name(args)}")
    for i, a in enumerate(args):
        if not isinstance(a, str):
            raise FuncError(f'unexpected type of arg "{type_name(a)}" in args {go_str(list(args))} at index {i}')
    return list(args)


def _read_output(proc: subprocess.Popen[bytes], data: bytes | None) -> tuple[bytes, bytes, bytes]:
    """Collect stdout, stderr and their interleaving (approximated per stream) like helmexec.Output."""
    out, err = proc.communicate(data)
    return out, err, out + err


class ExecRunner:
    """helmfile's Exec/EnvExec: run a command in base_dir, feed it stdin, return its stdout."""

    def __init__(self, base_dir: Path, env: Mapping[str, str]) -> None:
        self.base_dir = base_dir
        self.env = env

    def env_exec(self, envs: Any, command: Any, args: Any, *inputs: Any) -> str:
        import subprocess

        command = as_str(command)
        argv = _string_args(args)
        stdin = as_str(inputs[0]) if inputs else ""
        proc_env = dict(self.env)
        if envs is not None:
            for k, v in as_map(envs).items():
                if not isinstance(v, str):
                    raise FuncError(f'unexpected type of env "{type_name(v)}" in envs {go_str(envs)} at index {k}')
                proc_env[k] = v
        path = command if "/" in command else shutil.which(command, path=proc_env.get("PATH", os.defpath))
        if path is None:
            raise FuncError(f'exec: "{command}": executable file not found in $PATH')
        try:
            proc = subprocess.Popen(
                [command, *argv],  # argv[0] as given, like Go's exec.Command
                executable=path,
                cwd=self.base_dir,
                env=proc_env,
                stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        except OSError as err:
            raise FuncError(f"fork/exec {path}: {err.strerror.lower() if err.strerror else err}") from None
        stdout, stderr, combined = _read_output(proc, stdin.encode() if stdin else None)
        if proc.returncode != 0:
            status = proc.returncode if proc.returncode > 0 else -1
            raise _exit_error(
                path, [command, *argv], status, stderr.decode(errors="replace"), combined.decode(errors="replace")
            )
        return stdout.decode("utf-8", errors="replace")

    def exec(self, command: Any, args: Any, *inputs: Any) -> str:
        return self.env_exec(None, command, args, *inputs)


def _resolve(base_dir: Path, name: str) -> Path:
    return Path(name) if os.path.isabs(name) else base_dir / name


def _os_error(op: str, path: Path, err: OSError) -> str:
    reason = {2: "no such file or directory", 13: "permission denied", 21: "is a directory", 20: "not a directory"}
    return f"{op} {path}: {reason.get(err.errno or 0, (err.strerror or str(err)).lower())}"


class DirEntry(dict[str, Any]):
    """An fs.DirEntry as templates read it: `.Name`, `.IsDir` (a map, since the engine reads maps)."""


def make_file_funcs(base_dir: Path) -> dict[str, Callable[..., Any]]:
    def is_file(filename: Any) -> bool:
        p = _resolve(base_dir, as_str(filename))
        try:
            return not p.stat().st_mode & 0o040000
        except FileNotFoundError:
            return False
        except OSError as err:
            raise FuncError(_os_error("stat", p, err)) from None

    def read_file(filename: Any) -> str:
        p = _resolve(base_dir, as_str(filename))
        try:
            return p.read_bytes().decode("utf-8", errors="replace")
        except OSError as err:
            op = "read" if err.errno == 21 else "open"
            raise FuncError(_os_error(op, p, err)) from None

    def _entries(path: str, what: str) -> list[os.DirEntry[str]]:
        p = _resolve(base_dir, path)
        try:
            with os.scandir(p) as it:
                return sorted(it, key=lambda e: e.name)
        except OSError as err:
            raise FuncError(f"{what} {go_quote_str(str(p))}: {_os_error('open', p, err)}") from None

    def read_dir(path: Any) -> list[str]:
        path = as_str(path)
        return [os.path.join(path, e.name) for e in _entries(path, "ReadDir") if not e.is_dir()]

    def read_dir_entries(path: Any) -> list[DirEntry]:
        return [
            DirEntry(Name=e.name, IsDir=e.is_dir(), Type=0o040000 if e.is_dir() else 0)
            for e in _entries(as_str(path), "ReadDirEntries")
        ]

    return {"isFile": is_file, "readFile": read_file, "readDir": read_dir, "readDirEntries": read_dir_entries}


def go_quote_str(s: str) -> str:
    from pyhelmfile.gotmpl.funcs._conv import go_quote

    return go_quote(s)


# --- secrets (vals) --------------------------------------------------------------------------

SecretRefs = Callable[[dict[str, Any]], dict[str, Any]]


def make_secret_funcs(evaluate: SecretRefs | None) -> dict[str, Callable[..., Any]]:
    """fetchSecretValue and expandSecretRefs over vals' Eval, which the state layer gives (pyhelmfile.secrets.vals)."""

    def eval_refs(values: dict[str, Any]) -> dict[str, Any]:
        if evaluate is None:
            raise FuncError("secret references (ref+...) cannot be expanded here: no vals runtime was given")
        return evaluate(values)

    def fetch_secret_value(path: Any) -> str:
        result = eval_refs({"key": as_str(path)})["key"]
        if not isinstance(result, str):
            raise FuncError(f"expected {go_str(result)} to be string")
        return result

    def expand_secret_refs(values: Any) -> dict[str, Any]:
        return eval_refs(as_map(values) if values is not None else {})

    return {"fetchSecretValue": fetch_secret_value, "expandSecretRefs": expand_secret_refs}
