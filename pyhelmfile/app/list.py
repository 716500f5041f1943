"""`list`: the releases of the selected state files, as helmfile prints them."""

from __future__ import annotations

from pyhelmfile.app.run.options import RunOptions
from pyhelmfile.app.run.visit import StateVisitor
from pyhelmfile.state.loader import HelmState
from pyhelmfile.state.selection import condition_enabled
from pyhelmfile.state.spec import desired


class ListedRelease:
    """One row of `list`."""

    # not a dataclass: those cost start-up time
    __slots__ = (
        "chart",
        "enabled",
        "installed",
        "labels",
        "live",
        "name",
        "namespace",
        "version",
    )

    def __init__(
        self,
        name: str,
        namespace: str,
        enabled: bool,
        installed: bool,
        labels: str,
        chart: str,
        version: str,
        live: dict[str, str] | None = None,  # with --live: context, status, revision, deployed chart
    ) -> None:
        self.name = name
        self.namespace = namespace
        self.enabled = enabled
        self.installed = installed
        self.labels = labels
        self.chart = chart
        self.version = version
        self.live: dict[str, str] = {} if live is None else live


LIVE_COLUMNS = ("CONTEXT", "STATUS", "REVISION", "DEPLOYED CHART", "UPDATED")


def list_releases(opts: RunOptions, *, live: bool = False) -> list[ListedRelease] | None:
    """The releases of every selected state; None when nothing matched (and that was allowed).

    With live, each release also gets what its cluster runs (one API list per namespace).
    """
    listed: list[ListedRelease] = []
    clusters = None
    if live:
        from pyhelmfile.app.run.clusters import Clusters

        clusters = Clusters(opts)

    def collect(st: HelmState) -> bool:
        for release in st.spec.releases:
            state: dict[str, str] = {}
            if clusters is not None:
                target = clusters.place(st, release)
                deployed = clusters.deployed(target)
                state = {
                    "CONTEXT": target.context,
                    "STATUS": deployed.status if deployed else "not installed",
                    "REVISION": str(deployed.revision) if deployed else "",
                    "DEPLOYED CHART": deployed.chart if deployed else "",
                    "UPDATED": deployed.updated[:19].replace("T", " ") if deployed else "",
                }
            labels = dict(release.labels)
            labels.update(st.spec.common_labels)
            listed.append(
                ListedRelease(
                    name=release.name,
                    namespace=release.namespace,
                    enabled=condition_enabled(release, st.rendered_values),
                    installed=desired(release),
                    labels=",".join(f"{k}:{labels[k]}" for k in sorted(labels)),
                    chart=release.chart,
                    version=release.version,
                    live=state,
                )
            )
        return True

    try:
        return listed if StateVisitor(opts).run(collect) else None
    finally:
        if clusters is not None:
            clusters.close()


def _go_bool(value: bool) -> str:
    return "true" if value else "false"


def format_table(releases: list[ListedRelease]) -> str:
    """helmfile's uitable: every cell padded to its column's width, cells separated by tabs."""
    live = any(r.live for r in releases)
    rows = [["NAME", "NAMESPACE", "ENABLED", "INSTALLED", "LABELS", "CHART", "VERSION"]]
    if live:
        rows[0] += LIVE_COLUMNS
    for r in releases:
        rows.append([r.name, r.namespace, _go_bool(r.enabled), _go_bool(r.installed), r.labels, r.chart, r.version])
        if live:
            rows[-1] += [r.live.get(c, "") for c in LIVE_COLUMNS]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("\t".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) for row in rows) + "\n"


def format_json(releases: list[ListedRelease]) -> str:
    """Go's json.Marshal of helmfile's HelmRelease structs (field order kept, HTML characters escaped)."""
    from pyhelmfile.gotmpl.funcs.encoding import json_encode

    items = []
    for r in releases:
        fields = [
            f'"name":{json_encode(r.name)}',
            f'"namespace":{json_encode(r.namespace)}',
            f'"enabled":{_go_bool(r.enabled)}',
            f'"installed":{_go_bool(r.installed)}',
            f'"labels":{json_encode(r.labels)}',
            f'"chart":{json_encode(r.chart)}',
            f'"version":{json_encode(r.version)}',
        ]
        fields += [f"{json_encode(k.lower().replace(' ', '_'))}:{json_encode(v)}" for k, v in r.live.items()]
        items.append("{" + ",".join(fields) + "}")
    return ("[" + ",".join(items) + "]" if items else "null") + "\n"
