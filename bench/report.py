"""The report: a cProfile of pyhelmfile runs summarised by area, and bench/RESULTS.md (machine, versions,
targets and one table per case)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bench.cases import ALL_CASES, CASE_TITLES, CLUSTER_CASES, ENVIRONMENT, TARGETS
from bench.measure import Result, measure

if TYPE_CHECKING:
    from bench.run import Project

ROOT = Path(__file__).resolve().parent.parent  # the repository, whose commit the report names


# --------------------------------------------------------------------------- profile


PROFILE_DRIVER = r"""
import cProfile, pstats, sys, threading
out = sys.argv[1]
workers = []
_run = threading.Thread.run
def run(self):
    prof = cProfile.Profile()
    prof.enable()
    try:
        _run(self)
    finally:
        prof.disable()
        workers.append(prof)
threading.Thread.run = run
sys.argv = ["pyhelmfile", *sys.argv[2:]]
main_prof = cProfile.Profile()
code = 0
main_prof.enable()
try:
    from pyhelmfile.cli.main import main
    main()
except SystemExit as exc:
    code = exc.code or 0
finally:
    main_prof.disable()
main_prof.dump_stats(out + ".main")
if workers:
    stats = pstats.Stats(workers[0])
    for prof in workers[1:]:
        stats.add(prof)
    stats.dump_stats(out + ".workers")
