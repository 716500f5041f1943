"""A release's values documents, in helmfile's order: `values:` entries, then `secrets:`.

Files are resolved relative to the state file (after `valuesPathPrefix`), rendered with the
release's template data when they end in `.gotmpl`, and inline maps are written as YAML.
Secrets are decrypted with sops into memory, and vals `ref+` references in values files and
inline values are evaluated (pyhelmfile.secrets.vals): plaintext never touches the disk here
(the helm layer decides where, if anywhere, documents are written for helm).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pyhelmfile.errors import ConfigError
from pyhelmfile.golang import goyaml
from pyhelmfile.state.loader import HelmState
from pyhelmfile.state.merge import merge_values
from pyhelmfile.state.release import release_template_data
from pyhelmfile.state.render import Renderer
from pyhelmfile.state.spec import ReleaseSpec

Decrypt = Callable[[str], str]


@dataclass(frozen=True)
class ValuesDocument:
    """One values document for a release: where it came from and its YAML text."""

    source: str
    text: str
    secret: bool = False


def resolve_values_path(st: HelmState, release: ReleaseSpec, kind: str, entry: str) -> str | None:
    """The one file a release's values/secrets entry names (after valuesPathPrefix); None if skipped."""
    paths = st.storage().resolve(release.missing_file_handler, kind, release.values_path_prefix + entry)
    if paths is None:
        return None
    if len(paths) > 1:
        raise ConfigError(
            "glob patterns in release values and secrets is not supported yet. please submit a feature request "
            "if necessary",
            path=st.file_path,
        )
    return paths[0]


def render_values_file(st: HelmState, release: ReleaseSpec, path: str) -> str:
    """RenderReleaseValuesFileToBytes: a `.gotmpl` file rendered with the release's data, others as they are.

    A file that mentions `ref+` is then parsed, its vals references evaluated, and written again.
    """
    return _render_values_file(st, release, path)[0]


def _render_values_file(st: HelmState, release: ReleaseSpec, path: str) -> tuple[str, bool]:
    """The values file's text, and whether it holds values of vals references (evaluated in it or by its template)."""
    data = release_template_data(st, release, st.rendered_values)
    text = Renderer(os.path.dirname(path), data, workdir=st.base_path).render_file(path)
    if "ref+" not in text:
        return text, path.endswith(".gotmpl") and _calls_secret_functions(path)
    try:
        loaded = goyaml.load(text)
    except goyaml.YAMLError:
        return text, False  # reported with the file's name when the documents are merged
    if not isinstance(loaded, dict):
        return text, False
    return goyaml.dump(_eval_refs(st, loaded, path)), True


def _calls_secret_functions(path: str) -> bool:
    """A template that fetches secrets (fetchSecretValue, expandSecretRefs) renders them into its document."""
    with open(path, encoding="utf-8") as fh:
        source = fh.read()
    return "fetchSecretValue" in source or "expandSecretRefs" in source


def _eval_refs(st: HelmState, values: dict[str, Any], source: str) -> dict[str, Any]:
    """vals' Eval of a values map; relative `ref+file://`/`ref+sops://` paths from the state file's directory."""
    from pyhelmfile.errors import SecretsError
    from pyhelmfile.secrets.vals import runtime

    try:
        expanded: dict[str, Any] = runtime().eval(values, st.base_path)
    except SecretsError as exc:
        raise ConfigError(f"expanding secret references: {exc.message}", path=source) from None
    return expanded


def set_value(st: HelmState, text: str) -> str:
    """A release's `set:` value with its vals references evaluated (helmfile's renderValsSecrets)."""
    if "ref+" not in text:
        return text
    from pyhelmfile.errors import SecretsError
    from pyhelmfile.secrets.vals import runtime

    try:
        return runtime().expand(text, st.base_path)
    except SecretsError as exc:
        raise ConfigError(f"expanding secret references in set: {exc.message}", path=st.file_path) from None


def values_documents(st: HelmState, release: ReleaseSpec, decrypt: Decrypt) -> list[ValuesDocument]:
    """generateValuesFiles, in memory."""
    documents: list[ValuesDocument] = []
    for entry in release.values:
        if isinstance(entry, str):
            path = resolve_values_path(st, release, "values", entry)
            if path is not None:
                text, expanded = _render_values_file(st, release, path)
                # with its vals references evaluated, the file holds their (secret) values
                documents.append(ValuesDocument(path, text, secret=expanded))
        elif isinstance(entry, dict):
            source = f"{st.file_path} (inline values)"
            text = goyaml.dump(entry)
            if "ref+" in text:  # helmfile evaluates inline values too (generateVanillaValuesFiles)
                documents.append(ValuesDocument(source, goyaml.dump(_eval_refs(st, entry, source)), secret=True))
            else:
                documents.append(ValuesDocument(source, text))
        else:
            raise ConfigError(f"unexpected type of value: value={entry!r}", path=st.file_path)
    for entry in release.secrets:
        if isinstance(entry, str):
            path = resolve_values_path(st, release, "secrets", entry)
            if path is None:
                continue
            documents.append(ValuesDocument(path, decrypt(path), secret=True))
        else:
            raise ConfigError("inline secrets are not supported; put them in a sops-encrypted file", path=st.file_path)
    return documents


def merged_values(documents: list[ValuesDocument], extra_files: list[str] = ()) -> dict[str, Any]:  # type: ignore[assignment]
    """The documents (and extra plain files) merged in order, as write-values merges them."""
    merged: dict[str, Any] = {}
    texts = [(d.source, d.text) for d in documents]
    for path in extra_files:
        try:
            with open(path, encoding="utf-8") as fh:
                texts.append((path, fh.read()))
        except OSError as exc:
            raise ConfigError(f"reading values file: {exc.strerror}", path=path) from None
    for source, text in texts:
        try:
            loaded = goyaml.load(text)
        except goyaml.YAMLError as exc:
            raise ConfigError(f"unmarshalling yaml: {goyaml.error_message(exc)}", path=source) from None
        if loaded is None:
            continue
        if not isinstance(loaded, dict):
            raise ConfigError("unmarshalling yaml: the document is not a map", path=source)
        merge_values(merged, loaded)
    return merged
