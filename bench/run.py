#!/usr/bin/env python3
"""Time the reference helmfile 0.166.0 and pyhelmfile side by side on generated projects (issue #8).

    python bench/run.py [--sizes 10,50,200] [--cases list,template,diff-noop,...] [--runs N] [--out bench/RESULTS.md]

For each size N, bench/generate.py writes a project of N releases; each case runs both tools on the same files
with the same helm 3.15.3 (.tools/bin first on PATH), alternating helmfile/pyhelmfile/helmfile/pyhelmfile after one
untimed warm-up run of each, and reports the median wall time, the median peak memory and pyhelmfile/helmfile.
Cluster cases start fresh `stg`/`prd` test clusters per N (scripts/testcluster), install every release once with
`helmfile sync` (untimed), and stop the clusters by PID afterwards. helmfile's diff/apply use helm-diff, built once
from the Go module proxy into ~/.cache/pyhelmfile/helm-diff/ and installed in a plugins dir only the bench uses.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import generate  # noqa: E402
from scripts import testcluster  # noqa: E402
from scripts.examplerepo import AGE_KEY, build, copy_example, helm_secrets_shim, serve  # noqa: E402
from scripts.helmdiff import HELM_DIFF_MODULE, ensure_helm_diff, install_helm_diff  # noqa: E402

BENCH = ROOT / "bench"
WORK = BENCH / "work"
DEFAULT_RESULTS = BENCH / "RESULTS.md"
ENVIRONMENT = "stg"


PYTHON_VARS_DROPPED = ("PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED")

LOCAL_CASES = ("list", "template")
# examples/kube-app itself (issue 5: list it faster than helmfile; issue 6: template it faster), in both environments.
EXAMPLE_CASES = ("example-list", "example-template")
EXAMPLE_ENVIRONMENTS = ("stg", "prd")
# "-cold": pyhelmfile's verdict cache (pyhelmfile/app/verdicts.py) is removed before each of its runs, as on a
# fresh CI machine; the plain cases keep it, as on a developer's machine after the first run.
CLUSTER_CASES = (
    "diff-noop",
    "diff-noop-cold",
    "apply-noop",
    "apply-noop-cold",
    "diff-change",
    "diff-change-cold",
    "apply-change",
    "apply-change-cold",
)
ALL_CASES = EXAMPLE_CASES + LOCAL_CASES + CLUSTER_CASES

# Timed runs per tool when --runs is not given: fewer where one run takes long.
DEFAULT_RUNS = {"list": 11, "template": 5, "cluster": 3}
LARGE = 200
DEFAULT_RUNS_LARGE = {"list": 7, "template": 3, "cluster": 2}

# helmfile's diff/apply/sync run every release's helm (and helm-diff) at once by default: about 150 MiB a release,
# so 200 releases would need some 30 GiB. Above this N its cluster commands get `--concurrency` this N (pyhelmfile
# keeps its default, twice the CPUs), and the report says so.
HELMFILE_MAX_CONCURRENCY = 50

# The issues' targets: pyhelmfile/helmfile wall-time ratio at N releases (N=0: the example, every environment).
EXAMPLE_N = 0
TARGETS = (
    ("apply-noop", 50, 0.10, "#8: no-op `apply` of 50 releases"),
    ("diff-change", 50, 0.25, "#8: `diff` after one change in 50 releases"),
    ("template", 50, 0.50, "#8: `template` of 50 releases"),
    ("list", 50, 1.00, "#8: `list` of 50 releases"),
    ("example-list", EXAMPLE_N, 1.00, "#5: `list` of examples/kube-app faster than helmfile"),
    ("example-template", EXAMPLE_N, 1.00, "#6: `template` of examples/kube-app faster than helmfile"),
)

CASE_TITLES = {
    "example-list": "`list` of examples/kube-app (4 releases, sops secrets, an umbrella chart)",
    "example-template": "`template` of examples/kube-app (repository added, umbrella charts' dependencies built from"
    " the loopback chart repository, sops secrets decrypted, helm template per release)",
    "list": "`-e stg list`",
    "template": "`-e stg template` (local charts: dependency builds, then helm template per release)",
    "diff-noop": "`-e stg diff` right after a full apply (nothing to change)",
    "apply-noop": "`-e stg apply` right after a full apply (nothing to change)",
    "diff-change": "`-e stg diff` after one release's values changed",
    "apply-change": "`-e stg apply` after one release's values changed (a new value before every run)",
}
for _case in CLUSTER_CASES:
    if _case.endswith("-cold"):
        CASE_TITLES[_case] = CASE_TITLES[_case.removesuffix("-cold")] + "; no pyhelmfile verdict cache (fresh machine)"


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


class BenchError(Exception):
    pass


# --------------------------------------------------------------------------- measuring one process tree


class TreeSampler:
    """Peak of the summed RSS of a process and all its descendants, sampled every `interval` seconds.

    Processes that already existed when the sampler was created are never descendants (a PID is not reused
    within a run), so each sample reads /proc/<pid>/stat once per new process and statm of the tree only.
    """

    def __init__(self, interval: float = 0.01) -> None:
        self.interval = interval
        self.before = set(_pids())
        self.parents: dict[int, int] = {}
        self.peak_kib = 0
        self.samples = 0
        self.root = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._page_kib = os.sysconf("SC_PAGE_SIZE") // 1024

    def start(self, root: int) -> None:
        self.root = root
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while True:
            self.sample()
            if self._stop.wait(self.interval):
                return

    def sample(self) -> None:
        for pid in _pids():
            if pid not in self.before and pid not in self.parents:
                ppid = _ppid(pid)
                if ppid is not None:
                    self.parents[pid] = ppid
        tree = {self.root}
        grew = True
        while grew:
            grew = False
            for pid, ppid in self.parents.items():
                if ppid in tree and pid not in tree:
                    tree.add(pid)
                    grew = True
        total = sum(_rss_pages(pid) for pid in tree) * self._page_kib
        self.samples += 1
        self.peak_kib = max(self.peak_kib, total)


def _pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def _ppid(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
    except OSError:
        return None
    return int(stat[stat.rindex(b")") + 2 :].split()[1])


def _rss_pages(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1])
    except (OSError, IndexError, ValueError):
        return 0


@dataclass(frozen=True)
class Sample:
    wall: float  # seconds, fork to exit
    own_kib: int  # the tool's own peak RSS (wait4's ru_maxrss): exact
    tree_kib: int  # peak of the summed RSS of the tool and every helm/plugin process it runs: sampled
    returncode: int
    cpu: float = 0.0  # user + system seconds of the tool and every process it waited for (wait4): exact


def measure(argv: Sequence[str], cwd: Path, env: dict[str, str], out: Path) -> Sample:
    """Run argv once with stdout/stderr to files: wall time, exact own peak RSS and the sampled tree peak."""
    out.parent.mkdir(parents=True, exist_ok=True)
    sampler = TreeSampler()
    with out.open("wb") as stdout, out.with_suffix(".err").open("wb") as stderr:
        start = time.perf_counter()
        proc = subprocess.Popen(list(argv), cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr)
        sampler.start(proc.pid)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here; Popen must not wait again
        sampler.stop()
    own = int(usage.ru_maxrss)  # KiB on Linux
    cpu = usage.ru_utime + usage.ru_stime  # Linux counts the descendants the tool reaped in its own usage
    return Sample(wall, own, max(own, sampler.peak_kib), proc.returncode, cpu)


# --------------------------------------------------------------------------- tools and environment


@dataclass(frozen=True)
class Tools:
    bin_dir: Path
    helmfile: Path
    helm: Path
    pyhelmfile: Path

    @classmethod
    def find(cls) -> Tools:
        bin_dir = Path(os.environ.get("PYHELMFILE_TOOLS_BIN", ROOT / ".tools" / "bin"))
        pyhelmfile = Path(sys.executable).parent / "pyhelmfile"
        tools = cls(bin_dir, bin_dir / "helmfile", bin_dir / "helm3", pyhelmfile)
        for path in (tools.helmfile, tools.helm, tools.pyhelmfile):
            if not os.access(path, os.X_OK):
                raise BenchError(f"{path} is missing: run `make install tools` first")
        return tools


def bench_env(tools: Tools, home: Path, kubeconfig: Path, plugins: Path) -> dict[str, str]:
    """The same environment for both tools: the pinned helm first on PATH, helm's homes private to the bench."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HELM_", "HELMFILE_", "KUBECONFIG"))}
    # As in a user's shell: Python writes and reads its bytecode cache (without it, every pyhelmfile run
    # compiles its modules from source) and buffers stdout.
    for name in PYTHON_VARS_DROPPED:
        env.pop(name, None)
    shim = home / "bin"  # `helm` on PATH is helm 3.15.3 (.tools/bin has helm4 too; only `helm` is used)
    shim.mkdir(parents=True, exist_ok=True)
    link = shim / "helm"
    if not link.exists():
        link.symlink_to(tools.helm)
    env.update(
        PATH=f"{shim}{os.pathsep}{tools.bin_dir}{os.pathsep}{env.get('PATH', '')}",
        HELM_CACHE_HOME=str(home / "cache"),
        HELM_CONFIG_HOME=str(home / "config"),
        HELM_DATA_HOME=str(home / "data"),
        HELM_PLUGINS=str(plugins),
        KUBECONFIG=str(kubeconfig),
        HELMFILE_UPGRADE_NOTICE_DISABLED="1",
        # pyhelmfile's verdict cache (and anything else either tool caches there) stays inside the bench.
        XDG_CACHE_HOME=str(home / "xdg-cache"),
    )
    return env


