"""The run's options and the small ones of some commands, typed: the CLI builds them once (explicit
keywords), the app only reads them. The options template, lint, diff, apply and sync share are in
app/run/release_options.py, imported only by those commands (dataclass creation costs start-up time).

Read-only (`frozen`, checked by mypy): a command that needs a variant (apply's diff, with
--detailed-exitcode) makes one with dataclasses.replace. No generated __repr__/__eq__: they cost
start-up time. Kept light (no heavy imports): the CLI builds these before any command runs.
`RunOptions` holds helmfile's global flags that loading and selection depend on; the others are
the flags of the command of the same name, with helmfile's names.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import field
from typing import TypeVar, dataclass_transform

from pyhelmfile.state.selection import Selector

T = TypeVar("T")


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def frozen(cls: type[T]) -> type[T]:
    """A dataclass that mypy holds read-only. Not frozen at run time: frozen dataclasses take twice as long
    to create, and these are made on every start-up; mypy (tests/unit/test_static_checks.py) refuses assignments."""
    return dataclasses.dataclass(repr=False, eq=False)(cls)


@frozen
class RunOptions:
    """helmfile's global flags that shape loading and selection."""

    file: str = ""
    environment: str = ""
    selector: Selector = field(default_factory=Selector)  # -l, parsed at the CLI boundary
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
    interactive: bool = False  # ask before changing a cluster
    v1_mode: bool = field(default_factory=lambda: os.environ.get("HELMFILE_V1MODE", "").lower() == "true")

    @property
    def env_name(self) -> str:
        return self.environment or os.environ.get("HELMFILE_ENVIRONMENT") or "default"


@frozen
class NeedsOptions:
    """--include-needs / --include-transitive-needs / --skip-needs, as helmfile's commands take them."""

    include_needs: bool = False
    include_transitive_needs: bool = False
    skip_needs: bool = True


@frozen
class PrepareOptions:
    """What preparing charts depends on (app/run/prepare.py)."""

    args: str = ""  # --args: extra helm arguments, last on every helm command line
    skip_deps: bool = False
    concurrency: int = 0
    # lint and fetch: repository charts are pulled and untarred first (helm lint needs a directory)
    force_download: bool = False
    output_dir: str = ""  # fetch --output-dir; default: a private temporary directory
    output_dir_template: str = ""  # fetch --output-dir-template; default: helmfile's
    adhoc_dependencies: bool = True  # a release's `dependencies:` are added to its chart (not for fetch)
    post_renderer: str = ""  # --post-renderer: with helm 4, wrapped in a plugin like the state's (helm/plugins.py)


@frozen
class FetchOptions:
    output_dir: str = ""
    output_dir_template: str = ""
    skip_deps: bool = False
    concurrency: int = 0

    def prepare(self) -> PrepareOptions:
        return PrepareOptions(
            skip_deps=self.skip_deps,
            concurrency=self.concurrency,
            force_download=True,
            output_dir=self.output_dir,
            output_dir_template=self.output_dir_template,
            adhoc_dependencies=False,  # helmfile's fetch downloads the charts as they are
        )


@frozen
class DepsOptions:
    args: str = ""
    skip_repos: bool = False
    concurrency: int = 0


@frozen
class ReleaseQueryOptions:
    """status and test: one helm command per selected release."""

    args: str = ""
    concurrency: int = 0
    timeout: int = 300  # test --timeout, seconds
    logs: bool = False  # test --logs
