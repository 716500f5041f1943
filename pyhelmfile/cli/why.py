"""`pyhelmfile why`."""

from __future__ import annotations

import click

from pyhelmfile.cli.options import run_options


@click.command("why")
@click.argument("releases", nargs=-1)
@click.option("--output", type=click.Choice(["text", "json"]), default="text", help="text (default) or json.")
@click.option("--skip-needs/--no-skip-needs", default=True, help="As apply: leave out what releases need.")
@click.option("--include-needs", is_flag=True, help="As apply: also take what the selected releases need.")
@click.option("--include-transitive-needs", is_flag=True, help="Like --include-needs, needs of needs too.")
@click.pass_context
def why_command(
    ctx: click.Context,
    releases: tuple[str, ...],
    output: str,
    skip_needs: bool,
    include_needs: bool,
    include_transitive_needs: bool,
) -> None:
    """Which releases apply, diff and template would take, and why (selectors, conditions, needs).

    RELEASES (names or namespace/name IDs) limit the rows shown.
    """
    from pyhelmfile.app.run.options import NeedsOptions
    from pyhelmfile.app.why import explain, format_json, format_text

    opts = run_options(ctx)
    states, skipped = explain(
        opts,
        NeedsOptions(
            include_needs=include_needs, include_transitive_needs=include_transitive_needs, skip_needs=skip_needs
        ),
    )
    if output == "json":
        click.echo(format_json(states, skipped, releases), nl=False)
    else:
        click.echo(format_text(states, skipped, opts.env_name, releases), nl=False)
