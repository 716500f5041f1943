"""helmfile.lock: which charts are locked, where the file is, and how locked versions are chosen."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyhelmfile.errors import ConfigError
from pyhelmfile.state.environment import Environment
from pyhelmfile.state.loader import HelmState
from pyhelmfile.state.lock import (
    LockedChart,
    RemoteChart,
    apply_lock,
    is_local_chart_name,
    lock_file_path,
    locked_version,
    read_lock,
    remote_charts,
    split_remote_chart,
)
from pyhelmfile.state.spec import ReleaseSetSpec, ReleaseSpec, RepositorySpec


def state(tmp_path: Path, releases: list[ReleaseSpec], file: str = "helmfile.yaml", lock: str = "") -> HelmState:
    spec = ReleaseSetSpec(
        repositories=[
            RepositorySpec(name="lino", url="http://127.0.0.1:1"),
            RepositorySpec(name="reg", url="127.0.0.1:5000/charts", oci=True),
        ],
        releases=releases,
        lock_file=lock,
    )
    return HelmState(spec=spec, file_path=str(tmp_path / file), base_path=str(tmp_path), env=Environment("default"))


@pytest.mark.parametrize(
    ("chart", "local"),
    [
        ("./chart", True),
        ("../up/chart", True),
        ("chart", True),
        ("/abs/chart", True),
        ("", True),
        ("a/b/c/d", True),
        ("repo/chart", False),
        ("repo/sub/chart", False),
        ("oci://host/chart", False),
    ],
)
def test_local_by_spelling_as_helmfile(chart: str, local: bool) -> None:
    assert is_local_chart_name(chart) is local


def test_split_remote_chart() -> None:
    assert split_remote_chart("lino/sniffer") == ("lino", "sniffer")
    assert split_remote_chart("lino/sub/sniffer") == ("lino", "sub/sniffer")
    assert split_remote_chart("./charts/x") is None
    assert split_remote_chart("oci://h/x") is None


def test_lock_file_beside_the_state_file(tmp_path: Path) -> None:
    assert lock_file_path(state(tmp_path, [])) == str(tmp_path / "helmfile.lock")
    assert lock_file_path(state(tmp_path, [], "apps.yaml.gotmpl")) == str(tmp_path / "apps.lock")
    assert lock_file_path(state(tmp_path, [], "apps.yml")) == str(tmp_path / "apps.lock")
    assert lock_file_path(state(tmp_path, [], lock="locks/my.lock")) == str(tmp_path / "locks" / "my.lock")


def test_remote_charts_once_each_only_state_repositories(tmp_path: Path) -> None:
    releases = [
        ReleaseSpec(name="a", chart="lino/sniffer", version=">=0.2.0-0"),
        ReleaseSpec(name="b", chart="lino/sniffer", version="v0.1.0"),  # same chart: the first wins
        ReleaseSpec(name="c", chart="other/payment"),  # no such repository in the state
        ReleaseSpec(name="d", chart="./local"),
        ReleaseSpec(name="e", chart="reg/web", version="1.0.0"),
    ]
    assert remote_charts(state(tmp_path, releases), releases) == [
        RemoteChart("sniffer", "http://127.0.0.1:1", ">=0.2.0-0"),
        RemoteChart("web", "oci://127.0.0.1:5000/charts", "1.0.0"),
    ]


LOCKED = [
    LockedChart("sniffer", "http://x", "v0.2.2-ca3b6"),
    LockedChart("payment", "http://x", "1.4.0"),
    LockedChart("payment", "http://x", "2.0.0"),
]


def test_locked_version_is_the_first_that_satisfies_the_constraint() -> None:
    assert locked_version(LOCKED, "payment", "") == "1.4.0"
    assert locked_version(LOCKED, "payment", ">=2") == "2.0.0"
    assert locked_version(LOCKED, "sniffer", ">=0.2.0-0") == "v0.2.2-ca3b6"


def test_a_prerelease_does_not_satisfy_any_version() -> None:
    # Masterminds v3.2: `*` leaves pre-releases out, so helmfile asks for `deps` again
    with pytest.raises(ConfigError, match='no resolved dependency found for "sniffer", running "helmfile deps"'):
        locked_version(LOCKED, "sniffer", "")


def test_apply_lock_rewrites_versions(tmp_path: Path) -> None:
    releases = [
        ReleaseSpec(name="a", chart="lino/sniffer", version=">=0.2.0-0"),
        ReleaseSpec(name="b", chart="./local", version="9.9.9"),
    ]
    st = state(tmp_path, releases)
    apply_lock(st)  # no lock file: nothing changes
    assert releases[0].version == ">=0.2.0-0"
    (tmp_path / "helmfile.lock").write_text(
        "version: 0.166.0\ndependencies:\n- name: sniffer\n  repository: http://x\n  version: v0.2.2-ca3b6\n"
    )
    apply_lock(st)
    assert [r.version for r in releases] == ["v0.2.2-ca3b6", "9.9.9"]
    apply_lock(st)  # idempotent: the locked version satisfies itself
    assert releases[0].version == "v0.2.2-ca3b6"


def test_bad_lock_files_are_one_line_errors(tmp_path: Path) -> None:
    path = tmp_path / "helmfile.lock"
    assert read_lock(str(path)) is None
    path.write_text("version: not-a-version\n")
    with pytest.raises(ConfigError, match=r"helmfile\.lock"):
        read_lock(str(path))
    path.write_text("dependencies: [\n")
    with pytest.raises(ConfigError, match=r"helmfile\.lock"):
        read_lock(str(path))
