"""Remembered no-change verdicts: keyed by inputs, bound to the deployed manifest, holding no values."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyhelmfile.app.run import verdicts


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("PYHELMFILE_NO_CACHE", raising=False)
    verdicts._dir_digests.clear()
    return tmp_path / "cache"


def _chart(root: Path) -> Path:
    (root / "templates").mkdir(parents=True)
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 1.0.0\n")
    (root / "templates" / "cm.yaml").write_text("kind: ConfigMap\n")
    return root


def test_a_verdict_holds_only_for_the_same_inputs_and_deployed_manifest(tmp_path: Path) -> None:
    values = tmp_path / "values.yaml"
    values.write_text("password: hunter2\n")
    key = verdicts.inputs_key(["helm", "release"], [str(values)])
    assert key is not None
    verdicts.remember(key, "deployed manifest v1")
    assert verdicts.unchanged(key, "deployed manifest v1")
    assert not verdicts.unchanged(key, "deployed manifest v2")  # someone changed the cluster
    values.write_text("password: hunter3\n")
    assert verdicts.inputs_key(["helm", "release"], [str(values)]) != key
    now = verdicts.inputs_key(["helm", "release"], [str(values)])
    assert verdicts.inputs_key(["helm", "other"], [str(values)]) != now


def test_cache_files_hold_no_values_and_are_private(tmp_path: Path, private_cache: Path) -> None:
    values = tmp_path / "values.yaml"
    values.write_text("password: hunter2\n")
    key = verdicts.inputs_key(["helm"], [str(values)])
    verdicts.remember(key, "data:\n  password: aHVudGVyMg==\n")
    directory = private_cache / "pyhelmfile" / "verdicts"
    assert directory.stat().st_mode & 0o777 == 0o700
    assert (directory / ".key").stat().st_mode & 0o777 == 0o600
    for path in directory.iterdir():
        content = path.read_bytes()
        assert b"hunter2" not in content and b"aHVudGVyMg" not in content


def test_chart_digest_follows_files_but_not_lock_timestamps(tmp_path: Path) -> None:
    chart = _chart(tmp_path / "chart")
    first = verdicts.chart_digest(str(chart))
    (chart / "Chart.lock").write_text("generated: now\n")
    verdicts.forget_chart(str(chart))
    assert verdicts.chart_digest(str(chart)) == first
    (chart / "templates" / "cm.yaml").write_text("kind: Secret\n")
    verdicts.forget_chart(str(chart))
    assert verdicts.chart_digest(str(chart)) != first


def test_disabled_by_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYHELMFILE_NO_CACHE", "1")
    assert verdicts.inputs_key(["x"], []) is None
    assert not verdicts.unchanged(None, "anything")


def test_any_remembered_only_with_a_verdict_in_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert not verdicts.any_remembered()  # no cache directory yet
    key = verdicts.inputs_key(["helm"], [])  # creates the directory and its key file
    assert key is not None and not verdicts.any_remembered()
    verdicts.remember(key, "manifest")
    assert verdicts.any_remembered()
    monkeypatch.setenv("PYHELMFILE_NO_CACHE", "1")
    assert not verdicts.any_remembered()
