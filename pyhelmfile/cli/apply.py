"""`pyhelmfile diff`, `apply` and `sync`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from pyhelmfile.cli.options import GlobalOptions, global_options

_F = Callable[..., Any]


def _common(func: _F) -> _F:
    """Flags diff, apply and sync share (helmfile's names)."""
    flags = [
        click.option("--args", "helm_args", default="", help="Extra arguments for every helm command."),
        click.option("--set", "set_values", multiple=True, help="Additional --set for helm (repeatable)."),
        click.option("--values", "values_files", multiple=True, help="Additional values file (repeatable)."),
        click.option("--skip-deps", is_flag=True, help='Skip "helm repo add" and "helm dependency build".'),
        click.option("--concurrency", default=0, help="Helm processes at once (0: twice the CPUs)."),
        click.option("--skip-needs/--no-skip-needs", default=True, help="With -l, leave out what releases need."),
        click.option("--include-needs", is_flag=True, help="With -l, also take what selected releases need."),
        click.option("--include-transitive-needs", is_flag=True, help="Like --include-needs, needs of needs too."),
    ]
    for flag in reversed(flags):
        func = flag(func)
    return func


def _diff_flags(func: _F) -> _F:
    flags = [
        click.option("--context", "context_lines", default=-1, help="Lines of context around changes (-1: all)."),
        click.option(
            "--output",
            type=click.Choice(["diff", "simple", "json", "markdown", "summary"]),
            default="diff",
            help="diff or simple (as helm-diff), json (for tools), markdown (a pull-request comment), summary.",
        ),
        click.option("--show-secrets", is_flag=True, help="Show Secret values in the diff (masked by default)."),
        click.option("--suppress-secrets", is_flag=True, help="Leave Secret contents out of the diff entirely."),
        click.option("--include-tests", is_flag=True, help="Diff test hooks too."),
        click.option("--detailed-exitcode", is_flag=True, help="Exit 2 when there are changes, 0 when none."),
    ]
    for flag in reversed(flags):
        func = flag(func)
    return func


def _color(opts: GlobalOptions) -> bool:
    return opts.color if opts.color is not None else sys.stdout.isatty()


def _echo(text: str) -> None:
    click.echo(text, nl=False)


@click.command("diff")
@_common
@_diff_flags
@click.pass_context
def diff_command(ctx: click.Context, /, **kw: Any) -> int:
    """Show what apply would change in the clusters (no helm-diff plugin needed)."""
    from pyhelmfile.app.diff import diff

    opts = global_options(ctx)
    return diff(opts, _diff_options(opts, kw), _echo)


def _diff_options(opts: GlobalOptions, kw: dict[str, Any], cls: Any = None) -> Any:
    from pyhelmfile.app.diff import DiffOptions

    cls = cls or DiffOptions
    return cls(
        args=kw.pop("helm_args"),
        set_values=list(kw.pop("set_values")),
        values_files=list(kw.pop("values_files")),
        skip_deps=kw.pop("skip_deps"),
        concurrency=kw.pop("concurrency"),
        skip_needs=kw.pop("skip_needs"),
        include_needs=kw.pop("include_needs"),
        include_transitive_needs=kw.pop("include_transitive_needs"),
        context=kw.pop("context_lines", -1),
        output=kw.pop("output", "diff"),
        show_secrets=kw.pop("show_secrets", False),
        suppress_secrets=kw.pop("suppress_secrets", False),
        include_tests=kw.pop("include_tests", False),
        detailed_exitcode=kw.pop("detailed_exitcode", False),
        color=_color(opts),
        **kw,
    )


def _sync_flags(func: _F) -> _F:
    flags = [
        click.option("--wait", is_flag=True, help="helm --wait: until resources are ready."),
        click.option("--wait-for-jobs", is_flag=True, help="helm --wait-for-jobs."),
        click.option("--timeout", default=0, help="Seconds helm waits (overrides the state's)."),
        click.option("--atomic", is_flag=True, help="helm --atomic: roll back a failed upgrade."),
        click.option("--reuse-values", is_flag=True, help="helm --reuse-values."),
        click.option("--reset-values", is_flag=True, help="helm --reset-values (the default)."),
        click.option("--skip-crds", is_flag=True, help="helm --skip-crds."),
        click.option("--sync-args", default="", help="Extra arguments for helm upgrade."),
        click.option("--cascade", default="", help="helm uninstall --cascade: background, orphan or foreground."),
        click.option("--skip-cleanup", is_flag=True, help="Accepted for compatibility; values files always go."),
    ]
    for flag in reversed(flags):
        func = flag(func)
    return func


def _run_apply(ctx: click.Context, kw: dict[str, Any], *, sync_all: bool) -> int:
    from pyhelmfile.app.sync import ApplyOptions, apply

    opts = global_options(ctx)
    kw.pop("skip_cleanup", None)
    aopts = _diff_options(opts, kw, ApplyOptions)
    aopts.interactive = opts.interactive
    outcome, changed = apply(opts, aopts, _echo, lambda text: click.confirm(text, default=False), sync_all=sync_all)
    if not outcome.ok:
        from pyhelmfile.errors import HelmError

        problems = len(outcome.failed) + len(outcome.skipped)
        raise HelmError(
            f"{len(outcome.failed)} release(s) failed, {len(outcome.skipped)} skipped ({problems} not applied)"
        )
    return 2 if aopts.detailed_exitcode and changed else 0


@click.command("apply")
@_common
@_diff_flags
@_sync_flags
@click.option("--suppress-diff", is_flag=True, help="Do not print the diff before applying.")
@click.option("--skip-diff-on-install", is_flag=True, help="Do not render releases that are not installed yet.")
@click.pass_context
def apply_command(ctx: click.Context, /, **kw: Any) -> int:
    """Diff, then upgrade only the releases that changed (and uninstall `installed: false` ones)."""
    return _run_apply(ctx, kw, sync_all=False)


@click.command("sync")
@_common
@_sync_flags
@click.pass_context
def sync_command(ctx: click.Context, /, **kw: Any) -> int:
    """Upgrade every selected release (and uninstall `installed: false` ones), without diffing."""
    return _run_apply(ctx, kw, sync_all=True)
