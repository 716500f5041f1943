"""`sync`: upgrade every selected release without diffing first, and uninstall `installed: false`
releases that exist (run/execute.py)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from pyhelmfile.app.run.execute import Outcome, converge
from pyhelmfile.app.run.options import RunOptions
from pyhelmfile.app.run.release_options import ApplyOptions


def sync(
    opts: RunOptions,
    aopts: ApplyOptions,
    write: Callable[[str], object],
    confirm: Callable[[str], bool] | None = None,
) -> tuple[Outcome, bool]:
    """Upgrade every selected release. Returns (outcome, whether anything changed or failed)."""
    # nothing is rendered first: every desired release is to be upgraded
    plain = dataclasses.replace(aopts, compare=False, command="sync")
    return converge(opts, plain, write, confirm, command="sync")
