"""`pyhelmfile chart version|package|push`: a service pipeline's chart steps."""

from __future__ import annotations

from pathlib import Path

import click

from pyhelmfile.cli.options import global_options

PLAIN_HTTP_HELP = "Talk plain HTTP to an oci:// registry (helm's --plain-http), e.g. a local one."


@click.group()
def chart() -> None:
    """Compute chart versions, package charts and push them to repositories."""


@chart.command("version")
@click.argument("name")
@click.option(
    "--repo",
    required=True,
    help="Repository: http(s)://..., s3://bucket/prefix, oci://host/path, a directory, or a `helm repo add` name.",
)
@click.option("--sha", required=True, help="The commit SHA being built; its first 5 characters are the suffix.")
@click.option("--tag", default=None, help="The git tag being built (e.g. v0.2.3): the version is TAG-SHA5.")
@click.option("--plain-http", is_flag=True, help=PLAIN_HTTP_HELP)
def version(name: str, repo: str, sha: str, tag: str | None, plain_http: bool) -> None:
    """Print the version for chart NAME built from commit --sha.

    With --tag: TAG-SHA5. Without: BASE-SHA5, where BASE is the highest MAJOR.MINOR.PATCH
    of NAME's versions in --repo (pre-release and metadata stripped, the `v` prefix kept as
    the repository's versions have it), or v0.1.0 when the repository has no NAME.

    The result is always valid SemVer: a 5-character suffix that is all digits with a
    leading zero (e.g. 08650, invalid as a SemVer identifier) becomes g08650. Repository
    entries that are not valid SemVer are skipped with a warning, as helm does.
    """
    from pyhelmfile.app.chart import next_version

    result = next_version(repo, name, sha, tag=tag, plain_http=plain_http)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    if result.source == "default":
        from pyhelmfile.helm.http import redact

        click.echo(f"note: {redact(repo)} has no versions of {name}; starting from {result.base}", err=True)
    click.echo(result.version)


@chart.command("package")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@click.option("--version", "chart_version", required=True, help="The version to set in Chart.yaml (valid SemVer).")
@click.option(
    "--destination",
    "-d",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Where helm writes the .tgz.",
)
@click.option("--dependency-update", "-u", is_flag=True, help="Pass --dependency-update to helm package.")
@click.pass_context
def package(ctx: click.Context, path: Path, chart_version: str, destination: Path, dependency_update: bool) -> None:
    """Set PATH/Chart.yaml `version:` (keeping the rest of the file as it is) and run helm package."""
    from pyhelmfile.app.chart import package as package_chart

    archive = package_chart(
        path,
        chart_version,
        destination=destination,
        helm_binary=global_options(ctx).run.helm_binary,
        dependency_update=dependency_update,
    )
    click.echo(str(archive))


@chart.command("push")
@click.argument("package_path", metavar="PKG", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("repo")
@click.option("--force", is_flag=True, help="Replace the version if the repository already has it.")
@click.option("--plain-http", is_flag=True, help=PLAIN_HTTP_HELP)
@click.pass_context
def push(ctx: click.Context, package_path: Path, repo: str, force: bool, plain_http: bool) -> None:
    """Push chart archive PKG to REPO (s3://bucket/prefix, oci://host/path or a directory).

    An existing version is refused unless --force. S3 index updates are conditional writes,
    retried when another push changed the index meanwhile; directory repositories are
    updated under a lock file.
    """
    from pyhelmfile.helm.chartpush import push as push_chart

    result = push_chart(
        package_path,
        repo,
        force=force,
        helm_binary=global_options(ctx).run.helm_binary,
        plain_http=plain_http,
    )
    verb = "replaced" if result.replaced else "pushed"
    click.echo(f"{verb} {result.name} {result.version}: {result.url}")
