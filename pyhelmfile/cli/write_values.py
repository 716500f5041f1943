"""`pyhelmfile write-values`."""

from __future__ import annotations

import click

from pyhelmfile.cli.options import run_options


@click.command("write-values")
@click.option(
    "--output-file-template",
    default="",
    help="Go template for each output file (default: {{ .State.BaseName }}-{{ .State.AbsPathSHA1 }}/"
    "{{ .Release.Name }}.yaml).",
)
@click.option("--values", "values_files", multiple=True, help="Additional values file merged last (repeatable).")
@click.option(
    "--set", "set_values", multiple=True, help="Accepted for helmfile compatibility (helmfile ignores it here)."
)
@click.option("--concurrency", default=0, help="Accepted for helmfile compatibility.")
@click.option("--skip-deps", is_flag=True, help="Accepted for helmfile compatibility: charts are never prepared here.")
@click.pass_context
def write_values_command(
    ctx: click.Context,
    output_file_template: str,
    values_files: tuple[str, ...],
    set_values: tuple[str, ...],
    concurrency: int,
    skip_deps: bool,
) -> None:
    """Write the merged values of each selected release to a file."""
    from pyhelmfile.app.write_values import write_values

    write_values(run_options(ctx), output_file_template, list(values_files))
