"""`pyhelmfile template`."""

from __future__ import annotations

from typing import Any

import click

from pyhelmfile.cli.options import (
    post_renderer_flags,
    release_command_flags,
    release_command_options,
    run_options,
    skip_cleanup_flag,
)


@click.command("template")
@release_command_flags("helm template")
@post_renderer_flags
@click.option("--output-dir", default="", help="Write manifests under this directory, a directory per release.")
@click.option(
    "--output-dir-template",
    default="",
    help="Go template of each release's directory (default: {{ .OutputDir }}/{{ .State.BaseName }}-"
    "{{ .State.AbsPathSHA1 }}-{{ .Release.Name}}).",
)
@click.option("--include-crds", is_flag=True, help="Include CRDs in the output.")
@click.option("--skip-tests", is_flag=True, help="Leave test manifests out.")
@click.option("--validate", is_flag=True, help="Validate manifests against the cluster (needs one).")
@click.option("--kube-version", default="", help="Kubernetes version for Capabilities.KubeVersion.")
@click.option("--show-only", multiple=True, help="Only these templates (repeatable).")
@skip_cleanup_flag
@click.pass_context
def template_command(ctx: click.Context, /, **kw: Any) -> None:
    """Render the manifests of the selected releases with helm template."""
    from pyhelmfile.app.run.release_options import TemplateOptions
    from pyhelmfile.app.template import template

    opts = run_options(ctx)
    options = TemplateOptions(
        **release_command_options(kw),
        output_dir=kw["output_dir"],
        output_dir_template=kw["output_dir_template"],
        include_crds=kw["include_crds"],
        skip_tests=kw["skip_tests"],
        validate=kw["validate"],
        kube_version=kw["kube_version"],
        show_only=list(kw["show_only"]),
    )
    template(opts, options, lambda text: click.echo(text, nl=False))
