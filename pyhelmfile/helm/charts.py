"""Preparing local charts: `helm dependency build` once per chart per run."""

from __future__ import annotations

import os

from pyhelmfile import log
from pyhelmfile.errors import HelmError
from pyhelmfile.helm.exec import Helm


def is_local_chart(chart: str, base_dir: str) -> bool:
    return os.path.isdir(chart if os.path.isabs(chart) else os.path.join(base_dir, chart))


def build_dependencies(helm: Helm, release_name: str, chart: str, built: set[str]) -> None:
    """`helm dependency build CHART` unless this run already built it."""
    key = os.path.realpath(os.path.join(helm.cwd or ".", chart))
    if key in built:
        return
    log.info("Building dependency release=%s, chart=%s", release_name, os.path.normpath(chart))
    try:
        out = helm.run("dependency", "build", chart).stdout
    except HelmError as exc:
        raise HelmError(f"building dependencies of local chart: {exc}") from None
    if out.strip():
        log.info("%s", out.rstrip("\n"))
    built.add(key)
