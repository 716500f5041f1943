"""`status` and `test`: one helm command per selected release (installed or not), in plan order,
side by side; helm's output printed in that order."""

from __future__ import annotations

import functools
from collections.abc import Callable

from pyhelmfile.app.run import helmargs
from pyhelmfile.app.run.clusters import Clusters, Target, helm_in
from pyhelmfile.app.run.options import ReleaseQueryOptions, RunOptions
from pyhelmfile.app.run.parallel import run_parallel
from pyhelmfile.app.run.plan import placed
from pyhelmfile.app.run.visit import StateVisitor
from pyhelmfile.state.loader import HelmState


def status(opts: RunOptions, qopts: ReleaseQueryOptions, write: Callable[[str], object]) -> None:
    """`helm status` of every selected release."""
    _each_release(opts, qopts, write, lambda t: helmargs.status(t.name, namespace=t.namespace))


def test(opts: RunOptions, qopts: ReleaseQueryOptions, write: Callable[[str], object]) -> None:
    """`helm test` of every selected release (helmfile's test: --timeout, --logs)."""
    _each_release(opts, qopts, write, lambda t: helmargs.test(t.name, qopts, namespace=t.namespace))


def _each_release(
    opts: RunOptions,
    qopts: ReleaseQueryOptions,
    write: Callable[[str], object],
    argv: Callable[[Target], list[str]],
) -> None:
    clusters = Clusters(opts)
    try:

        def visit(st: HelmState) -> bool:
            targets = [t for batch in placed(st, clusters) for t in batch]
            if not targets:
                return False
            helm = helmargs.state_helm(st.spec, st.base_path, opts, qopts.args)

            def one(t: Target) -> str:
                return helm_in(helm, t).run(*argv(t)).stdout

            for out in run_parallel([functools.partial(one, t) for t in targets], qopts.concurrency):
                write(out)
            return True

        StateVisitor(opts, select_releases=False).run(visit)
    finally:
        clusters.close()
