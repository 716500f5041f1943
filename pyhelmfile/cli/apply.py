"""`pyhelmfile diff`, `apply` and `sync`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from pyhelmfile.cli.options import (
    GlobalOptions,
    flag_group,
    global_options,
    post_renderer_flags,
    release_command_flags,
    release_command_options,
    run_options,
    skip_cleanup_flag,
)

if TYPE_CHECKING:
    from pyhelmfile.app.run.release_options import ApplyOptions

# diff's own flags (apply takes them too)
_diff_flags = flag_group(
    click.option("--context", "context_lines", default=-1, help="Lines of context around changes (0 or less: all)."),
    click.option(
        "--output",
        type=click.Choice(["diff", "simple", "json", "markdown", "summary"]),
        default="diff",
        help="diff or simple (as helm-diff), json (for tools), markdown (a pull-request comment), summary.",
    ),
    click.option("--show-secrets", is_flag=True, help="Show Secret values in the diff (masked by default)."),
    click.option("--suppress-secrets", is_flag=True, help="Leave Secret contents out of the diff entirely."),
    click.option("--include-tests", is_flag=True, help="Diff test hooks too."),
    click.option("--no-hooks", is_flag=True, help="Leave hooks out of the diff."),
    click.option("--suppress", multiple=True, help="A kind whose changes are not shown, e.g. Secret (repeatable)."),
    click.option(
        "--suppress-output-line-regex",
        multiple=True,
        help="Leave diff lines matching this out (repeatable), unless the release or helmDefaults set some.",
    ),
    click.option("--validate", is_flag=True, help="Render with helm template --validate against the cluster."),
    click.option("--detailed-exitcode", is_flag=True, help="Exit 2 when there are changes, 0 when none."),
    click.option(
        "--strip-trailing-cr", is_flag=True, help="Accepted for compatibility: manifests are compared parsed."
    ),
    click.option("--diff-args", default="", help="Accepted for compatibility: there is no helm-diff to pass them to."),
)


def _color(opts: GlobalOptions) -> bool:
    return opts.color if opts.color is not None else sys.stdout.isatty()


def _echo(text: str) -> None:
    click.echo(text, nl=False)


@click.command("diff")
@release_command_flags("every helm command")
@post_renderer_flags
@_diff_flags
@click.option("--skip-diff-on-install", is_flag=True, help="Do not render releases that are not installed yet.")
@click.option("--reuse-values", is_flag=True, help="Diff as helm upgrade --reuse-values would change things.")
@click.option("--reset-values", is_flag=True, help="Diff as helm upgrade --reset-values (the default).")
@click.pass_context
def diff_command(ctx: click.Context, /, **kw: Any) -> int:
    """Show what apply would change in the clusters (no helm-diff plugin needed)."""
    from pyhelmfile.app.diff import diff

    opts = run_options(ctx)
    return diff(opts, _apply_options(global_options(ctx), kw), _echo)


def _apply_options(g: GlobalOptions, kw: dict[str, Any]) -> ApplyOptions:
    """diff's, apply's and sync's flags as the app takes them (DiffOptions' fields are ApplyOptions');
    a flag the command does not have keeps its default. --strip-trailing-cr needs nothing: line ends
    never count, manifests are compared parsed."""
    from pyhelmfile import log
    from pyhelmfile.app.run.release_options import ApplyOptions

    if kw.get("diff_args"):
        log.warning("--diff-args has no effect: pyhelmfile diffs without the helm-diff plugin")
    return ApplyOptions(
        **release_command_options(kw),
        context=kw.get("context_lines", -1),
        output=kw.get("output", "diff"),
        show_secrets=kw.get("show_secrets", False),
        suppress_secrets=kw.get("suppress_secrets", False),
        include_tests=kw.get("include_tests", False),
        no_hooks=kw.get("no_hooks", False),
        suppress=list(kw.get("suppress", ())),
        suppress_output_line_regex=list(kw.get("suppress_output_line_regex", ())),
        validate=kw.get("validate", False),
        detailed_exitcode=kw.get("detailed_exitcode", False),
        suppress_diff=kw.get("suppress_diff", False),
        skip_diff_on_install=kw.get("skip_diff_on_install", False),
        color=_color(g),
        reuse_values=kw.get("reuse_values", False),
        reset_values=kw.get("reset_values", False),
        wait=kw.get("wait", False),
        wait_for_jobs=kw.get("wait_for_jobs", False),
        timeout=kw.get("timeout", 0),
        atomic=kw.get("atomic", False),
        skip_crds=kw.get("skip_crds", False),
        sync_args=kw.get("sync_args", ""),
        cascade=kw.get("cascade", ""),
        interactive=g.run.interactive,
    )


# sync's own flags (apply takes them too)
_sync_flags = flag_group(
    click.option("--wait", is_flag=True, help="helm --wait: until resources are ready."),
    click.option("--wait-for-jobs", is_flag=True, help="helm --wait-for-jobs."),
    click.option("--timeout", default=0, help="Seconds helm waits (overrides the state's)."),
    click.option("--atomic", is_flag=True, help="helm --atomic: roll back a failed upgrade."),
    click.option("--reuse-values", is_flag=True, help="helm --reuse-values."),
    click.option("--reset-values", is_flag=True, help="helm --reset-values (the default)."),
    click.option("--skip-crds", is_flag=True, help="helm --skip-crds."),
    click.option("--sync-args", default="", help="Extra arguments for helm upgrade."),
    click.option("--cascade", default="", help="helm uninstall --cascade: background, orphan or foreground."),
    skip_cleanup_flag,
)


def _run_apply(ctx: click.Context, kw: dict[str, Any], *, sync_all: bool) -> int:
    from pyhelmfile.app.apply import apply
    from pyhelmfile.app.sync import sync

    opts = run_options(ctx)
    aopts = _apply_options(global_options(ctx), kw)
    run = sync if sync_all else apply
    outcome, changed = run(opts, aopts, _echo, lambda text: click.confirm(text, default=False))
    if not outcome.ok:
        from pyhelmfile.errors import HelmError

        problems = len(outcome.failed) + len(outcome.skipped)
        raise HelmError(
            f"{len(outcome.failed)} release(s) failed, {len(outcome.skipped)} skipped ({problems} not applied)"
        )
    return 2 if aopts.detailed_exitcode and changed else 0


@click.command("apply")
@release_command_flags("every helm command")
@post_renderer_flags
@_diff_flags
@_sync_flags
@click.option("--suppress-diff", is_flag=True, help="Do not print the diff before applying.")
@click.option("--skip-diff-on-install", is_flag=True, help="Do not render releases that are not installed yet.")
@click.pass_context
def apply_command(ctx: click.Context, /, **kw: Any) -> int:
    """Diff, then upgrade only the releases that changed (and uninstall `installed: false` ones)."""
    return _run_apply(ctx, kw, sync_all=False)


@click.command("sync")
@release_command_flags("every helm command")
@post_renderer_flags
@_sync_flags
@click.option("--validate", is_flag=True, help="Accepted for compatibility (helmfile uses it for kustomize charts).")
@click.pass_context
def sync_command(ctx: click.Context, /, **kw: Any) -> int:
    """Upgrade every selected release (and uninstall `installed: false` ones), without diffing."""
    # helm upgrade validates against the cluster anyway; nothing is rendered here
    return _run_apply(ctx, {**kw, "validate": False}, sync_all=True)
