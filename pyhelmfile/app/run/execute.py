"""Changing the clusters, release by release, in `needs` order: what apply, sync and destroy share.

Releases to delete (`installed: false` ones that exist, or destroy's) are uninstalled first, in
reverse order; then the releases to upgrade. Groups of independent releases run side by side; a
release whose needs failed or were skipped is skipped, everything else still runs. Hooks:
presync/postsync around each change, preuninstall/postuninstall around each uninstall, cleanup at
the end (preapply is apply's, app/apply.py).
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from pyhelmfile import log
from pyhelmfile.app.run import helmargs, hooks, verdicts
from pyhelmfile.app.run.clusters import Clusters, Target, helm_in
from pyhelmfile.app.run.compare import StatePlan, Verdict, visit_plans
from pyhelmfile.app.run.options import RunOptions
from pyhelmfile.app.run.parallel import run_parallel
from pyhelmfile.app.run.release_options import ApplyOptions
from pyhelmfile.app.run.report import summary
from pyhelmfile.errors import PyhelmfileError
from pyhelmfile.helm.charts import is_local_chart
from pyhelmfile.state.loader import HelmState
from pyhelmfile.state.spec import ReleaseSpec


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

    def _change(
        self, target: Target, act: Callable[[list[str]], None], *, postsync_fails: bool
    ) -> tuple[Target, str | None, float, str]:
        """Run one release's change between presync and postsync: (target, error, seconds, helm's output,
        which `act` adds to the list it is given, so that it is shown even when a later hook fails).
        A failing postsync hook fails an upgrade; after an uninstall it is only a warning, as in helmfile."""
        start = time.monotonic()
        error: str | None = None
        output: list[str] = []
        try:
            self.hook(target.release, "presync")
            act(output)
        except PyhelmfileError as exc:
            error = str(exc)
        finally:
            self.clusters.forget(target)
        try:
            self.hook(target.release, "postsync", error)
        except PyhelmfileError as exc:
            if postsync_fails:
                error = error or str(exc)
            else:
                log.warning("%s", exc)
        return target, error, time.monotonic() - start, "".join(output)

    def _upgrade(self, target: Target) -> tuple[Target, str | None, float, str]:
        def act(output: list[str]) -> None:
            chart = target.release.chart_path_or_name()
            if is_local_chart(chart, self.st.base_path):
                chart = os.path.normpath(chart)  # helmfile's normalizeChart: ./charts/app -> charts/app
            log.info("Upgrading release=%s, chart=%s", target.name, chart)
            helm = helm_in(self.plan.helm, target)
            st, aopts = self.st, self.aopts
            values = self.plan.verdicts[target.id].values_flags
            values = values + helmargs.cli_values(st.base_path, aopts.values_files, aopts.set_values)
            flags = helmargs.upgrade(
                target.release,
                st.spec.helm_defaults,
                aopts,
                namespace=target.namespace,
                values=values,
                helm_major=helm.major,
                helm_extra_args=helm.extra_args,
            )
            output.append(helm.run("upgrade", "--install", target.name, chart, *flags).stdout)

        return self._change(target, act, postsync_fails=True)

    def _delete(self, target: Target) -> tuple[Target, str | None, float, str]:
        def act(output: list[str]) -> None:
            self.hook(target.release, "preuninstall")
            log.info("Deleting %s", target.name)
            flags = helmargs.uninstall(
                target.release, self.st.spec.helm_defaults, self.aopts, namespace=target.namespace
            )
            output.append(helm_in(self.plan.helm, target).run("uninstall", target.name, *flags).stdout)
            self.hook(target.release, "postuninstall")

        return self._change(target, act, postsync_fails=False)

    def _show(self, output: str) -> None:
        if output.strip():
            if self.write is not None:
                self.write(output.rstrip("\n") + "\n\n")
            else:
                log.debug("%s", output.rstrip("\n"))

    def _remember_upgrades(self) -> None:
        """An upgrade deployed what we rendered: if the cluster now holds exactly that, the next
        run needs no rendering (run/verdicts.py). Installs are left out: they rendered as installs."""
        from pyhelmfile.diff.compare import compare

        for target, _, _ in self.outcome.upgraded:
            change = self.plan.verdicts.get(target.id)
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


Show = Callable[[list[Verdict]], None]


def converge(
    opts: RunOptions,
    aopts: ApplyOptions,
    write: Callable[[str], object],
    confirm: Callable[[str], bool] | None,
    *,
    command: str,
    show: Show | None = None,
) -> tuple[Outcome, bool]:
    """Plan every state against its clusters, `show` each plan's verdicts, then change what is to change
    (after `confirm`, with --interactive). Returns (outcome, whether anything changed or failed)."""
    outcome = Outcome()

    def each(plan: StatePlan, _prep: object, clusters: Clusters) -> None:
        found = [plan.verdicts[t.id] for batch in plan.batches for t in batch]
        to_delete = {v.target.id for v in found if v.action == "delete"}
        to_upgrade = {v.target.id for v in found if v.action in ("install", "upgrade")}
        if show is not None:
            show(found)
        if not to_upgrade and not to_delete:
            log.info("No changes: %d release(s) in %s match their clusters", len(found), plan.st.file_path)
            outcome.unchanged.extend(v.target for v in found)
            return
        question = "Do you really want to apply?\n  pyhelmfile will apply all your changes, as shown above."
        if aopts.interactive and confirm is not None and not confirm(question):
            outcome.unchanged.extend(v.target for v in found)
            return
        executor = Executor(plan, clusters, aopts, outcome, command, write)
        if command == "apply":
            for v in reversed(found):
                if v.target.id in to_upgrade or v.target.id in to_delete:
                    executor.hook(v.target.release, "preapply")
        executor.run(to_upgrade, to_delete)

    visit_plans(opts, aopts, each)
    changed = bool(outcome.upgraded or outcome.deleted or outcome.failed)
    text = summary(outcome)
    if text:
        log.info("%s", text.rstrip("\n"))  # on stderr, as helmfile's: stdout holds the diff and helm's output
    return outcome, changed
