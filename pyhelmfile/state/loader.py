"""Loading a helmfile state file into a HelmState, as helmfile 0.166.0 does.

The file is split into parts on "\\n---\\n". Each part is rendered as a Go template (in v0
mode every file is; in v1 mode only `*.gotmpl` files), parsed strictly, and merged over the
parts before it; a part sees `.Values`/`.Environment` built from the parts before it.
In v0 mode a part is rendered twice: a tolerant first pass (missing keys are empty,
side-effect functions return nothing) only to learn the part's `environments:` values, and
the real pass with those values. `bases:` are loaded first and merged under the file;
environment values files and `--state-values-*` overrides are merged in helmfile's order.
"""

from __future__ import annotations

import copy
import dataclasses
import os
from dataclasses import dataclass, field
from typing import Any

from pyhelmfile.errors import ConfigError
from pyhelmfile.golang import goyaml
from pyhelmfile.gotmpl import TemplateError
from pyhelmfile.state import decode, kubecontext
from pyhelmfile.state.environment import DEFAULT_ENV, Environment, merge_envs
from pyhelmfile.state.merge import merge_spec, merge_values
from pyhelmfile.state.render import Renderer
from pyhelmfile.state.selection import Selector
from pyhelmfile.state.spec import ReleaseSetSpec, ReleaseSpec, SubHelmfileSpec
from pyhelmfile.state.storage import Storage


class UndefinedEnvError(ConfigError):
    def __init__(self, env: str, path: str | None = None) -> None:
        super().__init__(f'environment "{env}" is not defined', path=path)
        self.env = env


@dataclass(repr=False, eq=False)  # generated __repr__/__eq__ cost start-up time
class HelmState:
    """A loaded state file: its spec plus what loading computed."""

    spec: ReleaseSetSpec
    file_path: str
    base_path: str
    env: Environment
    rendered_values: dict[str, Any] = field(default_factory=dict)
    selector: Selector = field(default_factory=Selector)  # what the run visits this state file with
    original_releases: list[ReleaseSpec] = field(default_factory=list)

    @property
    def releases(self) -> list[ReleaseSpec]:
        return self.spec.releases

    def storage(self) -> Storage:
        return Storage(self.file_path, self.base_path)


class LoadOptions:
    """The global flags that loading a state file depends on."""

    __slots__ = (
        "chart",
        "env",
        "helm_binary",
        "kube_context",
        "namespace",
        "v1_mode",
    )  # not a dataclass: those cost start-up time

    def __init__(
        self,
        env: str = DEFAULT_ENV,
        namespace: str = "",
        chart: str = "",
        kube_context: str = "",
        helm_binary: str = "",
        v1_mode: bool = False,
    ) -> None:
        self.env = env
        self.namespace = namespace
        self.chart = chart
        self.kube_context = kube_context
        self.helm_binary = helm_binary
        self.v1_mode = v1_mode


def cast_keys_to_strings(value: Any, where: str) -> Any:
    """helmfile's maputil.CastKeysToStrings: every map key must be a string."""
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if not isinstance(key, str):
                from pyhelmfile.golang.fmt import format_value
                from pyhelmfile.golang.types import go_type_name

                raise ConfigError(
                    f"{where}: unexpected type of key in map: expected string, got {go_type_name(key)}: "
                    f"value={format_value(key)}"
                )
            result[key] = cast_keys_to_strings(item, where)
        return result
    if isinstance(value, list):
        return [cast_keys_to_strings(item, where) for item in value]
    return value


def env_template_data(env: Environment, namespace: str, values: dict[str, Any]) -> dict[str, Any]:
    """helmfile's EnvironmentTemplateData."""
    return {"Environment": env.template_data(), "Namespace": namespace, "Values": values, "StateValues": values}


def load_values_file(path: str, data: dict[str, Any], what: str, workdir: str | None = None) -> dict[str, Any]:
    text = Renderer(os.path.dirname(path), data, workdir=workdir).render_file(path)
    try:
        loaded = goyaml.load(text)
    except goyaml.YAMLError as exc:
        line = goyaml.error_line(exc)
        raise ConfigError(goyaml.error_message(exc), path=path, line=line) from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ConfigError(f"failed to load {what} file: the document is not a map", path=path)
    result: dict[str, Any] = cast_keys_to_strings(loaded, path)
    return result


