"""`fetch`: download the selected releases' charts, as helmfile does.

Repository charts are pulled and untarred into `--output-dir` (default: a temporary
directory, removed at the end) at the path `--output-dir-template` gives, by default
`OUTPUT_DIR/[namespace/][kubeContext/]release/chart/version`; a path that already exists is
left alone. OCI charts go to `OUTPUT_DIR/[namespace/][kubeContext/]release/chart/version`
too; local charts stay where they are and get their dependencies built.
"""

from __future__ import annotations

from collections.abc import Callable

from pyhelmfile.app.run import hooks
from pyhelmfile.app.run.options import FetchOptions, RunOptions
from pyhelmfile.app.run.prepare import Preparation
from pyhelmfile.app.run.visit import StateVisitor
from pyhelmfile.state.loader import HelmState
from pyhelmfile.state.lock import apply_lock
from pyhelmfile.state.spec import desired


def fetch(opts: RunOptions, fopts: FetchOptions, write: Callable[[str], object]) -> None:
    """Download the charts of every selected release."""
    with Preparation(opts, fopts.prepare()) as prep:

        def each(st: HelmState) -> bool:
            if fopts.output_dir:
                write(f"Charts will be downloaded to: {fopts.output_dir}\n")
            apply_lock(st)
            releases = [r for r in st.spec.releases if desired(r)]
            for release in releases:
                hooks.trigger(st, release, "prepare", "pull")
            prep.charts(st, prep.helm(st), releases)
            return True

        StateVisitor(opts).run(each)
