"""`template --output-dir`: helmfile's directory per state file and release (GenerateOutputDir)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from pyhelmfile.app.template import release_output_dir
from pyhelmfile.errors import ConfigError
from pyhelmfile.state.environment import Environment
from pyhelmfile.state.loader import HelmState
from pyhelmfile.state.spec import ReleaseSetSpec, ReleaseSpec


def state(path: str) -> HelmState:
    return HelmState(spec=ReleaseSetSpec(), file_path=path, base_path=os.path.dirname(path), env=Environment(""))


def test_default_names_the_directory_by_state_file_hash_and_release(tmp_path: Path) -> None:
    path = str(tmp_path / "sub" / "hf.yaml")
    sha = hashlib.sha1(path.encode()).hexdigest()[:8]
    release = ReleaseSpec(name="r", namespace="ns", chart="./c")
    # what helmfile 0.166.0 wrote for `-f sub/hf.yaml template --output-dir out`: sub/out/hf-<sha1[:8]>-r/...
    assert release_output_dir(state(path), release, "out", "") == f"out/hf-{sha}-r"
    gotmpl_state = state(str(tmp_path / "helmfile.yaml.gotmpl"))
    assert release_output_dir(gotmpl_state, release, "o", "").startswith("o/helmfile.yaml-")


def test_a_template_sees_state_and_release() -> None:
    st = state("/abs/dir/helmfile.yaml")
    release = ReleaseSpec(name="r", namespace="ns", chart="./c")
    template = "{{ .OutputDir }}/{{ .State.Path }}/{{ .Release.Namespace }}/{{ .Release.Name }}"
    assert release_output_dir(st, release, "o", template) == "o/helmfile.yaml/ns/r"
    with pytest.raises(ConfigError, match=r"^parsing output-dir template$"):
        release_output_dir(st, release, "o", "{{ .OutputDir ")
    with pytest.raises(ConfigError, match=r"^executing output-dir template: "):
        release_output_dir(st, release, "o", "{{ .Nope.Deeper }}")
