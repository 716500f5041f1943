"""`write-values`: each selected release's merged values, written to a file.

Unlike helmfile, no chart is prepared first (no `helm repo add`, no `helm dependency
build`): the merged values do not depend on the chart, so that work is skipped.
"""

from __future__ import annotations

import hashlib
import os
from typing import Any

from pyhelmfile import log
from pyhelmfile.app.run.options import RunOptions
from pyhelmfile.app.run.visit import StateVisitor
from pyhelmfile.errors import ConfigError
from pyhelmfile.golang import goyaml
from pyhelmfile.state.loader import HelmState
from pyhelmfile.state.spec import ReleaseSpec, desired
from pyhelmfile.state.values import merged_values, values_documents

DEFAULT_OUTPUT_TEMPLATE = "{{ .State.BaseName }}-{{ .State.AbsPathSHA1 }}/{{ .Release.Name }}.yaml"


def output_path(st: HelmState, release: ReleaseSpec, template: str) -> str:
    """GenerateOutputFilePath: the template rendered with .State, .Release and .Environment."""
    from pyhelmfile.gotmpl import Template, TemplateError

    file_name = os.path.basename(st.file_path)
    base_name = file_name[: len(file_name) - len(os.path.splitext(file_name)[1])]
    abs_path = os.path.abspath(st.file_path)
    data: dict[str, Any] = {
        "State": {
            "BaseName": base_name,
            "Path": file_name,
            "AbsPath": abs_path,
            "AbsPathSHA1": hashlib.sha1(abs_path.encode()).hexdigest()[:8],
        },
        "Release": {
            "Name": release.name,
            "Namespace": release.namespace,
            "Chart": release.chart,
            "Version": release.version,
            "Labels": release.labels,
            "KubeContext": release.kube_context,
        },
        "Environment": st.env.template_data(),
    }
    try:
        rendered = Template("output-file", template or DEFAULT_OUTPUT_TEMPLATE, missingkey="default").execute(data)
    except TemplateError as exc:
        raise ConfigError(f"output-file template: {exc}") from None
    # helmfile runs inside the state file's directory, so relative outputs land there.
    return rendered if os.path.isabs(rendered) else os.path.join(st.base_path, rendered)


def write_values(opts: RunOptions, output_file_template: str, extra_values: list[str]) -> list[str]:
    """Write every selected, installed release's merged values; returns the files written."""
    from pyhelmfile.secrets.sops import decrypt_file

    written: list[str] = []

    def write(st: HelmState) -> bool:
        releases = [r for r in st.spec.releases if desired(r)]
        for release in releases:
            documents = values_documents(st, release, decrypt_file)
            merged = merged_values(documents, extra_values)
            path = output_path(st, release, output_file_template)
            os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
            log.info("Writing values file %s", path)
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(goyaml.dump(merged))
            written.append(path)
        return True

    StateVisitor(opts).run(write)
    return written
