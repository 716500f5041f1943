"""`sync` and `apply`: change the clusters, release by release, in `needs` order.

`apply` diffs first and upgrades only releases whose manifests (or chart) changed; `sync`
upgrades every selected release. Both uninstall `installed: false` releases that exist
(reverse order, first). Groups of independent releases run side by side; a release whose
needs failed or were skipped is skipped, everything else still runs. Hooks: preapply
(apply), presync/postsync around each change, preuninstall/postuninstall around each
uninstall, cleanup at the end.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from pyhelmfile import log
from pyhelmfile.app import hooks, verdicts
from pyhelmfile.app.cluster import Clusters, Target, helm_in
from pyhelmfile.app.diff import Change, DiffOptions, StatePlan, compared_text, render, visit_plans
from pyhelmfile.app.options import RunOptions
from pyhelmfile.app.prepare import (
    Preparation,
    chart_download_tls_flags,
    cli_values_flags,
    post_renderer_flags,
    run_parallel,
)
from pyhelmfile.errors import PyhelmfileError
from pyhelmfile.helm.charts import is_local_chart
from pyhelmfile.helm.exec import Helm, split_args
from pyhelmfile.state.loader import HelmState
from pyhelmfile.state.release import desired
from pyhelmfile.state.spec import ReleaseSpec


@dataclass
class ApplyOptions(DiffOptions):
    wait: bool = False
    wait_for_jobs: bool = False
    timeout: int = 0  # seconds; 0 = the release's or helmDefaults' own
    atomic: bool = False
    skip_crds: bool = False
    sync_args: str = ""
    cascade: str = ""
    interactive: bool = False


@dataclass
class Outcome:
    upgraded: list[tuple[Target, float, str]] = field(default_factory=list)  # target, seconds, chart
    deleted: list[tuple[Target, float]] = field(default_factory=list)
    failed: list[tuple[Target, str]] = field(default_factory=list)
    skipped: list[tuple[Target, str]] = field(default_factory=list)
    unchanged: list[Target] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.skipped


def upgrade_flags(target: Target, change: Change, aopts: ApplyOptions, helm: Helm) -> list[str]:
    """helmfile's flagsForUpgrade plus what SyncReleases adds, in its order; for helm 4, its names for
    --atomic and --force (the old ones only print a deprecation warning; replacing needs client-side apply)
    and no --recreate-pods (gone)."""
    release, st = target.release, target.st
    d = st.spec.helm_defaults
    helm4 = helm.major >= 4
    sync_args = split_args(aopts.sync_args or " ".join(d.sync_args))

    def on(value: bool | None, default: bool) -> bool:
        return value if value is not None else default

    flags: list[str] = []
    if release.version:
        flags += ["--version", release.version]
    if on(release.devel, d.devel):
        flags.append("--devel")
    if on(release.verify, d.verify):
        flags.append("--verify")
    if release.keyring or d.keyring:
        flags += ["--keyring", release.keyring or d.keyring]
    if on(release.enable_dns, d.enable_dns):
        flags.append("--enable-dns")
    if release.wait or aopts.wait or (release.wait is None and d.wait):
        flags.append("--wait")
    if release.wait_for_jobs or aopts.wait_for_jobs or (release.wait_for_jobs is None and d.wait_for_jobs):
        flags.append("--wait-for-jobs")
    timeout = aopts.timeout or (release.timeout if release.timeout is not None else d.timeout)
    if timeout:
        flags += ["--timeout", f"{timeout}s"]
    if on(release.force, d.force):
        if not helm4:
            flags.append("--force")
        else:
            flags.append("--force-replace")
            # helm 4 refuses to replace objects while applying server-side (its default for new releases),
            # unless the user's own arguments choose how it applies
            if not any(a.partition("=")[0] == "--server-side" for a in [*sync_args, *helm.extra_args]):
                flags += ["--server-side", "false"]
    if on(release.recreate_pods, d.recreate_pods):
        if helm4:
            log.warning("release=%s: recreatePods ignored: helm 4 has no --recreate-pods", release.name)
        else:
            flags.append("--recreate-pods")
    if aopts.atomic or on(release.atomic, d.atomic):
        flags.append("--rollback-on-failure" if helm4 else "--atomic")
    if on(release.cleanup_on_fail, d.cleanup_on_fail):
        flags.append("--cleanup-on-fail")
    if on(release.create_namespace, d.create_namespace if d.create_namespace is not None else True):
        flags.append("--create-namespace")
    if on(release.disable_openapi_validation, bool(d.disable_openapi_validation)):
        flags.append("--disable-openapi-validation")
    flags += chart_download_tls_flags(st, release)
    flags += post_renderer_flags(st, release, aopts)
    flags += sync_args  # the command line's --sync-args, else helmDefaults.syncArgs
    flags += ["--namespace", target.namespace]
    flags += change.values_flags
    flags += cli_values_flags(st.base_path, aopts.values_files, aopts.set_values)
    if aopts.skip_crds:
        flags.append("--skip-crds")
    if aopts.reuses(st):
        flags.append("--reuse-values")
    else:
        flags.append("--reset-values")
    history_max = release.history_max if release.history_max is not None else d.history_max
    flags += ["--history-max", str(10 if history_max is None else history_max)]
    return flags


def delete_flags(target: Target, aopts: ApplyOptions) -> list[str]:
    release, d = target.release, target.st.spec.helm_defaults
    flags = ["--namespace", target.namespace]
    if release.delete_wait or (release.delete_wait is None and d.delete_wait):
        flags.append("--wait")
        timeout = release.delete_timeout if release.delete_timeout is not None else d.delete_timeout
        if timeout:
            flags += ["--timeout", f"{timeout}s"]
    cascade = release.cascade or aopts.cascade or d.cascade
    if cascade:
        flags += ["--cascade", cascade]
    return flags


class Executor:
    """Runs one state's changes in plan order and records what happened."""

    def __init__(
        self,
        plan: StatePlan,
        clusters: Clusters,
        aopts: ApplyOptions,
        outcome: Outcome,
        command: str,
        write: Callable[[str], object] | None = None,
    ) -> None:
        self.write = write  # helm's own output of each upgrade and uninstall, as helmfile prints it
        self.plan = plan
        self.clusters = clusters
        self.aopts = aopts
        self.outcome = outcome
        self.command = command
        self.st: HelmState = plan.st

    def hook(self, release: ReleaseSpec, event: str, error: str | None = None) -> None:
        hooks.trigger(self.st, release, event, self.command, error)

    def _upgrade(self, target: Target) -> tuple[Target, str | None, float, str]:
        change = self.plan.changes[target.id]
        start = time.monotonic()
        error: str | None = None
        output = ""
        try:
            self.hook(target.release, "presync")
            chart = target.release.chart_path_or_name()
            if is_local_chart(chart, self.st.base_path):
                chart = os.path.normpath(chart)  # helmfile's normalizeChart: ./charts/app -> charts/app
            log.info("Upgrading release=%s, chart=%s", target.name, chart)
            helm = helm_in(self.plan.helm, target)
            flags = upgrade_flags(target, change, self.aopts, helm)
            out = helm.run("upgrade", "--install", target.name, chart, *flags)
            output = out.stdout
        except PyhelmfileError as exc:
            error = str(exc)
        finally:
            self.clusters.forget(target)
        try:
            self.hook(target.release, "postsync", error)
        except PyhelmfileError as exc:
            error = error or str(exc)
        return target, error, time.monotonic() - start, output

    def _delete(self, target: Target) -> tuple[Target, str | None, float, str]:
        start = time.monotonic()
        error: str | None = None
        output = ""
        try:
            self.hook(target.release, "presync")
            self.hook(target.release, "preuninstall")
            log.info("Deleting %s", target.name)
            output = (
                helm_in(self.plan.helm, target).run("uninstall", target.name, *delete_flags(target, self.aopts)).stdout
            )
            self.hook(target.release, "postuninstall")
        except PyhelmfileError as exc:
            error = str(exc)
        finally:
            self.clusters.forget(target)
        try:
            self.hook(target.release, "postsync", error)
        except PyhelmfileError as exc:
            log.warning("%s", exc)
        return target, error, time.monotonic() - start, output

    def _show(self, output: str) -> None:
        if output.strip():
            if self.write is not None:
                self.write(output.rstrip("\n") + "\n\n")
            else:
                log.debug("%s", output.rstrip("\n"))

    def _remember_upgrades(self) -> None:
        """An upgrade deployed what we rendered: if the cluster now holds exactly that, the next
        run needs no rendering (app/verdicts.py). Installs are left out: they rendered as installs."""
        from pyhelmfile.diff.compare import compare

        for target, _, _ in self.outcome.upgraded:
            change = self.plan.changes.get(target.id)
            if change is None or change.target is not target or change.action != "upgrade":
                continue
            if change.rendered is None or change.verdict_key is None:
                continue
            try:
                now = self.clusters.deployed(target)
            except PyhelmfileError:
                return
            if now is None:
                continue
            check = compare(target.name, target.namespace, target.context, now.full_manifest(), change.rendered)
            if not check.changes:
                verdicts.remember(change.verdict_key, now.full_manifest())

    def run(self, to_upgrade: set[str], to_delete: set[str]) -> None:
        blocked: set[str] = set()  # ids of releases that failed or were skipped
        for batch in reversed(self.plan.batches):
            deleting = [t for t in batch if t.id in to_delete]
            jobs = [functools.partial(self._delete, t) for t in deleting]
            labels = [f"Deleting release={t.name}" for t in deleting]
            for target, error, seconds, output in run_parallel(jobs, self.aopts.concurrency, labels):
                self._show(output)
                if error:
                    self.outcome.failed.append((target, error))
                else:
                    self.outcome.deleted.append((target, seconds))
        for batch in self.plan.batches:
            ready: list[Target] = []
            for target in batch:
                if target.id not in to_upgrade:
                    if target.id not in to_delete:
                        self.outcome.unchanged.append(target)
                    continue
                bad = [n for n in target.release.needs if n in blocked]
                if bad:
                    self.outcome.skipped.append((target, f"needs {', '.join(bad)}, which did not succeed"))
                    blocked.add(target.id)
                else:
                    ready.append(target)
            jobs = [functools.partial(self._upgrade, t) for t in ready]
            labels = [f"Upgrading release={t.name}" for t in ready]
            for target, error, seconds, output in run_parallel(jobs, self.aopts.concurrency, labels):
                self._show(output)
                if error:
                    self.outcome.failed.append((target, error))
                    blocked.add(target.id)
                else:
                    self.outcome.upgraded.append((target, seconds, target.release.chart_path_or_name()))
        self._remember_upgrades()
        for batch in self.plan.batches:
            for target in batch:
                try:
                    self.hook(target.release, "cleanup")
                except PyhelmfileError as exc:
                    log.warning("warn: %s", exc)


