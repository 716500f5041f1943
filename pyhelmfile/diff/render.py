"""Renderings of release diffs: helm-diff's text, JSON for machines, Markdown for pull requests.

The text form follows helm-diff's default "diff" output (diff/diff.go, diff/report.go): per
change a header "<key> has changed:" / "has been added:" / "has been removed:" (yellow), then
the line diff of the two objects' YAML: "+ " lines green, "- " lines red, "  " common lines,
an empty common line printed empty, and with `context` >= 0 only lines within `context` of a
change, each omitted run shown as "...". The line diff reproduces github.com/aryann/difflib's
LCS walk (deletions before insertions), so the same inputs give the same lines.

Secrets arrive already masked (compare.py); a suppressed kind prints only helm-diff's
"+ Changes suppressed on sensitive content of type <Kind>" line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from pyhelmfile.diff.compare import MASK, Change, ReleaseDiff, ValueChange
from pyhelmfile.golang import semver

_HEADERS = {"add": "has been added:", "remove": "has been removed:", "change": "has changed:"}
_RED, _GREEN, _YELLOW, _RESET = "\x1b[31m", "\x1b[32m", "\x1b[33m", "\x1b[0m"
# helm-diff's notice for a release that is not installed yet (it runs with --allow-unreleased under helmfile)
NOT_INSTALLED_BANNER = (
    "********************\n\n\tRelease was not present in Helm.  Diff will show entire contents as new.\n\n"
    "********************\n"
)
# Above this many cells the exact LCS table is too slow in Python; difflib's matcher takes over.
_LCS_CELLS = 4_000_000


# ----------------------------------------------------------------------------- line diff


def diff_lines(old: Sequence[str], new: Sequence[str]) -> list[tuple[str, str]]:
    """(op, line) records, op one of " " "-" "+", as aryann/difflib.Diff computes them."""
    start = 0
    while start < len(old) and start < len(new) and old[start] == new[start]:
        start += 1
    end = 0
    # difflib's quirk kept: the suffix scan stops one short of the prefix
    while len(old) - 1 - end > start and len(new) - 1 - end > start and old[-1 - end] == new[-1 - end]:
        end += 1
    out = [(" ", line) for line in old[:start]]
    out.extend(_lcs_diff(old[start : len(old) - end], new[start : len(new) - end]))
    out.extend((" ", line) for line in old[len(old) - end :])
    return out


def _lcs_diff(a: Sequence[str], b: Sequence[str]) -> list[tuple[str, str]]:
    n, m = len(a), len(b)
    if n == 0 or m == 0:
        return [("-", x) for x in a] + [("+", y) for y in b]
    if n * m > _LCS_CELLS:
        return _matcher_diff(a, b)
    # table[i][j]: LCS length of the suffixes a[n-i:] and b[m-j:]
    table = [[0] * (m + 1)]
    for i in range(1, n + 1):
        x = a[n - i]
        prev = table[i - 1]
        row = [0] * (m + 1)
        for j in range(1, m + 1):
            if x == b[m - j]:
                row[j] = prev[j - 1] + 1
            else:
                up, left = prev[j], row[j - 1]
                row[j] = up if up >= left else left
        table.append(row)
    out: list[tuple[str, str]] = []
    i, j = n, m
    while i > 0 or j > 0:
        if i > 0 and table[i][j] == table[i - 1][j]:
            out.append(("-", a[n - i]))
            i -= 1
        elif j > 0 and table[i][j] == table[i][j - 1]:
            out.append(("+", b[m - j]))
            j -= 1
        else:
            out.append((" ", a[n - i]))
            i -= 1
            j -= 1
    return out


def _matcher_diff(a: Sequence[str], b: Sequence[str]) -> list[tuple[str, str]]:
    import difflib

    out: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.extend((" ", x) for x in a[i1:i2])
        else:
            out.extend(("-", x) for x in a[i1:i2])
            out.extend(("+", y) for y in b[j1:j2])
    return out


def change_records(change: Change) -> list[tuple[str, str]]:
    """The line diff of one change: its objects' texts split on newlines, as helm-diff splits them."""
    old = change.old.text.split("\n") if change.old is not None else [""]
    new = change.new.text.split("\n") if change.new is not None else [""]
    return diff_lines(old, new)


def _within_context(records: list[tuple[str, str]], context: int) -> list[tuple[str, str] | None]:
    """The records within `context` lines of a change; None stands for each omitted run."""
    if context < 0:
        return list(records)
    far = len(records) + context + 1
    dist = [far] * len(records)
    last = -1
    for i, (op, _) in enumerate(records):
        if op != " ":
            last = i
        if last >= 0:
            dist[i] = i - last
    last = -1
    for i in range(len(records) - 1, -1, -1):
        if records[i][0] != " ":
            last = i
        if last >= 0:
            dist[i] = min(dist[i], last - i)
    out: list[tuple[str, str] | None] = []
    for rec, d in zip(records, dist, strict=True):
        if d <= context:
            out.append(rec)
        elif not out or out[-1] is not None:
            out.append(None)
    return out


