"""`pyhelmfile destroy`, `delete` (its older name) and `status`."""

from __future__ import annotations

import click

from pyhelmfile.cli.options import flag_group, run_options


def _destroy(ctx: click.Context, helm_args: str, concurrency: int, cascade: str) -> None:
    from pyhelmfile.app.destroy import destroy
    from pyhelmfile.app.run.release_options import ApplyOptions
    from pyhelmfile.errors import HelmError

    opts = run_options(ctx)
    if opts.interactive and not click.confirm("Do you really want to delete the selected releases?", default=False):
        return
    aopts = ApplyOptions(args=helm_args, concurrency=concurrency, cascade=cascade)
    outcome = destroy(opts, aopts, lambda text: click.echo(text, nl=False))
    if outcome.failed:
        raise HelmError(f"{len(outcome.failed)} release(s) could not be deleted")


# what destroy and delete share; --skip-deps is accepted as helmfile accepts it (nothing is built)
_uninstall_flags = flag_group(
    click.option("--args", "helm_args", default="", help="Extra arguments for helm uninstall."),
    click.option("--concurrency", default=0, help="Helm processes at once (0: twice the CPUs)."),
    click.option("--cascade", default="", help="helm uninstall --cascade: background, orphan or foreground."),
    click.option("--skip-deps", is_flag=True, help="Accepted for compatibility (nothing is built)."),
)


@click.command("destroy")
@_uninstall_flags
@click.option("--skip-charts", is_flag=True, help="Accepted for compatibility (destroy prepares no chart).")
@click.pass_context
def destroy_command(ctx: click.Context, /, helm_args: str, concurrency: int, cascade: str, **_: bool) -> None:
    """Uninstall every selected release that exists, dependants first."""
    _destroy(ctx, helm_args, concurrency, cascade)


@click.command("delete")
@_uninstall_flags
@click.option("--purge", is_flag=True, help="Accepted for compatibility (helm 3 always purges).")
@click.pass_context
def delete_command(ctx: click.Context, /, helm_args: str, concurrency: int, cascade: str, **_: bool) -> None:
    """Deprecated name of destroy."""
    _destroy(ctx, helm_args, concurrency, cascade)


@click.command("status")
@click.option("--args", "helm_args", default="", help="Extra arguments for helm status.")
@click.option("--concurrency", default=0, help="Helm processes at once (0: twice the CPUs).")
@click.pass_context
def status_command(ctx: click.Context, helm_args: str, concurrency: int) -> None:
    """helm status of every selected release."""
    from pyhelmfile.app.run.options import ReleaseQueryOptions
    from pyhelmfile.app.status import status

    opts = run_options(ctx)
    status(opts, ReleaseQueryOptions(args=helm_args, concurrency=concurrency), lambda text: click.echo(text, nl=False))


@click.command("test")
@click.option("--args", "helm_args", default="", help="Extra arguments for helm test.")
@click.option("--concurrency", default=0, help="Helm processes at once (0: twice the CPUs).")
@click.option("--timeout", default=300, show_default=True, help="Seconds each test may take.")
@click.option("--logs", is_flag=True, help="Print the test pods' logs.")
@click.option("--cleanup", is_flag=True, help="Accepted for compatibility (helm 3 has no test --cleanup).")
@click.option("--skip-deps", is_flag=True, help="Accepted for compatibility (test builds nothing).")
@click.pass_context
def test_command(
    ctx: click.Context, helm_args: str, concurrency: int, timeout: int, logs: bool, cleanup: bool, skip_deps: bool
) -> None:
    """helm test of every selected release."""
    from pyhelmfile.app.run.options import ReleaseQueryOptions
    from pyhelmfile.app.status import test

    opts = run_options(ctx)
    qopts = ReleaseQueryOptions(args=helm_args, concurrency=concurrency, timeout=timeout, logs=logs)
    test(opts, qopts, lambda text: click.echo(text, nl=False))
