"""`destroy` (and its old name `delete`): uninstall every selected release that exists,
dependants before what they need, and `status`: helm's view of each selected release."""

from __future__ import annotations

import functools
from collections.abc import Callable

from pyhelmfile import log
from pyhelmfile.app.cluster import Clusters, Target, helm_in
from pyhelmfile.app.diff import Change, StatePlan
from pyhelmfile.app.options import RunOptions
from pyhelmfile.app.prepare import NeedsOptions, planned, run_parallel
from pyhelmfile.app.repos import helm_for
from pyhelmfile.app.states import StateVisitor
from pyhelmfile.app.sync import ApplyOptions, Executor, Outcome, summary
from pyhelmfile.state.loader import HelmState


def _targets(st: HelmState, clusters: Clusters) -> list[list[Target]]:
    batches = planned(st, NeedsOptions(), installed_only=False)
    return [[clusters.place(st, r) for r in batch] for batch in batches]


def destroy(opts: RunOptions, aopts: ApplyOptions, write: Callable[[str], object]) -> Outcome:
    from pyhelmfile.diff.compare import ReleaseDiff

    outcome = Outcome()
    clusters = Clusters(opts)
    try:

        def visit(st: HelmState) -> bool:
            targets = _targets(st, clusters)
            if not targets:
                return False
            helm = helm_for(st, opts, aopts.args)
            changes: dict[str, Change] = {}
            for t in (t for batch in targets for t in batch):
                deployed = clusters.deployed(t)
                diff = ReleaseDiff(t.name, t.namespace, t.context, [], installed=deployed is not None)
                changes[t.id] = Change(t, deployed, diff, "delete" if deployed else "none")
            to_delete = {i for i, c in changes.items() if c.action == "delete"}
            plan = StatePlan(st, helm, targets, changes)
            Executor(plan, clusters, aopts, outcome, "destroy", write).run(set(), to_delete)
            return True

        StateVisitor(opts, select_releases=False).run(visit)
    finally:
        clusters.close()
    text = summary(outcome)
    if text:
        log.info("%s", text.rstrip("\n"))  # on stderr, as helmfile's
    return outcome


def status(opts: RunOptions, args: str, concurrency: int, write: Callable[[str], object]) -> None:
    """`helm status` of every selected release, in plan order."""
    _each_release(opts, args, concurrency, write, lambda t: ["status", t.name, "--namespace", t.namespace])


def test(
    opts: RunOptions, args: str, concurrency: int, timeout: int, logs: bool, write: Callable[[str], object]
) -> None:
    """`helm test` of every selected release (helmfile's test: --timeout, --logs)."""

    def argv(t: Target) -> list[str]:
        flags = ["test", t.name, "--namespace", t.namespace, "--timeout", f"{timeout}s"]
        return flags + (["--logs"] if logs else [])

    _each_release(opts, args, concurrency, write, argv)


def _each_release(
    opts: RunOptions,
    args: str,
    concurrency: int,
    write: Callable[[str], object],
    argv: Callable[[Target], list[str]],
) -> None:
    clusters = Clusters(opts)
    try:

        def visit(st: HelmState) -> bool:
            targets = [t for batch in _targets(st, clusters) for t in batch]
            if not targets:
                return False
            helm = helm_for(st, opts, args)

            def one(t: Target) -> str:
                return helm_in(helm, t).run(*argv(t)).stdout

            jobs = [functools.partial(one, t) for t in targets]
            for out in run_parallel(jobs, concurrency):
                write(out)
            return True

        StateVisitor(opts, select_releases=False).run(visit)
    finally:
        clusters.close()
