"""The helmfile state schema (helmfile 0.166.0's pkg/state types), as dataclasses.

Each field's metadata names its YAML key. `None` stands for Go's nil pointer (unset), which
matters: helmfile distinguishes "unset" from "false"/"0" when applying helmDefaults.
`pyhelmfile.state.decode` fills these from YAML nodes, strictly (unknown keys are errors).

No `from __future__ import annotations` here: decoding reads each field's type, and real
types cost nothing where string annotations would each be compiled at run time. Every
class has a docstring, or dataclasses would compute one from its signature at import.
"""

import dataclasses
from dataclasses import dataclass, field
from typing import Any

_DEFAULTS: dict[type, tuple[tuple[str, Any, Any], ...]] = {}


def _defaults(cls: type) -> tuple[tuple[str, Any, Any], ...]:
    found = _DEFAULTS.get(cls)
    if found is None:
        found = _DEFAULTS[cls] = tuple((f.name, f.default, f.default_factory) for f in dataclasses.fields(cls))
    return found


class _Spec:
    """One generic __init__/__eq__/__repr__ for all spec classes.

    dataclasses would generate them per class at import, which costs more start-up time
    than the whole of loading a typical state file; specs are few, so a loop is fine.
    """

    def __init__(self, **values: Any) -> None:
        for name, default, factory in _defaults(type(self)):
            if name in values:
                value = values.pop(name)
            elif factory is not dataclasses.MISSING:
                value = factory()
            else:
                value = default
            object.__setattr__(self, name, value)
        if values:
            raise TypeError(f"{type(self).__name__} has no field {next(iter(values))!r}")

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and vars(self) == vars(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({fields})"


def y(key: str, default: Any = None, *, factory: Any = None, keep: bool = False) -> Any:
    """A dataclass field read from YAML key `key`; `keep` marks Go fields without `omitempty`."""
    meta = {"yaml": key, "keep": keep}
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(init=False, repr=False, eq=False)  # methods come from _Spec
class SetValue(_Spec):
    """A `set:` (also `setTemplate:`, `env:`) entry: helmfile's SetValue."""

    name: str = y("name", "")
    value: str = y("value", "")
    file: str = y("file", "")
    values: list[str] = y("values", factory=list)


@dataclass(init=False, repr=False, eq=False)  # methods come from _Spec
class Hook(_Spec):
    """A `hooks:` entry: helmfile's event.Hook."""

    name: str = y("name", "", keep=True)
    events: list[str] = y("events", factory=list, keep=True)
    command: str = y("command", "", keep=True)
    kubectl_apply: dict[str, str] = y("kubectlApply", factory=dict)
    args: list[str] = y("args", factory=list, keep=True)
    showlogs: bool = y("showlogs", False, keep=True)


@dataclass(init=False, repr=False, eq=False)  # methods come from _Spec
class Dependency(_Spec):
    """A release's `dependencies:` entry: helmfile's Dependency."""

    chart: str = y("chart", "", keep=True)
    version: str = y("version", "", keep=True)
    alias: str = y("alias", "", keep=True)


@dataclass(init=False, repr=False, eq=False)  # methods come from _Spec
class Inherit(_Spec):
    """A release's `inherit:` entry: helmfile's Inherit."""

    template: str = y("template", "")
    except_: list[str] = y("except", factory=list)


@dataclass(init=False, repr=False, eq=False)  # methods come from _Spec
class ReleaseSpec(_Spec):
    """A `releases:` entry: helmfile's ReleaseSpec."""

    chart: str = y("chart", "")
    chart_path: str = y("chartPath", "")
    directory: str = y("directory", "")
    version: str = y("version", "")
    verify: bool | None = y("verify")
    keyring: str = y("keyring", "")
    enable_dns: bool | None = y("enableDNS")
    devel: bool | None = y("devel")
    wait: bool | None = y("wait")
    wait_for_jobs: bool | None = y("waitForJobs")
    timeout: int | None = y("timeout")
    recreate_pods: bool | None = y("recreatePods")
    force: bool | None = y("force")
    installed: bool | None = y("installed")
    atomic: bool | None = y("atomic")
    cleanup_on_fail: bool | None = y("cleanupOnFail")
    history_max: int | None = y("historyMax")
    condition: str = y("condition", "")
    create_namespace: bool | None = y("createNamespace")
    disable_openapi_validation: bool | None = y("disableOpenAPIValidation")
    disable_validation: bool | None = y("disableValidation")
    disable_validation_on_install: bool | None = y("disableValidationOnInstall")
    missing_file_handler: str | None = y("missingFileHandler")
    needs: list[str] = y("needs", factory=list)
    hooks: list[Hook] = y("hooks", factory=list)
    name: str = y("name", "")
    namespace: str = y("namespace", "")
    labels: dict[str, str] = y("labels", factory=dict)
    values: list[Any] = y("values", factory=list)
    secrets: list[Any] = y("secrets", factory=list)
    set_values: list[SetValue] = y("set", factory=list)
    values_template: list[Any] = y("valuesTemplate", factory=list)
    set_values_template: list[SetValue] = y("setTemplate", factory=list)
    api_versions: list[str] = y("apiVersions", factory=list)
    kube_version: str = y("kubeVersion", "")
    env_values: list[SetValue] = y("env", factory=list)
    values_path_prefix: str = y("valuesPathPrefix", "")
    kube_context: str = y("kubeContext", "")
    insecure_skip_tls_verify: bool = y("insecureSkipTLSVerify", False)
    verify_template: str | None = y("verifyTemplate")
    wait_template: str | None = y("waitTemplate")
    installed_template: str | None = y("installedTemplate")
    dependencies: list[Dependency] = y("dependencies", factory=list)
    json_patches: list[Any] = y("jsonPatches", factory=list)
    strategic_merge_patches: list[Any] = y("strategicMergePatches", factory=list)
    transformers: list[Any] = y("transformers", factory=list)
    adopt: list[str] = y("adopt", factory=list)
    force_go_getter: bool = y("forceGoGetter", False)
    force_namespace: str = y("forceNamespace", "")
    skip_deps: bool | None = y("skipDeps")
    post_renderer: str | None = y("postRenderer")
    post_renderer_args: list[str] = y("postRendererArgs", factory=list)
    cascade: str | None = y("cascade")
    suppress_output_line_regex: list[str] = y("suppressOutputLineRegex", factory=list)
    inherit: list[Inherit] = y("inherit", factory=list)
    suppress_diff: bool | None = y("suppressDiff")
    delete_wait: bool | None = y("deleteWait")
    delete_timeout: int | None = y("deleteTimeout")

    def chart_path_or_name(self) -> str:
        return self.chart_path or self.chart


@dataclass(init=False, repr=False, eq=False)  # methods come from _Spec
class TemplateSpec(ReleaseSpec):
    """`templates:` entries: a release spec used through YAML anchors or `inherit:`."""


@dataclass(init=False, repr=False, eq=False)  # methods come from _Spec
class HelmSpec(_Spec):
    """`helmDefaults:`: helmfile's HelmSpec."""

    kube_context: str = y("kubeContext", "")
    args: list[str] = y("args", factory=list)
    diff_args: list[str] = y("diffArgs", factory=list)
    sync_args: list[str] = y("syncArgs", factory=list)
    verify: bool = y("verify", False, keep=True)
    keyring: str = y("keyring", "")
    enable_dns: bool = y("enableDNS", False, keep=True)
    devel: bool = y("devel", False, keep=True)
    wait: bool = y("wait", False, keep=True)
    wait_for_jobs: bool = y("waitForJobs", False, keep=True)
    timeout: int = y("timeout", 0, keep=True)
    recreate_pods: bool = y("recreatePods", False, keep=True)
    force: bool = y("force", False, keep=True)
    atomic: bool = y("atomic", False, keep=True)
    cleanup_on_fail: bool = y("cleanupOnFail", False)
    history_max: int | None = y("historyMax")
    create_namespace: bool | None = y("createNamespace")
    skip_deps: bool = y("skipDeps", False, keep=True)
    reuse_values: bool = y("reuseValues", False, keep=True)
    post_renderer: str | None = y("postRenderer")
    post_renderer_args: list[str] = y("postRendererArgs", factory=list)
    cascade: str | None = y("cascade")
    suppress_output_line_regex: list[str] = y("suppressOutputLineRegex", factory=list)
    disable_validation: bool | None = y("disableValidation")
    disable_openapi_validation: bool | None = y("disableOpenAPIValidation")
    insecure_skip_tls_verify: bool = y("insecureSkipTLSVerify", False)
    delete_wait: bool = y("deleteWait", False, keep=True)
    delete_timeout: int = y("deleteTimeout", 0, keep=True)


@dataclass(init=False, repr=False, eq=False)  # methods come from _Spec
class RepositorySpec(_Spec):
    """A `repositories:` entry: helmfile's RepositorySpec."""

    name: str = y("name", "")
    url: str = y("url", "")
    ca_file: str = y("caFile", "")
    cert_file: str = y("certFile", "")
    key_file: str = y("keyFile", "")
    username: str = y("username", "")
    password: str = y("password", "")
    managed: str = y("managed", "")
    oci: bool = y("oci", False)
    verify: bool = y("verify", False)
    keyring: str = y("keyring", "")
    pass_credentials: bool = y("passCredentials", False)
    skip_tls_verify: bool = y("skipTLSVerify", False)


@dataclass(init=False, repr=False, eq=False)  # methods come from _Spec
class MissingFileHandlerConfig(_Spec):
    """`missingFileHandlerConfig:`: helmfile's MissingFileHandlerConfig."""

    ignore_missing_git_branch: bool = y("ignoreMissingGitBranch", False)


@dataclass(init=False, repr=False, eq=False)  # methods come from _Spec
class EnvironmentSpec(_Spec):
    """An `environments:` entry: helmfile's EnvironmentSpec."""

    values: list[Any] = y("values", factory=list)
    secrets: list[str] = y("secrets", factory=list)
    kube_context: str = y("kubeContext", "")
    missing_file_handler: str | None = y("missingFileHandler")
    missing_file_handler_config: MissingFileHandlerConfig = y(
        "missingFileHandlerConfig", factory=MissingFileHandlerConfig
    )


@dataclass(init=False, repr=False, eq=False)  # methods come from _Spec
class SubHelmfileSpec(_Spec):
    """`helmfiles:` entries: a path (or glob), or a map with path, selectors and values."""

    path: str = y("path", "")
    selectors: list[str] | None = y("selectors")
    selectors_inherited: bool = y("selectorsInherited", False)
    values: list[Any] = y("values", factory=list)


@dataclass(init=False, repr=False, eq=False)  # methods come from _Spec
class ReleaseSetSpec(_Spec):
    """One helmfile state file (after rendering), helmfile's ReleaseSetSpec."""

    helm_binary: str = y("helmBinary", "")
    kustomize_binary: str = y("kustomizeBinary", "")
    default_values: list[Any] = y("values", factory=list)
    environments: dict[str, EnvironmentSpec] = y("environments", factory=dict)
    bases: list[str] = y("bases", factory=list)
    helm_defaults: HelmSpec = y("helmDefaults", factory=HelmSpec)
    helmfiles: list[SubHelmfileSpec] = y("helmfiles", factory=list)
    deprecated_context: str = y("context", "")
    deprecated_releases: list[ReleaseSpec] = y("charts", factory=list)
    kube_context: str = y("kubeContext", "")
    namespace: str = y("namespace", "")
    chart: str = y("chart", "")
    repositories: list[RepositorySpec] = y("repositories", factory=list)
    common_labels: dict[str, str] = y("commonLabels", factory=dict)
    releases: list[ReleaseSpec] = y("releases", factory=list)
    api_versions: list[str] = y("apiVersions", factory=list)
    kube_version: str = y("kubeVersion", "")
    hooks: list[Hook] = y("hooks", factory=list)
    templates: dict[str, TemplateSpec] = y("templates", factory=dict, keep=True)
    missing_file_handler: str = y("missingFileHandler", "")
    missing_file_handler_config: MissingFileHandlerConfig = y(
        "missingFileHandlerConfig", factory=MissingFileHandlerConfig
    )
    lock_file: str = y("lockFilePath", "")


# --- plain functions of a release ---


def desired(release: ReleaseSpec) -> bool:
    """Whether the release should be installed (`installed:` unset means yes)."""
    return release.installed is None or release.installed


def release_id(release: ReleaseSpec) -> str:
    """helmfile's ReleaseToID: [kubeContext/]namespace/name, with empty parts kept apart."""
    parts = []
    if release.kube_context:
        parts.append(release.kube_context)
    if release.namespace or release.kube_context:
        parts.append(release.namespace)
    parts.append(release.name)
    return "/".join(parts)
