"""What every command that hands releases to helm shares: selection with needs, repositories
added once, charts made ready (local dependencies built once, OCI charts pulled, repository
charts downloaded for lint/fetch), values written to a private directory.

`Preparation` lives for one run (a `with` block): repositories and dependency builds are
remembered across state files, and its private directories (values with decrypted secrets,
0700 with 0600 files; downloaded charts; the s3 getter) are removed however the run ends.
Chart versions pinned by helmfile.lock (`deps`) replace the releases' `version:` in `planned`.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from types import TracebackType
from typing import TypeVar

from pyhelmfile import log
from pyhelmfile.app.options import RunOptions
from pyhelmfile.app.repos import helm_for, repositories
from pyhelmfile.errors import ConfigError, HelmError
from pyhelmfile.helm.charts import (
    build_dependencies,
    chart_key,
    chart_path,
    find_chart_dir,
    is_local_chart,
    pull_chart,
    pull_oci_chart,
)
from pyhelmfile.helm.exec import Helm
from pyhelmfile.helm.paths import repositories_config
from pyhelmfile.helm.repos import add_repository, update_repositories
from pyhelmfile.state.dag import plan
from pyhelmfile.state.loader import HelmState
from pyhelmfile.state.lock import apply_lock
from pyhelmfile.state.release import desired, mark_excluded, release_id
from pyhelmfile.state.spec import ReleaseSpec, SetValue
from pyhelmfile.state.values import ValuesDocument, set_value, values_documents

T = TypeVar("T")


@dataclass
class NeedsOptions:
    """--include-needs / --include-transitive-needs / --skip-needs, as helmfile's commands take them."""

    include_needs: bool = False
    include_transitive_needs: bool = False
    skip_needs: bool = True


@dataclass
class ReleaseCommandOptions(NeedsOptions):
    """The flags template, lint, diff, apply and sync share (helmfile's names), needs flags included."""

    args: str = ""  # --args: extra helm arguments, last on every release's helm command line
    set_values: list[str] = field(default_factory=list)  # --set
    values_files: list[str] = field(default_factory=list)  # --values
    skip_deps: bool = False
    concurrency: int = 0
    post_renderer: str = ""  # --post-renderer (template, diff, apply, sync)
    post_renderer_args: list[str] = field(default_factory=list)  # --post-renderer-args

    def prepare(self) -> PrepareOptions:
        return PrepareOptions(
            args=self.args, skip_deps=self.skip_deps, concurrency=self.concurrency, post_renderer=self.post_renderer
        )


@dataclass
class PrepareOptions:
    args: str = ""  # --args: extra helm arguments, last on every helm command line
    skip_deps: bool = False
    concurrency: int = 0
    # lint and fetch: repository charts are pulled and untarred first (helm lint needs a directory)
    force_download: bool = False
    output_dir: str = ""  # fetch --output-dir; default: a private temporary directory
    output_dir_template: str = ""  # fetch --output-dir-template; default: helmfile's
    adhoc_dependencies: bool = True  # a release's `dependencies:` are added to its chart (not for fetch)
    post_renderer: str = ""  # --post-renderer: with helm 4, wrapped in a plugin like the state's (helm/plugins.py)


# helmfile's DefaultFetchOutputDirTemplate (filepath.Join of its parts)
DEFAULT_OUTPUT_DIR_TEMPLATE = (
    "{{ .OutputDir }}{{ if .Release.Namespace }}/{{ .Release.Namespace }}{{ end }}"
    "{{ if .Release.KubeContext }}/{{ .Release.KubeContext }}{{ end }}"
    '/{{ .Release.Name }}/{{ .ChartName }}/{{ or .Release.Version "latest" }}'
)


