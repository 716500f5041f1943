"""`deps`: update local charts' dependencies and lock the state's repository charts, as helmfile does.

For each selected state file: add its repositories (unless --skip-repos), run `helm
dependency update` on every local chart of the selected releases (each chart once), then
resolve the repository charts of those releases with helm: a throw-away chart that depends
on each of them (at the release's version constraint) is updated with `helm dependency
update`, and its Chart.lock, sorted by name, becomes `helmfile.lock` beside the state file
(`<basename>.lock`, or `lockFilePath:`). Every later command uses the locked versions.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import Any

from pyhelmfile import __version__, log
from pyhelmfile.app.run.options import DepsOptions, PrepareOptions, RunOptions
from pyhelmfile.app.run.prepare import Preparation
from pyhelmfile.app.run.visit import StateVisitor
from pyhelmfile.errors import HelmError
from pyhelmfile.golang import goyaml
from pyhelmfile.helm.charts import chart_key, chart_path, update_dependencies
from pyhelmfile.helm.exec import Helm
from pyhelmfile.state.loader import HelmState
from pyhelmfile.state.lock import RemoteChart, lock_file_path, lock_name, remote_charts
from pyhelmfile.state.spec import desired

NO_REPOSITORIES = (
    "There are no repositories defined in your helmfile.yaml.\n"
    "This means helmfile cannot update your dependencies or create a lock file.\n"
    "See https://github.com/roboll/helmfile/issues/878 for more information."
)


def lock_chart_yaml(name: str, charts: list[RemoteChart]) -> str:
    """The throw-away chart's Chart.yaml: helmfile's header, then its requirements as yaml.v2 writes them."""
    requirements = goyaml.Struct(
        dependencies=[goyaml.Struct(name=c.name, repository=c.repository, version=c.version or "*") for c in charts]
    )
    return f"name: {name}\nversion: 1.0.0\napiVersion: v2\n" + goyaml.dump(requirements)


def lock_file_text(chart_lock: str) -> str:
    """helmfile.lock from helm's Chart.lock: dependencies sorted by name, this tool's version."""
    doc: Any = goyaml.load(chart_lock) or {}
    if not isinstance(doc, dict):
        raise HelmError("helm wrote an unreadable Chart.lock")
    entries = [e for e in doc.get("dependencies") or [] if isinstance(e, dict)]
    entries.sort(key=lambda e: str(e.get("name", "")))
    generated = doc.get("generated", "")
    locked = goyaml.Struct(
        version=__version__,
        dependencies=[
            goyaml.Struct(
                name=str(e.get("name", "")), repository=str(e.get("repository", "")), version=str(e.get("version", ""))
            )
            for e in entries
        ],
        digest=str(doc.get("digest", "")),
        generated=generated if isinstance(generated, str) else str(getattr(generated, "go_yaml", lambda: "")()),
    )
    return goyaml.dump(locked)


def update_lock(st: HelmState, helm: Helm, charts: list[RemoteChart]) -> str:
    """Resolve `charts` with `helm dependency update` and write the state's lock file; returns its path."""
    path = lock_file_path(st)
    work = tempfile.mkdtemp()
    try:
        with open(os.path.join(work, "Chart.yaml"), "w", encoding="utf-8") as fh:
            fh.write(lock_chart_yaml(lock_name(st), charts))
        if os.path.exists(path):
            shutil.copyfile(path, os.path.join(work, "Chart.lock"))
        try:
            update_dependencies(helm, work)
        except HelmError as exc:
            raise HelmError(f"unable to update deps: unable to update {len(charts)} deps: {exc}") from None
        with open(os.path.join(work, "Chart.lock"), encoding="utf-8") as fh:
            text = lock_file_text(fh.read())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path


def deps(opts: RunOptions, dopts: DepsOptions) -> None:
    """Update the selected releases' local chart dependencies and each state's lock file."""
    with Preparation(opts, PrepareOptions(args=dopts.args, concurrency=dopts.concurrency)) as prep:
        updated: set[str] = set()

        def update(st: HelmState) -> bool:
            helm = prep.helm(st)
            if not dopts.skip_repos:
                prep.add_repositories(st, helm)
            for release in (r for r in st.spec.releases if desired(r)):
                chart = release.chart_path_or_name()
                directory = chart_path(chart, st.base_path)
                if not os.path.isdir(directory):
                    log.debug("skipped updating dependencies for remote chart %s", release.chart)
                elif not os.path.isfile(os.path.join(directory, "Chart.yaml")):
                    log.debug("skipped updating dependencies for %s as it does not have a Chart.yaml", release.chart)
                elif chart_key(helm, chart) not in updated:
                    updated.add(chart_key(helm, chart))
                    try:
                        update_dependencies(helm, chart)
                    except HelmError as exc:
                        raise HelmError(f"updating dependencies of {chart}: {exc}") from None
            charts = remote_charts(st, st.spec.releases)
            if not charts:
                log.warning("%s", NO_REPOSITORIES)
                return True
            update_lock(st, helm, charts)
            return True

        StateVisitor(opts).run(update)
