"""`pyhelmfile fetch`."""

from __future__ import annotations

import click

from pyhelmfile.cli.options import run_options


@click.command("fetch")
@click.option("--output-dir", default="", help="Where to put the charts (default: a temporary directory, removed).")
@click.option(
    "--output-dir-template",
    default="",
    help="Go template for each chart's directory (.OutputDir, .ChartName, .Release; default: helmfile's).",
)
@click.option("--skip-deps", is_flag=True, help='Skip "helm repo add" and "helm dependency build".')
@click.option("--concurrency", default=0, help="Helm processes at once (0: twice the CPUs).")
@click.pass_context
def fetch_command(
    ctx: click.Context, output_dir: str, output_dir_template: str, skip_deps: bool, concurrency: int
) -> None:
    """Download the charts of the selected releases."""
    from pyhelmfile.app.fetch import fetch
    from pyhelmfile.app.run.options import FetchOptions

    options = FetchOptions(
        output_dir=output_dir, output_dir_template=output_dir_template, skip_deps=skip_deps, concurrency=concurrency
    )
    fetch(run_options(ctx), options, lambda text: click.echo(text, nl=False))
