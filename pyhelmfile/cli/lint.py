"""`pyhelmfile lint`."""

from __future__ import annotations

from typing import Any

import click

from pyhelmfile.cli.options import global_options, release_command_flags, release_command_options, skip_cleanup_flag


@click.command("lint")
@release_command_flags("helm lint")
@skip_cleanup_flag
@click.pass_context
def lint_command(ctx: click.Context, /, **kw: Any) -> None:
    """Lint the charts of the selected releases with helm lint and their values."""
    from pyhelmfile.app.lint import LintOptions, lint

    kw.pop("skip_cleanup")
    lint(global_options(ctx), LintOptions(**release_command_options(kw)), lambda text: click.echo(text, nl=False))
