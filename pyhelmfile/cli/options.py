"""Global flags (helmfile's persistent flags), parsed once by the group and shared by commands."""

from __future__ import annotations

from dataclasses import dataclass

import click


@dataclass
class GlobalOptions:
    helm_binary: str = "helm"


def global_options(ctx: click.Context) -> GlobalOptions:
    """The GlobalOptions of this invocation (defaults when a command runs on its own in tests)."""
    obj = ctx.find_root().obj
    return obj if isinstance(obj, GlobalOptions) else GlobalOptions()
