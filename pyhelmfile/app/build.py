"""`build`: the fully loaded state of each state file, as YAML."""

from __future__ import annotations

import dataclasses

from pyhelmfile import goyaml
from pyhelmfile.app.options import RunOptions
from pyhelmfile.app.states import StateVisitor
from pyhelmfile.errors import ConfigError
from pyhelmfile.state.dump import build_output
from pyhelmfile.state.loader import HelmState
from pyhelmfile.state.values import render_values_file


def _embedded(st: HelmState, entries: list[object], release: object) -> list[object]:
    """LoadYAMLForEmbedding: file entries replaced by their (rendered) content."""
    result: list[object] = []
    for entry in entries:
        if not isinstance(entry, str):
            result.append(entry)
            continue
        paths = st.storage().resolve(release.missing_file_handler, "values", release.values_path_prefix + entry)  # type: ignore[attr-defined]
        if paths is None:
            continue
        if len(paths) > 1:
            raise ConfigError("glob patterns in release values and secrets is not supported yet", path=st.file_path)
        result.append(goyaml.load(render_values_file(st, release, paths[0])))  # type: ignore[arg-type]
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