def planned(st: HelmState, needs: NeedsOptions, *, installed_only: bool = True) -> list[list[ReleaseSpec]]:
    """helmfile's withNeeds: selected releases (plus their needs on request), planned into groups.

    Repository charts get the versions helmfile.lock pins first (helmfile's ResolveDeps).
    """
    apply_lock(st)
    releases = st.spec.releases
    marked = mark_excluded(releases, st.selectors, st.spec.common_labels, st.rendered_values, False)
    selected = [m.release for m in marked if not m.filtered]
    if not selected:
        return []
    include = needs.include_needs or needs.include_transitive_needs
    skip = needs.skip_needs and not include
    batches = plan(releases, selected, include_needs=include, skip_needs=skip)
    if not installed_only:
        return batches
    return [b for b in ([r for r in batch if desired(r)] for batch in batches) if b]


def run_parallel(jobs: Sequence[Callable[[], T]], concurrency: int, labels: Sequence[str] = ()) -> list[T]:
    """Run independent helm processes side by side; results (and the first error) in job order.

    With `labels` (one per job), a terminal shows a spinner line per running job (pyhelmfile.progress).
    """
    from pyhelmfile.progress import Display

    with Display(labels) as display:
        shown = bool(labels)

        def run(index: int, job: Callable[[], T]) -> T:
            if shown:
                display.start(index)
            try:
                return job()
            finally:
                if shown:
                    display.done(index)

        if len(jobs) <= 1:
            return [run(i, job) for i, job in enumerate(jobs)]
        workers = concurrency if concurrency > 0 else min(len(jobs), 2 * (os.cpu_count() or 1))
        pool = ThreadPoolExecutor(max_workers=workers)
        try:
            futures = [pool.submit(run, i, job) for i, job in enumerate(jobs)]
            return [future.result() for future in futures]
        except KeyboardInterrupt:
            pool.shutdown(wait=True, cancel_futures=True)  # Ctrl-C or SIGTERM: start nothing more
            raise
        finally:
            pool.shutdown(wait=True)


def escape(value: str) -> str:
    """helmfile's escape for --set values: braces and commas are helm syntax."""
    return value.replace("{", "\\{").replace("}", "\\}").replace(",", "\\,")


def set_flags(st: HelmState, values: list[SetValue]) -> list[str]:
    flags: list[str] = []
    for sv in values:
        if sv.value:
            flags += ["--set", f"{escape(sv.name)}={escape(set_value(st, sv.value))}"]
        elif sv.file:
            flags += ["--set-file", f"{escape(sv.name)}={st.storage().normalize(sv.file)}"]
        elif sv.values:
            flags += ["--set", f"{escape(sv.name)}={{{','.join(escape(set_value(st, v)) for v in sv.values)}}}"]
    return flags


def env_set_flags(release: ReleaseSpec) -> list[str]:
    """The deprecated `env:` section: values taken from environment variables."""
    if not release.env_values:
        return []
    missing = [sv.value for sv in release.env_values if sv.value not in os.environ]
    if missing:
        raise ConfigError(
            "Environment Variables not found. Please make sure they are set and try again: " + ", ".join(missing)
        )
    pairs = [f"{escape(sv.name)}={escape(os.environ[sv.value])}" for sv in release.env_values]
    return ["--set", ",".join(pairs)]


def cli_values_flags(base_path: str, values_files: list[str], set_values: list[str]) -> list[str]:
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


def post_renderer_flags(st: HelmState, release: ReleaseSpec, opts: ReleaseCommandOptions) -> list[str]:
    """helmfile's appendPostRenderFlags and appendPostRenderArgsFlags: the release's, else the command line's,
    else helmDefaults' post-renderer; its arguments chosen the same way, on their own."""
    defaults = st.spec.helm_defaults
    flags: list[str] = []
    renderer = release.post_renderer or opts.post_renderer or defaults.post_renderer
    if renderer:
        flags += ["--post-renderer", renderer]
    for arg in release.post_renderer_args or opts.post_renderer_args or defaults.post_renderer_args:
        if arg:
            flags += ["--post-renderer-args", arg]
    return flags


