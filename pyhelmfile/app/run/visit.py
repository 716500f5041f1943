"""Finding and visiting state files, as helmfile's app does for every command.

A run starts at `-f` (or helmfile.yaml, helmfile.yaml.gotmpl, helmfile.d/), loads each
state file with the environment and `--state-values-*` overrides, visits its `helmfiles:`
first (each with its own selectors and values), then templates its releases, applies
`--namespace`/`--kube-context` overrides, selects with `-l` and hands the state to the
command. No selected release anywhere is an error (exit 3) unless allowed.
"""

from __future__ import annotations

import dataclasses
import glob
import os
from collections.abc import Callable
from typing import Any

from pyhelmfile import log
from pyhelmfile.app.run.options import RunOptions
from pyhelmfile.app.run.plan import select
from pyhelmfile.errors import ConfigError, NoMatchingReleaseError
from pyhelmfile.state.loader import DesiredStateLoader, HelmState, LoadOptions, UndefinedEnvError
from pyhelmfile.state.release import check_duplicates, execute_templates, with_overrides
from pyhelmfile.state.selection import Selector

DEFAULT_HELMFILE = "helmfile.yaml"
DEFAULT_HELMFILE_DIR = "helmfile.d"


# --- --state-values-set -----------------------------------------------------------------------


def parse_key(key: str) -> list[str]:
    """maputil.ParseKey: dots split the key, a backslash escapes the next character."""
    parts, part, escaped = [], "", False
    for char in key:
        if not escaped and char == "\\":
            escaped = True
            continue
        if char == "." and not escaped:
            parts.append(part)
            part = ""
        else:
            part += char
        escaped = False
    if part:
        parts.append(part)
    return parts


def typed_value(value: str, as_string: bool) -> Any:
    """maputil.typedVal: --state-values-set turns true/false/null/integers into typed values."""
    if as_string:
        return value
    lowered = value.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "null":
        return None
    if value == "0":
        return 0
    if value and value[0] != "0":
        try:
            return int(value, 10)
        except ValueError:
            pass
    return value


def _cursor(key: str) -> tuple[str, int | None]:
    """`name[3]` -> ("name", 3); a plain key -> (key, None)."""
    if key.endswith("]") and "[" in key:
        name, _, index = key[:-1].partition("[")
        if index.strip().isdigit() and name:
            return name, int(index)
    return key, None


def set_value(target: dict[str, Any], path: list[str], value: Any) -> None:
    """maputil.Set: create maps (and lists, for `key[i]`) along the path; lists merge index by index."""
    for key in path[:-1]:
        name, index = _cursor(key)
        if index is None:
            child = target.setdefault(name, {})
            if not isinstance(child, dict):
                raise ConfigError(f"--state-values-set: {name} is not a map")
            target = child
        else:
            items = _grow(target, name, index)
            if items[index] is None:
                items[index] = {}
            if not isinstance(items[index], dict):
                raise ConfigError(f"--state-values-set: {name}[{index}] is not a map")
            target = items[index]
    name, index = _cursor(path[-1])
    if index is None:
        target[name] = value
    else:
        _grow(target, name, index)[index] = value


def _grow(target: dict[str, Any], name: str, index: int) -> list[Any]:
    items = target.setdefault(name, [])
    if not isinstance(items, list):
        raise ConfigError(f"--state-values-set: {name} is not a list")
    items.extend([None] * (index + 1 - len(items)))
    return items


def parse_state_values_set(entries: list[str], *, as_string: bool) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for entry in entries:
        for op in entry.split(","):
            key, sep, value = op.partition("=")
            if not sep:
                raise ConfigError(f"--state-values-set: expected key=value, got {op!r}")
            set_value(result, parse_key(key), typed_value(value, as_string))
    return result


def override_values(opts: RunOptions) -> list[Any]:
    """The `--state-values-file`s, then the `--state-values-set(-string)` map, as values entries."""
    entries: list[Any] = list(opts.state_values_files)  # relative to the state file, as in helmfile
    set_map: dict[str, Any] = {}
    if opts.state_values_set_string:
        set_map = parse_state_values_set(opts.state_values_set_string, as_string=True)
    if opts.state_values_set:  # helmfile lets --state-values-set replace the -string map
        set_map = parse_state_values_set(opts.state_values_set, as_string=False)
    if set_map:
        entries.append(set_map)
    return entries


# --- finding and visiting ---------------------------------------------------------------------


