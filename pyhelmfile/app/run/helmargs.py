"""Every helm command line a run builds: a release, its helmDefaults and the run's options in, arguments out.

The one module that knows helmfile's flag builders (flagsForTemplate, flagsForUpgrade, flagsForLint,
appendPostRenderFlags, ...) and their order, and what helm 4 calls them. Pure: what needs the outside
world (a release's values files, a cluster's capabilities, the namespace a release lands in) is worked
out by the caller and handed in, so each builder is checked by table-driven unit tests without helm.

A release's setting wins over helmDefaults' when it is set (`effective`): for the keys that helmfile
holds as pointers (ReleaseSpec's `X | None` fields), set means not None, so `wait: false` beats
`helmDefaults.wait: true`; for the others, set means non-empty. Command-line flags are applied where
helmfile applies them (some OR with the state's, some override it): each builder says which.
"""

from __future__ import annotations

import dataclasses
import os
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pyhelmfile import log
from pyhelmfile.app.run.options import ReleaseQueryOptions, RunOptions
from pyhelmfile.app.run.release_options import ApplyOptions, DiffOptions, ReleaseCommandOptions, TemplateOptions
from pyhelmfile.errors import ConfigError
from pyhelmfile.helm.exec import Helm, split_args
from pyhelmfile.state import kubecontext
from pyhelmfile.state.spec import HelmSpec, ReleaseSetSpec, ReleaseSpec, RepositorySpec, SetValue


def _pointer_fields() -> frozenset[str]:
    """ReleaseSpec fields typed `X | None`: helmfile's pointers, where None means unset."""
    return frozenset(
        f.name
        for f in dataclasses.fields(ReleaseSpec)
        if isinstance(f.type, types.UnionType) and type(None) in typing.get_args(f.type)
    )


_POINTERS = _pointer_fields()


def effective(release: ReleaseSpec, defaults: HelmSpec, name: str) -> Any:
    """The release's `name` setting if it has one, else helmDefaults'."""
    value = getattr(release, name)
    if name in _POINTERS:
        return value if value is not None else getattr(defaults, name)
    return value or getattr(defaults, name)


def escape(value: str) -> str:
    """helmfile's escape for --set values: braces and commas are helm syntax."""
    return value.replace("{", "\\{").replace("}", "\\}").replace(",", "\\,")


# --- pieces several commands share -----------------------------------------------------------------


def post_renderer(release: ReleaseSpec, defaults: HelmSpec, opts: ReleaseCommandOptions) -> list[str]:
    """appendPostRenderFlags and appendPostRenderArgsFlags: the release's, else the command line's, else
    helmDefaults' post-renderer; its arguments chosen the same way, on their own."""
    flags: list[str] = []
    renderer = release.post_renderer or opts.post_renderer or defaults.post_renderer
    if renderer:
        flags += ["--post-renderer", renderer]
    for arg in release.post_renderer_args or opts.post_renderer_args or defaults.post_renderer_args:
        if arg:
            flags += ["--post-renderer-args", arg]
    return flags


def chart_download_tls(release: ReleaseSpec, defaults: HelmSpec) -> list[str]:
    """appendChartDownloadTLSFlags: for the charts helm template/upgrade download themselves."""
    return ["--insecure-skip-tls-verify"] if effective(release, defaults, "insecure_skip_tls_verify") else []


def chart_version(release: ReleaseSpec, defaults: HelmSpec) -> list[str]:
    """--version and --devel, as every command that resolves a repository chart takes them."""
    flags = ["--version", release.version] if release.version else []
    if effective(release, defaults, "devel"):
        flags.append("--devel")
    return flags


def cli_values(base_path: str, values_files: list[str], set_values: list[str]) -> list[str]:
    """--values (relative to the state file's directory: helmfile runs there) and --set from the command line."""
    flags: list[str] = []
    for extra in values_files:
        path = os.path.abspath(os.path.join(base_path, extra))
        if not os.path.exists(path):
            raise ConfigError(f"values file not found: {extra}")
        flags += ["--values", path]
    for item in set_values:
        flags += ["--set", item]
    return flags


def set_values(values: list[SetValue], expand: Callable[[str], str], normalize: Callable[[str], str]) -> list[str]:
    """A release's `set:` entries; `expand` evaluates a value's vals references, `normalize` a file's path."""
    flags: list[str] = []
    for sv in values:
        if sv.value:
            flags += ["--set", f"{escape(sv.name)}={escape(expand(sv.value))}"]
        elif sv.file:
            flags += ["--set-file", f"{escape(sv.name)}={normalize(sv.file)}"]
        elif sv.values:
            flags += ["--set", f"{escape(sv.name)}={{{','.join(escape(expand(v)) for v in sv.values)}}}"]
    return flags


