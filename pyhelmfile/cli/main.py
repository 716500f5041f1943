"""Entry point: a click group whose subcommands are imported only when invoked.

Start-up time matters (CI runs pyhelmfile many times), so nothing heavy is imported
here: each subcommand lives in its own module under `pyhelmfile.cli` and is loaded
by name from COMMANDS.
"""

from __future__ import annotations

import functools
import importlib
import sys
from typing import Any

import click

from pyhelmfile import __version__
from pyhelmfile.cli.options import GlobalOptions, add_global_flags, apply_flags

# name -> "module:attribute". Keep sorted; one line per command.
COMMANDS: dict[str, str] = {
    "apply": "pyhelmfile.cli.apply:apply_command",
    "build": "pyhelmfile.cli.build:build_command",
    "cache": "pyhelmfile.cli.cache:cache",
    "charts": "pyhelmfile.cli.apply:sync_command",  # helmfile's deprecated name of sync
    "completion": "pyhelmfile.cli.completion:completion",
    "bump": "pyhelmfile.cli.bump:bump",
    "chart": "pyhelmfile.cli.chart:chart",
    "delete": "pyhelmfile.cli.destroy:delete_command",
    "deps": "pyhelmfile.cli.deps:deps_command",
    "destroy": "pyhelmfile.cli.destroy:destroy_command",
    "diff": "pyhelmfile.cli.apply:diff_command",
    "fetch": "pyhelmfile.cli.fetch:fetch_command",
    "promote": "pyhelmfile.cli.bump:promote",
    "lint": "pyhelmfile.cli.lint:lint_command",
    "list": "pyhelmfile.cli.list:list_command",
    "repos": "pyhelmfile.cli.repos:repos_command",
    "show-dag": "pyhelmfile.cli.dag:show_dag_command",
    "status": "pyhelmfile.cli.destroy:status_command",
    "sync": "pyhelmfile.cli.apply:sync_command",
    "template": "pyhelmfile.cli.template:template_command",
    "test": "pyhelmfile.cli.destroy:test_command",
    "version": "pyhelmfile.cli.version:version",
    "why": "pyhelmfile.cli.why:why_command",
    "write-values": "pyhelmfile.cli.write_values:write_values_command",
}


class LazyGroup(click.Group):
    """A click group that imports a subcommand's module only when it runs.

    helmfile's global flags are persistent (cobra): they may also follow the subcommand
    (`pyhelmfile list -l name=x`), so each subcommand accepts them too.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMANDS) | set(super().list_commands(ctx)))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module_name, attr = target.split(":")
        command = getattr(importlib.import_module(module_name), attr)
        assert isinstance(command, click.Command)
        if not isinstance(command, click.Group):
            _accept_global_flags(command)
        return command


def _global_params() -> list[click.Parameter]:
    def holder() -> None:
        pass

    return list(reversed(add_global_flags(holder).__click_params__))  # type: ignore[attr-defined]


def _accept_global_flags(command: click.Command) -> None:
    if getattr(command, "_accepts_global_flags", False):
        return
    own = {p.name for p in command.params}
    extra = [p for p in _global_params() if p.name not in own]
    command.params.extend(extra)
    names = {p.name for p in extra}
    callback = command.callback
    assert callback is not None

    @functools.wraps(callback)
    def with_globals(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        given = {n: kwargs.pop(n) for n in list(kwargs) if n in names}
        explicit = {
            n: v for n, v in given.items() if ctx.get_parameter_source(n) is not click.core.ParameterSource.DEFAULT
        }
        root = ctx.find_root()
        root.obj = apply_flags(root.obj if isinstance(root.obj, GlobalOptions) else GlobalOptions(), explicit)
        return callback(*args, **kwargs)

    command.callback = with_globals
    command._accepts_global_flags = True  # type: ignore[attr-defined]


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-v", "--version", prog_name="pyhelmfile")
@add_global_flags
@click.pass_context
def cli(ctx: click.Context, /, **flags: Any) -> None:
    """A helmfile-compatible Helm orchestrator."""
    ctx.obj = apply_flags(GlobalOptions(), flags)
    _configure_logging(ctx.obj)


def _configure_logging(opts: GlobalOptions) -> None:
    """Log lines go to stderr, plain, at helmfile's levels (-q is warn, --debug is debug)."""
    from pyhelmfile import log

    log.set_level("debug" if opts.debug else "warn" if opts.quiet else opts.log_level)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; expected failures become one line on stderr and an exit code."""
    from pyhelmfile.children import Terminated, handle_termination
    from pyhelmfile.errors import PyhelmfileError

    handle_termination()
    try:
        rv = cli.main(args=argv, prog_name="pyhelmfile", standalone_mode=False)
    except PyhelmfileError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort as exc:
        if isinstance(exc.__cause__, Terminated):  # click turns KeyboardInterrupt into Abort
            click.echo(f"Terminated ({exc.__cause__.name}).", err=True)
            sys.exit(exc.__cause__.exit_code)
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except Terminated as exc:
        click.echo(f"Terminated ({exc.name}).", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        click.echo(f"error: {exc.strerror or exc}{where}", err=True)
        sys.exit(1)
    except Exception as exc:  # a bug: one line, the traceback only when asked for
        if "--debug" in (argv if argv is not None else sys.argv):
            raise
        click.echo(f"error: internal error: {type(exc).__name__}: {exc} (run with --debug for details)", err=True)
        sys.exit(1)
    # Commands that have an exit code of their own (e.g. --detailed-exitcode) return it.
    sys.exit(rv if isinstance(rv, int) else 0)