# ----------------------------------------------------------------------------- text


def render_change(change: Change, *, context: int = -1, color: bool = False, suppress_lines: Sequence[str] = ()) -> str:
    """One change as helm-diff prints it: the header line, then its diff lines.

    `suppress_lines`: regexes; diff lines (changed or not) whose text matches one are left out
    before the context is cut, as helm-diff's --suppress-output-line-regex; when no changed
    line is left, only the header remains.
    """

    def paint(text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    lines = [paint(f"{change.key} {_HEADERS[change.action]}", _YELLOW)]
    if change.suppressed:
        lines.append(paint(f"+ Changes suppressed on sensitive content of type {change.resource.kind}", _YELLOW))
        return "\n".join(lines) + "\n"
    records = change_records(change)
    if suppress_lines:
        patterns = [re.compile(p) for p in suppress_lines]
        records = [r for r in records if not any(p.search(r[1]) for p in patterns)]
        if all(op == " " for op, _ in records):
            records = []
    for rec in _within_context(records, context):
        if rec is None:
            lines.append("...")
        elif rec[0] == "+":
            lines.append(paint(f"+ {rec[1]}", _GREEN))
        elif rec[0] == "-":
            lines.append(paint(f"- {rec[1]}", _RED))
        else:
            lines.append(f"  {rec[1]}" if rec[1] else "")
    return "\n".join(lines) + "\n"


def render_release_text(diff: ReleaseDiff, *, context: int = -1, color: bool = False, show_values: bool = False) -> str:
    """One release's part of render_text."""
    parts = [NOT_INSTALLED_BANNER] if not diff.installed else []
    suppress = diff.suppress_output_line_regex
    parts.extend(render_change(c, context=context, color=color, suppress_lines=suppress) for c in diff.changes)
    if show_values and diff.values_changes:
        parts.append(f"values of {diff.release}:\n" + "".join(f"  {_value_line(v)}\n" for v in diff.values_changes))
    return "".join(parts)


def render_text(
    diffs: Sequence[ReleaseDiff], *, context: int = -1, color: bool = False, show_values: bool = False
) -> str:
    """helm-diff's default output for each release in turn (nothing for a release without changes).

    `context`: lines kept around each change (-1: whole objects, helm-diff's default).
    `color`: ANSI colours as helm-diff's (headers yellow, additions green, removals red).
    `show_values`: also list the changed values (not part of helm-diff's output).
    """
    return "".join(render_release_text(d, context=context, color=color, show_values=show_values) for d in diffs)


_SIMPLE = {"add": ("to be added.", _GREEN), "remove": ("to be removed.", _RED), "change": ("to be changed.", _YELLOW)}


def render_simple(diffs: Sequence[ReleaseDiff], *, color: bool = False) -> str:
    """helm-diff's `--output simple`: per release a line per change, then its "Plan:" line."""
    out: list[str] = []
    for d in diffs:
        for c in d.changes:
            message, code = _SIMPLE[c.action]
            line = f"{c.key} {message}"
            out.append(f"{code}{line}{_RESET}" if color else line)
        out.append(f"Plan: {d.count('add')} to add, {d.count('change')} to change, {d.count('remove')} to destroy.")
    return "".join(line + "\n" for line in out)


def _value_line(v: ValueChange) -> str:
    if v.action == "add":
        return f"+ {v.path}: {_short(v.new)}"
    if v.action == "remove":
        return f"- {v.path}: {_short(v.old)}"
    return f"~ {v.path}: {_short(v.old)} -> {_short(v.new)}"


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(_jsonable(value), sort_keys=True)
    return text if len(text) <= 120 else text[:117] + "..."


# ----------------------------------------------------------------------------- summary


def split_chart(name_version: str) -> tuple[str, str]:
    """The chart name and version in "linoapp-ws-0.1.0": ("linoapp-ws", "0.1.0").

    The version is the first suffix after a "-" that is a semantic version; ("", name_version)
    when there is none."""
    pos = name_version.find("-")
    while pos >= 0:
        if semver.is_valid(name_version[pos + 1 :]):
            return name_version[:pos], name_version[pos + 1 :]
        pos = name_version.find("-", pos + 1)
    return "", name_version


def chart_change_text(change: tuple[str, str]) -> str:
    """The chart change as "linoapp-0.1.0 -> 0.1.1" (the name once when it stays), else "a-1.0 -> b-1.0"."""
    old_name = split_chart(change[0])[0]
    new_name, new_version = split_chart(change[1])
    if old_name and old_name == new_name:
        return f"{change[0]} -> {new_version}"
    return f"{change[0]} -> {change[1]}"


def _where(diff: ReleaseDiff) -> str:
    return f"{diff.namespace}@{diff.kube_context}" if diff.kube_context else diff.namespace


def summary_line(diff: ReleaseDiff) -> str:
    """e.g. "linoapp (default@stg): 1 changed, 0 added, 0 removed; chart linoapp-0.1.0 -> 0.1.1"."""
    line = (
        f"{diff.release} ({_where(diff)}): {diff.count('change')} changed, "
        f"{diff.count('add')} added, {diff.count('remove')} removed"
    )
    if diff.chart_change:
        line += f"; chart {chart_change_text(diff.chart_change)}"
    if diff.values_changes:
        n = len(diff.values_changes)
        line += f"; {n} value{'s' if n != 1 else ''} changed"
    if not diff.installed:
        line += "; not installed yet"
    if diff.to_delete:
        line += "; to be deleted"
    return line


# ----------------------------------------------------------------------------- json


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def release_json(diff: ReleaseDiff) -> dict[str, Any]:
    """One release as render_json writes it."""
    return {
        "release": diff.release,
        "namespace": diff.namespace,
        "kube_context": diff.kube_context,
        "installed": diff.installed,
        "to_delete": diff.to_delete,
        "has_changes": diff.has_changes,
        "changes": [
            {
                "key": c.key,
                "action": c.action,
                "api_version": c.resource.api_version,
                "kind": c.resource.kind,
                "namespace": c.resource.namespace,
                "name": c.resource.name,
                "source": c.resource.source,
                "suppressed": c.suppressed,
                "paths": list(c.paths),
            }
            for c in diff.changes
        ],
        "chart_change": {"old": diff.chart_change[0], "new": diff.chart_change[1]} if diff.chart_change else None,
        "values_changes": [
            {
                "path": v.path,
                "action": v.action,
                "old": MASK if v.masked and v.old is not None else _jsonable(v.old),
                "new": MASK if v.masked and v.new is not None else _jsonable(v.new),
                "masked": v.masked,
            }
            for v in diff.values_changes
        ],
    }


def render_json(diffs: Sequence[ReleaseDiff]) -> str:
    """A JSON list with one object per release: identity, flags, changes (no object contents:
    key, action, api_version, kind, namespace, name, source, suppressed, DeepDiff paths), the chart
    change and the values changes (masked ones as "***")."""
    return json.dumps([release_json(d) for d in diffs], indent=2) + "\n"


# ----------------------------------------------------------------------------- markdown


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _fence(body: str) -> str:
    ticks = "```"
    while ticks in body:
        ticks += "`"
    return ticks


def render_markdown(
    diffs: Sequence[ReleaseDiff], *, context: int = -1, title: str = "pyhelmfile diff", max_chars: int = 60000
) -> str:
    """A pull-request comment: a summary table, then per changed release a <details> block with
    its chart and values changes and a ```diff block of helm-diff's text (no colour).

    Diff blocks that would take the comment past `max_chars` (GitHub refuses comments over
    65536 characters) are left out, with a note saying so.
    """
    head = [f"### {title}", ""]
    if not diffs:
        return "\n".join([*head, "No releases.", ""])
    head += [
        "| release | namespace | context | added | changed | removed |",
        "| --- | --- | --- | ---: | ---: | ---: |",
    ]
    for d in diffs:
        head.append(
            f"| {_cell(d.release)} | {_cell(d.namespace)} | {_cell(d.kube_context)} "
            f"| {d.count('add')} | {d.count('change')} | {d.count('remove')} |"
        )
    head.append("")
    out = "\n".join(head) + "\n"
    for d in diffs:
        if not (d.has_changes or d.chart_change or d.values_changes):
            continue
        block = [f"<details><summary>{_html(summary_line(d))}</summary>", ""]
        if d.chart_change:
            block += [f"Chart: `{d.chart_change[0]}` -> `{d.chart_change[1]}`", ""]
        if d.values_changes:
            block += ["Values:", ""]
            block += [f"- `{_inline(_value_line(v))}`" for v in d.values_changes]
            block.append("")
        text = render_release_text(d, context=context)
        tail = ["</details>", ""]
        if text:
            fence = _fence(text)
            diff_part = [f"{fence}diff", text.rstrip("\n"), fence, ""]
            if len(out) + sum(len(x) + 1 for x in block + diff_part + tail) > max_chars:
                diff_part = ["_The diff is too large for this comment; run `pyhelmfile diff` to see it._", ""]
            block += diff_part
        out += "\n".join(block + tail) + "\n"
    return out.rstrip("\n") + "\n"


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _inline(text: str) -> str:
    return text.replace("`", "'")