def compile_pyhelmfile(tools: Tools) -> None:
    """Write pyhelmfile's bytecode cache before timing, as `pip install` does for an installed package."""
    python = tools.pyhelmfile.parent / "python"
    code = "import compileall, pathlib, pyhelmfile as p; compileall.compile_dir(pathlib.Path(p.__file__).parent)"
    env = {k: v for k, v in os.environ.items() if k not in PYTHON_VARS_DROPPED}
    subprocess.run([str(python), "-c", code], env=env, check=True, stdout=subprocess.DEVNULL)


def tool_version(argv: Sequence[str], env: dict[str, str]) -> str:
    proc = subprocess.run(list(argv), capture_output=True, text=True, env=env, check=False)
    return (proc.stdout or proc.stderr).strip().splitlines()[0] if (proc.stdout or proc.stderr).strip() else "?"


def pyhelmfile_has(tools: Tools, command: str, env: dict[str, str]) -> bool:
    proc = subprocess.run([str(tools.pyhelmfile), command, "--help"], capture_output=True, env=env, check=False)
    return proc.returncode == 0


# --------------------------------------------------------------------------- cases


@dataclass
class Result:
    case: str
    n: int
    runs: int
    helmfile: list[Sample] = field(default_factory=list)
    pyhelmfile: list[Sample] = field(default_factory=list)
    note: str = ""  # "n/a (not implemented)", a failure, or whether the outputs agreed
    label: str = ""  # what the table's first column shows instead of N (the example's environment)

    def median(self, tool: str, attr: str) -> float | None:
        samples = [s for s in getattr(self, tool) if s.returncode == 0]
        if not samples:
            return None
        return float(statistics.median(getattr(s, attr) for s in samples))

    def ratio(self, attr: str) -> float | None:
        ours, theirs = self.median("pyhelmfile", attr), self.median("helmfile", attr)
        if ours is None or theirs is None or theirs == 0:
            return None
        return ours / theirs


