"""`repos`: add every repository the selected state files name, each once per run."""

from __future__ import annotations

import dataclasses
import os
import tempfile

from pyhelmfile.app.run import helmargs
from pyhelmfile.app.run.options import RunOptions
from pyhelmfile.app.run.prepare import repositories
from pyhelmfile.app.run.visit import StateVisitor
from pyhelmfile.helm.repos import add_repository
from pyhelmfile.state.loader import HelmState


def sync_repos(opts: RunOptions, args: str = "") -> list[str]:
    """Add the repositories of every selected state (each name once); returns the names added."""
    added: list[str] = []
    with tempfile.TemporaryDirectory(prefix="pyhelmfile-") as scratch:
        plugins = ""

        def sync(st: HelmState) -> bool:
            nonlocal plugins
            helm = helmargs.state_helm(st.spec, st.base_path, opts, args)
            if any(r.url.startswith("s3://") for r in st.spec.repositories):
                from pyhelmfile.helm import s3getter

                plugins = plugins or s3getter.install(scratch)  # helm reads s3:// through pyhelmfile
                helm = dataclasses.replace(helm, env={**helm.env, "HELM_PLUGINS": plugins})
            for repo in repositories(st):
                if repo.name in added:
                    continue
                add_repository(helm, repo, os.environ, force_update=not opts.disable_force_update)
                added.append(repo.name)
            return True

        StateVisitor(opts).run(sync)
    return added
