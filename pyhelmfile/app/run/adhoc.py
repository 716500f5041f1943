"""A release's `dependencies:` (charts added to its chart), as helmfile's chartify adds them.

The chart is copied (a local one) or pulled (a repository one) into a private directory,
each added dependency is appended to its Chart.yaml (`repo/chart` from the helm repository
of that name, `oci://...`, or a local directory as `file://`; `condition: NAME.enabled`),
the chart's requirements.yaml is folded into Chart.yaml as chartify does, and `helm
dependency update` fetches them all. helm then renders that chart. For a repository chart,
whose archive already holds its own dependencies, only the added ones are fetched.
"""

from __future__ import annotations

import json
import os
import shutil
from typing import Any

from pyhelmfile.errors import ConfigError, HelmError
from pyhelmfile.helm.charts import chart_path
from pyhelmfile.helm.exec import Helm
from pyhelmfile.state.spec import Dependency, ReleaseSpec

# chartify's Dependency struct: other fields of a dependency (tags, enabled, ...) do not survive
_FIELDS = ("name", "repository", "condition", "alias", "version", "import-values")


def _kept(dep: Any) -> dict[str, Any] | None:
    if not isinstance(dep, dict):
        return None
    kept = {k: dep[k] for k in _FIELDS if dep.get(k) not in (None, "", [])}
    values = kept.get("import-values")
    if values is not None and not (isinstance(values, list) and all(isinstance(v, str) for v in values)):
        raise ConfigError(f"dependency {dep.get('name')!r}: import-values other than names cannot be kept")
    return {k: str(v) if k != "import-values" else v for k, v in kept.items()}


def _repository_urls(helm: Helm) -> dict[str, str]:
    result = helm.run("repo", "list", "-o", "json", check=False)
    if result.returncode != 0:
        return {}  # no repositories at all
    try:
        return {str(r["name"]): str(r["url"]) for r in json.loads(result.stdout or "[]")}
    except (ValueError, KeyError, TypeError):
        raise HelmError("cannot read `helm repo list -o json`") from None


def added_dependencies(helm: Helm, base_path: str, deps: list[Dependency]) -> list[dict[str, str]]:
    """chartify's ReadAdhocDependencies: each added chart as a Chart.yaml dependency."""
    result: list[dict[str, str]] = []
    urls: dict[str, str] | None = None
    for dep in deps:
        chart = dep.chart
        local = chart_path(chart, base_path)
        if os.path.isdir(local):
            name, repository = os.path.basename(chart.rstrip("/")), "file://" + os.path.abspath(local)
        elif chart.startswith("oci://"):
            name = os.path.basename(chart)
            repository = chart.removesuffix("/" + name)
        else:
            repo, _, name = chart.partition("/")
            if urls is None:
                urls = _repository_urls(helm)
            if not name or repo not in urls:
                raise HelmError(f'no helm list entry found for repository "{repo}". please `helm repo add` it!')
            repository = urls[repo]
        entry = {"name": name, "repository": repository, "condition": f"{dep.alias or name}.enabled"}
        if dep.alias:
            entry["alias"] = dep.alias
        if dep.version:
            entry["version"] = dep.version
        result.append(entry)
    return result


def _read_yaml(path: str) -> dict[str, Any]:
    import yaml

    try:
        with open(path, encoding="utf-8") as fh:
            doc = yaml.safe_load(fh)
    except FileNotFoundError:
        return {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: {str(exc).splitlines()[0]}") from None
    return doc if isinstance(doc, dict) else {}


def _write_dependencies(chart_dir: str, meta: dict[str, Any], deps: list[dict[str, Any]]) -> None:
    import yaml

    doc = {k: v for k, v in meta.items() if k != "dependencies"}
    if deps:
        doc["dependencies"] = deps
    with open(os.path.join(chart_dir, "Chart.yaml"), "w", encoding="utf-8") as fh:
        yaml.safe_dump(doc, fh, sort_keys=False)


def chart_with_dependencies(
    helm: Helm,
    base_path: str,
    release: ReleaseSpec,
    chart: str,
    local: bool,
    work_dir: str,
) -> str:
    """The release's chart with its `dependencies:` added and fetched, in `work_dir`; returns the chart's directory."""
    if local:
        source = chart_path(chart, base_path)
        target = work_dir  # chartify copies the chart's files into its work directory itself
        shutil.copytree(source, target, symlinks=True, dirs_exist_ok=True)
    else:
        os.makedirs(work_dir, exist_ok=True)
        args = ["pull", chart, "--untar", "-d", work_dir, *(["--version", release.version] if release.version else [])]
        helm.run(*args)
        entries = os.listdir(work_dir)
        if len(entries) != 1:
            raise HelmError(f"pulling {chart}: expected one chart directory, found {len(entries)} entries")
        target = os.path.join(work_dir, entries[0])
    os.makedirs(os.path.join(target, "templates"), exist_ok=True)
    meta = _read_yaml(os.path.join(target, "Chart.yaml"))
    requirements = _read_yaml(os.path.join(target, "requirements.yaml"))
    original = [
        kept
        for dep in [*(meta.get("dependencies") or []), *(requirements.get("dependencies") or [])]
        if (kept := _kept(dep)) is not None
    ]
    added = added_dependencies(helm, base_path, release.dependencies)
    # A repository chart's archive already holds its own dependencies: fetch only the added ones.
    _write_dependencies(target, meta, [*original, *added] if local else list(added))
    if os.path.exists(os.path.join(target, "requirements.yaml")):
        os.remove(os.path.join(target, "requirements.yaml"))
    try:
        # --skip-refresh: the run added its repositories (fresh indexes) already, and a refresh in each of the
        # parallel updates rewrites the shared index files while the others read them (chartify does refresh,
        # and helmfile fails now and then with "empty index.yaml file").
        helm.run("dependency", "update", target, "--skip-refresh")
    except HelmError as exc:
        raise HelmError(f"release {release.name!r}: adding dependencies: {exc}") from None
    _write_dependencies(target, meta, [*original, *added])
    return target
