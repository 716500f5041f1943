"""Where helm keeps its own files, found as helm finds them (its HELM_* variables, else XDG's directories).

A leaf module (os and pathlib only): the repository index reader, the OCI client and the run's preparation
all need these paths, and none of them should import another for it.
"""

from __future__ import annotations

import os
from pathlib import Path


def helm_config_home() -> Path:
    """helm's configuration directory: HELM_CONFIG_HOME, else $XDG_CONFIG_HOME/helm."""
    home = os.environ.get("HELM_CONFIG_HOME")
    if home:
        return Path(home)
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "helm"


def repositories_config() -> Path:
    """helm's repositories.yaml (HELM_REPOSITORY_CONFIG, else in helm's config home)."""
    explicit = os.environ.get("HELM_REPOSITORY_CONFIG")
    return Path(explicit) if explicit else helm_config_home() / "repositories.yaml"


def registry_config() -> Path:
    """helm's registry credentials file (HELM_REGISTRY_CONFIG, else in helm's config home)."""
    explicit = os.environ.get("HELM_REGISTRY_CONFIG")
    return Path(explicit) if explicit else helm_config_home() / "registry" / "config.json"