def chart_download_tls_flags(st: HelmState, release: ReleaseSpec) -> list[str]:
    """helmfile's appendChartDownloadTLSFlags: for the charts helm template/upgrade download themselves."""
    if release.insecure_skip_tls_verify or st.spec.helm_defaults.insecure_skip_tls_verify:
        return ["--insecure-skip-tls-verify"]
    return []


def refuse_unsupported(release: ReleaseSpec, base_path: str = "") -> None:
    """helmfile's chartify features are refused with one clear line instead of a helm error later."""
    chart = release.chart_path_or_name()
    directory = chart_path(chart, base_path)
    if base_path and os.path.isdir(directory) and not os.path.isfile(os.path.join(directory, "Chart.yaml")):
        raise ConfigError(
            f"release {release.name!r}: {chart} has no Chart.yaml; plain manifests and kustomizations "
            "(helmfile's chartify) are not supported yet"
        )
    for attr, name in (
        ("json_patches", "jsonPatches"),
        ("strategic_merge_patches", "strategicMergePatches"),
        ("transformers", "transformers"),
        ("force_namespace", "forceNamespace"),
    ):
        if getattr(release, attr):
            raise ConfigError(f"release {release.name!r}: {name} (helmfile's chartify) is not supported yet")


class Preparation:
    """One run's shared work; use as a context manager so the private directories always go."""

    def __init__(self, opts: RunOptions, popts: PrepareOptions) -> None:
        self.opts = opts
        self.popts = popts
        self.added: set[str] = set()
        self.built: set[str] = set()
        self.refreshed = False
        self.values_dir = ""
        self.scratch = ""  # downloaded charts and the s3 getter, made on first use
        self.prepared: dict[tuple[str, str, str, str], str] = {}  # release -> chart argument for helm
        self._plugins = ""
        self._s3_charts: dict[str, bool] = {}  # chart directory -> whether its dependencies name s3://
        self._s3_helm_repos: bool | None = None  # whether helm's repositories file names s3://
        self._lock = threading.Lock()

    def __enter__(self) -> Preparation:
        self.values_dir = tempfile.mkdtemp(prefix="pyhelmfile-values-", dir=temp_root())  # 0700: only this user
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        shutil.rmtree(self.values_dir, ignore_errors=True)
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)

    def _scratch(self) -> str:
        with self._lock:  # downloads run in parallel
            if not self.scratch:
                self.scratch = tempfile.mkdtemp(prefix="pyhelmfile-", dir=temp_root())
            return self.scratch

    def helm(self, st: HelmState) -> Helm:
        """The state's helm; with the run's plugins directory when it needs the s3 getter, or helm 4 needs
        post-renderer plugins for the executables that helmfile's postRenderer names."""
        helm = helm_for(st, self.opts, self.popts.args)
        plugins = False
        if self._uses_s3(st):
            from pyhelmfile.helm import s3getter

            s3getter.add(self._plugins_dir())
            plugins = True
        given = [r.post_renderer for r in st.spec.releases] + [st.spec.helm_defaults.post_renderer]
        renderers = {r for r in [*given, self.popts.post_renderer] if r}
        if renderers and helm.major >= 4:
            from pyhelmfile.helm import plugins as helm_plugins

            names: dict[str, str] = {}
            for renderer in sorted(renderers):
                executable = helm_plugins.post_renderer_executable(renderer, helm.cwd or os.getcwd())
                if executable is not None:
                    names[renderer] = helm_plugins.add_post_renderer(self._plugins_dir(), executable)
            if names:
                helm = dataclasses.replace(helm, post_renderers=names)
                plugins = True
        if plugins:
            helm = dataclasses.replace(helm, env={**helm.env, "HELM_PLUGINS": self._plugins})
        return helm

    def _plugins_dir(self) -> str:
        """The run's helm plugins directory (helm/plugins.py), made on first use."""
        scratch = self._scratch()
        with self._lock:
            if not self._plugins:
                from pyhelmfile.helm import plugins

                self._plugins = plugins.run_dir(scratch)
            return self._plugins

    def _uses_s3(self, st: HelmState) -> bool:
        """Whether helm may meet an s3:// repository in this state: its repositories, helm's own
        repositories file, or the dependencies of its local charts."""
        if any(r.url.startswith("s3://") for r in st.spec.repositories):
            return True
        if self._s3_helm_repos is None:
            try:
                with open(repositories_config(), encoding="utf-8") as fh:
                    self._s3_helm_repos = "s3://" in fh.read()
            except OSError:
                self._s3_helm_repos = False
        if self._s3_helm_repos:
            return True
        for release in st.spec.releases:
            chart = release.chart_path_or_name()
            directory = chart_path(chart, st.base_path)
            if directory not in self._s3_charts:
                self._s3_charts[directory] = _mentions_s3(directory)
            if self._s3_charts[directory]:
                return True
        return False

    @staticmethod
    def _key(st: HelmState, release: ReleaseSpec) -> tuple[str, str, str, str]:
        return (st.file_path, release.kube_context, release.namespace, release.name)

    def charts(self, st: HelmState, helm: Helm, releases: list[ReleaseSpec]) -> None:
        """Repositories once per run; OCI charts pulled, charts given `dependencies:` copied and
        completed and, for lint/fetch, repository charts downloaded, in parallel; then `helm
        dependency build` once per local chart (in parallel).

        helmfile adds `--args`/helmDefaults.args only to the release commands that follow, not here.
        """
        if not releases:
            return  # nothing to render or upgrade: no repository or chart work at all
        helm = dataclasses.replace(helm, extra_args=())
        for release in releases:
            refuse_unsupported(release, st.base_path)
        skip_deps = self.popts.skip_deps or self.opts.skip_deps
        skip_repos = skip_deps or self.opts.skip_refresh
        if not skip_repos:
            self.add_repositories(st, helm)
        builds: dict[str, ReleaseSpec] = {}
        downloads: list[Callable[[], None]] = []
        labels: list[str] = []
        for release in releases:
            chart = release.chart_path_or_name()
            if release.dependencies and self.popts.adhoc_dependencies:
                downloads.append(functools.partial(self._with_dependencies, st, helm, release))
                labels.append(f"Adding dependencies release={release.name}")
                continue
            if is_local_chart(chart, st.base_path):
                self.prepared[self._key(st, release)] = os.path.normpath(chart)
                skip = release.skip_deps if release.skip_deps is not None else st.spec.helm_defaults.skip_deps
                key = chart_key(helm, chart)
                if not (skip_deps or skip) and key not in self.built:
                    builds.setdefault(key, release)
                continue
            reference = oci_reference(st, release)
            if reference is not None:
                downloads.append(functools.partial(self._pull_oci, st, helm, release, *reference))
                labels.append(f"Pulling {reference[0]}")
            elif self.popts.force_download:
                downloads.append(functools.partial(self._fetch, st, helm, release))
                labels.append(f"Fetching {release.chart}")
        run_parallel(downloads, self.popts.concurrency, labels)
        if builds and not self.added and not self.refreshed and not skip_repos:
            update_repositories(helm)  # repositories added outside this run: refresh them once
        self.refreshed = self.refreshed or bool(builds)
        # Distinct charts, fresh indexes: the dependency builds are independent of each other.
        run_parallel(
            [
                functools.partial(build_dependencies, helm, r.name, r.chart_path_or_name(), skip_refresh=True)
                for r in builds.values()
            ],
            self.popts.concurrency,
            [
                f"Building dependency release={r.name}, chart={os.path.normpath(r.chart_path_or_name())}"
                for r in builds.values()
            ],
        )
        self.built.update(builds)

    def add_repositories(self, st: HelmState, helm: Helm) -> None:
        """`helm repo add` (which fetches a fresh index) of each of the state's repositories not added yet this run;
        without --args, which helmfile gives only to release commands."""
        plain = dataclasses.replace(helm, extra_args=())
        for repo in repositories(st):
            if repo.name not in self.added:
                add_repository(plain, repo, os.environ, force_update=not self.opts.disable_force_update)
                self.added.add(repo.name)

    def download_dir(self) -> str:
        """Where charts are downloaded: fetch's --output-dir, else a private temporary directory."""
        if self.popts.output_dir:
            return self.popts.output_dir
        path = os.path.join(self._scratch(), "charts")
        os.makedirs(path, exist_ok=True)
        return path

    def _pull_oci(self, st: HelmState, helm: Helm, release: ReleaseSpec, reference: str, name: str) -> None:
        """helmfile's getOCIChart: pulled once into DIR/[ns]/[context]/release/chart/version."""
        version = release.version
        parts = [self.download_dir(), release.namespace, release.kube_context, release.name, name]
        path = os.path.join(*[p for p in parts if p], _safe_version_path(version))
        absolute = os.path.join(st.base_path, path)
        if os.path.isdir(absolute):
            log.debug("chart already exists at %s", path)
            directory = find_chart_dir(absolute)
        else:
            flags = oci_flags(st, release)
            if self.opts.oci_plain_http:
                flags.append("--plain-http")
            directory = pull_oci_chart(helm, reference, path, flags)
        self.prepared[self._key(st, release)] = _relative_like(path, absolute, directory)

    def _with_dependencies(self, st: HelmState, helm: Helm, release: ReleaseSpec) -> None:
        """helmfile's chartify for `dependencies:`: a private copy of the chart with them added and fetched."""
        from pyhelmfile.app.adhoc import chart_with_dependencies

        chart = release.chart_path_or_name()
        local = is_local_chart(chart, st.base_path)
        reference = None if local else oci_reference(st, release)
        if reference is not None:
            self._pull_oci(st, helm, release, *reference)
            chart, local = self.prepared[self._key(st, release)], True
        root = os.path.join(self._scratch(), "chartify")
        os.makedirs(root, exist_ok=True)
        # chartify's layout: a fresh directory per release, then the release's ID as a path
        work = os.path.join(tempfile.mkdtemp(dir=root), *release_id(release).split("/"))
        self.prepared[self._key(st, release)] = chart_with_dependencies(helm, st.base_path, release, chart, local, work)

    def _fetch(self, st: HelmState, helm: Helm, release: ReleaseSpec) -> None:
        """A repository chart downloaded and untarred (lint, fetch), where --output-dir-template says."""
        chart = release.chart
        path = output_path(chart, self.download_dir(), release, self.popts.output_dir_template)
        absolute = os.path.join(st.base_path, path)
        if not os.path.exists(absolute):
            flags = ["--version", release.version] if release.version else []
            devel = release.devel if release.devel is not None else st.spec.helm_defaults.devel
            if devel:
                flags.append("--devel")
            pull_chart(helm, chart, path, flags)
        else:
            log.info('"%s" has not been downloaded because the output directory "%s" already exists', chart, path)
        try:
            directory = find_chart_dir(absolute)
        except HelmError:
            directory = absolute
        self.prepared[self._key(st, release)] = _relative_like(path, absolute, directory)

    def chart(self, st: HelmState, release: ReleaseSpec) -> str:
        """The chart argument helm gets for a release: a local or downloaded chart's directory, else its name."""
        return self.prepared.get(self._key(st, release), release.chart_path_or_name())

    def values_flags(self, st: HelmState, release: ReleaseSpec) -> list[str]:
        """The release's values documents (written 0600 into the private directory), set and env flags."""
        return self.release_values(st, release)[1]

    def private_file(self, prefix: str, text: str) -> str:
        """A values file (it may hold secrets) in the private directory; its path."""
        # mkstemp: 0600, and unique when a run renders a release twice or two releases share a name
        fd, path = tempfile.mkstemp(prefix=prefix, suffix="-values.yaml", dir=self.values_dir)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        return path

    def release_values(self, st: HelmState, release: ReleaseSpec) -> tuple[list[ValuesDocument], list[str]]:
        """The release's values documents (decrypted secrets included) and the helm flags that pass them."""
        from pyhelmfile.secrets.sops import decrypt_file

        documents = values_documents(st, release, decrypt_file)
        flags: list[str] = []
        for i, document in enumerate(documents):
            flags += ["--values", self.private_file(f"{release.name}-{i:02d}-", document.text)]
        flags += set_flags(st, release.set_values)
        flags += env_set_flags(release)
        return documents, flags


