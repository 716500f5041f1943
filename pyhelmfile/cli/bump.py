"""`pyhelmfile bump` and `pyhelmfile promote`: update a deployment repository for a new build."""

from __future__ import annotations

from pathlib import Path

import click

from pyhelmfile.cli.options import global_options

REPO_DIR = click.option(
    "--repo-dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The deployment repository (kube-app).",
)


def _env(ctx: click.Context, env: str | None, default: str | None) -> str:
    """--env, else the global -e/--environment (`pyhelmfile -e stg bump ...`), else `default`."""
    chosen = env or global_options(ctx).run.environment or default
    if not chosen:
        raise click.UsageError("Missing option '--env' (or the global -e/--environment).")
    return chosen


@click.command()
@click.option("--env", "env", default=None, help="Environment directory, e.g. stg (default: the global -e).")
@click.option("--release", required=True, help="Release (umbrella chart) directory, e.g. linoapp.")
@click.option("--service", required=True, help="The service: its values.yaml section and dependency name.")
@click.option("--image-tag", required=True, help="New <service>.image.tag, e.g. the commit SHA.")
@click.option("--chart-version", required=True, help="New version of the <service> dependency.")
@REPO_DIR
@click.option("--commit", is_flag=True, help="Commit the change with git (refused if the work tree is dirty).")
@click.option("--message", "-m", default=None, help="Commit message (default: [ENV][SERVICE] Update RELEASE).")
@click.pass_context
def bump(
    ctx: click.Context,
    env: str | None,
    release: str,
    service: str,
    image_tag: str,
    chart_version: str,
    repo_dir: Path,
    commit: bool,
    message: str | None,
) -> None:
    """Point ENV/RELEASE at a new build of SERVICE.

    Sets `<service>.image.tag` in ENV/RELEASE/values.yaml and the `<service>` dependency's
    `version:` in ENV/RELEASE/requirements.yaml (apiVersion v1) or Chart.yaml (v2), in
    place: comments, order and quoting are kept.
    """
    from pyhelmfile.app.bump import bump as do_bump

    env = _env(ctx, env, None)
    result = do_bump(
        repo_dir,
        env=env,
        release=release,
        service=service,
        image_tag=image_tag,
        chart_version=chart_version,
        commit=commit,
        message=message,
    )
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    if not result.changed_files:
        click.echo(f"{env}/{release} already has {service} {image_tag} (chart {chart_version}); nothing changed")
        return
    for rel in result.changed_files:
        click.echo(f"updated {rel}")
    if result.commit:
        click.echo(f"committed {result.commit[:12]}")


@click.command()
@click.option("--service", required=True, help="The service being promoted.")
@click.option("--version", "version", required=True, help="The release being promoted (git tag), e.g. v0.2.3.")
@click.option("--chart-version", required=True, help="Chart version of that release, e.g. v0.2.3-ca3b6.")
@click.option("--image-tag", default=None, help="Image tag to deploy (default: --version).")
@click.option("--env", "env", default=None, help="Environment directory (default: the global -e, else prd).")
@click.option("--release", default="linoapp", show_default=True, help="Release (umbrella chart) directory.")
@click.option("--base", default="HEAD", show_default=True, help="Revision the branch starts from.")
@REPO_DIR
@click.option("--push", "remote", default=None, metavar="REMOTE", help="Push the branch to this git remote.")
@click.option("--message", "-m", default=None, help="Commit message.")
@click.pass_context
def promote(
    ctx: click.Context,
    service: str,
    version: str,
    chart_version: str,
    image_tag: str | None,
    env: str | None,
    release: str,
    base: str,
    repo_dir: Path,
    remote: str | None,
    message: str | None,
) -> None:
    """Commit SERVICE's promotion to ENV on a new branch promote-SERVICE-VERSION.

    The same edit as `bump`, committed on the new branch (made from --base; the work tree
    and current branch are left as they are), ready for a pull request; --push pushes it.
    Refused when the branch exists (locally or on the remote) or the work tree is dirty.
    """
    from pyhelmfile.app.bump import promote as do_promote

    result = do_promote(
        repo_dir,
        service=service,
        version=version,
        chart_version=chart_version,
        image_tag=image_tag,
        env=_env(ctx, env, "prd"),
        release=release,
        base=base,
        push=remote,
        message=message,
    )
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    assert result.commit is not None
    click.echo(f"branch {result.branch} at {result.commit[:12]} ({', '.join(result.changed_files)})")
    if result.pushed_to:
        click.echo(f"pushed {result.branch} to {result.pushed_to}")
