"""Preparing charts: `helm dependency build`/`update` of local charts, pulls from repositories and registries."""

from __future__ import annotations

import os
import re

from pyhelmfile import log
from pyhelmfile.errors import HelmError
from pyhelmfile.helm.exec import Helm


def chart_path(chart: str, base_dir: str) -> str:
    """Where a chart reference would be on disk: relative to the state file's directory (an absolute
    reference stays as it is)."""
    return os.path.join(base_dir, chart)


def is_local_chart(chart: str, base_dir: str) -> bool:
    return os.path.isdir(chart_path(chart, base_dir))


def chart_key(helm: Helm, chart: str) -> str:
    """One key per chart directory, however a release spells its path."""
    return os.path.realpath(os.path.join(helm.cwd or ".", chart))


def build_dependencies(helm: Helm, release_name: str, chart: str, *, skip_refresh: bool = False) -> None:
    """`helm dependency build CHART`; with skip_refresh the repositories were refreshed once already this run."""
    log.info("Building dependency release=%s, chart=%s", release_name, os.path.normpath(chart))
    if _declared(os.path.join(helm.cwd or "", chart)) == []:
        return  # helm would find nothing to build (and print nothing): a process saved
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


def _read(chart_dir: str, name: str) -> dict[str, object] | None:
    """A chart file's YAML mapping; None when missing, {"unreadable": True} when it cannot be read."""
    import yaml

    try:
        with open(os.path.join(chart_dir, name), encoding="utf-8") as fh:
            doc = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml when there
    except FileNotFoundError:
        return None
    except (OSError, yaml.YAMLError):
        return {"unreadable": True}
    return doc if isinstance(doc, dict) else {}


def _declared(chart_dir: str) -> list[object] | None:
    """The dependencies a chart declares (requirements.yaml's for apiVersion v1 charts, else Chart.yaml's);
    None when that cannot be told (no readable Chart.yaml, or not a list)."""
    chart = _read(chart_dir, "Chart.yaml")
    if chart is None or chart.get("unreadable"):
        return None
    requirements = _read(chart_dir, "requirements.yaml")
    source = requirements if requirements is not None else chart
    if source.get("unreadable"):
        return None
    deps = source.get("dependencies") or []
    return deps if isinstance(deps, list) else None


def dependencies_satisfied(chart_dir: str) -> bool:
    """Whether `helm dependency build` would have nothing to do: every dependency is pinned to an
    exact version that the lock file records and charts/ holds. Unknown cases answer False (build)."""
    deps = _declared(chart_dir)
    if deps is None:
        return False
    if not deps:
        return True
    uses_requirements = _read(chart_dir, "requirements.yaml") is not None
    lock = _read(chart_dir, "requirements.lock" if uses_requirements else "Chart.lock")
    if not lock:
        return False
    entries = lock.get("dependencies")
    locked = {
        (str(d.get("name")), str(d.get("version"))): d
        for d in (entries if isinstance(entries, list) else [])
        if isinstance(d, dict)
    }
    for dep in deps:
        if not isinstance(dep, dict) or (str(dep.get("name")), str(dep.get("version"))) not in locked:
            return False  # a range, or a version the lock does not pin (a bump): let helm resolve it
        name, version = str(dep["name"]), str(dep["version"])
        if str(dep.get("repository", "")).startswith("file://"):
            return False  # a local subchart may have changed: helm copies it again
        if not os.path.isfile(os.path.join(chart_dir, "charts", f"{name}-{version}.tgz")):
            return False
    return True


def update_dependencies(helm: Helm, chart: str) -> None:
    """`helm dependency update CHART`: resolve the dependencies again and rewrite the lock file."""
    log.info("Updating dependency %s", chart)
    out = helm.run("dependency", "update", chart).stdout
    if out.strip():
        log.info("%s", out.rstrip("\n"))


_CHART_YAML = re.compile("Chart.yaml")  # helmfile matches the name as a regexp: `.` is any character


def find_chart_dir(top: str) -> str:
    """helmfile's findChartDirectory: the directory of the first (sorted) Chart.yaml under `top`."""
    found: list[str] = []
    for root, _dirs, files in os.walk(top):
        found += [os.path.join(root, f) for f in files if _CHART_YAML.search(f)]
    if not found:
        raise HelmError(f"no Chart.yaml found in {top}")
    return os.path.dirname(sorted(found)[0])


def pull_chart(helm: Helm, chart: str, dest: str, flags: list[str]) -> None:
    """`helm pull CHART --untar` into `dest` (helmfile's fetch)."""
    log.info("Fetching %s", chart)
    out = helm.run("pull", chart, *flags, "--untar", "--untardir", dest).stdout
    if out.strip():
        log.info("%s", out.rstrip("\n"))


def split_oci_reference(reference: str) -> tuple[str, str]:
    """helmfile's resolveOciChart: `host/path/chart:tag` -> (`oci://host/path/chart`, `tag`)."""
    colon, slash = reference.rfind(":"), reference.rfind("/")
    if colon <= slash:
        return f"oci://{reference}", ""
    return f"oci://{reference[:colon]}", reference[colon + 1 :]


def pull_oci_chart(helm: Helm, reference: str, dest: str, flags: list[str]) -> str:
    """`helm pull oci://... --version TAG --destination DEST --untar`; returns the chart's directory."""
    log.info("Pulling %s", reference)
    url, tag = split_oci_reference(reference)
    out = helm.run("pull", url, "--version", tag, "--destination", dest, "--untar", *flags).stdout
    if out.strip():
        log.info("%s", out.rstrip("\n"))
    return find_chart_dir(os.path.join(helm.cwd or ".", dest))
