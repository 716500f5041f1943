"""`pyhelmfile version`: pyhelmfile's version and the helm it would run."""

from __future__ import annotations

import click

from pyhelmfile import __version__
from pyhelmfile.cli.options import global_options


@click.command()
@click.pass_context
def version(ctx: click.Context) -> None:
    """Show the version of pyhelmfile and of the helm it runs."""
    from pyhelmfile.helm.version import detect_version

    helm_binary = global_options(ctx).run.helm_binary
    click.echo(f"pyhelmfile {__version__}")
    click.echo(f"helm       {detect_version(helm_binary)}")
