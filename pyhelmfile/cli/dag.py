"""`pyhelmfile show-dag`."""

from __future__ import annotations

import click

from pyhelmfile.cli.options import run_options


@click.command("show-dag")
@click.pass_context
def show_dag_command(ctx: click.Context) -> None:
    """Show the releases in the order and groups they would be deployed in."""
    from pyhelmfile.app.dag import show_dag

    click.echo(show_dag(run_options(ctx)), nl=False)
