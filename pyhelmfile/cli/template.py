"""`pyhelmfile template`."""

from __future__ import annotations

import click

from pyhelmfile.cli.options import global_options


@click.command("template")
@click.option("--args", "helm_args", default="", help="Extra arguments passed to helm template.")
@click.option("--set", "set_values", multiple=True, help="Additional --set for helm (repeatable).")
@click.option("--values", "values_files", multiple=True, help="Additional values file for helm (repeatable).")
@click.option("--output-dir", default="", help="Write manifests into this directory (helm template --output-dir).")
@click.option("--include-crds", is_flag=True, help="Include CRDs in the output.")
@click.option("--skip-tests", is_flag=True, help="Leave test manifests out.")
@click.option("--skip-deps", is_flag=True, help='Skip "helm repo add" and "helm dependency build".')
@click.option("--validate", is_flag=True, help="Validate manifests against the cluster (needs one).")
@click.option("--kube-version", default="", help="Kubernetes version for Capabilities.KubeVersion.")
@click.option("--show-only", multiple=True, help="Only these templates (repeatable).")
@click.option("--skip-needs/--no-skip-needs", default=True, help="With -l, leave out what selected releases need.")
@click.option("--include-needs", is_flag=True, help="With -l, also render what selected releases need.")
@click.option("--include-transitive-needs", is_flag=True, help="Like --include-needs, needs of needs too.")
@click.option("--concurrency", default=0, help="Helm processes at once (0: twice the CPUs).")
@click.option("--skip-cleanup", is_flag=True, help="Accepted for compatibility; decrypted values are always removed.")
@click.pass_context
def template_command(
    ctx: click.Context,
    helm_args: str,
    set_values: tuple[str, ...],
    values_files: tuple[str, ...],
    output_dir: str,
    include_crds: bool,
    skip_tests: bool,
    skip_deps: bool,
    validate: bool,
    kube_version: str,
    show_only: tuple[str, ...],
    skip_needs: bool,
    include_needs: bool,
    include_transitive_needs: bool,
    concurrency: int,
    skip_cleanup: bool,
) -> None:
    """Render the manifests of the selected releases with helm template."""
    from pyhelmfile.app.template import TemplateOptions, template

    options = TemplateOptions(
        args=helm_args,
        set_values=list(set_values),
        values_files=list(values_files),
        output_dir=output_dir,
        include_crds=include_crds,
        skip_tests=skip_tests,
        skip_deps=skip_deps,
        validate=validate,
        kube_version=kube_version,
        show_only=list(show_only),
        concurrency=concurrency,
        include_needs=include_needs,
        include_transitive_needs=include_transitive_needs,
        skip_needs=skip_needs,
    )
    template(global_options(ctx), options, lambda text: click.echo(text, nl=False))
