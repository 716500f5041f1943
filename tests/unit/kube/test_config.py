"""kubeconfig loading: merging several files, relative paths, missing contexts."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
import yaml

from pyhelmfile.errors import KubeError
from pyhelmfile.kube.config import load_kubeconfig


def _write(path: Path, doc: dict[str, object]) -> Path:
    path.write_text(yaml.safe_dump(doc))
    return path


def _doc(name: str, server: str, **user: object) -> dict[str, object]:
    return {
        "clusters": [{"name": name, "cluster": {"server": server}}],
        "users": [{"name": name, "user": user}],
        "contexts": [{"name": name, "context": {"cluster": name, "user": name, "namespace": f"ns-{name}"}}],
        "current-context": name,
    }


def test_first_file_wins_for_names_and_current_context(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a = _write(tmp_path / "a", _doc("stg", "https://127.0.0.1:1", token="a"))
    b_doc = _doc("stg", "https://127.0.0.1:2", token="b")
    b_doc["contexts"].append({"name": "prd", "context": {"cluster": "stg", "user": "stg"}})  # type: ignore[attr-defined]
    b_doc["current-context"] = "prd"
    b = _write(tmp_path / "b", b_doc)
    monkeypatch.setenv("KUBECONFIG", f"{a}:{tmp_path / 'missing'}:{b}")
    config = load_kubeconfig()
    assert config.current_context == "stg"
    assert config.credentials("stg").server == "https://127.0.0.1:1"
    assert config.credentials("stg").token == "a"
    assert config.has_context("prd") and config.context("prd").namespace == ""
    assert config.context().namespace == "ns-stg"
    assert config.paths == [str(a), str(b)]


def test_certificate_paths_are_relative_to_their_file(tmp_path: Path) -> None:
    (tmp_path / "certs").mkdir()
    (tmp_path / "certs" / "ca.crt").write_bytes(b"CA PEM")
    doc = _doc("stg", "https://127.0.0.1:6443/", **{"client-key-data": base64.b64encode(b"KEY").decode()})
    doc["clusters"][0]["cluster"]["certificate-authority"] = "certs/ca.crt"  # type: ignore[index]
    path = _write(tmp_path / "config", doc)
    creds = load_kubeconfig(str(path)).credentials("stg")
    assert creds.ca == b"CA PEM"
    assert creds.client_key == b"KEY"
    assert creds.server == "https://127.0.0.1:6443"


def test_missing_context_names_the_known_ones(tmp_path: Path) -> None:
    path = _write(tmp_path / "config", _doc("stg", "https://127.0.0.1:1"))
    with pytest.raises(KubeError, match=r'kube context "prd" not found in kubeconfig .*\(contexts: stg\)'):
        load_kubeconfig(str(path)).credentials("prd")


def test_explicit_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(KubeError, match="not found"):
        load_kubeconfig(str(tmp_path / "nope"))