@dataclass(frozen=True)
class Project:
    n: int
    root: Path
    env: dict[str, str]
    tools: Tools
    out: Path  # where run outputs go
    environment: str = ENVIRONMENT
    label: str = ""  # for the example: shown instead of N
    helmfile_flags: tuple[str, ...] = ()  # after the command, for helmfile only

    @property
    def name(self) -> str:
        return self.label or f"n{self.n}"

    def argv(self, tool: str, args: Sequence[str]) -> list[str]:
        if tool == "helmfile":
            return [str(self.tools.helmfile), "-e", self.environment, *args, *self.helmfile_flags]
        return [str(self.tools.pyhelmfile), "-e", self.environment, *args]


def run_case(
    project: Project,
    case: str,
    args: Sequence[str],
    runs: int,
    *,
    available: bool,
    before: Callable[[str, int], None] | None = None,
    after: Callable[[str, int, Sample], str] | None = None,
    compare: bool = True,
) -> Result:
    """One untimed warm-up per tool, then `runs` timed runs per tool in the order helmfile, pyhelmfile, ...

    `before(tool, k)` prepares run k (k = -1 for the warm-up); `after(tool, k, sample)` may return a problem.
    """
    result = Result(case, project.n, runs, label=project.label)
    tools = ("helmfile", "pyhelmfile") if available else ("helmfile",)
    if not available:
        result.note = "n/a (not implemented)"
    problems: list[str] = []
    outputs: dict[str, Path] = {}
    for k in range(-1, runs):
        for tool in tools:
            if before is not None:
                before(tool, k)
            out = project.out / f"{case}-{project.name}-{tool}-{'warmup' if k < 0 else k}.out"
            sample = measure(project.argv(tool, args), project.root, project.env, out)
            if sample.returncode != 0:
                tail = out.with_suffix(".err").read_text(errors="replace").strip().splitlines()[-3:]
                problems.append(f"{tool} exited {sample.returncode}: {' / '.join(tail)}")
            elif after is not None and (problem := after(tool, k, sample)):
                problems.append(f"{tool}: {problem}")
                sample = dataclasses.replace(sample, returncode=-1)
            if k < 0:
                outputs[tool] = out
            else:
                getattr(result, tool).append(sample)
            log(f"{case} {project.name} {tool} run {k + 1}/{runs}: {sample.wall:.2f}s, exit {sample.returncode}")
    if problems:
        result.note = "; ".join(dict.fromkeys(problems))[:300]
    elif available and compare:
        same = outputs["helmfile"].read_bytes() == outputs["pyhelmfile"].read_bytes()
        result.note = "same output" if same else "outputs differ"
    return result