def summary(outcome: Outcome) -> str:
    """helmfile's affected-releases tables, plus the releases skipped because a need failed."""

    def table(rows: list[list[str]]) -> str:
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        return "".join("   ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() + "\n" for r in rows)

    parts: list[str] = []
    if outcome.upgraded:
        rows = [["NAME", "NAMESPACE", "CONTEXT", "CHART", "VERSION", "DURATION"]]
        for t, seconds, chart in outcome.upgraded:
            rows.append([t.name, t.namespace, t.context, chart, t.release.version, f"{seconds:.0f}s"])
        parts.append("\nUPDATED RELEASES:\n" + table(rows))
    if outcome.deleted:
        rows = [["NAME", "NAMESPACE", "CONTEXT", "DURATION"]]
        rows += [[t.name, t.namespace, t.context, f"{s:.0f}s"] for t, s in outcome.deleted]
        parts.append("\nDELETED RELEASES:\n" + table(rows))
    if outcome.failed:
        rows = [["NAME", "NAMESPACE", "CONTEXT", "ERROR"]]
        rows += [[t.name, t.namespace, t.context, e] for t, e in outcome.failed]
        parts.append("\nFAILED RELEASES:\n" + table(rows))
    if outcome.skipped:
        rows = [["NAME", "NAMESPACE", "CONTEXT", "REASON"]]
        rows += [[t.name, t.namespace, t.context, r] for t, r in outcome.skipped]
        parts.append("\nSKIPPED RELEASES:\n" + table(rows))
    return "".join(parts)


def apply(
    opts: RunOptions,
    aopts: ApplyOptions,
    write: Callable[[str], object],
    confirm: Callable[[str], bool] | None = None,
    *,
    sync_all: bool = False,
) -> tuple[Outcome, bool]:
    """Diff, then change what differs (everything selected with sync_all). Returns (outcome, changed)."""
    outcome = Outcome()
    command = "sync" if sync_all else "apply"
    aopts.compare = not sync_all  # sync upgrades every selected release: nothing to render first
    aopts.command = command

    def each(plan: StatePlan, prep: Preparation, clusters: Clusters) -> None:
        changes = [plan.changes[t.id] for batch in plan.batches for t in batch]
        to_delete = {c.target.id for c in changes if c.action == "delete"}
        to_upgrade = {c.target.id for c in changes if c.action in ("install", "upgrade")}
        if not sync_all and aopts.output in ("diff", "simple"):
            # as helmfile's apply: each release it compares (with --detailed-exitcode, which apply always uses),
            # then the releases to delete
            compared = dataclasses.replace(aopts, detailed_exitcode=True)
            for c in changes:
                if desired(c.target.release):
                    text = compared_text(c, compared)
                else:
                    text = render([c.diff], aopts) if c.changed else ""
                if text:
                    write(text)
        elif not sync_all:
            shown = [c.diff for c in changes if c.changed]
            if shown:
                text = render(shown, aopts)
                if text:
                    write(text)
        if not to_upgrade and not to_delete:
            log.info("No changes: %d release(s) in %s match their clusters", len(changes), plan.st.file_path)
            outcome.unchanged.extend(c.target for c in changes)
            return
        question = "Do you really want to apply?\n  pyhelmfile will apply all your changes, as shown above."
        if aopts.interactive and confirm is not None and not confirm(question):
            outcome.unchanged.extend(c.target for c in changes)
            return
        executor = Executor(plan, clusters, aopts, outcome, command, write)
        if not sync_all:
            for c in reversed(changes):
                if c.target.id in to_upgrade or c.target.id in to_delete:
                    executor.hook(c.target.release, "preapply")
        executor.run(to_upgrade, to_delete)

    visit_plans(opts, aopts, each)
    changed = bool(outcome.upgraded or outcome.deleted or outcome.failed)
    text = summary(outcome)
    if text:
        log.info("%s", text.rstrip("\n"))  # on stderr, as helmfile's: stdout holds the diff and helm's output
    return outcome, changed
