"""When `helm dependency build` can be skipped: pinned versions, locked, and present in charts/."""

from __future__ import annotations

from pathlib import Path

from pyhelmfile.helm.charts import dependencies_satisfied


def _chart(root: Path, deps: str = "", lock: str = "", tgz: tuple[str, ...] = (), v1: bool = False) -> Path:
    root.mkdir()
    if v1:
        (root / "Chart.yaml").write_text("apiVersion: v1\nname: umbrella\nversion: 0.1.0\n")
        if deps:
            (root / "requirements.yaml").write_text(deps)
        if lock:
            (root / "requirements.lock").write_text(lock)
    else:
        (root / "Chart.yaml").write_text("apiVersion: v2\nname: umbrella\nversion: 0.1.0\n" + deps)
        if lock:
            (root / "Chart.lock").write_text(lock)
    (root / "charts").mkdir()
    for name in tgz:
        (root / "charts" / name).write_bytes(b"tgz")
    return root


DEPS = "dependencies:\n  - name: sniffer\n    version: v0.2.0-e0d65\n    repository: '@linoapp'\n"
LOCK = "dependencies:\n- name: sniffer\n  version: v0.2.0-e0d65\n  repository: http://127.0.0.1:8879\n"


def test_a_chart_without_dependencies_needs_no_build(tmp_path: Path) -> None:
    assert dependencies_satisfied(str(_chart(tmp_path / "c")))


def test_pinned_locked_and_present(tmp_path: Path) -> None:
    assert dependencies_satisfied(str(_chart(tmp_path / "v1", DEPS, LOCK, ("sniffer-v0.2.0-e0d65.tgz",), v1=True)))
    assert dependencies_satisfied(str(_chart(tmp_path / "v2", DEPS, LOCK, ("sniffer-v0.2.0-e0d65.tgz",))))


def test_anything_else_is_left_to_helm(tmp_path: Path) -> None:
    assert not dependencies_satisfied(str(_chart(tmp_path / "missing", DEPS, LOCK, v1=True)))
    assert not dependencies_satisfied(str(_chart(tmp_path / "nolock", DEPS, "", ("sniffer-v0.2.0-e0d65.tgz",))))
    bumped = DEPS.replace("v0.2.0-e0d65", "v0.2.2-ca3b6")
    assert not dependencies_satisfied(str(_chart(tmp_path / "bump", bumped, LOCK, ("sniffer-v0.2.0-e0d65.tgz",))))
    ranged = DEPS.replace("v0.2.0-e0d65", "~0.2.0")
    assert not dependencies_satisfied(str(_chart(tmp_path / "range", ranged, LOCK, ("sniffer-v0.2.0-e0d65.tgz",))))
    local = DEPS.replace("'@linoapp'", "file://../sniffer")
    assert not dependencies_satisfied(str(_chart(tmp_path / "file", local, LOCK, ("sniffer-v0.2.0-e0d65.tgz",))))