def runs_for(case: str, n: int, override: int | None) -> int:
    if override is not None:
        return override
    table = DEFAULT_RUNS_LARGE if n >= LARGE else DEFAULT_RUNS
    return table.get(case.removeprefix("example-"), table["cluster"])


def check_lists_agree(project: Project) -> None:
    """The generated project must load identically in both tools, in both environments."""
    for env_name in generate.ENVIRONMENTS:
        outputs = []
        for exe in (project.tools.helmfile, project.tools.pyhelmfile):
            proc = subprocess.run(
                [str(exe), "-e", env_name, "list", "--output", "json"],
                cwd=project.root,
                env=project.env,
                capture_output=True,
                check=False,
            )
            if proc.returncode != 0:
                raise BenchError(f"{exe.name} -e {env_name} list failed on {project.root}: {proc.stderr.decode()}")
            outputs.append(json.loads(proc.stdout))
        if outputs[0] != outputs[1]:
            raise BenchError(f"helmfile and pyhelmfile list {project.root} (-e {env_name}) differently")
        if len(outputs[0]) != project.n:
            raise BenchError(f"{project.root}: {len(outputs[0])} releases listed, {project.n} generated")


def local_cases(project: Project, cases: Sequence[str], runs: int | None) -> list[Result]:
    results = []
    for case in cases:
        available = pyhelmfile_has(project.tools, case, project.env)
        results.append(run_case(project, case, [case], runs_for(case, project.n, runs), available=available))
    return results


def example_cases(tools: Tools, env: dict[str, str], cases: Sequence[str], runs: int | None) -> list[Result]:
    """`list`/`template` of a copy of examples/kube-app, its chart repository built with helm 3.15.3 and served
    on loopback as in the tests; helmfile reads its sops secrets through the tests' helm-secrets shim."""
    work = WORK / "example"
    shutil.rmtree(work, ignore_errors=True)
    repo = build(work / "repo", str(tools.helm))
    root = copy_example(work / "kube-app")
    with serve(repo) as url:
        example_env = dict(
            env,
            LINOAPP_CHART_REPO=url,
            SOPS_AGE_KEY_FILE=str(AGE_KEY),
            SOPS_DISABLE_VERSION_CHECK="1",
            HELM_PLUGINS=str(helm_secrets_shim(work / "plugins")),
        )
        commands = {case: case.removeprefix("example-") for case in cases}
        available = {case: pyhelmfile_has(tools, command, example_env) for case, command in commands.items()}
        results = []
        for environment in EXAMPLE_ENVIRONMENTS:
            project = Project(
                EXAMPLE_N, root, example_env, tools, WORK / "out", environment, f"kube-app `-e {environment}`"
            )
            for case, command in commands.items():
                count = runs_for(case, EXAMPLE_N, runs)
                results.append(run_case(project, case, [command], count, available=available[case]))
    return results


