"""`diff`: what `apply` would change, computed natively (no helm-diff plugin): run/compare.py plans it,
this prints it as helmfile (and helm-diff) would, or as json, markdown or a summary."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from pyhelmfile import log
from pyhelmfile.app.run.compare import StatePlan, visit_plans
from pyhelmfile.app.run.options import RunOptions
from pyhelmfile.app.run.release_options import DiffOptions
from pyhelmfile.app.run.report import compared_text, render
from pyhelmfile.state.spec import desired

if TYPE_CHECKING:
    from pyhelmfile.diff.compare import ReleaseDiff


def diff(opts: RunOptions, dopts: DiffOptions, write: Callable[[str], object]) -> int:
    """Print the diff of every selected release; the exit code helmfile's --detailed-exitcode gives."""
    shown: list[ReleaseDiff] = []
    changed = False

    def each(plan: StatePlan, _prep: object, _clusters: object) -> None:
        for batch in plan.batches:
            for target in batch:
                change = plan.verdicts[target.id]
                nonlocal changed
                changed = changed or change.changed
                if per_release and desired(target.release):
                    write(compared_text(change, dopts))  # as helmfile, for every release it compares
                if change.action == "none" and dopts.output != "json":
                    log.info("Comparing release=%s: no changes", target.name)
                    continue
                shown.append(change.diff)
                if per_release and not desired(target.release):
                    text = render([change.diff], dopts)  # a release to delete: helmfile's diff does not show it
                    if text:
                        write(text)

    per_release = dopts.output in ("diff", "simple")
    visit_plans(opts, dopts, each)
    if not per_release:
        write(render(shown, dopts))
    if dopts.output in ("diff", "simple"):
        from pyhelmfile.diff.render import summary_line

        for release_diff in shown:  # one line per changed release, on stderr: stdout stays helm-diff's
            log.info("%s", summary_line(release_diff))
    return 2 if dopts.detailed_exitcode and changed else 0
