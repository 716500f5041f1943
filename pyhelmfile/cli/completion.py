"""`pyhelmfile completion SHELL`: the shell's completion script (helmfile has the same command)."""

from __future__ import annotations

import click

SHELLS = ("bash", "zsh", "fish")


@click.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell: str) -> None:
    """Print the completion script for SHELL; e.g. `source <(pyhelmfile completion bash)`."""
    from click.shell_completion import get_completion_class

    from pyhelmfile.cli.main import cli

    cls = get_completion_class(shell)
    assert cls is not None  # click knows every shell in SHELLS
    # click answers the script's requests itself, before any command runs, when this variable is set
    click.echo(cls(cli, {}, "pyhelmfile", "_PYHELMFILE_COMPLETE").source())
