"""Preparing local charts: `helm dependency build` once per chart per run."""

from __future__ import annotations

import os

from pyhelmfile import log
from pyhelmfile.errors import HelmError
from pyhelmfile.helm.exec import Helm


def is_local_chart(chart: str, base_dir: str) -> bool:
    return os.path.isdir(chart if os.path.isabs(chart) else os.path.join(base_dir, chart))


def chart_key(helm: Helm, chart: str) -> str:
    """One key per chart directory, however a release spells its path."""
    return os.path.realpath(os.path.join(helm.cwd or ".", chart))


def build_dependencies(helm: Helm, release_name: str, chart: str, *, skip_refresh: bool = False) -> None:
    """`helm dependency build CHART`; with skip_refresh the repositories were refreshed once already this run."""
    log.info("Building dependency release=%s, chart=%s", release_name, os.path.normpath(chart))
    args = ["dependency", "build", chart]
    if skip_refresh:
        args.append("--skip-refresh")
    try:
        out = helm.run(*args).stdout
    except HelmError as exc:
        if "out of sync" not in str(exc):
            raise HelmError(f"building dependencies of local chart: {exc}") from None
        # The dependencies file was edited (a version bump) after the lock was written: resolve again,
        # as `helm dependency update` would, instead of failing the run the way helmfile does.
        log.warning("%s: the lock file is out of sync with its dependencies; running helm dependency update", chart)
        update = ["dependency", "update", chart, *(["--skip-refresh"] if skip_refresh else [])]
        try:
            out = helm.run(*update).stdout
        except HelmError as again:
            raise HelmError(f"updating dependencies of local chart: {again}") from None
    if out.strip():
        log.info("%s", out.rstrip("\n"))
