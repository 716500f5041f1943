"""`lint`: `helm lint` of every selected release's chart with its values, as helmfile does.

Selection and order are template's (helmfile's withNeeds). Repository and OCI charts are
downloaded first (helm lint needs a directory); local charts get their dependencies built.
Each release is linted with helmfile's flagsForLint: `--namespace`, the release's values and
`--set`s, then `--values`/`--set` from the command line, then `--args`/helmDefaults.args.
helm's report goes to stdout in release order. As in helmfile, the first failing release of a
state file ends that state's linting; the other state files are still linted, and the run
fails at the end naming every failed release.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from pyhelmfile import log
from pyhelmfile.app.run import helmargs, hooks
from pyhelmfile.app.run.options import RunOptions
from pyhelmfile.app.run.parallel import run_parallel
from pyhelmfile.app.run.plan import planned
from pyhelmfile.app.run.prepare import Preparation
from pyhelmfile.app.run.release_options import LintOptions
from pyhelmfile.app.run.visit import StateVisitor
from pyhelmfile.errors import HelmError
from pyhelmfile.helm.exec import Helm, HelmResult
from pyhelmfile.state.loader import HelmState
from pyhelmfile.state.spec import ReleaseSpec


def lint_flags(prep: Preparation, st: HelmState, release: ReleaseSpec, lopts: LintOptions) -> list[str]:
    """flagsForLint, then the command line's --values and --set (run/helmargs.py)."""
    values = prep.values_flags(st, release) + helmargs.cli_values(st.base_path, lopts.values_files, lopts.set_values)
    return helmargs.lint(release, values=values)


def _lint(helm: Helm, chart: str, flags: list[str]) -> HelmResult:
    return helm.run("lint", chart, *flags, check=False)


def lint(opts: RunOptions, lopts: LintOptions, write: Callable[[str], object]) -> None:
    """Lint the selected releases; `write` receives helm's report for each, in helmfile's order."""
    failed: list[str] = []
    with Preparation(opts, lopts.prepare()) as prep:

        def each(st: HelmState) -> bool:
            releases = [r for batch in planned(st, lopts) for r in batch]
            if not releases:
                return False
            helm = prep.helm(st)
            for release in releases:
                hooks.trigger(st, release, "prepare", "lint")
            prep.charts(st, helm, releases)
            jobs = [functools.partial(_lint, helm, prep.chart(st, r), lint_flags(prep, st, r, lopts)) for r in releases]
            failure = ""
            labels = [f"Linting release={r.name}" for r in releases]
            for release, result in zip(releases, run_parallel(jobs, lopts.concurrency, labels), strict=True):
                if not failure:
                    log.info("Linting release=%s, chart=%s", release.name, prep.chart(st, release))
                    if result.stdout:
                        write(result.stdout + "\n")  # helmfile prints helm's report and a newline
                    if result.returncode != 0:
                        reason = " ".join(ln.strip() for ln in result.stderr.splitlines() if ln.strip())
                        failure = f"release {release.name!r}: {reason or f'helm lint exited {result.returncode}'}"
                try:
                    hooks.trigger(st, release, "cleanup", "lint")
                except hooks.HookError as exc:
                    log.warning("warn: %s", exc)
            if failure:
                failed.append(failure)  # the next state files are still linted, as in helmfile
            return True

        StateVisitor(opts, select_releases=False).run(each)
    if failed:
        raise HelmError("lint failed: " + "; ".join(failed))
