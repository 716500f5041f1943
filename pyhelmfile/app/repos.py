"""`repos`: add every repository the selected state files name, each once per run."""

from __future__ import annotations

import dataclasses
import os
import tempfile

from pyhelmfile.app.options import RunOptions
from pyhelmfile.app.states import StateVisitor
from pyhelmfile.helm.exec import Helm, split_args
from pyhelmfile.helm.repos import Repository, add_repository
from pyhelmfile.state.loader import HelmState


def helm_for(st: HelmState, opts: RunOptions, args: str = "") -> Helm:
    """helmfile's getHelm: the state's helm binary and default kube context, plus extra args."""
    extra = split_args(args) + split_args(" ".join(st.spec.helm_defaults.args))
    return Helm(
        binary=st.spec.helm_binary or opts.helm_binary,
        kubeconfig=opts.kubeconfig,
        kube_context=st.spec.helm_defaults.kube_context,
        extra_args=extra,
        cwd=st.base_path,
    )


def repositories(st: HelmState) -> list[Repository]:
    """The state's `repositories:` as the helm layer takes them (same field names)."""
    names = [f.name for f in dataclasses.fields(Repository)]
    return [Repository(**{name: getattr(spec, name) for name in names}) for spec in st.spec.repositories]


def sync_repos(opts: RunOptions, args: str = "") -> list[str]:
    """Add the repositories of every selected state (each name once); returns the names added."""
    added: list[str] = []
    with tempfile.TemporaryDirectory(prefix="pyhelmfile-") as scratch:
        plugins = ""

        def sync(st: HelmState) -> bool:
            nonlocal plugins
            helm = helm_for(st, opts, args)
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