@contextlib.contextmanager
def clusters(work: Path) -> Iterator[testcluster.State]:
    """Fresh `stg` and `prd` clusters for one size; every process is stopped by PID afterwards."""
    bins = testcluster.ensure_binaries()
    run_dir = Path(tempfile.mkdtemp(prefix="pyhelmfile-bench-clusters-", dir=work))
    try:
        yield testcluster.start_clusters(run_dir, bins, die_with_parent=True)
    finally:
        started = testcluster.State.load(run_dir)
        if started is not None:
            testcluster.stop_clusters(started)
        shutil.rmtree(run_dir, ignore_errors=True)


def deployed_revision(project: Project, release: generate.Release) -> str | None:
    proc = subprocess.run(
        ["helm", "--kube-context", ENVIRONMENT, "-n", release.namespace, "get", "values", release.name, "-o", "json"],
        env=project.env,
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        return None
    values = json.loads(proc.stdout) or {}
    revision = (values.get("podAnnotations") or {}).get(generate.REVISION_ANNOTATION)
    return None if revision is None else str(revision)


class Reviser:
    """For `apply-change`: a new value for the changed release before each run, checked on the cluster after it."""

    def __init__(self, project: Project, release: generate.Release, cold: bool) -> None:
        self.project = project
        self.release = release
        self.prefix = "c" if cold else "w"  # never a value an earlier case deployed
        self.count = 0
        self.expected = ""

    def next_value(self) -> None:
        self.count += 1
        self.expected = f"{self.prefix}{self.count}"
        generate.set_revision(self.project.root, self.project.n, self.expected)

    def check(self, tool: str, k: int, sample: Sample) -> str:
        got = deployed_revision(self.project, self.release)
        return "" if got == self.expected else f"{self.release.name} not upgraded (revision {got!r})"


def cluster_cases(
    project: Project, cases: Sequence[str], runs: int | None, profile_lines: list[str] | None = None
) -> tuple[list[Result], str]:
    """Install everything once (helmfile sync, untimed), then the no-op cases, then the one-change cases.

    With profile_lines, a no-op `apply` without verdict cache is profiled first (when pyhelmfile has `apply`).
    """
    started = time.perf_counter()
    out = project.out / f"sync-n{project.n}.out"
    setup = measure(project.argv("helmfile", ["sync"]), project.root, project.env, out)
    if setup.returncode != 0:
        err = out.with_suffix(".err").read_text(errors="replace")[-2000:]
        raise BenchError(f"initial `helmfile sync` of N={project.n} failed:\n{err}")
    setup_note = f"initial `helmfile sync` of {project.n} releases: {time.perf_counter() - started:.1f} s"
    log(setup_note)
    has = {cmd: pyhelmfile_has(project.tools, cmd, project.env) for cmd in ("diff", "apply")}
    if profile_lines is not None and has["apply"]:
        profile_lines += [*profile(project, "apply", cold=True), ""]
    changed = generate.release_to_change(project.n)
    results = []
    for case in cases:
        command = case.split("-")[0]
        count = runs_for(case, project.n, runs)
        cold = case.endswith("-cold")
        if case.startswith("diff-change"):
            generate.set_revision(project.root, project.n, "changed")
        reviser = Reviser(project, changed, cold) if case.startswith("apply-change") else None

        def before(tool: str, k: int, reviser: Reviser | None = reviser, cold: bool = cold) -> None:
            if reviser is not None:
                reviser.next_value()
            if cold and tool == "pyhelmfile":
                shutil.rmtree(Path(project.env["XDG_CACHE_HOME"]) / "pyhelmfile", ignore_errors=True)

        result = run_case(
            project,
            case,
            [command],
            count,
            available=has[command],
            before=before,
            after=reviser.check if reviser is not None else None,
            compare=command == "diff",
        )
        results.append(result)
    return results, setup_note


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


# --------------------------------------------------------------------------- main


def parse_cases(text: str) -> tuple[str, ...]:
    cases = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [c for c in cases if c not in ALL_CASES]
    if unknown or not cases:
        raise argparse.ArgumentTypeError(f"unknown case(s) {unknown}; choose from {','.join(ALL_CASES)}")
    return cases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=generate.parse_sizes, default=generate.DEFAULT_SIZES, help="default 10,50,200")
    parser.add_argument(
        "--cluster-sizes", type=generate.parse_sizes, default=None, help="N for cluster cases (default: --sizes)"
    )
    parser.add_argument("--cases", type=parse_cases, default=ALL_CASES, help=f"default {','.join(ALL_CASES)}")
    parser.add_argument("--runs", type=int, default=None, help="timed runs per tool (default: per case, see README)")
    parser.add_argument("--profile-size", type=int, default=50, help="N to profile list/template at (0: no profile)")
    parser.add_argument("--out", type=Path, default=DEFAULT_RESULTS, help="report file (default bench/RESULTS.md)")
    args = parser.parse_args(argv)
    if args.runs is not None and args.runs < 1:
        parser.error("--runs must be at least 1")
    try:
        return run(args, list(sys.argv[1:] if argv is None else argv))
    except (BenchError, testcluster.ClusterError, subprocess.CalledProcessError) as exc:
        log(f"error: {exc}")
        return 1


