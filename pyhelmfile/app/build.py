"""`build`: the fully loaded state of each state file, as YAML."""

from __future__ import annotations

import dataclasses
from typing import Any

from pyhelmfile.app.run.options import RunOptions
from pyhelmfile.app.run.visit import StateVisitor
from pyhelmfile.golang import goyaml
from pyhelmfile.state.dump import build_output
from pyhelmfile.state.loader import HelmState
from pyhelmfile.state.spec import ReleaseSpec
from pyhelmfile.state.values import render_values_file, resolve_values_path


def _embedded(st: HelmState, entries: list[Any], release: ReleaseSpec) -> list[Any]:
    """LoadYAMLForEmbedding: file entries replaced by their (rendered) content."""
    result: list[Any] = []
    for entry in entries:
        if not isinstance(entry, str):
            result.append(entry)
            continue
        path = resolve_values_path(st, release, "values", entry)
        if path is not None:
            result.append(goyaml.load(render_values_file(st, release, path)))
    return result


def build(opts: RunOptions, *, embed_values: bool = False) -> str:
    out: list[str] = []

    def render(st: HelmState) -> bool:
        if embed_values:
            releases = [
                dataclasses.replace(r, values=_embedded(st, r.values, r), secrets=_embedded(st, r.secrets, r))
                for r in st.spec.releases
            ]
            st = dataclasses.replace(st, spec=dataclasses.replace(st.spec, releases=releases))
        out.append(build_output(st))
        return True

    StateVisitor(opts).run(render)
    return "".join(out)
