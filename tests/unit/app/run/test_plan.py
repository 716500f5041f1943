"""app/run/plan.py: the one path from a state and its selector to batches of releases (helmfile's withNeeds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyhelmfile.app.run.options import NeedsOptions
from pyhelmfile.app.run.plan import planned, select
from pyhelmfile.state.environment import Environment
from pyhelmfile.state.loader import HelmState
from pyhelmfile.state.selection import Selector
from pyhelmfile.state.spec import ReleaseSetSpec, ReleaseSpec


def state(tmp_path: Path, *selectors: str) -> HelmState:
    releases = [
        ReleaseSpec(name="web", namespace="ns", chart="./web", labels={"tier": "front"}, needs=["ns/api"]),
        ReleaseSpec(name="api", namespace="ns", chart="./api", needs=["ns/db"]),
        ReleaseSpec(name="db", namespace="ns", chart="./db"),
        ReleaseSpec(name="old", namespace="ns", chart="./old", installed=False, labels={"tier": "front"}),
    ]
    return HelmState(
        spec=ReleaseSetSpec(releases=releases),
        file_path=str(tmp_path / "helmfile.yaml"),
        base_path=str(tmp_path),
        env=Environment("default"),
        selector=Selector.parse(list(selectors)),
    )


def names(batches: list[list[ReleaseSpec]]) -> list[list[str]]:
    return [[r.name for r in batch] for batch in batches]


@pytest.mark.parametrize(
    ("selectors", "needs", "installed_only", "expected"),
    [
        pytest.param((), NeedsOptions(), True, [["db"], ["api"], ["web"]], id="everything, in needs order"),
        pytest.param((), NeedsOptions(), False, [["db", "old"], ["api"], ["web"]], id="with installed: false"),
        pytest.param(("tier=front",), NeedsOptions(), True, [["web"]], id="-l: needs skipped"),
        pytest.param(
            ("tier=front",),
            NeedsOptions(include_needs=True),
            True,
            [["db"], ["api"], ["web"]],
            id="--include-needs: the plan takes needs of needs too",
        ),
        pytest.param(
            ("tier=front",),
            NeedsOptions(include_transitive_needs=True),
            True,
            [["db"], ["api"], ["web"]],
            id="--include-transitive-needs",
        ),
        pytest.param(("name=nothing",), NeedsOptions(), True, [], id="nothing selected"),
    ],
)
def test_planned(
    tmp_path: Path, selectors: tuple[str, ...], needs: NeedsOptions, installed_only: bool, expected: list[list[str]]
) -> None:
    assert names(planned(state(tmp_path, *selectors), needs, installed_only=installed_only)) == expected


def test_planned_releases_carry_the_labels_the_selector_saw(tmp_path: Path) -> None:
    st = state(tmp_path, "tier=front")
    (batch,) = planned(st, NeedsOptions())
    assert batch[0].labels == {"tier": "front", "name": "web", "namespace": "ns", "chart": "web"}
    assert st.spec.releases[0].labels == {"tier": "front"}  # the state itself is not written to


def test_select_marks_every_release(tmp_path: Path) -> None:
    marked = select(state(tmp_path, "tier=front"))
    assert [(m.release.name, m.filtered) for m in marked] == [
        ("web", False),
        ("api", True),
        ("db", True),
        ("old", False),
    ]
