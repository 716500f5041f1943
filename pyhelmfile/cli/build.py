"""`pyhelmfile build`."""

from __future__ import annotations

import click

from pyhelmfile.cli.options import run_options


@click.command("build")
@click.option("--embed-values", is_flag=True, help="Replace values file paths with their (rendered) content.")
@click.pass_context
def build_command(ctx: click.Context, embed_values: bool) -> None:
    """Print the state as loaded: environments, rendered releases and values."""
    from pyhelmfile.app.build import build

    click.echo(build(run_options(ctx), embed_values=embed_values), nl=False)
