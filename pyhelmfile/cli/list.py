"""`pyhelmfile list`."""

from __future__ import annotations

import click

from pyhelmfile.cli.options import run_options


@click.command("list")
@click.option("--output", default="", help='Output format: "json" (default: a table).')
@click.option("--skip-charts", is_flag=True, help="Do not prepare charts (accepted for helmfile compatibility).")
@click.option("--keep-temp-dir", is_flag=True, help="Keep the temporary directory (accepted for compatibility).")
@click.option("--live", is_flag=True, help="Add what each release's cluster runs: context, status, revision, chart.")
@click.pass_context
def list_command(ctx: click.Context, output: str, skip_charts: bool, keep_temp_dir: bool, live: bool) -> None:
    """List the releases defined in the state file."""
    from pyhelmfile.app.list import format_json, format_table, list_releases

    releases = list_releases(run_options(ctx), live=live)
    if releases is not None:
        click.echo(format_json(releases) if output == "json" else format_table(releases), nl=False)
