"""The options of the commands that hand releases to helm: template, lint, diff, apply and sync (and
destroy, which shares apply's executor), read-only like those of app/run/options.py."""

from __future__ import annotations

from dataclasses import field

from pyhelmfile.app.run.options import NeedsOptions, PrepareOptions, frozen


@frozen
class ReleaseCommandOptions(NeedsOptions):
    """The flags template, lint, diff, apply and sync share (helmfile's names), needs flags included."""

    args: str = ""  # --args: extra helm arguments, last on every release's helm command line
    set_values: list[str] = field(default_factory=list)  # --set
    values_files: list[str] = field(default_factory=list)  # --values
    skip_deps: bool = False
    concurrency: int = 0
    post_renderer: str = ""  # --post-renderer (template, diff, apply, sync)
    post_renderer_args: list[str] = field(default_factory=list)  # --post-renderer-args

    def prepare(self) -> PrepareOptions:
        return PrepareOptions(
            args=self.args, skip_deps=self.skip_deps, concurrency=self.concurrency, post_renderer=self.post_renderer
        )


@frozen
class TemplateOptions(ReleaseCommandOptions):
    output_dir: str = ""
    output_dir_template: str = ""
    include_crds: bool = False
    skip_tests: bool = False
    validate: bool = False
    kube_version: str = ""
    show_only: list[str] = field(default_factory=list)


@frozen
class LintOptions(ReleaseCommandOptions):
    def prepare(self) -> PrepareOptions:
        # helm lint needs a chart directory: repository charts are pulled and untarred first
        base = super().prepare()
        return PrepareOptions(
            args=base.args,
            skip_deps=base.skip_deps,
            concurrency=base.concurrency,
            post_renderer=base.post_renderer,
            force_download=True,
        )


@frozen
class DiffOptions(ReleaseCommandOptions):
    context: int = -1
    output: str = "diff"  # diff | simple | json | markdown | summary
    show_secrets: bool = False
    suppress_secrets: bool = False
    include_tests: bool = False
    no_hooks: bool = False  # hooks left out of the comparison
    suppress: list[str] = field(default_factory=list)  # kinds whose changes are not shown (--suppress)
    suppress_output_line_regex: list[str] = field(default_factory=list)  # unless the release or helmDefaults set some
    validate: bool = False  # helm template --validate: against the cluster's own schemas
    detailed_exitcode: bool = False
    suppress_diff: bool = False
    skip_diff_on_install: bool = False
    color: bool = False
    compare: bool = True  # False: no rendering; every desired release is to be upgraded (sync)
    command: str = "diff"  # what hooks see as .HelmfileCommand
    reuse_values: bool = False  # helm --reuse-values (or helmDefaults.reuseValues), unless --reset-values
    reset_values: bool = False

    def comparison(self) -> tuple[str, ...]:
        """The options that change what a comparison finds (not only what it shows): part of a verdict's key."""
        return (f"tests={self.include_tests}", f"hooks={not self.no_hooks}")


@frozen
class ApplyOptions(DiffOptions):
    """apply's and sync's flags (and destroy's, which shares their executor)."""

    wait: bool = False
    wait_for_jobs: bool = False
    timeout: int = 0  # seconds; 0 = the release's or helmDefaults' own
    atomic: bool = False
    skip_crds: bool = False
    sync_args: str = ""
    cascade: str = ""
    interactive: bool = False
