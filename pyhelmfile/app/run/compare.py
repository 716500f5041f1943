"""Releases compared with their clusters: the plan of what `diff` shows and `apply` changes.

For each selected release: read its newest live revision from the cluster (one list per
namespace), render the desired manifests with `helm template` using the cluster's own
capabilities (its version and API versions, `--is-upgrade` when the release exists, so the
result is what `helm upgrade` would produce), then compare object by object. Releases with
`installed: false` that exist are to be deleted. A remembered "no changes" (run/verdicts.py)
spares the rendering when nothing that helm would see has changed.
"""

from __future__ import annotations

import functools
import os
import threading
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from pyhelmfile import log
from pyhelmfile.app.run import helmargs, hooks, verdicts
from pyhelmfile.app.run.clusters import Clusters, Target, helm_in
from pyhelmfile.app.run.options import RunOptions
from pyhelmfile.app.run.parallel import run_parallel
from pyhelmfile.app.run.plan import planned
from pyhelmfile.app.run.prepare import Preparation
from pyhelmfile.app.run.release_options import DiffOptions
from pyhelmfile.app.run.visit import StateVisitor
from pyhelmfile.helm.charts import chart_path, dependencies_satisfied
from pyhelmfile.helm.exec import Helm, short_lived
from pyhelmfile.state.loader import HelmState
from pyhelmfile.state.spec import ReleaseSpec, desired

if TYPE_CHECKING:
    from pyhelmfile.diff.compare import ReleaseDiff
    from pyhelmfile.kube.releases import DeployedRelease

T = TypeVar("T")


@dataclass
class Verdict:
    """One release's verdict: what apply would do with it, and why."""

    target: Target
    deployed: DeployedRelease | None
    diff: ReleaseDiff
    action: str  # install | upgrade | delete | none
    values_flags: list[str] = field(default_factory=list)
    rendered: str | None = None  # the desired manifests (in memory only: they may hold secrets)
    verdict_key: str | None = None  # see run/verdicts.py

    @property
    def changed(self) -> bool:
        return self.action != "none"


@dataclass
class StatePlan:
    """A state file's releases in plan order (groups that may run side by side), with verdicts."""

    st: HelmState
    helm: Helm
    batches: list[list[Target]]
    verdicts: dict[str, Verdict]  # by release id


class _Memo:
    """Facts about chart directories that a plan's releases share, worked out once per plan, not per release
    (50 releases of four charts read four Chart.yaml files, not 50). Thread-safe; a rare race computes twice."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._found: dict[tuple[str, str], Any] = {}

    def get(self, what: str, path: str, compute: Callable[[str], T]) -> T:
        key = (what, os.path.normpath(path))
        with self._lock:
            if key in self._found:
                return typing.cast(T, self._found[key])
        value = compute(path)
        with self._lock:
            self._found[key] = value
        return value


def chart_metadata(chart_dir: str) -> tuple[str, str]:
    """A local chart's (name, version) from Chart.yaml; ('', '') when unreadable."""
    import yaml

    try:
        with open(os.path.join(chart_dir, "Chart.yaml"), encoding="utf-8") as fh:
            text = fh.read()
        meta = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}  # safe_load, in C
    except (OSError, yaml.YAMLError):
        return "", ""
    return str(meta.get("name", "")), str(meta.get("version", ""))


def exact_version(version: str) -> bool:
    """A pinned version (no range or wildcard): the chart it names does not change."""
    return bool(version) and all(c.isalnum() or c in ".-+" for c in version.lstrip("v"))


def new_chart(st: HelmState, release: ReleaseSpec, memo: _Memo | None = None) -> str:
    """The chart name-version the release would get, when it can be known without helm."""
    chart = release.chart_path_or_name()
    path = chart_path(chart, st.base_path)
    if os.path.isdir(path):
        name, version = memo.get("metadata", path, chart_metadata) if memo else chart_metadata(path)
        return f"{name}-{version}" if name else ""
    if exact_version(release.version):
        return f"{chart.rstrip('/').rsplit('/', 1)[-1]}-{release.version}"
    return ""