def env_values(release: ReleaseSpec, environ: Mapping[str, str]) -> list[str]:
    """The deprecated `env:` section: values taken from environment variables."""
    if not release.env_values:
        return []
    missing = [sv.value for sv in release.env_values if sv.value not in environ]
    if missing:
        raise ConfigError(
            "Environment Variables not found. Please make sure they are set and try again: " + ", ".join(missing)
        )
    pairs = [f"{escape(sv.name)}={escape(environ[sv.value])}" for sv in release.env_values]
    return ["--set", ",".join(pairs)]


def reuses_values(opts: DiffOptions, defaults: HelmSpec) -> bool:
    """appendValuesControlModeFlag: whether helm upgrade gets --reuse-values (else --reset-values)."""
    return not opts.reset_values and (opts.reuse_values or defaults.reuse_values)


def state_helm(spec: ReleaseSetSpec, base_path: str, opts: RunOptions, args: str = "") -> Helm:
    """helmfile's getHelm: the state's helm binary and default kube context; the command line's --args, then
    helmDefaults.args, last on every release command."""
    extra = split_args(args) + split_args(" ".join(spec.helm_defaults.args))
    return Helm(
        binary=spec.helm_binary or opts.helm_binary,
        kubeconfig=opts.kubeconfig,
        kube_context=kubecontext.state_default(spec),
        extra_args=extra,
        cwd=base_path,
    )


# --- one builder per helm command ------------------------------------------------------------------


def template(
    release: ReleaseSpec, defaults: HelmSpec, opts: TemplateOptions, *, values: list[str], output_dir: str = ""
) -> list[str]:
    """`helm template` for the template command: flagsForTemplate, then what the command line adds.

    `values`: the release's values flags and the command line's (cli_values); `output_dir`: the release's
    directory under --output-dir, if any."""
    flags = chart_version(release, defaults)
    flags += post_renderer(release, defaults, opts)
    for api in release.api_versions:
        flags += ["--api-versions", api]
    kube_version = opts.kube_version or release.kube_version
    if kube_version:
        flags += ["--kube-version", kube_version]
    flags += chart_download_tls(release, defaults)
    for item in opts.show_only:
        flags += ["--show-only", item]
    if release.namespace:
        flags += ["--namespace", release.namespace]
    flags += values
    if output_dir:
        flags += ["--output-dir", output_dir]
    if opts.validate:
        flags.append("--validate")
    if opts.include_crds:
        flags.append("--include-crds")
    if opts.skip_tests:
        flags.append("--skip-tests")
    return flags


def diff_template(
    release: ReleaseSpec,
    defaults: HelmSpec,
    opts: DiffOptions,
    *,
    namespace: str,
    values: list[str],
    capabilities: tuple[str, list[str]],
    upgrade: bool,
) -> list[str]:
    """`helm template` that reproduces what `helm upgrade --install` would render on a cluster: its
    `capabilities` (kube version, API versions), `--is-upgrade` when the release exists."""
    flags = chart_version(release, defaults)
    flags += post_renderer(release, defaults, opts)  # the deployed manifest was post-rendered too
    kube_version, apis = capabilities
    for api in [*release.api_versions, *apis]:
        flags += ["--api-versions", api]
    if kube_version:
        flags += ["--kube-version", kube_version]
    flags += chart_download_tls(release, defaults)
    flags += ["--namespace", namespace]
    flags += values
    if opts.validate:
        flags.append("--validate")
    if upgrade:
        flags.append("--is-upgrade")
    return flags


