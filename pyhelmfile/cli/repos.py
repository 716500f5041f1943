"""`pyhelmfile repos`."""

from __future__ import annotations

import click

from pyhelmfile.cli.options import run_options


@click.command("repos")
@click.option("--args", "helm_args", default="", help="Extra arguments passed to every helm command.")
@click.pass_context
def repos_command(ctx: click.Context, helm_args: str) -> None:
    """Add the chart repositories defined in the state file (and log in to OCI registries)."""
    from pyhelmfile.app.repos import sync_repos

    sync_repos(run_options(ctx), helm_args)