def coalesce(defaults: Any, values: Any) -> Any:
    """helm's coalesceValues: `values` over `defaults`, maps merged key by key, a null deleting the key."""
    if not isinstance(defaults, dict) or not isinstance(values, dict):
        return values
    merged = dict(defaults)
    for key, value in values.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = coalesce(merged[key], value) if key in merged else value
    return merged


def reused_values(prep: Preparation, target: Target, deployed: DeployedRelease | None, dopts: DiffOptions) -> list[str]:
    """With --reuse-values helm renders with the deployed release's values (its chart's defaults and its own
    values, coalesced) under the new ones: the same values first, in a private file, for helm template."""
    if deployed is None or not helmargs.reuses_values(dopts, target.st.spec.helm_defaults):
        return []
    from pyhelmfile.golang import goyaml

    old = coalesce(deployed.chart_values, deployed.config)
    return ["--values", prep.private_file(f"{target.release.name}-reused-", goyaml.dump(old))]


def template_flags(
    target: Target, clusters: Clusters, values_flags: list[str], dopts: DiffOptions, upgrade: bool
) -> list[str]:
    """`helm template` flags that reproduce what `helm upgrade --install` would render on this cluster."""
    st = target.st
    return helmargs.diff_template(
        target.release,
        st.spec.helm_defaults,
        dopts,
        namespace=target.namespace,
        values=values_flags + helmargs.cli_values(st.base_path, dopts.values_files, dopts.set_values),
        capabilities=clusters.capabilities(target.context),
        upgrade=upgrade,
    )


def _secret_paths(documents: list[Any]) -> set[str]:
    """Dotted paths of every leaf that came from a secrets file (masked in values diffs)."""
    from pyhelmfile.golang import goyaml

    paths: set[str] = set()

    def walk(value: Any, prefix: str) -> None:
        if isinstance(value, dict):
            for key, child in value.items():
                walk(child, f"{prefix}.{key}" if prefix else str(key))
        else:
            paths.add(prefix)

    for document in documents:
        if document.secret:
            walk(goyaml.load(document.text) or {}, "")
    return paths


@dataclass
class _Known:
    """What known_verdict worked out for a release whose verdict it did not know, so it is not done twice."""

    values: Values
    chart: str | None = None  # the chart argument `key` was computed for (None: no key computed)
    key: str | None = None