def upgrade(
    release: ReleaseSpec,
    defaults: HelmSpec,
    opts: ApplyOptions,
    *,
    namespace: str,
    values: list[str],
    helm_major: int,
    helm_extra_args: Sequence[str] = (),
) -> list[str]:
    """`helm upgrade --install`: flagsForUpgrade plus what SyncReleases adds, in helmfile's order.

    helm 4 gets its own names for --atomic and --force (the old ones only print a deprecation warning),
    client-side apply with --force (it cannot replace objects while applying server-side), and no
    --recreate-pods (gone). `values`: the release's values flags then the command line's."""
    helm4 = helm_major >= 4
    sync_args = split_args(opts.sync_args or " ".join(defaults.sync_args))
    flags = chart_version(release, defaults)
    if effective(release, defaults, "verify"):
        flags.append("--verify")
    if release.keyring or defaults.keyring:
        flags += ["--keyring", release.keyring or defaults.keyring]
    if effective(release, defaults, "enable_dns"):
        flags.append("--enable-dns")
    if opts.wait or effective(release, defaults, "wait"):  # the command line's --wait adds to the state's
        flags.append("--wait")
    if opts.wait_for_jobs or effective(release, defaults, "wait_for_jobs"):
        flags.append("--wait-for-jobs")
    timeout = opts.timeout or effective(release, defaults, "timeout")  # the command line's overrides
    if timeout:
        flags += ["--timeout", f"{timeout}s"]
    if effective(release, defaults, "force"):
        if not helm4:
            flags.append("--force")
        else:
            flags.append("--force-replace")
            # unless the user's own arguments choose how helm 4 applies
            if not any(a.partition("=")[0] == "--server-side" for a in [*sync_args, *helm_extra_args]):
                flags += ["--server-side", "false"]
    if effective(release, defaults, "recreate_pods"):
        if helm4:
            log.warning("release=%s: recreatePods ignored: helm 4 has no --recreate-pods", release.name)
        else:
            flags.append("--recreate-pods")
    if opts.atomic or effective(release, defaults, "atomic"):
        flags.append("--rollback-on-failure" if helm4 else "--atomic")
    if effective(release, defaults, "cleanup_on_fail"):
        flags.append("--cleanup-on-fail")
    create_namespace = effective(release, defaults, "create_namespace")
    if create_namespace is None or create_namespace:  # helmfile creates namespaces unless told not to
        flags.append("--create-namespace")
    if effective(release, defaults, "disable_openapi_validation"):
        flags.append("--disable-openapi-validation")
    flags += chart_download_tls(release, defaults)
    flags += post_renderer(release, defaults, opts)
    flags += sync_args  # the command line's --sync-args, else helmDefaults.syncArgs
    flags += ["--namespace", namespace]
    flags += values
    if opts.skip_crds:
        flags.append("--skip-crds")
    flags.append("--reuse-values" if reuses_values(opts, defaults) else "--reset-values")
    history_max = effective(release, defaults, "history_max")
    flags += ["--history-max", str(10 if history_max is None else history_max)]
    return flags


def uninstall(release: ReleaseSpec, defaults: HelmSpec, opts: ApplyOptions, *, namespace: str) -> list[str]:
    """`helm uninstall`: --wait (and its --timeout) when deleteWait, --cascade (the release's, else the
    command line's, else helmDefaults')."""
    flags = ["--namespace", namespace]
    if effective(release, defaults, "delete_wait"):
        flags.append("--wait")
        timeout = effective(release, defaults, "delete_timeout")
        if timeout:
            flags += ["--timeout", f"{timeout}s"]
    cascade = release.cascade or opts.cascade or defaults.cascade
    if cascade:
        flags += ["--cascade", cascade]
    return flags


def lint(release: ReleaseSpec, *, values: list[str]) -> list[str]:
    """`helm lint`: flagsForLint (the namespace, the release's values), then the command line's values."""
    flags = ["--namespace", release.namespace] if release.namespace else []
    return flags + values


def status(name: str, *, namespace: str) -> list[str]:
    return ["status", name, "--namespace", namespace]


def test(name: str, opts: ReleaseQueryOptions, *, namespace: str) -> list[str]:
    """`helm test` as helmfile's test runs it: --timeout always, --logs on request."""
    flags = ["test", name, "--namespace", namespace, "--timeout", f"{opts.timeout}s"]
    return flags + (["--logs"] if opts.logs else [])


def pull(release: ReleaseSpec, defaults: HelmSpec) -> list[str]:
    """`helm pull` of a repository chart (lint, fetch): --version and --devel."""
    return chart_version(release, defaults)


def oci_pull(repository: RepositorySpec | None, *, plain_http: bool) -> list[str]:
    """`helm pull` of an OCI chart: its repository's TLS and verification settings (none for an `oci://`
    chart, which names no repository), and --plain-http for an http-only registry."""
    flags: list[str] = []
    if repository is not None:
        if repository.ca_file:
            flags += ["--ca-file", repository.ca_file]
        if repository.cert_file and repository.key_file:
            flags += ["--cert-file", repository.cert_file, "--key-file", repository.key_file]
        if repository.skip_tls_verify:
            flags.append("--insecure-skip-tls-verify")
        if repository.verify:
            flags.append("--verify")
        if repository.keyring:
            flags += ["--keyring", repository.keyring]
    if plain_http:
        flags.append("--plain-http")
    return flags
