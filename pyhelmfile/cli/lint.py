"""`pyhelmfile lint`."""

from __future__ import annotations

import click

from pyhelmfile.cli.options import global_options


@click.command("lint")
@click.option("--args", "helm_args", default="", help="Extra arguments passed to helm lint.")
@click.option("--set", "set_values", multiple=True, help="Additional --set for helm (repeatable).")
@click.option("--values", "values_files", multiple=True, help="Additional values file for helm (repeatable).")
@click.option("--skip-deps", is_flag=True, help='Skip "helm repo add" and "helm dependency build".')
@click.option("--skip-needs/--no-skip-needs", default=True, help="With -l, leave out what selected releases need.")
@click.option("--include-needs", is_flag=True, help="With -l, also lint what selected releases need.")
@click.option("--include-transitive-needs", is_flag=True, help="Like --include-needs, needs of needs too.")
@click.option("--concurrency", default=0, help="Helm processes at once (0: twice the CPUs).")
@click.option("--skip-cleanup", is_flag=True, help="Accepted for compatibility; decrypted values are always removed.")
@click.pass_context
def lint_command(
    ctx: click.Context,
    helm_args: str,
    set_values: tuple[str, ...],
    values_files: tuple[str, ...],
    skip_deps: bool,
    skip_needs: bool,
    include_needs: bool,
    include_transitive_needs: bool,
    concurrency: int,
    skip_cleanup: bool,
) -> None:
    """Lint the charts of the selected releases with helm lint and their values."""
    from pyhelmfile.app.lint import LintOptions, lint

    options = LintOptions(
        args=helm_args,
        set_values=list(set_values),
        values_files=list(values_files),
        skip_deps=skip_deps,
        concurrency=concurrency,
        include_needs=include_needs,
        include_transitive_needs=include_transitive_needs,
        skip_needs=skip_needs,
    )
    lint(global_options(ctx), options, lambda text: click.echo(text, nl=False))