def diff_release(
    prep: Preparation,
    clusters: Clusters,
    helm: Helm,
    target: Target,
    dopts: DiffOptions,
    known: _Known | None = None,
    memo: _Memo | None = None,
) -> Verdict:
    """Render one release against its cluster and compare with what is deployed."""
    from pyhelmfile.diff.compare import ReleaseDiff, compare
    from pyhelmfile.state.values import merged_values

    deployed = clusters.deployed(target)
    old_manifest = deployed.full_manifest() if deployed is not None else ""
    release, st = target.release, target.st
    shown: dict[str, Any] = {
        "show_secrets": dopts.show_secrets,
        "suppress_secrets": dopts.suppress_secrets,
        "include_tests": dopts.include_tests,
        "include_hooks": not dopts.no_hooks,
        "suppressed_kinds": dopts.suppress,
        # helmfile's appendSuppressOutputLineRegexFlags: the release's, else the command line's, else helmDefaults'
        "suppress_output_line_regex": release.suppress_output_line_regex
        or dopts.suppress_output_line_regex
        or st.spec.helm_defaults.suppress_output_line_regex,
    }
    if not desired(release):
        diff = compare(
            release.name, target.namespace, target.context, old_manifest, "", to_delete=deployed is not None, **shown
        )
        return Verdict(target, deployed, diff, "delete" if deployed else "none")
    documents, values_flags = known.values if known is not None else prep.release_values(st, release)
    if not dopts.compare or (deployed is None and dopts.skip_diff_on_install):
        diff = ReleaseDiff(release.name, target.namespace, target.context, [], installed=deployed is not None)
        return Verdict(target, deployed, diff, "upgrade" if deployed else "install", values_flags)
    reused = reused_values(prep, target, deployed, dopts)
    flags = template_flags(target, clusters, reused + values_flags, dopts, upgrade=deployed is not None)
    chart = prep.chart(st, release)
    key = None
    if deployed is not None:
        # the same flags and chart as known_verdict's (preparing the chart may have changed the chart argument)
        same = known is not None and known.chart == chart
        key = known.key if same and known is not None else _verdict_key(helm, target, chart, flags, dopts, memo)
    if deployed is not None and verdicts.unchanged(key, old_manifest):
        log.debug("release=%s: inputs and deployed manifest as when last compared: no changes", release.name)
        diff = ReleaseDiff(release.name, target.namespace, target.context, [], installed=True)
        return Verdict(target, deployed, diff, "none", values_flags, None, key)
    rendered = _template_helm(helm, target).run("template", release.name, chart, *flags).stdout
    if deployed is None:
        diff = compare(release.name, target.namespace, target.context, "", rendered, installed=False, **shown)
        return Verdict(target, None, diff, "install", values_flags, rendered, None)
    diff = compare(
        release.name,
        target.namespace,
        target.context,
        old_manifest,
        rendered,
        old_chart=deployed.chart,
        new_chart=new_chart(st, release, memo),
        old_values=deployed.config,
        new_values=coalesce(deployed.config, merged_values(documents)) if reused else merged_values(documents),
        secret_value_paths=_secret_paths(documents),
        **shown,
    )
    action = "upgrade" if diff.changes or diff.chart_change else "none"
    if action == "none":
        verdicts.remember(key, old_manifest)
    return Verdict(target, deployed, diff, action, values_flags, rendered, key)


def _template_helm(helm: Helm, target: Target) -> Helm:
    return short_lived(helm_in(helm, target))


def _helm_identity(binary: str) -> tuple[str, str] | None:
    """The helm binary's path and (size, mtime): a new helm may render differently."""
    import shutil

    path = shutil.which(binary) or binary
    try:
        info = os.stat(path)
    except OSError:
        return None
    return path, f"{info.st_size}\0{info.st_mtime_ns}"


def _verdict_key(
    helm: Helm, target: Target, chart: str, flags: list[str], dopts: DiffOptions, memo: _Memo | None = None
) -> str | None:
    """Everything `helm template` sees for this release, and how the result is compared, for run/verdicts.py."""
    if "--post-renderer" in flags:
        return None  # a program whose own inputs cannot be seen: its verdicts are never remembered
    found = memo.get("helm", helm.binary, _helm_identity) if memo else _helm_identity(helm.binary)
    if found is None:
        return None
    binary, stamp = found
    chart_dir = chart_path(chart, target.st.base_path)
    if os.path.isdir(chart_dir):
        chart_id = "dir:" + verdicts.chart_digest(chart_dir)
    elif exact_version(target.release.version):
        chart_id = f"ref:{chart}@{target.release.version}"  # an exact version from a repository does not change
    else:
        return None
    files: list[str] = []
    stable: list[str] = []
    for i, flag in enumerate(flags):
        previous = flags[i - 1] if i else ""
        if previous == "--values":
            files.append(flag)  # a temporary path: its contents count, not its name
            stable.append("<values>")
            continue
        if previous == "--set-file":
            files.append(flag.partition("=")[2])
        stable.append(flag)
    size, mtime = stamp.split("\0")
    parts = [binary, size, mtime, *helm.argv([]), chart_id, target.name, *stable, *dopts.comparison()]
    try:
        return verdicts.inputs_key(parts, files)
    except OSError:
        return None


