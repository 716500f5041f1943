"""`destroy` (and its old name `delete`): uninstall every selected release that exists, dependants
before what they need (run/execute.py's executor, given releases to delete and none to upgrade)."""

from __future__ import annotations

from collections.abc import Callable

from pyhelmfile import log
from pyhelmfile.app.run import helmargs
from pyhelmfile.app.run.clusters import Clusters
from pyhelmfile.app.run.compare import StatePlan
from pyhelmfile.app.run.execute import Executor, Outcome
from pyhelmfile.app.run.options import RunOptions
from pyhelmfile.app.run.plan import placed
from pyhelmfile.app.run.release_options import ApplyOptions
from pyhelmfile.app.run.report import summary
from pyhelmfile.app.run.visit import StateVisitor
from pyhelmfile.state.loader import HelmState


def destroy(opts: RunOptions, aopts: ApplyOptions, write: Callable[[str], object]) -> Outcome:
    outcome = Outcome()
    clusters = Clusters(opts)
    try:

        def visit(st: HelmState) -> bool:
            targets = placed(st, clusters)
            if not targets:
                return False
            helm = helmargs.state_helm(st.spec, st.base_path, opts, aopts.args)
            to_delete = {t.id for batch in targets for t in batch if clusters.deployed(t) is not None}
            plan = StatePlan(st, helm, targets, verdicts={})  # nothing to compare or upgrade
            Executor(plan, clusters, aopts, outcome, "destroy", write).run(set(), to_delete)
            return True

        StateVisitor(opts, select_releases=False).run(visit)
    finally:
        clusters.close()
    text = summary(outcome)
    if text:
        log.info("%s", text.rstrip("\n"))  # on stderr, as helmfile's
    return outcome
