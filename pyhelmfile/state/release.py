"""Releases after loading: template inheritance, `.Release` templating, overrides, selection.

Mirrors helmfile 0.166.0's ExecuteTemplates, GetReleasesWithOverrides and
markExcludedReleases, in the order its app applies them.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

from pyhelmfile.errors import ConfigError
from pyhelmfile.golang import goyaml
from pyhelmfile.gotmpl import TemplateError
from pyhelmfile.state import kubecontext
from pyhelmfile.state.environment import yaml_roundtrip
from pyhelmfile.state.loader import HelmState, cast_keys_to_strings
from pyhelmfile.state.merge import merge_spec
from pyhelmfile.state.render import Renderer
from pyhelmfile.state.spec import ReleaseSpec

MAX_TEMPLATE_PASSES = 6
_INHERIT_EXCEPT = {
    "labels": ("labels", dict),
    "values": ("values", list),
    "valuesTemplate": ("values_template", list),
    "setTemplate": ("set_values_template", list),
    "set": ("set_values", list),
    "secrets": ("secrets", list),
}


def release_template_data(st: HelmState, release: ReleaseSpec, values: dict[str, Any]) -> dict[str, Any]:
    """helmfile's releaseTemplateData: what a release's templates see."""
    return {
        "Environment": st.env.template_data(),
        "KubeContext": st.spec.kube_context,
        "Namespace": st.spec.namespace,
        "Chart": st.spec.chart,
        "Values": values,
        "StateValues": values,
        "Release": {
            "Name": release.name,
            "Namespace": release.namespace,
            "Labels": release.labels,
            "Chart": release.chart,
            "KubeContext": release.kube_context,
        },
    }


def with_inherited_templates(st: HelmState, release: ReleaseSpec, path: tuple[str, ...] = ()) -> ReleaseSpec:
    """The release with the `templates:` it inherits merged under it (releaseWithInheritedTemplate)."""
    merged = ReleaseSpec()
    for inherit in release.inherit:
        name = inherit.template
        if not name:
            return release
        if name in path:
            chain = "->".join((*path, name))
            raise ConfigError(
                f"unable to load release {release.name!r} with template: cyclic inheritance detected: {chain}"
            )
        template = st.spec.templates.get(name)
        if template is None:
            raise ConfigError(f"release {release.name!r} tried to inherit inexistent release template {name!r}")
        source = with_inherited_templates(st, copy.deepcopy(template), (*path, name))
        for key in inherit.except_:
            if key not in _INHERIT_EXCEPT:
                allowed = ", ".join(f'"{k}"' for k in _INHERIT_EXCEPT)
                raise ConfigError(f'"{key}" is not allowed under `inherit`. Allowed values are {allowed}')
            attr, empty = _INHERIT_EXCEPT[key]
            setattr(source, attr, empty())
        merge_spec(merged, _as_release(source), override=False, append=True)
    merge_spec(merged, copy.deepcopy(release), override=False, append=True)
    merged.inherit = []
    return merged


def _as_release(spec: ReleaseSpec) -> ReleaseSpec:
    fields = {f.name: getattr(spec, f.name) for f in dataclasses.fields(ReleaseSpec)}
    return ReleaseSpec(**fields)


class _Expander:
    """ExecuteTemplateExpressions: one templating pass over a release's templated fields."""

    def __init__(self, st: HelmState, data: dict[str, Any], release_name: str) -> None:
        self.renderer = Renderer(st.base_path, data)
        self.release_name = release_name

    def __call__(self, text: str, field_name: str) -> str:
        try:
            return self.renderer.render(text)
        except TemplateError as exc:
            raise ConfigError(
                f'failed executing template expressions in release "{self.release_name}".{field_name} = "{text}": {exc}'
            ) from None

    def expand(self, release: ReleaseSpec) -> ReleaseSpec:
        r = _clone(release)
        r.name = self(r.name, "name")
        r.chart = self(r.chart, "chart")
        r.namespace = self(r.namespace, "namespace")
        r.version = self(r.version, "version")
        for attr in ("wait_template", "installed_template", "verify_template"):
            text = getattr(r, attr)
            if text is not None:
                setattr(r, attr, self(text, "version"))
        for key, value in list(r.labels.items()):
            r.labels[key] = self(value, f"labels[{key}]")
        if r.values_template:
            for i, entry in enumerate(r.values_template):
                if isinstance(entry, dict):
                    rendered = self(goyaml.dump(entry), f"values[{i}]")
                    loaded = goyaml.load(rendered) or {}
                    r.values_template[i] = cast_keys_to_strings(loaded, f'release "{r.name}"')
            r.values = [*r.values_template, *r.values]
        for i, entry in enumerate(r.values):
            if isinstance(entry, str):
                r.values[i] = self(entry, f"values[{i}]")
            elif isinstance(entry, dict):
                r.values[i] = cast_keys_to_strings(entry, f'release "{r.name}"')
        for i, entry in enumerate(r.secrets):
            if isinstance(entry, str):
                r.secrets[i] = self(entry, f"secrets[{i}]")
        if r.set_values_template:
            for i, sv in enumerate(r.set_values_template):
                sv.name = self(sv.name, f"set[{i}].name")
                sv.value = self(sv.value, f"set[{i}].value")
                sv.file = self(sv.file, f"set[{i}].file")
                sv.values = [self(v, f"set[{i}].values[{j}]") for j, v in enumerate(sv.values)]
            r.set_values = [*r.set_values_template, *r.set_values]
        r.needs = [self(n, f"needs[{i}]") for i, n in enumerate(r.needs)]
        return r


