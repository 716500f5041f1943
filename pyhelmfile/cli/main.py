"""Entry point: a click group whose subcommands are imported only when invoked.

Start-up time matters (CI runs pyhelmfile many times), so nothing heavy is imported
here: each subcommand lives in its own module under `pyhelmfile.cli` and is loaded
by name from COMMANDS.
"""

from __future__ import annotations

import importlib
import sys

import click

from pyhelmfile import __version__
from pyhelmfile.cli.options import GlobalOptions

# name -> "module:attribute". Keep sorted; one line per command.
COMMANDS: dict[str, str] = {
    "bump": "pyhelmfile.cli.bump:bump",
    "chart": "pyhelmfile.cli.chart:chart",
    "promote": "pyhelmfile.cli.bump:promote",
    "version": "pyhelmfile.cli.version:version",
}


class LazyGroup(click.Group):
    """A click group that imports a subcommand's module only when it runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMANDS) | set(super().list_commands(ctx)))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module_name, attr = target.split(":")
        command = getattr(importlib.import_module(module_name), attr)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-v", "--version", prog_name="pyhelmfile")
@click.option("--helm-binary", "-b", default="helm", show_default=True, help="Path to the helm binary.")
@click.pass_context
def cli(ctx: click.Context, helm_binary: str) -> None:
    """A helmfile-compatible Helm orchestrator."""
    ctx.obj = GlobalOptions(helm_binary=helm_binary)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; expected failures become one line on stderr and an exit code."""
    from pyhelmfile.errors import PyhelmfileError

    try:
        rv = cli.main(args=argv, prog_name="pyhelmfile", standalone_mode=False)
    except PyhelmfileError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    # Commands that have an exit code of their own (e.g. --detailed-exitcode) return it.
    sys.exit(rv if isinstance(rv, int) else 0)