def temp_root() -> str | None:
    """$HELMFILE_TEMPDIR (made 0700 when missing), where helmfile puts its temporary files; else the system's."""
    root = os.environ.get("HELMFILE_TEMPDIR", "")
    if not root:
        return None
    os.makedirs(root, mode=0o700, exist_ok=True)
    return root


def _mentions_s3(chart_dir: str) -> bool:
    for name in ("Chart.yaml", "requirements.yaml"):
        try:
            with open(os.path.join(chart_dir, name), encoding="utf-8") as fh:
                if "s3://" in fh.read():
                    return True
        except OSError:
            continue
    return False


def _safe_version_path(version: str) -> str:
    """helmfile's safeVersionPath: constraint characters become `_`."""
    return re.sub(r"[=><!|~^ ,*]", "_", version)


def _relative_like(path: str, absolute: str, directory: str) -> str:
    """`directory` (found under `absolute`) spelled from `path`, as helmfile names it (relative stays relative)."""
    return os.path.join(path, os.path.relpath(directory, absolute)) if directory != absolute else path


def oci_reference(st: HelmState, release: ReleaseSpec) -> tuple[str, str] | None:
    """helmfile's getOCIQualifiedChartName: (`host/path/chart:version`, chart name) for OCI charts, else None."""
    chart = release.chart
    if chart.startswith("oci://"):
        name = chart.rsplit("/", 1)[-1]
        qualified = f"{chart.removeprefix('oci://')}:{release.version or 'latest'}"
    else:
        repo_name, _, name = chart.partition("/")
        repo = next((r for r in st.spec.repositories if r.name == repo_name), None) if name else None
        if repo is None or not repo.oci:
            return None
        qualified = f"{repo.url}/{name}:{release.version or 'latest'}"
    if not release.version:
        raise ConfigError(
            f'release "{release.name}": the version for OCI charts should be semver compliant, '
            "the latest tag is not supported anymore for helm >= 3.8.0"
        )
    return qualified, name


