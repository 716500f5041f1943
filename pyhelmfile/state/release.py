"""Releases after loading: template inheritance, `.Release` templating, overrides, selection.

Mirrors helmfile 0.166.0's ExecuteTemplates, GetReleasesWithOverrides and
markExcludedReleases, in the order its app applies them.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from typing import Any

from pyhelmfile.errors import ConfigError
from pyhelmfile.golang import goyaml
from pyhelmfile.gotmpl import TemplateError
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


def desired(release: ReleaseSpec) -> bool:
    """Whether the release should be installed (`installed:` unset means yes)."""
    return release.installed is None or release.installed


def release_id(release: ReleaseSpec) -> str:
    """helmfile's ReleaseToID: [kubeContext/]namespace/name, with empty parts kept apart."""
    parts = []
    if release.kube_context:
        parts.append(release.kube_context)
    if release.namespace or release.kube_context:
        parts.append(release.namespace)
    parts.append(release.name)
    return "/".join(parts)


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
        if not release.kube_context:
            release.kube_context = st.spec.helm_defaults.kube_context
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
        if st.spec.kube_context:
            spec.kube_context = st.spec.kube_context
        if st.spec.namespace:
            spec.namespace = st.spec.namespace
        spec.needs = reformat_needs(st, spec)
        result.append(spec)
    return result


# --- selectors --------------------------------------------------------------------------------

_NEGATIVE = re.compile(r"^[a-zA-Z0-9_./+-]+!=[a-zA-Z0-9_./+-]+$")
_POSITIVE = re.compile(r"^[a-zA-Z0-9_./+-]+=[a-zA-Z0-9_./+-]+$")


class LabelFilter:
    """One `-l` selector: all of its `k=v` must hold and none of its `k!=v` may be violated."""

    __slots__ = ("negative", "positive", "text")  # not a dataclass: those cost start-up time

    def __init__(
        self, positive: tuple[tuple[str, str], ...], negative: tuple[tuple[str, str], ...], text: str = ""
    ) -> None:
        self.positive = positive
        self.negative = negative
        self.text = text  # as given on the command line

    @classmethod
    def parse(cls, text: str) -> LabelFilter:
        positive, negative = [], []
        for label in text.split(","):
            if _NEGATIVE.match(label):
                key, value = label.split("!=", 1)
                negative.append((key, value))
            elif _POSITIVE.match(label):
                key, value = label.split("=", 1)
                positive.append((key, value))
            else:
                raise ConfigError(f"malformed label: {label}. Expected label in form k=v or k!=v")
        return cls(tuple(positive), tuple(negative), text)

    def match(self, labels: dict[str, str]) -> bool:
        return self.mismatch(labels) is None

    def mismatch(self, labels: dict[str, str]) -> str | None:
        """Why these labels do not match (the first label that fails), or None when they do."""
        for key, value in self.positive:
            if key not in labels:
                return f'no label "{key}"'
            if labels[key] != value:
                return f'{key} is "{labels[key]}"'
        for key, value in self.negative:
            if labels.get(key) == value:
                return f'{key} is "{value}"'
        return None


def condition_enabled(release: ReleaseSpec, values: dict[str, Any]) -> bool:
    """`condition: foo.enabled` looked up in the environment values."""
    if not release.condition:
        return True
    keys = release.condition.split(".")
    if keys[-1] != "enabled":
        raise ConfigError(
            f"failed to parse condition in release {release.name}: Condition value must be in the form "
            "'foo.enabled' where 'foo' can be modified as necessary"
        )
    current: Any = values
    seen = ""
    for key in keys[:-1]:
        seen = f"{seen}.{key}"
        if key not in current:
            raise ConfigError(
                f"failed to parse condition in release {release.name}: environment values field '{seen}' not found"
            )
        current = current[key]
        if not isinstance(current, dict):
            raise ConfigError(
                f"failed to parse condition in release {release.name}: environment values field '{seen}' is not a map"
            )
    enabled = current.get("enabled")
    return enabled is True


class Selected:
    """A release and whether the selectors or its condition leave it out."""

    __slots__ = ("filtered", "release")  # not a dataclass: those cost start-up time

    def __init__(self, release: ReleaseSpec, filtered: bool) -> None:
        self.release = release
        self.filtered = filtered


def mark_excluded(
    releases: list[ReleaseSpec],
    selectors: list[str],
    common_labels: dict[str, str],
    values: dict[str, Any],
    include_transitive_needs: bool,
) -> list[Selected]:
    """markExcludedReleases: which releases the selectors and conditions leave out."""
    filters = [LabelFilter.parse(s) for s in selectors]
    result = []
    for release in releases:
        labels = release.labels
        if filters:
            # Implicit labels; helmfile writes them into the release's own label map.
            labels["name"] = release.name
            labels["namespace"] = release.namespace
            labels["chart"] = release.chart.split("/")[-1]
            labels.update(common_labels)
        matched = any(f.match(labels) for f in filters)
        filtered = (bool(filters) and not matched) or not condition_enabled(release, values)
        result.append(Selected(release, filtered))
    if include_transitive_needs:
        needed: set[str] = set()
        for selected in result:
            if not selected.filtered:
                _collect_needs(selected.release, releases, needed)
        for selected in result:
            if release_id(selected.release) in needed:
                selected.filtered = False
    return result


def _collect_needs(release: ReleaseSpec, releases: list[ReleaseSpec], needed: set[str]) -> None:
    for need in release.needs:
        if need in needed:
            continue
        needed.add(need)
        name = need.split("/")[-1]
        for other in releases:
            if other.name == name:
                _collect_needs(other, releases, needed)


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
