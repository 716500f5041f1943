"""What shapes a run: helmfile's global flags that loading and selection depend on.

Kept light (no heavy imports): the CLI builds these before any command runs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field


@dataclass(repr=False, eq=False)  # generated __repr__/__eq__ cost start-up time
class RunOptions:
    """helmfile's global flags that shape loading and selection."""

    file: str = ""
    environment: str = ""
    selectors: list[str] = field(default_factory=list)
    state_values_set: list[str] = field(default_factory=list)
    state_values_set_string: list[str] = field(default_factory=list)
    state_values_files: list[str] = field(default_factory=list)
    namespace: str = ""
    chart: str = ""
    kube_context: str = ""
    kubeconfig: str = ""
    helm_binary: str = "helm"
    allow_no_matching_release: bool = False
    skip_deps: bool = False  # no `helm repo add`, no dependency builds (every command that prepares charts)
    skip_refresh: bool = False  # no `helm repo add`/`repo update`; dependency builds with --skip-refresh
    oci_plain_http: bool = False  # `--plain-http` for OCI registries (helm 4 needs it for http-only ones)
    disable_force_update: bool = False  # `helm repo add` without --force-update
    v1_mode: bool = field(default_factory=lambda: os.environ.get("HELMFILE_V1MODE", "").lower() == "true")

    @property
    def env_name(self) -> str:
        return self.environment or os.environ.get("HELMFILE_ENVIRONMENT") or "default"