sys.exit(code)
"""


def profile(project: Project, command: str, *, cold: bool = False) -> list[str]:
    """cProfile of one pyhelmfile run (main thread, and worker threads merged): what dominates.

    cold: pyhelmfile's verdict cache is removed before each run (a fresh machine).
    """
    import pstats

    prof = project.out / f"profile-{command}{'-cold' if cold else ''}-n{project.n}"
    driver = project.out / "profile_driver.py"
    driver.write_text(PROFILE_DRIVER)
    python = project.tools.pyhelmfile.parent / "python"
    for _ in range(2):  # the first run warms caches, like the timed cases
        if cold:
            shutil.rmtree(Path(project.env["XDG_CACHE_HOME"]) / "pyhelmfile", ignore_errors=True)
        sample = measure(
            [str(python), str(driver), str(prof), "-e", ENVIRONMENT, command], project.root, project.env, prof
        )
    if sample.returncode != 0:
        return [f"profile of `{command}` failed (exit {sample.returncode})"]
    what = f"`-e {ENVIRONMENT} {command}`" + (" (no verdict cache)" if cold else "")
    lines = [f"### pyhelmfile {what}, N={project.n}: {sample.wall:.2f} s under cProfile", ""]
    main = pstats.Stats(str(prof) + ".main")
    lines += profile_summary(main, "main thread")
    workers = Path(str(prof) + ".workers")
    if workers.exists():
        lines += ["", *profile_summary(pstats.Stats(str(workers)), "worker threads (merged; they overlap in time)")]
    return lines


# (label, file suffix, function): entry points whose cumulative time says where a run goes.
KEY_COSTS = (
    ("imports (all modules loaded)", "_bootstrap>", "_find_and_load"),
    ("regular expressions compiled", "re/_compiler.py", "compile"),
    ("dataclasses created", "dataclasses.py", "_process_class"),
    ("state loaded (pyhelmfile.state.loader.load)", "pyhelmfile/state/loader.py", "load"),
    ("YAML parsed (yaml.compose_all)", "yaml/__init__.py", "compose_all"),
)


def _area(filename: str, funcname: str) -> str:
    """Which part of the program a profiled function belongs to."""
    path = filename.replace("\\", "/")
    if filename == "~":
        if "subprocess" in funcname or "posix" in funcname or "waitpid" in funcname or "select" in funcname:
            return "waiting for helm (subprocess, select, wait)"
        if "acquire" in funcname or "lock" in funcname:
            return "waiting on threads (locks)"
        if "marshal" in funcname or "exec" in funcname or "compile" in funcname:
            return "imports (loading code)"
        if "yaml" in funcname:
            return "yaml (C parts)"
        return "builtins: " + funcname.strip("<>").split(" of ")[0].replace("built-in method ", "")
    if "/pyhelmfile/" in path:
        parts = path.rsplit("/pyhelmfile/", 1)[1].split("/")
        return "pyhelmfile." + (parts[0] if len(parts) > 1 else parts[0].removesuffix(".py"))
    if "importlib" in path or path.startswith("<frozen"):
        return "imports (loading code)"
    for lib in ("yaml", "click", "deepdiff", "rich"):
        if f"/{lib}/" in path:
            return lib
    if path.endswith(("subprocess.py", "selectors.py")):
        return "waiting for helm (subprocess, select, wait)"
    if path.endswith("threading.py") or "concurrent/futures" in path:
        return "waiting on threads (locks)"
    return "other stdlib: " + path.rsplit("/", 1)[-1]


def profile_summary(stats: object, title: str) -> list[str]:
    import pstats

    assert isinstance(stats, pstats.Stats)
    raw = stats.stats  # type: ignore[attr-defined]
    total = sum(tt for (_cc, _nc, tt, _ct, _callers) in raw.values())
    areas: dict[str, float] = {}
    for (filename, _line, funcname), (_cc, _nc, tt, _ct, _callers) in raw.items():
        key = _area(filename, funcname)
        areas[key] = areas.get(key, 0.0) + tt
    lines = [f"{title}: {total:.2f} s of own time by area", "", "| area | own time | share |", "| --- | --- | --- |"]
    for key, value in sorted(areas.items(), key=lambda kv: -kv[1])[:12]:
        lines.append(f"| {key} | {value * 1000:.0f} ms | {value / total:.0%} |")
    waiting = sum(v for k, v in areas.items() if k.startswith("waiting"))
    lines[0] = (
        f"{title}: {total:.2f} s of own time: {waiting:.2f} s waiting (for helm processes or worker threads), "
        f"{total - waiting:.2f} s running Python. By area:"
    )
    costs = []
    for label, suffix, name in KEY_COSTS:
        found = [ct for (fn, _l, func), (_cc, _nc, _tt, ct, _c) in raw.items() if fn.endswith(suffix) and func == name]
        if found:
            costs.append(f"| {label} | {max(found) * 1000:.0f} ms |")
    if costs:
        lines += ["", f"{title}: key costs (cumulative; they overlap)", "", "| what | cumulative |", "| --- | --- |"]
        lines += costs
    ours = [
        (key, ct)
        for key, (_cc, _nc, _tt, ct, _c) in raw.items()
        if "/pyhelmfile/" in key[0] and key[2] != "<module>" and "/cli/" not in key[0]
    ]
    lines += ["", f"{title}: pyhelmfile functions by cumulative time", "", "| function | cumulative |", "| --- | --- |"]
    for (filename, line, funcname), ct in sorted(ours, key=lambda kv: -kv[1])[:12]:
        lines.append(f"| `{_short(filename)}:{line} {funcname}` | {ct * 1000:.0f} ms |")
    lines += ["", f"{title}: top functions by own time", "", "| function | calls | own | cumulative |"]
    lines.append("| --- | --- | --- | --- |")
    top = sorted(raw.items(), key=lambda kv: -kv[1][2])[:15]
    for (filename, line, funcname), (_cc, nc, tt, ct, _callers) in top:
        where = funcname if filename == "~" else f"{_short(filename)}:{line} {funcname}"
        lines.append(f"| `{where}` | {nc} | {tt * 1000:.0f} ms | {ct * 1000:.0f} ms |")
    return lines


def _short(filename: str) -> str:
    path = filename.replace("\\", "/")
    for marker in ("/site-packages/", "/pyhelmfile/", "/lib/python3"):
        if marker in path:
            tail = path.rsplit(marker, 1)[1]
            return ("pyhelmfile/" + tail) if marker == "/pyhelmfile/" else tail
    return path.rsplit("/", 1)[-1]


# --------------------------------------------------------------------------- report


def machine_info() -> list[str]:
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = "?"
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
        mem = f"{kib / 1024 / 1024:.1f} GiB"
    return [
        f"- machine: {cpu}, {os.cpu_count()} CPUs, {mem} memory, {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()} ({sys.executable})",
    ]


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def fmt_mem(kib: float | None) -> str:
    return "-" if kib is None else f"{kib / 1024:.0f} MiB"


def fmt_ratio(ratio: float | None) -> str:
    return "-" if ratio is None else f"{ratio:.2f}"


def case_table(results: Sequence[Result]) -> list[str]:
    first = "project" if any(r.label for r in results) else "N"
    lines = [
        f"| {first} | runs | helmfile wall | pyhelmfile wall | ratio | CPU (helmfile / pyhelmfile / ratio) "
        "| helmfile peak RSS (tree / own) | pyhelmfile peak RSS (tree / own) | RSS ratio (tree) | notes |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        lines.append(
            f"| {r.label or r.n} | {r.runs} | {fmt_time(r.median('helmfile', 'wall'))} "
            f"| {fmt_time(r.median('pyhelmfile', 'wall'))} | {fmt_ratio(r.ratio('wall'))} "
            f"| {fmt_time(r.median('helmfile', 'cpu'))} / {fmt_time(r.median('pyhelmfile', 'cpu'))} "
            f"/ {fmt_ratio(r.ratio('cpu'))} "
            f"| {fmt_mem(r.median('helmfile', 'tree_kib'))} / {fmt_mem(r.median('helmfile', 'own_kib'))} "
            f"| {fmt_mem(r.median('pyhelmfile', 'tree_kib'))} / {fmt_mem(r.median('pyhelmfile', 'own_kib'))} "
            f"| {fmt_ratio(r.ratio('tree_kib'))} | {r.note} |"
        )
    return lines


def target_lines(results: Sequence[Result]) -> list[str]:
    lines = ["| target | case | ratio needed | measured | verdict |", "| --- | --- | --- | --- | --- |"]
    for case, n, limit, title in TARGETS:
        variants = [case, f"{case}-cold"] if f"{case}-cold" in CLUSTER_CASES else [case]
        for variant in variants:
            match = [r for r in results if r.case == variant and r.n == n]
            if not match:
                lines.append(f"| {title} | `{variant}` | ≤ {limit:.2f} | not measured in this run | - |")
            for r in match:
                head = f"| {title} | `{variant}`{f' {r.label}' if r.label else ''} | ≤ {limit:.2f}"
                ratio = r.ratio("wall")
                if ratio is None:
                    lines.append(f"{head} | {r.note or 'no successful run'} | - |")
                elif ratio <= limit:
                    lines.append(f"{head} | {ratio:.2f} | met |")
                else:
                    lines.append(f"{head} | {ratio:.2f} | missed: {ratio / limit:.1f}x the target |")
    return lines


def write_report(
    path: Path,
    results: Sequence[Result],
    versions: dict[str, str],
    notes: Sequence[str],
    profile_lines: Sequence[str],
    argv: Sequence[str],
    load: tuple[tuple[float, ...], tuple[float, ...]],
) -> None:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True, text=True, check=False
    ).stdout.strip()
    lines = [
        "# Benchmark results",
        "",
        f"Written by `bench/run.py` ({' '.join(argv) or 'defaults'}) on {now}; rerun `make bench` to refresh.",
        "",
        "## Machine and versions",
        "",
        *machine_info(),
        f"- load average (1/5/15 min) before: {' '.join(f'{x:.2f}' for x in load[0])}, "
        f"after: {' '.join(f'{x:.2f}' for x in load[1])} (the machine is shared: other work adds noise)",
        *(f"- {name}: {value}" for name, value in versions.items()),
        f"- pyhelmfile commit: {commit or '?'}",
        "",
        "## What is measured",
        "",
        "Both tools run as separate processes on the same generated project (bench/generate.py), with the same helm",
        "3.15.3 first on PATH and private helm homes; one untimed warm-up run of each, then timed runs alternating",
        "helmfile, pyhelmfile, helmfile, pyhelmfile. Each cell is the median over the timed runs.",
        "",
        "- wall: fork to exit of the tool's process, including every helm (and helm-diff) process it runs;",
        "- CPU: user + system time of the tool and every process it ran (wait4; less sensitive to other load than",
        "  wall time, which on a shared machine also measures the other work);",
        "- peak RSS (tree): the highest sum of resident memory over the tool and all its descendants, sampled every",
        "  10 ms from /proc (shared pages count once per process; a process shorter than 10 ms can be missed);",
        "- peak RSS (own): the tool's own process only (helmfile's Go binary, pyhelmfile's Python), exact (wait4);",
        "- ratio: pyhelmfile / helmfile (below 1: pyhelmfile is faster or smaller);",
        "- notes: `same output` when both tools printed byte-identical stdout on the warm-up run.",
        "",
        "## Targets (issues #5, #6 and #8, wall-time ratio pyhelmfile/helmfile)",
        "",
        *target_lines(results),
        "",
    ]
    for case in ALL_CASES:
        rows = [r for r in results if r.case == case]
        if rows:
            lines += [f"## {case}: {CASE_TITLES[case]}", "", *case_table(rows), ""]
    if notes:
        lines += ["## Notes", "", *(f"- {note}" for note in notes), ""]
    if profile_lines:
        lines += ["## Profile", "", *profile_lines, ""]
    path.write_text("\n".join(lines))
