"""Global flags (helmfile's persistent flags), gathered by the group and its commands, and the flags
commands share; `run_options` turns them into the app's typed, frozen RunOptions (-l parsed there)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypedDict

import click

from pyhelmfile.app.run.options import RunOptions
from pyhelmfile.state.selection import Selector


@dataclass(repr=False, eq=False)  # generated __repr__/__eq__ cost start-up time
class GlobalOptions:
    """Every global flag as given, gathered while click parses (they may also follow the command):
    the app's RunOptions (remade on each flag: it is frozen), the -l texts, and the CLI's own flags."""

    run: RunOptions = field(default_factory=RunOptions)
    selectors: list[str] = field(default_factory=list)  # -l, parsed by run_options
    quiet: bool = False
    debug: bool = False
    log_level: str = "info"
    color: bool | None = None
    # accepted for helmfile's command lines; nothing in pyhelmfile depends on them
    enable_live_output: bool = False
    strip_args_values_on_exit_error: bool = False
    kustomize_binary: str = ""


def run_options(ctx: click.Context) -> RunOptions:
    """The app's RunOptions for this invocation; a malformed -l fails here, before anything is loaded."""
    g = global_options(ctx)
    return dataclasses.replace(g.run, selector=Selector.parse(g.selectors))


# click parameter name -> RunOptions field, where they differ
_FIELD = {"state_values_file": "state_values_files"}
_RUN_FIELDS = frozenset(f.name for f in dataclasses.fields(RunOptions))


def apply_flags(opts: GlobalOptions, flags: dict[str, Any]) -> GlobalOptions:
    """Set global flags on opts; repeatable flags accumulate, as cobra's persistent flags do."""
    for name, value in flags.items():
        attr = _FIELD.get(name, name)
        holder: Any = opts.run if attr in _RUN_FIELDS else opts
        if isinstance(value, tuple):
            value = [*getattr(holder, attr), *value]
        if holder is opts:
            setattr(opts, attr, value)
        else:
            opts.run = dataclasses.replace(opts.run, **{attr: value})
    return opts


def global_options(ctx: click.Context) -> GlobalOptions:
    """The GlobalOptions of this invocation (defaults when a command runs on its own in tests)."""
    obj = ctx.find_root().obj
    return obj if isinstance(obj, GlobalOptions) else GlobalOptions()


_F = Callable[..., Any]


def flag_group(*flags: Callable[[_F], _F]) -> Callable[[_F], _F]:
    """One decorator for several click options, which --help lists in the order given."""

    def decorate(func: _F) -> _F:
        for flag in reversed(flags):
            func = flag(func)
        return func

    return decorate


# helmfile's root flags, in its order
add_global_flags = flag_group(
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
    click.option("--disable-force-update", is_flag=True, help='"helm repo add" without --force-update.'),
    # helmfile's flags that need nothing from pyhelmfile, accepted so that its command lines work unchanged
    click.option(
        "--enable-live-output", is_flag=True, help="Accepted for compatibility: helm's output is shown as each ends."
    ),
    click.option(
        "--strip-args-values-on-exit-error",
        is_flag=True,
        help="Accepted for compatibility: values of --set and passwords are always masked in errors.",
    ),
    click.option("--kustomize-binary", "-k", default="", help="Accepted for compatibility (kustomize is not used)."),
)


def release_command_flags(helm_commands: str) -> Callable[[_F], _F]:
    """The flags template, lint, diff, apply and sync share (helmfile's names); `helm_commands` says in
    --args' help which helm commands get the extra arguments."""
    return flag_group(
        click.option("--args", "helm_args", default="", help=f"Extra arguments for {helm_commands}."),
        click.option("--set", "set_values", multiple=True, help="Additional --set for helm (repeatable)."),
        click.option("--values", "values_files", multiple=True, help="Additional values file for helm (repeatable)."),
        click.option("--skip-deps", is_flag=True, help='Skip "helm repo add" and "helm dependency build".'),
        click.option("--concurrency", default=0, help="Helm processes at once (0: twice the CPUs)."),
        click.option("--skip-needs/--no-skip-needs", default=True, help="With -l, leave out what releases need."),
        click.option("--include-needs", is_flag=True, help="With -l, also take what the selected releases need."),
        click.option("--include-transitive-needs", is_flag=True, help="Like --include-needs, needs of needs too."),
    )


class ReleaseCommandFlags(TypedDict):
    """ReleaseCommandOptions' fields as the shared flags give them: typed, so that mypy checks the
    `**` that hands them to an option class."""

    args: str
    set_values: list[str]
    values_files: list[str]
    skip_deps: bool
    concurrency: int
    skip_needs: bool
    include_needs: bool
    include_transitive_needs: bool
    post_renderer: str
    post_renderer_args: list[str]


def release_command_options(kw: dict[str, Any]) -> ReleaseCommandFlags:
    """The shared flags' values, read from a command's keywords, named as ReleaseCommandOptions names them."""
    return ReleaseCommandFlags(
        args=str(kw["helm_args"]),
        set_values=list(kw["set_values"]),
        values_files=list(kw["values_files"]),
        skip_deps=bool(kw["skip_deps"]),
        concurrency=int(kw["concurrency"]),
        skip_needs=bool(kw["skip_needs"]),
        include_needs=bool(kw["include_needs"]),
        include_transitive_needs=bool(kw["include_transitive_needs"]),
        post_renderer=str(kw.get("post_renderer", "")),
        post_renderer_args=list(kw.get("post_renderer_args", ())),
    )


# template, diff, apply and sync (not lint, as in helmfile)
post_renderer_flags = flag_group(
    click.option(
        "--post-renderer", default="", help="helm --post-renderer where a release sets none (over helmDefaults')."
    ),
    click.option(
        "--post-renderer-args", multiple=True, help="helm --post-renderer-args (repeatable), chosen likewise."
    ),
)


skip_cleanup_flag = click.option(
    "--skip-cleanup", is_flag=True, help="Accepted for compatibility; decrypted values are always removed."
)
