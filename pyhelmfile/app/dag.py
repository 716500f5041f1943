"""`show-dag`: the batches in which releases would be deployed."""

from __future__ import annotations

from pyhelmfile.app.run.options import RunOptions
from pyhelmfile.app.run.visit import StateVisitor
from pyhelmfile.state.dag import format_dag, plan
from pyhelmfile.state.loader import HelmState


def show_dag(opts: RunOptions) -> str:
    out: list[str] = []

    def render(st: HelmState) -> bool:
        releases = st.spec.releases
        out.append(format_dag(plan(releases, releases, include_needs=True)))
        return True

    StateVisitor(opts).run(render)
    return "".join(out)
