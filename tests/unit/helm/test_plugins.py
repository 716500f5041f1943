"""helm/plugins.py: the run's plugins directory and helm 4's post-renderer plugins; exec's renaming."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pyhelmfile.helm import plugins
from pyhelmfile.helm.exec import Helm


def _executable(path: Path) -> Path:
    path.write_text("#!/bin/sh\ncat\n")
    path.chmod(0o755)
    return path


def test_post_renderer_executables_are_found_as_helm_3_finds_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state_dir = tmp_path / "state"
    state_dir.mkdir()
    script = _executable(state_dir / "render.sh")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    on_path = _executable(bin_dir / "kustomize-render")
    mine = tmp_path / "my-plugins"
    (mine / "my-renderer").mkdir(parents=True)
    (mine / "my-renderer" / "plugin.yaml").write_text("name: my-renderer\ntype: postrenderer/v1\n")
    _executable(bin_dir / "my-renderer")  # a plugin of that name wins over a command of that name
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("HELM_PLUGINS", str(mine))

    cwd = str(state_dir)
    assert plugins.post_renderer_executable("./render.sh", cwd) == str(script)
    assert plugins.post_renderer_executable(str(script), "/") == str(script)
    assert plugins.post_renderer_executable("kustomize-render", cwd) == str(on_path)
    assert plugins.post_renderer_executable("my-renderer", cwd) is None
    assert plugins.post_renderer_executable("./missing.sh", cwd) is None  # helm says what is wrong
    assert plugins.post_renderer_executable("nothing-at-all", cwd) is None


def test_a_post_renderer_plugin_runs_the_executable_and_keeps_the_users_plugins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = tmp_path / "mine"
    (mine / "secrets").mkdir(parents=True)
    (mine / "secrets" / "plugin.yaml").write_text("name: secrets\n")
    monkeypatch.setenv("HELM_PLUGINS", str(mine))
    root = plugins.run_dir(str(tmp_path / "run"))
    (tmp_path / "dir with spaces").mkdir()
    script = _executable(tmp_path / "dir with spaces" / "render.sh")
    name = plugins.add_post_renderer(root, str(script))
    assert plugins.add_post_renderer(root, str(script)) == name  # once per executable
    assert name != plugins.add_post_renderer(root, str(_executable(tmp_path / "other.sh")))
    manifest = (Path(root) / name / "plugin.yaml").read_text()
    assert f"name: {name}\ntype: postrenderer/v1\n" in manifest
    assert 'command: "${HELM_PLUGIN_DIR}/run"' in manifest
    run = Path(root) / name / "run"
    assert os.access(run, os.X_OK)
    assert f"exec '{script}' \"$@\"" in run.read_text()
    assert (Path(root) / "secrets").resolve() == (mine / "secrets").resolve()


def test_helm_names_the_wrapping_plugin_instead_of_the_executable() -> None:
    helm = Helm("helm4", kube_context="stg", post_renderers={"./render.sh": "pyhelmfile-postrender-abc"})
    argv = helm.argv(["template", "app", "./chart", "--post-renderer", "./render.sh", "--post-renderer-args", "x"])
    assert argv == [
        "helm4",
        "--kube-context",
        "stg",
        "template",
        "app",
        "./chart",
        "--post-renderer",
        "pyhelmfile-postrender-abc",
        "--post-renderer-args",
        "x",
    ]
    assert Helm("helm3").argv(["template", "--post-renderer", "./render.sh"])[-1] == "./render.sh"
