"""Charts and values made ready for helm, once per run: repositories added once, charts made ready
(local dependencies built once, OCI charts pulled, repository charts downloaded for lint/fetch),
values written to a private directory.

`Preparation` lives for one run (a `with` block): repositories and dependency builds are
remembered across state files, and its private directories (values with decrypted secrets,
0700 with 0600 files; downloaded charts; the s3 getter) are removed however the run ends.
Chart versions pinned by helmfile.lock (`deps`) replace the releases' `version:` in plan.planned.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable
from types import TracebackType

from pyhelmfile import log
from pyhelmfile.app.run import helmargs
from pyhelmfile.app.run.options import PrepareOptions, RunOptions
from pyhelmfile.app.run.parallel import run_parallel
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
from pyhelmfile.helm.repos import Repository, add_repository, update_repositories
from pyhelmfile.state.loader import HelmState
from pyhelmfile.state.spec import ReleaseSpec, RepositorySpec, release_id
from pyhelmfile.state.values import ValuesDocument, set_value, values_documents

# helmfile's DefaultFetchOutputDirTemplate (filepath.Join of its parts)
DEFAULT_OUTPUT_DIR_TEMPLATE = (
    "{{ .OutputDir }}{{ if .Release.Namespace }}/{{ .Release.Namespace }}{{ end }}"
    "{{ if .Release.KubeContext }}/{{ .Release.KubeContext }}{{ end }}"
    '/{{ .Release.Name }}/{{ .ChartName }}/{{ or .Release.Version "latest" }}'
)


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
        helm = helmargs.state_helm(st.spec, st.base_path, self.opts, self.popts.args)
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
            flags = helmargs.oci_pull(oci_repository(st, release), plain_http=self.opts.oci_plain_http)
            directory = pull_oci_chart(helm, reference, path, flags)
        self.prepared[self._key(st, release)] = _relative_like(path, absolute, directory)

    def _with_dependencies(self, st: HelmState, helm: Helm, release: ReleaseSpec) -> None:
        """helmfile's chartify for `dependencies:`: a private copy of the chart with them added and fetched."""
        from pyhelmfile.app.run.adhoc import chart_with_dependencies

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
            pull_chart(helm, chart, path, helmargs.pull(release, st.spec.helm_defaults))
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
        flags += helmargs.set_values(release.set_values, functools.partial(set_value, st), st.storage().normalize)
        flags += helmargs.env_values(release, os.environ)
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


def oci_repository(st: HelmState, release: ReleaseSpec) -> RepositorySpec | None:
    """The state repository a `repo/chart` OCI chart comes from (None for an `oci://` chart)."""
    if release.chart.startswith("oci://"):
        return None
    repo_name = release.chart.partition("/")[0]
    return next((r for r in st.spec.repositories if r.name == repo_name), None)


def repositories(st: HelmState) -> list[Repository]:
    """The state's `repositories:` as the helm layer takes them (same field names)."""
    names = [f.name for f in dataclasses.fields(Repository)]
    return [Repository(**{name: getattr(spec, name) for name in names}) for spec in st.spec.repositories]


def output_path(chart: str, output_dir: str, release: ReleaseSpec, template: str) -> str:
    """helmfile's generateChartPath: where `fetch` (and lint) put a downloaded chart."""
    from pyhelmfile import gotmpl
    from pyhelmfile.app.run.hooks import release_struct

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
