"""The bundled examples/kube-app project, made runnable for a test: its chart repo served on loopback."""

from __future__ import annotations

from pathlib import Path

from scripts.examplerepo import AGE_KEY, EXAMPLE, copy_example, helm_secrets_shim
from tests.support.toolchain import Toolchain

__all__ = ["AGE_KEY", "EXAMPLE", "age_recipient", "copy_example", "example_env", "helm_secrets_shim"]


def age_recipient() -> str:
    """The public key of the example's test-only age key, to encrypt files for it."""
    for line in AGE_KEY.read_text().splitlines():
        if line.startswith("# public key: "):
            return line.removeprefix("# public key: ").strip()
    raise AssertionError("no public key in the age key file")


def example_env(tools: Toolchain, repo_url: str, home: Path) -> dict[str, str]:
    """Environment for running helmfile/pyhelmfile on a copy of the example."""
    env = {
        "LINOAPP_CHART_REPO": repo_url,
        "SOPS_AGE_KEY_FILE": str(AGE_KEY),
        "HELM_CACHE_HOME": str(home / "helm-cache"),
        "HELM_CONFIG_HOME": str(home / "helm-config"),
        "HELM_DATA_HOME": str(home / "helm-data"),
        "HELM_PLUGINS": str(helm_secrets_shim(home / "helm-plugins")),
    }
    return tools.env(**env)
