"""bench/generate.py: the benchmark's projects are deterministic and load in pyhelmfile as laid out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench import generate


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_input_same_files(tmp_path: Path) -> None:
    first = _files(generate.generate(12, tmp_path / "a"))
    second = _files(generate.generate(12, tmp_path / "b"))
    assert first == second
    assert len([name for name in first if name.startswith("values/releases/")]) == 12


def test_pyhelmfile_lists_every_release_with_its_needs_and_labels(tmp_path: Path) -> None:
    root = generate.generate(12, tmp_path)
    for env_name in generate.ENVIRONMENTS:
        proc = subprocess.run(
            [sys.executable, "-m", "pyhelmfile", "-e", env_name, "list", "--output", "json"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        )
        listed = json.loads(proc.stdout)
        layout = generate.layout(12)
        assert [(r["name"], r["namespace"]) for r in listed] == [(r.name, r.namespace) for r in layout]
        assert listed[6]["labels"] == "group:g01,project:bench,team:search,tier:backend"
    dag = subprocess.run(
        [sys.executable, "-m", "pyhelmfile", "-e", "stg", "show-dag"], cwd=root, capture_output=True, text=True
    )
    assert dag.returncode == 0, dag.stderr
    assert "worker-006" in dag.stdout


def test_set_revision_changes_one_release(tmp_path: Path) -> None:
    root = generate.generate(20, tmp_path)
    before = _files(root)
    changed = generate.set_revision(root, 20, "r7")
    after = _files(root)
    assert [name for name in before if before[name] != after[name]] == [f"values/releases/{changed.name}.yaml"]
    assert f'{generate.REVISION_ANNOTATION}: "r7"' in after[f"values/releases/{changed.name}.yaml"].decode()
    assert changed.kind != "cron" and changed.needs
