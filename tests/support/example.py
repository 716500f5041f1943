"""The bundled examples/kube-app project, made runnable for a test: its chart repo served on loopback."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.support.toolchain import ROOT, Toolchain

EXAMPLE = ROOT / "examples" / "kube-app"
AGE_KEY = EXAMPLE / "keys" / "age.key"

# Outputs of `helm dependency build` must never be copied from a checkout that ran in place.
_IGNORE = shutil.ignore_patterns("requirements.lock", "Chart.lock", "*.tgz", "tmpcharts*")


def copy_example(dest: Path) -> Path:
    """A private copy of examples/kube-app (helm writes charts/ and locks into it)."""
    shutil.copytree(EXAMPLE, dest, ignore=_IGNORE)
    return dest


def helm_secrets_shim(plugins_dir: Path) -> Path:
    """A minimal helm plugin named `secrets` for the reference helmfile only.

    helmfile 0.166.0 decrypts `secrets:` solely through the helm-secrets plugin
    (`helm secrets decrypt FILE` when the plugin's major version is > 3), which no
    registry ships. This shim answers that one call with the real sops.
    """
    plugin = plugins_dir / "helm-secrets-shim"
    plugin.mkdir(parents=True, exist_ok=True)
    (plugin / "plugin.yaml").write_text(
        "name: secrets\nversion: 4.6.0\nusage: test shim\ndescription: decrypts with sops (tests only)\n"
        'command: "$HELM_PLUGIN_DIR/secrets.sh"\n'
    )
    script = plugin / "secrets.sh"
    script.write_text(
        '#!/bin/sh\nset -e\ncase "$1" in\n'
        '  decrypt|view) exec sops --disable-version-check --decrypt "$2" ;;\n'
        '  *) echo "helm-secrets shim: unsupported: $*" >&2; exit 1 ;;\nesac\n'
    )
    script.chmod(0o755)
    return plugins_dir


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
