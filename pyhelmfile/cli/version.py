"""`pyhelmfile version`: pyhelmfile's version and the helm it would run."""

from __future__ import annotations

import click

from pyhelmfile import __version__


@click.command()
@click.option("--helm-binary", "-b", default="helm", show_default=True, help="Path to the helm binary.")
def version(helm_binary: str) -> None:
    """Show the version of pyhelmfile and of the helm it runs."""
    from pyhelmfile.helm.version import detect_version

    click.echo(f"pyhelmfile {__version__}")
    click.echo(f"helm       {detect_version(helm_binary)}")
