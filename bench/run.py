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
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import generate, report  # noqa: E402
from bench.cases import (  # noqa: E402
    ALL_CASES,
    CLUSTER_CASES,
    ENVIRONMENT,
    EXAMPLE_CASES,
    EXAMPLE_ENVIRONMENTS,
    EXAMPLE_N,
    LOCAL_CASES,
)
from bench.measure import Result, Sample, measure  # noqa: E402
from bench.report import target_lines as target_lines  # noqa: E402  (re-exported: tests/unit/test_bench_run.py)
from scripts import testcluster  # noqa: E402
from scripts.examplerepo import AGE_KEY, build, copy_example, helm_secrets_shim, serve  # noqa: E402
from scripts.helmdiff import HELM_DIFF_MODULE, ensure_helm_diff, install_helm_diff  # noqa: E402

BENCH = ROOT / "bench"
WORK = BENCH / "work"
DEFAULT_RESULTS = BENCH / "RESULTS.md"

PYTHON_VARS_DROPPED = ("PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED")

# Timed runs per tool when --runs is not given: fewer where one run takes long.
DEFAULT_RUNS = {"list": 11, "template": 5, "cluster": 3}
LARGE = 200
DEFAULT_RUNS_LARGE = {"list": 7, "template": 3, "cluster": 2}

# helmfile's diff/apply/sync run every release's helm (and helm-diff) at once by default: about 150 MiB a release,
# so 200 releases would need some 30 GiB. Above this N its cluster commands get `--concurrency` this N (pyhelmfile
# keeps its default, twice the CPUs), and the report says so.
HELMFILE_MAX_CONCURRENCY = 50


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


class BenchError(Exception):
    pass


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
        profile_lines += [*report.profile(project, "apply", cold=True), ""]
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
                profile_lines += [*report.profile(project, command), ""]
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
    report.write_report(args.out, results, versions, notes, profile_lines, argv, (load_before, os.getloadavg()))
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
