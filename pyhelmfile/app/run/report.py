"""What a run prints about releases, in helmfile's words: the "Comparing release=..." lines and diffs
(diff, apply), and the tables of affected releases after apply, sync and destroy."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from pyhelmfile.app.run.release_options import DiffOptions
from pyhelmfile.state.spec import ReleaseSpec

if TYPE_CHECKING:
    from pyhelmfile.app.run.compare import Verdict
    from pyhelmfile.app.run.execute import Outcome
    from pyhelmfile.diff.compare import ReleaseDiff


def shown_chart(release: ReleaseSpec) -> str:
    """The chart as helmfile's "Comparing release=..., chart=..." line names it (its normalizeChart, run in the
    state file's directory: a local path relative to that directory, cleaned; a repository or URL reference as
    written, a password in a URL hidden as its redactedURL does)."""
    import re

    chart = release.chart_path_or_name()
    parts = chart.split("/")
    local = chart.startswith(("./", "../")) or (
        "://" not in chart and (not chart or os.path.isabs(chart) or len(parts) not in (2, 3))
    )
    if local and chart and not os.path.isabs(chart):
        return os.path.normpath(chart)
    return re.sub(r"(://[^/@:]*):[^/@]*@", r"\1:xxxxx@", chart)


def compared_text(change: Verdict, dopts: DiffOptions) -> str:
    """What helmfile 0.166.0 prints on stdout for one release it compares (`--output diff` or `simple`): its
    "Comparing release=..." line, then helm-diff's output (if any) and a newline after it (its execer.write).
    helm-diff's simple output has a "Plan:" line even without changes; helmfile leaves helm-diff's output
    out when --detailed-exitcode says there were none, or with --suppress-diff."""
    from pyhelmfile.diff.render import NOT_INSTALLED_BANNER, render_simple

    target = change.target
    if change.deployed is None and dopts.skip_diff_on_install:
        return ""  # helmfile installs it without running helm-diff
    line = f"Comparing release={target.release.name}, chart={shown_chart(target.release)}\n"
    if dopts.suppress_diff or (dopts.detailed_exitcode and not change.diff.has_changes):
        return line
    if dopts.output == "simple":
        banner = NOT_INSTALLED_BANNER if not change.diff.installed else ""
        return line + banner + render_simple([change.diff], color=dopts.color) + "\n"
    text = render([change.diff], dopts) if change.action != "none" else ""
    return line + text + "\n" if text else line


def render(diffs: list[ReleaseDiff], dopts: DiffOptions) -> str:
    from pyhelmfile.diff import render as renderers

    if dopts.output == "json":
        return renderers.render_json(diffs)
    if dopts.output == "markdown":
        return renderers.render_markdown(diffs, context=shown_context(dopts))
    if dopts.output == "summary":
        return "".join(renderers.summary_line(d) + "\n" for d in diffs)
    if dopts.output == "simple":
        return renderers.render_simple(diffs, color=dopts.color)
    if dopts.suppress_diff:
        return ""
    return renderers.render_text(diffs, context=shown_context(dopts), color=dopts.color)


def shown_context(dopts: DiffOptions) -> int:
    """The lines of context a diff shows: helmfile passes --context to helm-diff only when it is above 0, so
    `--context 0` shows whole objects, as no --context does (-1)."""
    return dopts.context if dopts.context > 0 else -1


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
