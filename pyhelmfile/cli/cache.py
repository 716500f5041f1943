"""`pyhelmfile cache info|cleanup`: the remembered "no changes" verdicts (helmfile's command for its cache)."""

from __future__ import annotations

import click


@click.group("cache")
def cache() -> None:
    """Show or remove pyhelmfile's cache of "no changes" verdicts."""


@cache.command("info")
def info() -> None:
    """Where the cache is, and how many verdicts it holds."""
    import os

    from pyhelmfile.app.run.verdicts import cache_dir

    directory = cache_dir()
    entries = (
        [e for e in os.scandir(directory) if e.is_file() and not e.name.startswith(".")]
        if os.path.isdir(directory)
        else []
    )
    size = sum(e.stat().st_size for e in entries)
    click.echo(f"cache directory: {directory}")
    click.echo(f"remembered verdicts: {len(entries)} ({size} bytes)")


@cache.command("cleanup")
def cleanup() -> None:
    """Remove the cache (the next diff or apply renders every release)."""
    import shutil

    from pyhelmfile.app.run.verdicts import cache_dir

    directory = cache_dir()
    shutil.rmtree(directory, ignore_errors=True)
    click.echo(f"removed {directory}")
