"""`pyhelmfile deps`."""

from __future__ import annotations

import click

from pyhelmfile.cli.options import run_options


@click.command("deps")
@click.option("--args", "helm_args", default="", help="Extra arguments passed to helm.")
@click.option("--skip-repos", is_flag=True, help='Skip "helm repo add" (helm\'s cached indexes are used).')
@click.option("--concurrency", default=0, help="Helm processes at once (0: twice the CPUs).")
@click.pass_context
def deps_command(ctx: click.Context, helm_args: str, skip_repos: bool, concurrency: int) -> None:
    """Update local charts' dependencies and lock repository chart versions in helmfile.lock."""
    from pyhelmfile.app.deps import deps
    from pyhelmfile.app.run.options import DepsOptions

    deps(run_options(ctx), DepsOptions(args=helm_args, skip_repos=skip_repos, concurrency=concurrency))