def _clone(release: ReleaseSpec) -> ReleaseSpec:
    """helmfile clones through a YAML round trip, which is also what turns 1.0 into 1 in values."""
    clone = copy.deepcopy(release)
    clone.values = yaml_roundtrip(clone.values)
    clone.values_template = yaml_roundtrip(clone.values_template)
    return clone


def _template_bool(text: str, field_name: str, st: HelmState, release: ReleaseSpec) -> bool:
    value = goyaml.load(text)
    if not isinstance(value, bool):
        raise ConfigError(
            f'failed executing templates in release "{release.name}": {field_name}: '
            f"failed deserialising string {text!r}: not a boolean",
            path=st.file_path,
        )
    return value


def execute_templates(st: HelmState) -> HelmState:
    """Render every release's templated fields until they stop changing (at most 6 passes)."""
    values = st.rendered_values
    releases = []
    for original in st.spec.releases:
        release = with_inherited_templates(st, original)
        release.kube_context = kubecontext.release_default(release, st.spec.helm_defaults)
        for key, value in st.spec.common_labels.items():
            release.labels[key] = value
        if not release.api_versions:
            release.api_versions = list(st.spec.api_versions)
        if not release.kube_version:
            release.kube_version = st.spec.kube_version
        previous = release
        for _ in range(MAX_TEMPLATE_PASSES):
            expanded = _Expander(st, release_template_data(st, previous, values), release.name).expand(release)
            if expanded == previous:
                break
            previous = expanded
        else:
            raise ConfigError(
                f'failed executing templates in release "{st.file_path}"."{release.name}": '
                "recursive references can't be resolved"
            )
        for attr, target, label in (
            ("installed_template", "installed", "installedTemplate"),
            ("wait_template", "wait", "waitTemplate"),
            ("verify_template", "verify", "verifyTemplate"),
        ):
            text = getattr(expanded, attr)
            if text is not None:
                setattr(expanded, target, _template_bool(text, label, st, expanded))
                setattr(expanded, attr, None)
        if not expanded.chart:
            raise ConfigError(f"encountered empty chart while reading release {expanded.name!r}")
        releases.append(expanded)
    return dataclasses.replace(st, spec=dataclasses.replace(st.spec, releases=releases))


def reformat_needs(st: HelmState, release: ReleaseSpec) -> list[str]:
    """`needs` entries as release IDs ([kubeContext/]namespace/name), as helmfile's reformat."""
    needs = []
    for need in release.needs:
        components = need.split("/")
        name = components[-1]
        namespace = components[-2] if len(components) > 1 else release.namespace
        context = "/".join(components[:-2]) if len(components) > 2 else release.kube_context
        parts = [context] if context else []
        if context or namespace:
            parts.append(namespace)
        parts.append(name)
        needs.append("/".join(parts))
    return needs


def with_overrides(st: HelmState) -> list[ReleaseSpec]:
    """GetReleasesWithOverrides: --kube-context/--namespace applied, needs as IDs."""
    result = []
    for release in st.spec.releases:
        spec = copy.copy(release)
        spec.kube_context = kubecontext.override(spec, st.spec)
        if st.spec.namespace:
            spec.namespace = st.spec.namespace
        spec.needs = reformat_needs(st, spec)
        result.append(spec)
    return result


def check_duplicates(releases: list[ReleaseSpec]) -> None:
    counts: dict[tuple[str, str, str], int] = {}
    for release in releases:
        key = (release.namespace, release.name, release.kube_context)
        counts[key] = counts.get(key, 0) + 1
    for (namespace, name, context), count in counts.items():
        if count > 1:
            where = f" in namespace {namespace!r}" if namespace else ""
            where += f" in kubecontext {context!r}" if context else ""
            raise ConfigError(
                f'duplicate release "{name}" found{where}: there were {count} releases named "{name}" '
                "matching specified selector"
            )
