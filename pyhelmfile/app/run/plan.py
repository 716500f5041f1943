"""Which releases of a loaded state a command takes, and in what order: the run's one use of the selector.

`select` applies the state's selector (the run's `-l`, or a sub-helmfile's `selectors:`) and the
releases' conditions, through state/selection.py; `planned` adds what the selected releases need
(helmfile's withNeeds: --include-needs, --include-transitive-needs, --skip-needs) and groups them
by `needs` into batches that may run side by side.
"""

from __future__ import annotations

from pyhelmfile.app.run.clusters import Clusters, Target
from pyhelmfile.app.run.options import NeedsOptions
from pyhelmfile.state.dag import plan
from pyhelmfile.state.loader import HelmState
from pyhelmfile.state.lock import apply_lock
from pyhelmfile.state.selection import Selected, mark
from pyhelmfile.state.spec import ReleaseSpec, desired


def select(st: HelmState, *, include_transitive_needs: bool = False) -> list[Selected]:
    """Every release of the state, with whether the selector and its condition leave it out."""
    return mark(
        st.spec.releases,
        st.selector,
        st.spec.common_labels,
        st.rendered_values,
        include_transitive_needs=include_transitive_needs,
    )


def planned(st: HelmState, needs: NeedsOptions, *, installed_only: bool = True) -> list[list[ReleaseSpec]]:
    """helmfile's withNeeds: selected releases (plus their needs on request), planned into groups.

    Repository charts get the versions helmfile.lock pins first (helmfile's ResolveDeps).
    """
    apply_lock(st)
    marked = select(st)
    selected = [m.release for m in marked if not m.filtered]
    if not selected:
        return []
    include = needs.include_needs or needs.include_transitive_needs
    skip = needs.skip_needs and not include
    batches = plan([m.release for m in marked], selected, include_needs=include, skip_needs=skip)
    if not installed_only:
        return batches
    return [b for b in ([r for r in batch if desired(r)] for batch in batches) if b]


def placed(st: HelmState, clusters: Clusters) -> list[list[Target]]:
    """The state's selected releases (installed or not) in plan order, placed on their clusters."""
    batches = planned(st, NeedsOptions(), installed_only=False)
    return [[clusters.place(st, r) for r in batch] for batch in batches]