def find_state_files(path: str) -> list[str]:
    if path:
        if os.path.isfile(path):
            return [path]
        if os.path.isdir(path):
            directory = path
        else:
            raise ConfigError(f"specified state file {path} is not found")
    else:
        plain, gotmpl = DEFAULT_HELMFILE, DEFAULT_HELMFILE + ".gotmpl"
        if os.path.isfile(plain) and os.path.isfile(gotmpl):
            raise ConfigError(f"both {plain} and {gotmpl} exist. Please remove one of them")
        default = plain if os.path.isfile(plain) else gotmpl if os.path.isfile(gotmpl) else ""
        if os.path.isdir(DEFAULT_HELMFILE_DIR):
            if default:
                raise ConfigError(
                    f"configuration conflict error: you can have either {default} or {DEFAULT_HELMFILE_DIR}, not both"
                )
            directory = DEFAULT_HELMFILE_DIR
        elif default:
            return [default]
        else:
            raise ConfigError(
                f"no state file found. It must be named {DEFAULT_HELMFILE_DIR}/*.{{yaml,yml,yaml.gotmpl,yml.gotmpl}}, "
                f"{plain}, or {gotmpl}, otherwise specified with the --file flag or HELMFILE_FILE_PATH environment "
                "variable"
            )
    files = glob.glob(os.path.join(directory, "*.y*ml")) + glob.glob(os.path.join(directory, "*.y*ml.gotmpl"))
    return sorted(files)


Converge = Callable[[HelmState], bool]


class _Visit:
    """The selectors and values a (sub-)helmfile is visited with."""

    __slots__ = ("selector", "values")  # not a dataclass: those cost start-up time

    def __init__(self, selector: Selector, values: list[Any]) -> None:
        self.selector = selector
        self.values = values


class StateVisitor:
    """Loads every state file of a run and hands each selected state to a command."""

    def __init__(self, opts: RunOptions, *, select_releases: bool = True) -> None:
        """select_releases=False leaves `-l` to the command (helmfile's commands that plan with needs)."""
        self.opts = opts
        self.select_releases = select_releases
        self.skipped: list[str] = []  # state files left out because they lack the environment
        self.load_options = LoadOptions(
            env=opts.env_name,
            namespace=opts.namespace,
            chart=opts.chart,
            kube_context=opts.kube_context,
            helm_binary=opts.helm_binary,
            v1_mode=opts.v1_mode,
        )

    def run(self, converge: Converge, *, include_transitive_needs: bool = False) -> bool:
        """Visit every state; False when no release matched (allowed by --allow-no-matching-release)."""
        first = _Visit(self.opts.selector, override_values(self.opts))
        # helmfile's FileOrDir: -f, else $HELMFILE_FILE_PATH, else the default lookup
        path = self.opts.file or os.environ.get("HELMFILE_FILE_PATH", "")
        if self._visit(path, first, converge, include_transitive_needs):
            return True
        message = (
            f"no releases found that matches specified selector({', '.join(self.opts.selector.texts)}) "
            f"and environment({self.opts.env_name}), in any helmfile"
        )
        if not self.opts.allow_no_matching_release:
            raise NoMatchingReleaseError(message)
        log.warning("%s", message)
        return False

    def _visit(self, path: str, visit: _Visit, converge: Converge, include_transitive_needs: bool) -> bool:
        matched = False
        for file in find_state_files(path):
            try:
                st = DesiredStateLoader(self.load_options).load(file, visit.values)
            except UndefinedEnvError:
                self.skipped.append(file)
                continue  # helmfile skips a state file that lacks the environment
            st.selector = visit.selector
            for sub in st.spec.helmfiles:
                inherit = sub.selectors is None or sub.selectors_inherited
                selector = visit.selector if inherit else Selector.parse(sub.selectors or [])
                sub_visit = _Visit(selector, list(sub.values))
                if self._visit(sub.path, sub_visit, converge, include_transitive_needs):
                    matched = True
            templated = execute_templates(st)
            templated = dataclasses.replace(
                templated, spec=dataclasses.replace(templated.spec, releases=with_overrides(templated))
            )
            if self.select_releases and not keep_selected(templated, include_transitive_needs):
                continue
            if converge(templated):
                matched = True
        return matched


def keep_selected(st: HelmState, include_transitive_needs: bool) -> bool:
    """processFilteredReleases: keep the releases the selectors pick; False if none is left."""
    if st.selector:
        marked = select(st, include_transitive_needs=include_transitive_needs)
        st.spec.releases = [m.release for m in marked if not m.filtered]
    check_duplicates(st.spec.releases)
    return bool(st.spec.releases)
