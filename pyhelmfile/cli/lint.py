"""`pyhelmfile lint`."""

from __future__ import annotations

from typing import Any

import click

from pyhelmfile.cli.options import release_command_flags, release_command_options, run_options, skip_cleanup_flag


@click.command("lint")
@release_command_flags("helm lint")
@skip_cleanup_flag
@click.pass_context
def lint_command(ctx: click.Context, /, **kw: Any) -> None:
    """Lint the charts of the selected releases with helm lint and their values."""
    from pyhelmfile.app.lint import lint
    from pyhelmfile.app.run.release_options import LintOptions

    opts = run_options(ctx)
    lint(opts, LintOptions(**release_command_options(kw)), lambda text: click.echo(text, nl=False))