def run(args: argparse.Namespace, argv: list[str]) -> int:
    tools = Tools.find()
    compile_pyhelmfile(tools)
    load_before = os.getloadavg()
    WORK.mkdir(parents=True, exist_ok=True)
    home = WORK / "home"
    plugins = home / "plugins"
    plugins.mkdir(parents=True, exist_ok=True)
    no_cluster = home / "no-kubeconfig"  # list/template must not read the user's kubeconfig
    env = bench_env(tools, home, no_cluster, plugins)
    versions = {
        "helmfile": tool_version([str(tools.helmfile), "--version"], env),
        "helm": tool_version(["helm", "version", "--short"], env),
        "pyhelmfile": tool_version([str(tools.pyhelmfile), "--version"], env),
    }
    # Always in this order: the no-op cases need the cluster as `sync` left it, the change cases come after.
    want_example = [c for c in EXAMPLE_CASES if c in args.cases]
    want_local = [c for c in LOCAL_CASES if c in args.cases]
    want_cluster = [c for c in CLUSTER_CASES if c in args.cases]
    results: list[Result] = []
    notes: list[str] = []
    profile_lines: list[str] = []
    if want_cluster:
        binary = ensure_helm_diff()
        install_helm_diff(plugins, binary)
        versions["helm-diff"] = f"{tool_version([str(binary), 'version'], env)} ({HELM_DIFF_MODULE}, built locally)"
    if want_example:
        results += example_cases(tools, env, want_example, args.runs)
    for n in args.sizes:
        root = generate.generate(n)
        project = Project(n, root, env, tools, WORK / "out")
        check_lists_agree(project)
        log(f"N={n}: {root} lists identically in helmfile and pyhelmfile")
        results += local_cases(project, want_local, args.runs)
        if n == args.profile_size:
            for command in want_local:
                profile_lines += [*profile(project, command), ""]
    if want_cluster:
        for n in args.cluster_sizes or args.sizes:
            # A fresh cluster per size, and no verdicts remembered from another size's cluster.
            shutil.rmtree(Path(env["XDG_CACHE_HOME"]) / "pyhelmfile", ignore_errors=True)
            with clusters(WORK) as state:
                cluster_env = dict(env, KUBECONFIG=state.kubeconfig)
                limit = ("--concurrency", str(HELMFILE_MAX_CONCURRENCY)) if n > HELMFILE_MAX_CONCURRENCY else ()
                project = Project(n, generate.generate(n), cluster_env, tools, WORK / "out", helmfile_flags=limit)
                if limit:
                    notes.append(
                        f"N={n}: helmfile's sync/diff/apply ran with `--concurrency {HELMFILE_MAX_CONCURRENCY}` (by "
                        f"default it runs all {n} releases' helm and helm-diff processes at once, about 150 MiB each: "
                        "more memory than this machine has); pyhelmfile with its default (twice the CPUs)"
                    )
                to_profile = profile_lines if n == args.profile_size else None
                found, setup_note = cluster_cases(project, want_cluster, args.runs, to_profile)
                results += found
                notes.append(setup_note)
    write_report(args.out, results, versions, notes, profile_lines, argv, (load_before, os.getloadavg()))
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
