"""`why`: which releases a run takes, and the reason for each.

For debugging a selection before it reaches a cluster: every release of every visited state
file, whether apply/diff/template would take it, and why: the `-l` selector that matched (or,
for each selector, the label that did not), a `condition:` that is off, the releases that need
it (taken with --include-needs, left out otherwise), `installed: false`. The selection itself is
the commands' own (app/run/plan.py's select and planned), so this explains what they do rather than
re-deciding it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from pyhelmfile.app.run.options import NeedsOptions, RunOptions
from pyhelmfile.app.run.plan import planned, select
from pyhelmfile.app.run.visit import StateVisitor
from pyhelmfile.errors import ConfigError
from pyhelmfile.state.loader import HelmState
from pyhelmfile.state.selection import condition_enabled
from pyhelmfile.state.spec import ReleaseSpec, desired, release_id


class Explained:
    """One release: picked by the selectors and its condition; taken by the commands (picked, or needed and
    included; nothing is taken when the state's needs stop them); and why."""

    __slots__ = ("id", "installed", "name", "namespace", "picked", "reasons", "taken")

    def __init__(self, release: ReleaseSpec, picked: bool, taken: bool, reasons: list[str]) -> None:
        self.id = release_id(release)
        self.name = release.name
        self.namespace = release.namespace
        self.installed = desired(release)
        self.picked = picked
        self.taken = taken
        self.reasons = reasons

    @property
    def verdict(self) -> str:
        return "TAKEN" if self.taken else "selected" if self.picked else "left out"


class StateExplained:
    """One state file's releases; `error` is what the commands would stop with (e.g. unmet needs)."""

    __slots__ = ("error", "file", "releases", "selectors")

    def __init__(self, file: str, selectors: list[str], releases: list[Explained], error: str) -> None:
        self.file = file
        self.selectors = selectors
        self.releases = releases
        self.error = error


def _quoted(items: Sequence[str]) -> str:
    return ", ".join(f'"{item}"' for item in items)


def explain_state(st: HelmState, needs: NeedsOptions) -> StateExplained:
    """The releases of one loaded, templated state and the verdict apply/diff/template would reach on each."""
    # with selectors, each release comes labelled as the selectors saw it (implicit labels included)
    marked = select(st)
    releases = [m.release for m in marked]
    picked = {release_id(m.release) for m in marked if not m.filtered}
    error = ""
    try:
        taken = {release_id(r) for batch in planned(st, needs, installed_only=False) for r in batch}
    except ConfigError as exc:
        taken, error = set(), str(exc)
    needed_by: dict[str, list[str]] = {}
    for release in releases:
        rid = release_id(release)
        if rid in picked or rid in taken:
            for need in release.needs:
                needed_by.setdefault(need, []).append(rid)
    explained = []
    for release in releases:
        rid = release_id(release)
        reasons = [st.selector.reason(release.labels)]
        if release.condition and not condition_enabled(release, st.rendered_values):
            reasons.append(f"condition {release.condition} is not true")
        users = needed_by.get(rid, [])
        if rid not in picked and users:
            if rid in taken:
                reasons.append(f"needed by {_quoted(users)} (--include-needs)")
            else:
                reasons.append(f"needed by {_quoted(users)}: --include-needs would take it")
        if rid in taken and not desired(release):
            reasons.append("installed: false: apply and sync uninstall it where it is installed")
        explained.append(Explained(release, rid in picked, rid in taken, reasons))
    return StateExplained(st.file_path, st.selector.texts, explained, error)


def explain(opts: RunOptions, needs: NeedsOptions) -> tuple[list[StateExplained], list[str]]:
    """Every visited state file explained, and the state files skipped because they lack the environment."""
    states: list[StateExplained] = []

    def collect(st: HelmState) -> bool:
        states.append(explain_state(st, needs))
        return True  # nothing taken is an answer here, not an error

    visitor = StateVisitor(opts, select_releases=False)
    visitor.run(collect)
    return states, visitor.skipped


def _shown(release: Explained, names: Sequence[str]) -> bool:
    return not names or release.name in names or release.id in names


def format_text(states: list[StateExplained], skipped: list[str], env: str, names: Sequence[str] = ()) -> str:
    """A block per state file: its selectors, then a row per release (TAKEN, selected but stopped by the
    state's error, or left out; and why)."""
    lines = []
    for state in states:
        selectors = " ".join(f"-l {s}" for s in state.selectors) or "none"
        lines.append(f'{state.file}: environment "{env}", selectors: {selectors}')
        rows = [r for r in state.releases if _shown(r, names)]
        width = max((len(r.id) for r in rows), default=0)
        for r in rows:
            lines.append(f"  {r.verdict:8}  {r.id.ljust(width)}  {'; '.join(r.reasons)}")
        if state.error:
            lines.append(f"  error: {state.error}")
    for file in skipped:
        lines.append(f'{file}: skipped: it has no environment "{env}"')
    return "\n".join(lines) + "\n"


def format_json(states: list[StateExplained], skipped: list[str], names: Sequence[str] = ()) -> str:
    """The same, for tools."""
    doc = {
        "states": [
            {
                "file": state.file,
                "selectors": state.selectors,
                "error": state.error,
                "releases": [
                    {
                        "id": r.id,
                        "name": r.name,
                        "namespace": r.namespace,
                        "selected": r.picked,
                        "taken": r.taken,
                        "installed": r.installed,
                        "reasons": r.reasons,
                    }
                    for r in state.releases
                    if _shown(r, names)
                ],
            }
            for state in states
        ],
        "skipped": skipped,
    }
    return json.dumps(doc, indent=2) + "\n"