def plan_state(st: HelmState, prep: Preparation, clusters: Clusters, dopts: DiffOptions) -> StatePlan | None:
    """Place, prepare and diff a state's selected releases (and `installed: false` ones that exist)."""
    batches = planned(st, dopts, installed_only=False)
    if not batches:
        return None
    targets = [[clusters.place(st, r) for r in batch] for batch in batches]  # refuses bad contexts first
    helm = prep.helm(st)
    flat = [t for batch in targets for t in batch]
    for target in flat:
        if desired(target.release):
            hooks.trigger(st, target.release, "prepare", dopts.command)
    memo = _Memo()
    # Releases whose "no changes" verdict is known need no repositories, dependency builds or helm. With no
    # verdict remembered at all (a fresh machine), none can be known: the values are then worked out in the
    # diff jobs below, beside other releases' helm processes, instead of all of them first.
    known: list[Verdict | _Known | None] = [None] * len(flat)
    if dopts.compare and verdicts.any_remembered():
        known = run_parallel([functools.partial(known_verdict, prep, clusters, helm, t, dopts, memo) for t in flat], 0)
    changes = {t.id: c for t, c in zip(flat, known, strict=True) if isinstance(c, Verdict)}
    rest = [(t, c) for t, c in zip(flat, known, strict=True) if not isinstance(c, Verdict)]
    prep.charts(st, helm, [t.release for t, _ in rest if desired(t.release)])
    jobs = [functools.partial(diff_release, prep, clusters, helm, t, dopts, k, memo) for t, k in rest]
    labels = [f"Comparing release={t.name}" for t, _ in rest]
    changes.update({t.id: c for (t, _), c in zip(rest, run_parallel(jobs, dopts.concurrency, labels), strict=True)})
    return StatePlan(st, helm, targets, changes)


Values = tuple[list[Any], list[str]]


def known_verdict(
    prep: Preparation, clusters: Clusters, helm: Helm, target: Target, dopts: DiffOptions, memo: _Memo | None = None
) -> Verdict | _Known | None:
    """A remembered "no changes" for a deployed release whose chart needs no preparation; otherwise
    the release's values (so they are not decrypted twice) and verdict key, or None."""
    release, st = target.release, target.st
    if not desired(release) or not dopts.compare:
        return None
    deployed = clusters.deployed(target)
    if deployed is None:
        return None
    chart = release.chart_path_or_name()
    chart_dir = chart_path(chart, st.base_path)
    values = prep.release_values(st, release)
    local = os.path.isdir(chart_dir)
    if local and not (
        memo.get("deps", chart_dir, dependencies_satisfied) if memo else dependencies_satisfied(chart_dir)
    ):
        return _Known(values)
    if not local and not exact_version(release.version):
        return _Known(values)
    flags = template_flags(
        target, clusters, reused_values(prep, target, deployed, dopts) + values[1], dopts, upgrade=True
    )
    chart_arg = prep.chart(st, release)
    key = _verdict_key(helm, target, chart_arg, flags, dopts, memo)
    if not verdicts.unchanged(key, deployed.full_manifest()):
        return _Known(values, chart_arg, key)
    from pyhelmfile.diff.compare import ReleaseDiff

    log.debug("release=%s: inputs and deployed manifest as when last compared: no changes", release.name)
    diff = ReleaseDiff(release.name, target.namespace, target.context, [], installed=True)
    return Verdict(target, deployed, diff, "none", values[1], None, key)


def visit_plans(opts: RunOptions, dopts: DiffOptions, each: Callable[[StatePlan, Preparation, Clusters], None]) -> None:
    """Load every state, plan it against the clusters and hand each plan to `each` (inside the run's scope)."""
    clusters = Clusters(opts)
    try:
        with Preparation(opts, dopts.prepare()) as prep:

            def visit(st: HelmState) -> bool:
                plan = plan_state(st, prep, clusters, dopts)
                if plan is None:
                    return False
                each(plan, prep, clusters)
                return True

            StateVisitor(opts, select_releases=False).run(visit)
    finally:
        clusters.close()
