"""`template`: render every selected release's manifests with `helm template`, as helmfile does.

Order and selection follow helmfile's: releases picked by the selectors (and, on request,
what they need), planned by `needs` into groups, rendered group by group in definition
order; repositories are added once and local charts' dependencies built once per run
(app/run/prepare.py). Values documents (secrets decrypted) live only in a private temporary
directory that is removed however the command ends.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable

from pyhelmfile import log
from pyhelmfile.app.run import helmargs
from pyhelmfile.app.run.options import RunOptions
from pyhelmfile.app.run.parallel import run_parallel
from pyhelmfile.app.run.plan import planned
from pyhelmfile.app.run.prepare import Preparation
from pyhelmfile.app.run.release_options import TemplateOptions
from pyhelmfile.app.run.visit import StateVisitor
from pyhelmfile.errors import ConfigError
from pyhelmfile.helm.exec import Helm, short_lived
from pyhelmfile.state.loader import HelmState
from pyhelmfile.state.spec import ReleaseSpec

# helmfile's default for `template --output-dir`: a directory per state file and release
DEFAULT_OUTPUT_DIR_TEMPLATE = "{{ .OutputDir }}/{{ .State.BaseName }}-{{ .State.AbsPathSHA1 }}-{{ .Release.Name}}"


def release_output_dir(st: HelmState, release: ReleaseSpec, output_dir: str, template: str) -> str:
    """helmfile's GenerateOutputDir: where helm template writes a release's manifests, relative to the state
    file's directory (helm runs there) unless absolute."""
    import hashlib

    from pyhelmfile import gotmpl
    from pyhelmfile.app.run.hooks import release_struct

    name = os.path.basename(st.file_path)  # helmfile loads each state file from within its directory
    absolute = os.path.abspath(st.file_path)
    state = {
        "BaseName": os.path.splitext(name)[0],
        "Path": name,
        "AbsPath": absolute,
        "AbsPathSHA1": hashlib.sha1(absolute.encode()).hexdigest()[:8],
    }
    try:
        parsed = gotmpl.Template("output-dir", template or DEFAULT_OUTPUT_DIR_TEMPLATE, {})
    except gotmpl.TemplateError:
        raise ConfigError("parsing output-dir template") from None
    try:
        return str(parsed.execute({"OutputDir": output_dir, "State": state, "Release": release_struct(release)}))
    except gotmpl.TemplateError as exc:
        raise ConfigError(f"executing output-dir template: {exc}") from None


def release_flags(prep: Preparation, st: HelmState, release: ReleaseSpec, opts: TemplateOptions) -> list[str]:
    """The release's `helm template` flags (run/helmargs.py); its --output-dir made first."""
    values = prep.values_flags(st, release) + helmargs.cli_values(st.base_path, opts.values_files, opts.set_values)
    directory = ""
    if opts.output_dir or opts.output_dir_template:
        directory = release_output_dir(st, release, opts.output_dir, opts.output_dir_template)
        os.makedirs(os.path.join(st.base_path, directory), exist_ok=True)  # helm runs in the state's directory
    return helmargs.template(release, st.spec.helm_defaults, opts, values=values, output_dir=directory)


def _render(helm: Helm, release: ReleaseSpec, chart: str, flags: list[str]) -> str:
    return short_lived(helm).run("template", release.name, chart, *flags).stdout


def template(opts: RunOptions, topts: TemplateOptions, write: Callable[[str], object]) -> None:
    """Render the selected releases; `write` receives each release's manifests, in helmfile's order."""
    with Preparation(opts, topts.prepare()) as prep:

        def render(st: HelmState) -> bool:
            to_render = [r for batch in planned(st, topts) for r in batch]
            if not to_render:
                return False
            helm = prep.helm(st)
            prep.charts(st, helm, to_render)
            jobs = [
                functools.partial(_render, helm, r, prep.chart(st, r), release_flags(prep, st, r, topts))
                for r in to_render
            ]
            labels = [f"Templating release={r.name}" for r in to_render]
            for release, out in zip(to_render, run_parallel(jobs, topts.concurrency, labels), strict=True):
                log.info("Templating release=%s, chart=%s", release.name, prep.chart(st, release))
                if topts.output_dir or topts.output_dir_template:
                    if out.strip():
                        log.info("%s", out.rstrip("\n"))
                elif out:
                    write(out + "\n")  # helmfile prints each release's output followed by a newline
            return True

        StateVisitor(opts, select_releases=False).run(render)
