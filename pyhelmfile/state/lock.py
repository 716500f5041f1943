"""helmfile.lock: the versions `deps` pinned for the state's repository charts.

`pyhelmfile deps` resolves every `repo/chart` release (whose `repo` is one of the state's
`repositories:`) with helm, as helmfile 0.166.0 does, into `<state file basename>.lock`
(or `lockFilePath:`) beside the state file. Every command that prepares charts then gives
helm the locked version: the first locked entry of the chart that satisfies the release's
`version:` (a constraint; none means `*`). Same file format as helmfile's, so either tool
reads what the other wrote.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from pyhelmfile.errors import ConfigError
from pyhelmfile.state.loader import HelmState
from pyhelmfile.state.spec import ReleaseSpec


@dataclass(frozen=True)
class RemoteChart:
    """One chart to lock: its name within the repository, the repository URL and the wanted version."""

    name: str
    repository: str
    version: str  # a constraint; "" means any


@dataclass(frozen=True)
class LockedChart:
    name: str
    repository: str
    version: str


def is_local_chart_name(chart: str) -> bool:
    """helmfile's isLocalChart: what is not `repo/chart` (or `repo/sub/chart`) by its spelling alone."""
    if chart.startswith(("./", "../")):
        return True
    if "://" in chart:
        return False
    return chart == "" or os.path.isabs(chart) or "/" not in chart or len(chart.split("/")) not in (2, 3)


def split_remote_chart(chart: str) -> tuple[str, str] | None:
    """`repo/chart` -> (repo, chart); None for local charts and URLs."""
    if is_local_chart_name(chart) or "://" in chart:
        return None
    repo, _, name = chart.partition("/")
    return (repo, name) if name else None


def lock_file_path(st: HelmState) -> str:
    """`lockFilePath:` (relative to the state file's directory), else `<basename>.lock` beside the state file."""
    if st.spec.lock_file:
        return os.path.join(st.base_path, st.spec.lock_file)
    name = os.path.basename(st.file_path)
    for suffix in (".gotmpl", ".yaml", ".yml"):
        name = name.removesuffix(suffix)
    return os.path.join(st.base_path, f"{name}.lock")


def lock_name(st: HelmState) -> str:
    """The name of the temporary chart `deps` resolves with (the state file's basename)."""
    name = os.path.basename(st.file_path)
    for suffix in (".gotmpl", ".yaml", ".yml"):
        name = name.removesuffix(suffix)
    return name


def remote_charts(st: HelmState, releases: list[ReleaseSpec]) -> list[RemoteChart]:
    """getUnresolvedDependencies: each chart name once (the first release's version wins)."""
    repos = {r.name: r for r in st.spec.repositories}
    seen: set[str] = set()
    charts: list[RemoteChart] = []
    for release in releases:
        parts = split_remote_chart(release.chart)
        if parts is None or parts[0] not in repos:
            continue  # no such repository in the state: a local path such as charts/app
        repo = repos[parts[0]]
        if parts[1] in seen:
            continue
        seen.add(parts[1])
        url = f"oci://{repo.url}" if repo.oci else repo.url
        charts.append(RemoteChart(parts[1], url, release.version))
    return charts


def read_lock(path: str) -> list[LockedChart] | None:
    """The lock file's entries; None when there is no lock file."""
    from pyhelmfile.golang import goyaml

    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except FileNotFoundError:
        return None
    try:
        doc = goyaml.load(text) or {}
    except Exception as exc:  # a YAML error: one line naming the file
        raise ConfigError(f"{path}: {str(exc).splitlines()[0]}") from None
    if not isinstance(doc, dict):
        raise ConfigError(f"{path}: not a helmfile lock file")
    version = doc.get("version")
    if version not in (None, ""):
        from pyhelmfile.golang import semver

        try:
            semver.parse(str(version))
        except semver.InvalidVersion as exc:
            raise ConfigError(f"{path}: {exc}") from None
    entries = doc.get("dependencies") or []
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: dependencies is not a list")
    return [
        LockedChart(str(e.get("name", "")), str(e.get("repository", "")), str(e.get("version", "")))
        for e in entries
        if isinstance(e, dict)
    ]


def locked_version(locked: list[LockedChart], chart: str, constraint: str) -> str:
    """ResolvedDependencies.Get: the first locked version of `chart` that satisfies `constraint`."""
    from pyhelmfile.golang import semver

    for entry in locked:
        if entry.name != chart:
            continue
        try:
            check = semver.Constraints.parse(constraint or "*", legacy_prerelease=True)
            version = semver.parse(entry.version)
        except (semver.InvalidConstraint, semver.InvalidVersion) as exc:
            raise ConfigError(str(exc)) from None
        if check.check(version):
            return entry.version
    raise ConfigError(f'no resolved dependency found for "{chart}", running "helmfile deps" may resolve the issue')


def apply_lock(st: HelmState) -> None:
    """Give the state's repository charts the versions its lock file pins (helmfile's ResolveDeps).

    The releases' `version` fields are replaced in place, so everything after sees the
    locked versions; no lock file (or no repository chart) changes nothing.
    """
    if not remote_charts(st, st.spec.releases):
        return
    locked = read_lock(lock_file_path(st))
    if locked is None:
        return
    repos = {r.name for r in st.spec.repositories}
    for release in st.spec.releases:
        parts = split_remote_chart(release.chart)
        if parts is None or parts[0] not in repos:
            continue
        release.version = locked_version(locked, parts[1], release.version)
