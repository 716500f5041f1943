"""Global flags (helmfile's persistent flags), parsed once by the group and shared by commands."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import click

from pyhelmfile.app.options import RunOptions


@dataclass(repr=False, eq=False)  # generated __repr__/__eq__ cost start-up time
class GlobalOptions(RunOptions):
    """The run's options plus the flags only the CLI itself uses."""

    quiet: bool = False
    debug: bool = False
    log_level: str = "info"
    color: bool | None = None
    interactive: bool = False


# click parameter name -> GlobalOptions field, where they differ
_FIELD = {"state_values_file": "state_values_files"}


def apply_flags(opts: GlobalOptions, flags: dict[str, Any]) -> GlobalOptions:
    """Set global flags on opts; repeatable flags accumulate, as cobra's persistent flags do."""
    for name, value in flags.items():
        attr = _FIELD.get(name, name)
        if isinstance(value, tuple):
            setattr(opts, attr, [*getattr(opts, attr), *value])
        else:
            setattr(opts, attr, value)
    return opts


def global_options(ctx: click.Context) -> GlobalOptions:
    """The GlobalOptions of this invocation (defaults when a command runs on its own in tests)."""
    obj = ctx.find_root().obj
    return obj if isinstance(obj, GlobalOptions) else GlobalOptions()


_F = Callable[..., Any]


def add_global_flags(func: _F) -> _F:
    """helmfile's root flags, in its order."""
    flags = [
        click.option("--helm-binary", "-b", default="helm", show_default=True, help="Path to the helm binary."),
        click.option(
            "--file",
            "-f",
            default="",
            help="State file or directory (default: helmfile.yaml, helmfile.yaml.gotmpl or helmfile.d/).",
        ),
        click.option(
            "--environment",
            "-e",
            default="",
            help='Environment name (default: $HELMFILE_ENVIRONMENT or "default").',
        ),
        click.option("--state-values-set", multiple=True, help="Set state values: key1=val1,key2=val2 (repeatable)."),
        click.option("--state-values-set-string", multiple=True, help="Like --state-values-set, values as strings."),
        click.option("--state-values-file", multiple=True, help="State values from a YAML file (repeatable)."),
        click.option("--quiet", "-q", is_flag=True, help="Silence output (log level warn)."),
        click.option("--kubeconfig", default="", help="Use this kubeconfig file."),
        click.option("--kube-context", default="", help="Use this kube context for every release."),
        click.option("--debug", is_flag=True, help="Verbose output, log level debug."),
        click.option("--color/--no-color", default=None, help="Colour the output (default: when a terminal)."),
        click.option("--log-level", default="info", show_default=True, help="debug, info, warn or error."),
        click.option("--namespace", "-n", default="", help="Namespace for every release (available as .Namespace)."),
        click.option("--chart", "-c", default="", help="Chart for every release (available as .Chart)."),
        click.option(
            "--selector",
            "-l",
            "selectors",
            multiple=True,
            help="Only releases matching labels: k=v or k!=v; commas AND, repeated flags OR.",
        ),
        click.option(
            "--allow-no-matching-release", is_flag=True, help="Exit 0 even when no release matches the selectors."
        ),
        click.option("--interactive", "-i", is_flag=True, help="Ask before changing a cluster."),
        click.option("--skip-deps", is_flag=True, help='Skip "helm repo add/update" and "helm dependency build".'),
        click.option(
            "--skip-refresh",
            is_flag=True,
            help='No "helm repo add"/"helm repo update" (helm\'s cached indexes are used).',
        ),
        click.option(
            "--oci-plain-http", is_flag=True, help="Plain HTTP for OCI registries (helm 4 needs it for http-only ones)."
        ),
    ]
    for flag in reversed(flags):
        func = flag(func)
    return func