def load_environment_values(
    storage: Storage,
    handler: str | None,
    entries: list[Any],
    ctx_env: Environment | None,
    env_name: str,
) -> dict[str, Any]:
    """helmfile's EnvironmentValuesLoader: files (rendered if .gotmpl) and inline maps, merged in order."""
    result: dict[str, Any] = {}
    for entry in entries:
        if isinstance(entry, str):
            files = storage.resolve(handler, "environment values", entry)
            for path in files or []:
                if path.endswith(".hcl"):
                    raise ConfigError("HCL environment values files are not supported", path=path)
                env = ctx_env if ctx_env is not None else Environment(env_name)
                data = env_template_data(env, "", {})
                merge_values(result, load_values_file(path, data, "environment values", storage.base_path))
        elif isinstance(entry, dict):
            merge_values(result, copy.deepcopy(cast_keys_to_strings(entry, storage.file_path)))
        else:
            raise ConfigError(f"unexpected type of value: value={entry!r}", path=storage.file_path)
    return result


class StateCreator:
    """helmfile's StateCreator: parse one rendered part, load bases and environment values."""

    def __init__(self, loader: DesiredStateLoader, *, strict: bool = True) -> None:
        self.loader = loader
        self.strict = strict

    def parse(self, content: str, base_dir: str, file: str) -> HelmState:
        spec = ReleaseSetSpec()
        for document in decode.compose_documents(content, file):
            part = decode.decode(document, ReleaseSetSpec, file, strict=self.strict)
            merge_spec(spec, part, override=False, append=True)
        if spec.deprecated_releases:
            if spec.releases:
                raise ConfigError("you can't specify both `charts` and `releases` sections", path=file)
            spec.releases, spec.deprecated_releases = spec.deprecated_releases, []
        kubecontext.deprecated_default(spec)
        override_binary = self.loader.options.helm_binary
        if override_binary and override_binary != "helm":
            spec.helm_binary = override_binary
        elif not spec.helm_binary:
            spec.helm_binary = "helm"
        if not spec.kustomize_binary:
            spec.kustomize_binary = "kustomize"
        return HelmState(spec=spec, file_path=file, base_path=base_dir, env=Environment(""))

    def load_bases(self, env_values: Environment | None, overrode: Environment | None, st: HelmState) -> HelmState:
        layers = [
            self.loader.load_file(env_values, overrode.deep_copy() if overrode else None, st.base_path, base, False)
            for base in st.spec.bases
        ]
        layers.append(st)
        for layer in layers[1:]:
            merge_spec(layers[0].spec, layer.spec, override=False, append=True)
        return layers[0]

    def load_env_values(
        self,
        st: HelmState,
        name: str,
        fail_on_missing_env: bool,
        ctx_env: Environment | None,
        overrode: Environment | None,
    ) -> HelmState:
        env = self._env_values(st, name, fail_on_missing_env, ctx_env, overrode)
        defaults = load_environment_values(st.storage(), None, st.spec.default_values, ctx_env, name)
        env.defaults = merge_values(env.defaults or {}, defaults)
        return dataclasses.replace(st, env=env)

    def _env_values(
        self,
        st: HelmState,
        name: str,
        fail_on_missing_env: bool,
        ctx_env: Environment | None,
        overrode: Environment | None,
    ) -> Environment:
        values: dict[str, Any] = {}
        spec = st.spec.environments.get(name)
        if spec is not None:
            storage = st.storage()
            secret_values: dict[str, Any] = {}
            for entry in spec.secrets:
                for path in storage.resolve(spec.missing_file_handler, "environment values", entry) or []:
                    merge_values(secret_values, self.loader.decrypt_values(path))
            values = load_environment_values(storage, spec.missing_file_handler, spec.values, ctx_env, name)
            merge_values(values, secret_values)
        elif ctx_env is None and overrode is None and name != DEFAULT_ENV and fail_on_missing_env:
            raise UndefinedEnvError(name, st.file_path)
        env = Environment(name, kube_context=spec.kube_context if spec else "", values=values, defaults=None)
        if ctx_env is not None:
            env = _override_env(ctx_env, env)
        if overrode is not None:
            env = _override_env(env, overrode)
        return env

    def parse_and_load(
        self,
        content: str,
        base_dir: str,
        file: str,
        fail_on_missing_env: bool,
        evaluate_bases: bool,
        env_values: Environment | None,
        overrode: Environment | None,
    ) -> HelmState:
        st = self.parse(content, base_dir, file)
        if not evaluate_bases:
            if st.spec.bases:
                raise ConfigError("nested `base` helmfile is unsupported", path=file)
        else:
            st = self.load_bases(env_values, overrode, st)
        st = self.load_env_values(st, self.loader.options.env, fail_on_missing_env, env_values, overrode)
        st.file_path = file
        st.rendered_values = st.env.merged_values()
        return st


