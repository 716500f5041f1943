"""`apply`: diff, then upgrade only the releases whose manifests (or chart) changed, and uninstall
`installed: false` releases that exist; preapply hooks before any change (run/execute.py does the rest)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from pyhelmfile.app.run.compare import Verdict
from pyhelmfile.app.run.execute import Outcome, converge
from pyhelmfile.app.run.options import RunOptions
from pyhelmfile.app.run.release_options import ApplyOptions
from pyhelmfile.app.run.report import compared_text, render
from pyhelmfile.state.spec import desired


def apply(
    opts: RunOptions,
    aopts: ApplyOptions,
    write: Callable[[str], object],
    confirm: Callable[[str], bool] | None = None,
) -> tuple[Outcome, bool]:
    """Diff, then change what differs. Returns (outcome, whether anything changed or failed)."""

    def show(found: list[Verdict]) -> None:
        if aopts.output in ("diff", "simple"):
            # as helmfile's apply: each release it compares (with --detailed-exitcode, which apply always uses),
            # then the releases to delete
            compared = dataclasses.replace(aopts, detailed_exitcode=True)
            for v in found:
                if desired(v.target.release):
                    text = compared_text(v, compared)
                else:
                    text = render([v.diff], aopts) if v.changed else ""
                if text:
                    write(text)
            return
        shown = [v.diff for v in found if v.changed]
        text = render(shown, aopts) if shown else ""
        if text:
            write(text)

    return converge(opts, dataclasses.replace(aopts, command="apply"), write, confirm, command="apply", show=show)
