"""What every command that hands releases to helm shares: selection with needs, repositories
added once, local charts' dependencies built once, values written to a private directory.

`Preparation` lives for one run (a `with` block): repositories and dependency builds are
remembered across state files, and the values directory (decrypted secrets included) is
0700 with 0600 files and removed however the run ends.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from types import TracebackType
from typing import TypeVar

from pyhelmfile.app.options import RunOptions
from pyhelmfile.app.repos import helm_for, repositories
from pyhelmfile.errors import ConfigError
from pyhelmfile.helm.charts import build_dependencies, chart_key, is_local_chart
from pyhelmfile.helm.exec import Helm
from pyhelmfile.helm.repos import add_repository, update_repositories
from pyhelmfile.state.dag import plan
from pyhelmfile.state.loader import HelmState
from pyhelmfile.state.release import desired, mark_excluded
from pyhelmfile.state.spec import ReleaseSpec, SetValue
from pyhelmfile.state.values import ValuesDocument, values_documents

T = TypeVar("T")


@dataclass
class NeedsOptions:
    """--include-needs / --include-transitive-needs / --skip-needs, as helmfile's commands take them."""

    include_needs: bool = False
    include_transitive_needs: bool = False
    skip_needs: bool = True


@dataclass
class PrepareOptions:
    args: str = ""  # --args: extra helm arguments, last on every helm command line
    skip_deps: bool = False
    concurrency: int = 0


def planned(st: HelmState, needs: NeedsOptions, *, installed_only: bool = True) -> list[list[ReleaseSpec]]:
    """helmfile's withNeeds: selected releases (plus their needs on request), planned into groups."""
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


def run_parallel(jobs: Sequence[Callable[[], T]], concurrency: int) -> list[T]:
    """Run independent helm processes side by side; results (and the first error) in job order."""
    if len(jobs) <= 1:
        return [job() for job in jobs]
    workers = concurrency if concurrency > 0 else min(len(jobs), 2 * (os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(job) for job in jobs]
        return [future.result() for future in futures]


def escape(value: str) -> str:
    """helmfile's escape for --set values: braces and commas are helm syntax."""
    return value.replace("{", "\\{").replace("}", "\\}").replace(",", "\\,")


def set_flags(st: HelmState, values: list[SetValue]) -> list[str]:
    flags: list[str] = []
    for sv in values:
        if sv.value:
            flags += ["--set", f"{escape(sv.name)}={escape(sv.value)}"]
        elif sv.file:
            flags += ["--set-file", f"{escape(sv.name)}={st.storage().normalize(sv.file)}"]
        elif sv.values:
            flags += ["--set", f"{escape(sv.name)}={{{','.join(escape(v) for v in sv.values)}}}"]
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


def refuse_unsupported(release: ReleaseSpec) -> None:
    for attr, name in (
        ("json_patches", "jsonPatches"),
        ("strategic_merge_patches", "strategicMergePatches"),
        ("transformers", "transformers"),
        ("dependencies", "dependencies"),
        ("force_namespace", "forceNamespace"),
    ):
        if getattr(release, attr):
            raise ConfigError(f"release {release.name!r}: {name} (helmfile's chartify) is not supported yet")


class Preparation:
    """One run's shared work; use as a context manager so the values directory always goes."""

    def __init__(self, opts: RunOptions, popts: PrepareOptions) -> None:
        self.opts = opts
        self.popts = popts
        self.added: set[str] = set()
        self.built: set[str] = set()
        self.refreshed = False
        self.values_dir = ""

    def __enter__(self) -> Preparation:
        self.values_dir = tempfile.mkdtemp(prefix="pyhelmfile-values-")  # 0700: only this user reads it
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        shutil.rmtree(self.values_dir, ignore_errors=True)

    def helm(self, st: HelmState) -> Helm:
        return helm_for(st, self.opts, self.popts.args)

    def charts(self, st: HelmState, helm: Helm, releases: list[ReleaseSpec]) -> None:
        """Repositories once per run, then `helm dependency build` once per local chart (in parallel).

        helmfile adds `--args`/helmDefaults.args only to the release commands that follow, not here.
        """
        if not releases:
            return  # nothing to render or upgrade: no repository or chart work at all
        helm = dataclasses.replace(helm, extra_args=())
        for release in releases:
            refuse_unsupported(release)
        builds: dict[str, ReleaseSpec] = {}
        for release in releases:
            chart = release.chart_path_or_name()
            skip = release.skip_deps if release.skip_deps is not None else st.spec.helm_defaults.skip_deps
            key = chart_key(helm, chart)
            if is_local_chart(chart, st.base_path) and not (self.popts.skip_deps or skip) and key not in self.built:
                builds.setdefault(key, release)
        if not self.popts.skip_deps:
            for repo in repositories(st):
                if repo.name not in self.added:
                    add_repository(helm, repo, os.environ)  # `repo add` fetches a fresh index
                    self.added.add(repo.name)
            if builds and not self.added and not self.refreshed:
                update_repositories(helm)  # repositories added outside this run: refresh them once
            self.refreshed = self.refreshed or bool(builds)
        # Distinct charts, fresh indexes: the dependency builds are independent of each other.
        run_parallel(
            [
                functools.partial(build_dependencies, helm, r.name, r.chart_path_or_name(), skip_refresh=True)
                for r in builds.values()
            ],
            self.popts.concurrency,
        )
        self.built.update(builds)

    def chart(self, st: HelmState, release: ReleaseSpec) -> str:
        """The chart argument helm gets for a release."""
        return release.chart_path_or_name()

    def values_flags(self, st: HelmState, release: ReleaseSpec) -> list[str]:
        """The release's values documents (written 0600 into the private directory), set and env flags."""
        return self.release_values(st, release)[1]

    def release_values(self, st: HelmState, release: ReleaseSpec) -> tuple[list[ValuesDocument], list[str]]:
        """The release's values documents (decrypted secrets included) and the helm flags that pass them."""
        from pyhelmfile.secrets.sops import decrypt_file

        documents = values_documents(st, release, decrypt_file)
        flags: list[str] = []
        for i, document in enumerate(documents):
            # mkstemp: 0600, and unique when a run renders a release twice or two releases share a name
            fd, path = tempfile.mkstemp(prefix=f"{release.name}-{i:02d}-", suffix="-values.yaml", dir=self.values_dir)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(document.text)
            flags += ["--values", path]
        flags += set_flags(st, release.set_values)
        flags += env_set_flags(release)
        return documents, flags