def _override_env(base: Environment, other: Environment) -> Environment:
    """mergo.Merge(&copy, other, WithOverride) on Environment structs (shallow copy, maps merged)."""
    result = Environment(
        name=other.name or base.name,
        kube_context=other.kube_context or base.kube_context,
        values=base.values,
        defaults=base.defaults,
    )
    if other.values:
        result.values = merge_values(dict(base.values or {}), other.values)
    if other.defaults:
        result.defaults = merge_values(dict(base.defaults or {}), other.defaults)
    return result


class DesiredStateLoader:
    """helmfile's desiredStateLoader: one state file with its parts, bases and environment."""

    def __init__(self, options: LoadOptions) -> None:
        self.options = options

    def decrypt_values(self, path: str) -> dict[str, Any]:
        from pyhelmfile.secrets.sops import decrypt_file

        data = goyaml.load(decrypt_file(path))
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise ConfigError("failed to load environment secrets file: the document is not a map", path=path)
        result: dict[str, Any] = cast_keys_to_strings(data, path)
        return result

    def load(self, path: str, override_values: list[Any] | None = None) -> HelmState:
        """The top-level state file (with --state-values-set/-file overrides as values entries)."""
        overrode = None
        if override_values:
            storage = Storage(path, os.path.dirname(os.path.abspath(path)))
            values = load_environment_values(
                storage, "Error", override_values, Environment(self.options.env), self.options.env
            )
            overrode = Environment(self.options.env, values=values)
        st = self.load_file(None, overrode, os.path.dirname(path) or ".", os.path.basename(path), True)
        opts = self.options
        kubecontext.apply_flag(st.spec, opts.kube_context)
        if opts.namespace:
            if st.spec.namespace:
                raise ConfigError("Cannot use option --namespace and set attribute namespace.")
            st.spec.namespace = opts.namespace
        if opts.chart:
            if st.spec.chart:
                raise ConfigError("Cannot use option --chart and set attribute chart.")
            st.spec.chart = opts.chart
        return st

    def load_file(
        self,
        inherited: Environment | None,
        overrode: Environment | None,
        base_dir: str,
        file: str,
        evaluate_bases: bool,
    ) -> HelmState:
        path = file if os.path.isabs(file) else os.path.normpath(os.path.join(base_dir, file))
        try:
            with open(path, encoding="utf-8") as fh:
                content = fh.read()
        except OSError as exc:
            raise ConfigError(f"cannot read state file: {exc.strerror}", path=path) from None
        st = self._load(inherited, overrode, base_dir, path, content, evaluate_bases)
        for i, sub in enumerate(st.spec.helmfiles):
            if sub.path == path:
                raise ConfigError(f"contains a recursion into the same sub-helmfile at helmfiles[{i}]", path=path)
            if sub.path == ".":
                raise ConfigError(
                    f"contains a recursion into the directory containing this helmfile at helmfiles[{i}]", path=path
                )
        return st

    def _load(
        self,
        env: Environment | None,
        overrode: Environment | None,
        base_dir: str,
        filename: str,
        content: str,
        evaluate_bases: bool,
    ) -> HelmState:
        parts = content.replace("\r\n", "\n").split("\n---\n")
        has_env = env is not None or overrode is not None
        final: HelmState | None = None
        for i, part in enumerate(parts):
            part_id = f"{filename}.part.{i}"
            if filename.endswith(".gotmpl") or not self.options.v1_mode:
                inherited = env if has_env or final is not None else Environment(self.options.env, values=None)
                raw = self._render_part(inherited, overrode, base_dir, part_id, part, filename)
            else:
                raw = part
            current = self._raw_load(raw, base_dir, filename, evaluate_bases, env, overrode)
            if final is None:
                final = current
            else:
                merge_spec(final.spec, current.spec, override=True)
                # Env is part of helmfile's ReleaseSetSpec, so it merges (with override) too.
                final.env = _override_env(final.env, current.env)
                final.rendered_values = current.rendered_values
            env = final.env
            if not final.spec.environments:
                continue
            if evaluate_bases and env.name != DEFAULT_ENV and env.name not in final.spec.environments:
                raise UndefinedEnvError(env.name, filename)
        assert final is not None
        if not final.spec.environments and evaluate_bases and not has_env and final.env.name != DEFAULT_ENV:
            raise UndefinedEnvError(final.env.name, filename)
        final.original_releases = list(final.spec.releases)
        return final

    def _raw_load(
        self,
        content: str,
        base_dir: str,
        filename: str,
        evaluate_bases: bool,
        env: Environment | None,
        overrode: Environment | None,
    ) -> HelmState:
        creator = StateCreator(self)
        if self.options.v1_mode:
            st = creator.parse_and_load(content, base_dir, filename, False, evaluate_bases, env, overrode)
        else:
            merged = merge_envs(env, overrode)
            st = creator.parse_and_load(content, base_dir, filename, False, evaluate_bases, merged, None)
        st.spec.helmfiles = self._expand_helmfiles(st)
        return st

    def _expand_helmfiles(self, st: HelmState) -> list[SubHelmfileSpec]:
        expanded: list[SubHelmfileSpec] = []
        for sub in st.spec.helmfiles:
            matches = st.storage().expand(sub.path)
            if not matches:
                if st.spec.missing_file_handler == "Error":
                    raise ConfigError(f"no matches for path: {sub.path}", path=st.file_path)
                continue
            expanded.extend(dataclasses.replace(sub, path=match) for match in matches)
        return expanded

    def _render_part(
        self,
        inherited: Environment | None,
        overrode: Environment | None,
        base_dir: str,
        part_id: str,
        content: str,
        filename: str,
    ) -> str:
        """twoPassRenderTemplateToYaml (every merge is nil-safe, as Go's is)."""
        init_env = merge_envs(inherited, None)
        if self.options.v1_mode:
            final_env = merge_envs(init_env, overrode)
        else:
            rendered_env = self._first_pass(merge_envs(init_env, None), overrode, base_dir, filename, content)
            final_env = merge_envs(merge_envs(inherited, rendered_env), overrode)
        assert final_env is not None  # inherited or overrode is always set here
        values = final_env.merged_values()
        data = env_template_data(final_env, self.options.namespace, values)
        try:
            return Renderer(base_dir, data).render(content)
        except TemplateError as exc:
            raise ConfigError(f"error during {os.path.basename(part_id)} parsing: {exc}", path=filename) from None

    def _first_pass(
        self, first_env: Environment | None, overrode: Environment | None, base_dir: str, filename: str, content: str
    ) -> Environment | None:
        """renderPrestate: learn the part's environment values, tolerating every error."""
        init_env = merge_envs(first_env, overrode)
        assert init_env is not None
        data = env_template_data(init_env, self.options.namespace, {})
        try:
            text = Renderer(base_dir, data, pre_render=True).render(content)
        except TemplateError as exc:
            if exc.partial is None:
                return first_env
            text = exc.partial
        text = text.replace("<no value>", "")
        try:
            prestate = StateCreator(self, strict=False).parse_and_load(
                text, base_dir, filename, True, False, first_env, overrode
            )
        except (ConfigError, goyaml.YAMLError):
            return first_env
        return prestate.env
