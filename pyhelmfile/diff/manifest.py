"""Helm manifest streams split into resources, keyed and normalised as helm-diff does.

A manifest stream is what `helm template` prints and what helm stores in a release (its
`.manifest` plus each hook's manifest): YAML documents separated by `---` lines, each usually
starting with a `# Source: chart/templates/x.yaml` comment. helm-diff (manifest/parse.go)
keys every object as "namespace, name, Kind (group)", where the namespace is the object's own
or, when it has none, the release namespace (for every object: helm-diff does not know which
kinds are cluster-scoped, and neither side of a diff does either, so keys still match).

Each object keeps two forms. `obj` is what its YAML reads as, normalised the way yaml.v2 reads
and writes it (helm-diff's `--normalize-manifests`), so comments, quoting, indentation and key
order never count in a verdict. `content` is what a diff shows: the document's text as
helm-diff cuts it from the stream without --normalize-manifests (which helmfile does not pass):
the stream is split at "\n---\n" and each piece trimmed, so the "# Source:" line, key order and
quoting stay as helm rendered them. An item of a `*List` is written again as yaml.v2 writes it,
keys in their order, as helm-diff does.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from pyhelmfile.errors import ManifestError
from pyhelmfile.golang import goyaml

HOOK_ANNOTATION = "helm.sh/hook"
RESOURCE_POLICY_ANNOTATION = "helm.sh/resource-policy"
BASE_NAME_ANNOTATION = "helm-diff/base-name"
# helm 3 runs `test` (and the helm 2 alias `test-success`) hooks only on `helm test`;
# `test-failure` is helm 2's other test event. helm-diff skips them unless --include-tests.
TEST_HOOKS = frozenset({"test", "test-success", "test-failure"})

# A document separator: `---` alone on its line (helm writes nothing after it; YAML allows a comment).
_SEPARATOR = re.compile(r"^---(?:[ \t].*)?$", re.MULTILINE)
_SOURCE = re.compile(r"^# Source: (.*?)[ \t]*$")

# Built-in kinds that live outside namespaces, by (group, kind); CRDs' own kinds are unknown here.
_CLUSTER_SCOPED = frozenset(
    {
        ("", "Namespace"),
        ("", "Node"),
        ("", "PersistentVolume"),
        ("", "ComponentStatus"),
        ("rbac.authorization.k8s.io", "ClusterRole"),
        ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
        ("apiextensions.k8s.io", "CustomResourceDefinition"),
        ("apiregistration.k8s.io", "APIService"),
        ("storage.k8s.io", "StorageClass"),
        ("storage.k8s.io", "CSIDriver"),
        ("storage.k8s.io", "CSINode"),
        ("storage.k8s.io", "VolumeAttachment"),
        ("scheduling.k8s.io", "PriorityClass"),
        ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
        ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"),
        ("admissionregistration.k8s.io", "MutatingAdmissionPolicy"),
        ("admissionregistration.k8s.io", "MutatingAdmissionPolicyBinding"),
        ("networking.k8s.io", "IngressClass"),
        ("networking.k8s.io", "IPAddress"),
        ("networking.k8s.io", "ServiceCIDR"),
        ("node.k8s.io", "RuntimeClass"),
        ("policy", "PodSecurityPolicy"),
        ("certificates.k8s.io", "CertificateSigningRequest"),
        ("certificates.k8s.io", "ClusterTrustBundle"),
        ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
        ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
        ("resource.k8s.io", "DeviceClass"),
        ("resource.k8s.io", "ResourceSlice"),
    }
)


@dataclass(frozen=True)
class Resource:
    """One Kubernetes object of a manifest, normalised."""

    api_version: str
    kind: str
    namespace: str  # its own, else the default one (as in helm-diff's key, cluster-scoped kinds too)
    name: str
    source: str  # the template path from helm's "# Source:" comment ('' if none)
    obj: Any  # the parsed object (plain dicts and lists), as its normalised text reads back
    hooks: tuple[str, ...] = ()  # the helm.sh/hook events, in order
    resource_policy: str = ""  # helm.sh/resource-policy ("keep": helm never deletes it)
    content: str = ""  # the document's text as helm-diff shows it ('' for an object made from `obj` only)

    @functools.cached_property
    def body(self) -> str:
        """The normalised YAML (yaml.v2's Marshal of `obj`), ending in a newline."""
        return goyaml.dump(self.obj)

    @functools.cached_property
    def text(self) -> str:
        """What a diff shows: `content`; for an object without it, the "# Source: ..." line (if any),
        then the normalised YAML."""
        if self.content:
            return self.content
        return f"# Source: {self.source}\n{self.body}" if self.source else self.body

    @property
    def group(self) -> str:
        """The API group ('' for the core group)."""
        return self.api_version.rpartition("/")[0]

    @property
    def key(self) -> str:
        """helm-diff's "namespace, name, Kind (group)", e.g. "default, web, Deployment (apps)".

        The group is the apiVersion without its version ("v1" for the core group), and the
        name is the helm-diff/base-name annotation when there is one, as helm-diff keys it.
        """
        api_base = self.group or self.api_version
        name = _annotations(self.obj).get(BASE_NAME_ANNOTATION)
        return f"{self.namespace}, {self.name if name is None else _text(name)}, {self.kind} ({api_base})"

    @property
    def is_hook(self) -> bool:
        return bool(self.hooks)

    @property
    def is_test(self) -> bool:
        return any(h in TEST_HOOKS for h in self.hooks)

    @property
    def cluster_scoped(self) -> bool:
        """Whether this is one of the built-in cluster-scoped kinds (custom resources: False)."""
        return (self.group, self.kind) in _CLUSTER_SCOPED


def parse_manifests(
    text: str,
    default_namespace: str,
    *,
    include_tests: bool = False,
    include_hooks: bool = True,
    memo: dict[str, list[Resource]] | None = None,
) -> dict[str, Resource]:
    """The resources of a helm manifest stream by key (helm-diff's manifest.Parse).

    Empty and comment-only documents are dropped, `*List` kinds are flattened into their
    items, test hooks are dropped unless `include_tests` (all hooks unless `include_hooks`).
    A key seen twice is a ManifestError naming it. The result keeps the stream's order.

    `memo` (document text -> its resources) is shared by streams parsed with the same default
    namespace, so that a document both sides of a diff hold is read once (resources are never
    changed after parsing, so sharing them is safe).
    """
    result: dict[str, Resource] = {}
    for content in _split(text):
        found = memo.get(content) if memo is not None else None
        if found is None:
            found = _parse_document(content, default_namespace)
            if memo is not None:
                memo[content] = found
        for res in found:
            if res.is_test and not include_tests:
                continue
            if res.is_hook and not include_hooks:
                continue
            if res.key in result:
                raise ManifestError(f'duplicate resource "{res.key}" in the manifest' + _from(res.source))
            result[res.key] = res
    return result


def _parse_document(content: str, default_namespace: str) -> list[Resource]:
    source = _source(content)
    try:
        # the fast reader for what manifests hold; what it leaves aside, and every error, is load's
        plain = goyaml.load_plain(content, floats=_normal_float)
    except (goyaml.NotPlain, goyaml.YAMLError):
        pass
    else:
        return _resources(plain, source, default_namespace, normal=True, content=content)
    try:
        loaded = goyaml.load(content)
    except goyaml.YAMLError as exc:
        where = f" (line {line} of its document)" if (line := goyaml.error_line(exc)) else ""
        raise ManifestError(
            f"cannot parse {source or 'a manifest document'}{where}: {goyaml.error_message(exc)}"
        ) from None
    return _resources(loaded, source, default_namespace, content=content)


def make_resource(obj: Any, *, source: str = "", default_namespace: str = "") -> Resource:
    """A Resource from an already parsed object (normalised the same way as parsed ones)."""
    found = list(_resources(obj, source, default_namespace))
    if len(found) != 1:
        raise ManifestError(f"expected one Kubernetes object, found {len(found)}" + _from(source))
    return found[0]


def with_object(res: Resource, obj: Any, content: str = "") -> Resource:
    """`res` with another object (same identity) and the text shown for it ('': written from `obj`); for masking."""
    return Resource(
        api_version=res.api_version,
        kind=res.kind,
        namespace=res.namespace,
        name=res.name,
        source=res.source,
        obj=obj,
        hooks=res.hooks,
        resource_policy=res.resource_policy,
        content=content,
    )


def _split(text: str) -> list[str]:
    """The stream's documents, trimmed, empty ones left out.

    First cut as helm-diff's scanner cuts it (at each "\n---\n", the stream read after a "\n"),
    which gives the text a diff shows; a piece that still holds a separator line YAML allows
    ("--- # comment", "---" at the very end) is cut there too, so that each document is read.
    """
    out: list[str] = []
    for piece in ("\n" + text.replace("\r\n", "\n")).split("\n---\n"):
        for doc in _SEPARATOR.split(piece) if _SEPARATOR.search(piece) else (piece,):
            content = doc.strip()
            if content:
                out.append(content)
    return out


def _source(content: str) -> str:
    """The "# Source:" path among the document's leading comment lines."""
    for line in content.splitlines():
        if not line.startswith("#"):
            break
        m = _SOURCE.match(line)
        if m:
            return m.group(1)
    return ""


def _from(source: str) -> str:
    return f" (from {source})" if source else ""


def _text(value: Any) -> str:
    """A scalar as the string yaml.v2 puts into a Go string field ('' for null)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return goyaml.dump(value).rstrip("\n")


def _metadata(obj: Any) -> dict[Any, Any]:
    meta = obj.get("metadata") if isinstance(obj, dict) else None
    return meta if isinstance(meta, dict) else {}


def _annotations(obj: Any) -> dict[Any, Any]:
    ann = _metadata(obj).get("annotations")
    return ann if isinstance(ann, dict) else {}


def _normal(value: Any) -> Any:
    """The value as reading back its yaml.v2 text gives it, in plain dicts and lists.

    Writing and reading back changes only floats: yaml.v2 writes 2.0 as `2`, which reads back
    as the int 2 (and 1e+21 stays a float). Strings, ints, booleans and nulls come back as they
    were, quoted where needed. Plain dicts rather than goyaml's LineDicts: smaller, and what
    DeepDiff and json expect.
    """
    if isinstance(value, dict):
        return {_normal(k): _normal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    if isinstance(value, float):
        return _normal_float(value)
    return value


def _normal_float(value: float) -> Any:
    return goyaml.resolve_number(goyaml.dump(value).rstrip("\n"))


def _resources(
    loaded: Any, source: str, default_namespace: str, *, normal: bool = False, content: str = ""
) -> list[Resource]:
    """The document's resources; `normal`: `loaded` is already as _normal gives it; `content`: its text."""
    if loaded is None:
        return []  # only comments: a template that rendered nothing
    if not isinstance(loaded, dict):
        # its type only: a manifest's text is never quoted in a message (it may hold secrets)
        kind_of = "a list" if isinstance(loaded, list) else "a scalar"
        raise ManifestError(f"a manifest document is {kind_of}, not a mapping{_from(source)}")
    api_version = _text(loaded.get("apiVersion"))
    kind = _text(loaded.get("kind"))
    if not api_version and not kind:
        return []  # helm-diff skips documents without them
    if kind.endswith("List"):
        items = loaded.get("items") or []
        if not isinstance(items, list):
            raise ManifestError(f"{kind}'s items are not a list{_from(source)}")
        out: list[Resource] = []
        for item in items:
            # helm-diff writes each item again (yaml.v2, keys in their order, no Source line) and reads that
            item_content = goyaml.dump(_in_order(item)).strip()
            out.extend(_resources(item, source, default_namespace, normal=normal, content=item_content))
        return out
    obj = loaded if normal else _normal(loaded)  # the object is exactly what its text says
    meta = _metadata(obj)
    ann = _annotations(obj)
    hooks = tuple(h.strip() for h in _text(ann.get(HOOK_ANNOTATION)).split(",") if h.strip())
    return [
        Resource(
            api_version=api_version,
            kind=kind,
            namespace=_text(meta.get("namespace")) or default_namespace,
            name=_text(meta.get("name")),
            source=source,
            obj=obj,
            hooks=hooks,
            resource_policy=_text(ann.get(RESOURCE_POLICY_ANNOTATION)),
            content=content,
        )
    ]


def _in_order(value: Any) -> Any:
    """`value` with its mappings written in their own key order (yaml.v2's MapSlice), not sorted."""
    if isinstance(value, dict):
        return goyaml.Struct((k, _in_order(v)) for k, v in value.items())
    if isinstance(value, list):
        return [_in_order(v) for v in value]
    return value