def oci_flags(st: HelmState, release: ReleaseSpec) -> list[str]:
    """TLS and verification flags of the release's OCI repository, for `helm pull`."""
    repo_name = release.chart.partition("/")[0]
    repo = next((r for r in st.spec.repositories if r.name == repo_name), None)
    if repo is None or release.chart.startswith("oci://"):
        return []
    flags: list[str] = []
    if repo.ca_file:
        flags += ["--ca-file", repo.ca_file]
    if repo.cert_file and repo.key_file:
        flags += ["--cert-file", repo.cert_file, "--key-file", repo.key_file]
    if repo.skip_tls_verify:
        flags.append("--insecure-skip-tls-verify")
    if repo.verify:
        flags.append("--verify")
    if repo.keyring:
        flags += ["--keyring", repo.keyring]
    return flags


def output_path(chart: str, output_dir: str, release: ReleaseSpec, template: str) -> str:
    """helmfile's generateChartPath: where `fetch` (and lint) put a downloaded chart."""
    from pyhelmfile import gotmpl
    from pyhelmfile.app.hooks import release_struct

    text = template or DEFAULT_OUTPUT_DIR_TEMPLATE
    try:
        parsed = gotmpl.Template("output-dir-template", text, {})
    except gotmpl.TemplateError as exc:
        raise ConfigError(f"parsing output-dir-template template {text!r}: {exc}") from None
    data = {"ChartName": chart, "OutputDir": output_dir, "Release": release_struct(release)}
    try:
        return str(parsed.execute(data))
    except gotmpl.TemplateError as exc:
        raise ConfigError(f"executing output-dir-template template: {exc}") from None
