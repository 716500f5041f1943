"""`template`: render every selected release's manifests with `helm template`, as helmfile does.

Order and selection follow helmfile's: releases picked by the selectors (and, on request,
what they need), planned by `needs` into groups, rendered group by group in definition
order; repositories are added once and local charts' dependencies built once per run.
Values documents (secrets decrypted) live only in a private temporary directory (0700,
files 0600) that is removed however the command ends.
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar

from pyhelmfile import log
from pyhelmfile.app.options import RunOptions
from pyhelmfile.app.repos import helm_for, repositories
from pyhelmfile.app.states import StateVisitor
from pyhelmfile.errors import ConfigError
from pyhelmfile.helm.charts import build_dependencies, chart_key, is_local_chart
from pyhelmfile.helm.exec import Helm
from pyhelmfile.helm.repos import add_repository, update_repositories
from pyhelmfile.state.dag import plan
from pyhelmfile.state.loader import HelmState
from pyhelmfile.state.release import desired, mark_excluded
from pyhelmfile.state.spec import ReleaseSpec, SetValue
from pyhelmfile.state.values import values_documents

T = TypeVar("T")


@dataclass
class TemplateOptions:
    args: str = ""
    set_values: list[str] = field(default_factory=list)
    values_files: list[str] = field(default_factory=list)
    output_dir: str = ""
    include_crds: bool = False
    skip_tests: bool = False
    skip_deps: bool = False
    validate: bool = False
    kube_version: str = ""
    show_only: list[str] = field(default_factory=list)
    concurrency: int = 0
    include_needs: bool = False
    include_transitive_needs: bool = False
    skip_needs: bool = True


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


def _unsupported(release: ReleaseSpec) -> None:
    for attr, name in (
        ("json_patches", "jsonPatches"),
        ("strategic_merge_patches", "strategicMergePatches"),
        ("transformers", "transformers"),
        ("dependencies", "dependencies"),
        ("force_namespace", "forceNamespace"),
    ):
        if getattr(release, attr):
            raise ConfigError(f"release {release.name!r}: {name} (helmfile's chartify) is not supported yet")


def release_flags(st: HelmState, release: ReleaseSpec, opts: TemplateOptions, values_dir: str) -> list[str]:
    """flagsForTemplate, then what the command line adds, in helmfile's order."""
    flags: list[str] = []
    if release.version:
        flags += ["--version", release.version]
    devel = release.devel if release.devel is not None else st.spec.helm_defaults.devel
    if devel:
        flags.append("--devel")
    for api in release.api_versions or st.spec.api_versions:
        flags += ["--api-versions", api]
    kube_version = opts.kube_version or release.kube_version or st.spec.kube_version
    if kube_version:
        flags += ["--kube-version", kube_version]
    for item in opts.show_only:
        flags += ["--show-only", item]
    if release.namespace:
        flags += ["--namespace", release.namespace]
    from pyhelmfile.secrets.sops import decrypt_file

    for i, document in enumerate(values_documents(st, release, decrypt_file)):
        path = os.path.join(values_dir, f"{release.name}-{i:02d}-values.yaml")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(document.text)
        flags += ["--values", path]
    flags += set_flags(st, release.set_values)
    flags += env_set_flags(release)
    for extra in opts.values_files:
        if not os.path.exists(extra):
            raise ConfigError(f"values file not found: {extra}")
        flags += ["--values", os.path.abspath(extra)]
    for item in opts.set_values:
        flags += ["--set", item]
    if opts.output_dir:
        flags += ["--output-dir", os.path.abspath(opts.output_dir)]
    if opts.validate:
        flags.append("--validate")
    if opts.include_crds:
        flags.append("--include-crds")
    if opts.skip_tests:
        flags.append("--skip-tests")
    return flags


def _to_render(st: HelmState, opts: TemplateOptions) -> list[ReleaseSpec]:
    """withNeeds: the selected releases (plus their needs on request) in plan order, installed ones only."""
    releases = st.spec.releases
    marked = mark_excluded(releases, st.selectors, st.spec.common_labels, st.rendered_values, False)
    selected = [m.release for m in marked if not m.filtered]
    if not selected:
        return []
    include = opts.include_needs or opts.include_transitive_needs
    skip = opts.skip_needs and not include
    batches = plan(releases, selected, include_needs=include, skip_needs=skip)
    return [r for batch in batches for r in batch if desired(r)]


def _parallel(jobs: list[Callable[[], T]], concurrency: int) -> list[T]:
    """Run independent helm processes side by side; results (and the first error) in job order."""
    if len(jobs) <= 1:
        return [job() for job in jobs]
    workers = concurrency if concurrency > 0 else min(len(jobs), 2 * (os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(job) for job in jobs]
        return [future.result() for future in futures]


def _render(helm: Helm, release: ReleaseSpec, flags: list[str]) -> str:
    return helm.run("template", release.name, release.chart_path_or_name(), *flags).stdout


def template(opts: RunOptions, topts: TemplateOptions, write: Callable[[str], object]) -> None:
    """Render the selected releases; `write` receives each release's manifests, in helmfile's order."""
    added: set[str] = set()
    built: set[str] = set()
    refreshed = False
    values_dir = tempfile.mkdtemp(prefix="pyhelmfile-values-")  # 0700: only this user reads decrypted values
    try:

        def render(st: HelmState) -> bool:
            to_render = _to_render(st, topts)
            if not to_render:
                return False
            nonlocal refreshed
            helm = helm_for(st, opts, topts.args)
            for release in to_render:
                _unsupported(release)
            builds: dict[str, ReleaseSpec] = {}
            for release in to_render:
                chart = release.chart_path_or_name()
                skip = release.skip_deps if release.skip_deps is not None else st.spec.helm_defaults.skip_deps
                key = chart_key(helm, chart)
                if is_local_chart(chart, st.base_path) and not (topts.skip_deps or skip) and key not in built:
                    builds.setdefault(key, release)
            if not topts.skip_deps:
                for repo in repositories(st):
                    if repo.name not in added:
                        add_repository(helm, repo, os.environ)  # `repo add` fetches a fresh index
                        added.add(repo.name)
                if builds and not added and not refreshed:
                    update_repositories(helm)  # repositories added outside this run: refresh them once
                refreshed = refreshed or bool(builds)
            # Distinct charts, fresh indexes: the dependency builds are independent of each other.
            _parallel(
                [
                    functools.partial(build_dependencies, helm, r.name, r.chart_path_or_name(), skip_refresh=True)
                    for r in builds.values()
                ],
                topts.concurrency,
            )
            built.update(builds)
            argvs = [(release, release_flags(st, release, topts, values_dir)) for release in to_render]
            outputs = _parallel(
                [functools.partial(_render, helm, r, f) for r, f in argvs],
                topts.concurrency,
            )
            for (release, _), out in zip(argvs, outputs, strict=True):
                log.info("Templating release=%s, chart=%s", release.name, release.chart_path_or_name())
                if topts.output_dir:
                    if out.strip():
                        log.info("%s", out.rstrip("\n"))
                elif out:
                    write(out + "\n")  # helmfile prints each release's output followed by a newline
            return True

        StateVisitor(opts, select_releases=False).run(render)
    finally:
        shutil.rmtree(values_dir, ignore_errors=True)
