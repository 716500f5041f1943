"""The pinned toolchain is real and is what it claims to be."""

from __future__ import annotations

import subprocess

from pyhelmfile.helm.version import HelmVersion, detect_version
from tests.support.toolchain import Toolchain


def run(tools: Toolchain, *args: str) -> str:
    return subprocess.run(list(args), capture_output=True, text=True, check=True, env=tools.env()).stdout


def test_helm_versions_are_detected(tools: Toolchain) -> None:
    assert detect_version(tools.helm3) == HelmVersion(3, 15, 3)
    assert detect_version(tools.helm4) == HelmVersion(4, 1, 4)
    assert detect_version(tools.path("helm")).major == 3


def test_reference_helmfile_version(tools: Toolchain) -> None:
    assert "0.166.0" in run(tools, tools.helmfile, "version")


def test_sops_and_age(tools: Toolchain) -> None:
    assert run(tools, tools.sops, "--version", "--disable-version-check").startswith("sops 3.11.0")
    assert run(tools, tools.path("age"), "--version").strip() == "1.1.1"


def test_kubectl_client(tools: Toolchain) -> None:
    assert "v1.35" in run(tools, tools.kubectl, "version", "--client")
