"""Chart repositories: where they are, their index.yaml, and the versions of one chart in them.

Four kinds, told apart by the URL:

- `http://` / `https://`: a served directory with `index.yaml` (helm's classic repository);
- a directory path or `file://path`: the same on disk (what `helm repo index DIR` writes);
- `s3://bucket/prefix`: the helm-s3 plugin's layout, read natively (pyhelmfile.helm.s3);
- `oci://host/path`: an OCI registry; a chart's versions are its tags (pyhelmfile.helm.oci);
- the name of a repository added with `helm repo add` (`linoapp` or `@linoapp`).

Like helm, entries whose version is not valid SemVer (Masterminds NewVersion, e.g.
`v0.3.6-08650`) are skipped with a warning instead of failing the whole index.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from pyhelmfile.errors import HelmError
from pyhelmfile.golang import semver
from pyhelmfile.helm.paths import repositories_config

INDEX = "index.yaml"

RepoKind = Literal["http", "dir", "s3", "oci"]


@dataclass(frozen=True)
class RepoRef:
    kind: RepoKind
    url: str  # as the user wrote it, without a trailing "/"

    @classmethod
    def parse(cls, text: str) -> RepoRef:
        """A URL or directory, or the name of a repository added with `helm repo add` (`name` or `@name`)."""
        text = text.strip()
        if not text:
            raise HelmError("empty chart repository URL")
        scheme = urllib.parse.urlsplit(text).scheme.lower()
        if text.startswith("@") or (scheme == "" and _REPO_NAME.fullmatch(text) and not Path(text).exists()):
            url = named_repository(text.removeprefix("@"))
            if url is not None:
                return cls.parse(url)
            if text.startswith("@"):
                raise HelmError(f"no helm repository named {text[1:]!r} in {repositories_config()}")
        if scheme in ("http", "https"):
            return cls("http", text.rstrip("/"))
        if scheme == "s3":
            return cls("s3", text.rstrip("/"))
        if scheme == "oci":
            return cls("oci", text.rstrip("/"))
        if scheme == "file" or scheme == "" or (len(scheme) == 1 and text[1:3] in (":\\", ":/")):
            return cls("dir", text.rstrip("/") or "/")
        raise HelmError(f"unsupported chart repository URL {text!r} (http(s)://, s3://, oci:// or a directory)")

    @property
    def path(self) -> Path:
        """The directory of a `dir` repository."""
        if self.url.startswith("file://"):
            return Path(urllib.parse.unquote(urllib.parse.urlsplit(self.url).path))
        return Path(self.url)


_REPO_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def named_repository(name: str) -> str | None:
    """The URL of the repository `helm repo add NAME URL` saved (with its basic-auth credentials)."""
    try:
        doc = yaml.safe_load(repositories_config().read_text())
    except (OSError, yaml.YAMLError):
        return None
    repos = doc.get("repositories") if isinstance(doc, dict) else None
    for repo in repos if isinstance(repos, list) else []:
        if isinstance(repo, dict) and repo.get("name") == name and repo.get("url"):
            url = str(repo["url"])
            user, password = repo.get("username"), repo.get("password")
            parts = urllib.parse.urlsplit(url)
            if user and parts.scheme in ("http", "https") and parts.username is None:
                auth = urllib.parse.quote(str(user), safe="") + ":" + urllib.parse.quote(str(password or ""), safe="")
                url = urllib.parse.urlunsplit(parts._replace(netloc=f"{auth}@{parts.netloc}"))
            return url
    return None


def _load_yaml(data: bytes, source: str) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        doc = yaml.load(data, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise HelmError(f"{source}: invalid index.yaml{where}") from None
    if doc is None:
        return {"apiVersion": "v1", "entries": {}}
    if not isinstance(doc, dict):
        raise HelmError(f"{source}: index.yaml is not a mapping")
    entries = doc.get("entries")
    if entries is None:
        doc["entries"] = {}
    elif not isinstance(entries, dict):
        raise HelmError(f"{source}: index.yaml `entries` is not a mapping")
    return doc


@dataclass
class IndexFile:
    """A repository's index.yaml as read, with what a conditional write needs."""

    doc: dict[str, Any]
    source: str
    etag: str | None = None  # s3: the ETag it was read with
    exists: bool = True

    def entries(self, name: str) -> list[dict[str, Any]]:
        items = self.doc.get("entries", {}).get(name) or []
        return [e for e in items if isinstance(e, dict)]


def read_index(repo: RepoRef, *, warnings: list[str] | None = None) -> IndexFile:
    """index.yaml of an http, dir or s3 repository.

    An http repository without one is an error; a directory or S3 prefix without one is an
    empty repository (a warning says so), since that is what a fresh one looks like.
    """
    if repo.kind == "http":
        from pyhelmfile.helm import http

        url = f"{repo.url}/{INDEX}"
        resp = http.get(url, what="chart repository", display=repo.url)
        if resp.status == 404:
            raise HelmError(f"chart repository {http.redact(repo.url)} has no index.yaml (HTTP 404)")
        if resp.status != 200:
            raise HelmError(f"chart repository {http.redact(repo.url)}: GET index.yaml failed (HTTP {resp.status})")
        return IndexFile(_load_yaml(resp.body, http.redact(repo.url)), repo.url)
    if repo.kind == "dir":
        directory = repo.path
        if not directory.is_dir():
            hint = " (nor a helm repository name)" if _REPO_NAME.fullmatch(repo.url) else ""
            raise HelmError(f"chart repository {repo.url}: no such directory{hint}")
        index = directory / INDEX
        if not index.is_file():
            if warnings is not None:
                warnings.append(f"chart repository {repo.url} has no index.yaml; treating it as empty")
            return IndexFile(new_index_doc(), repo.url, exists=False)
        return IndexFile(_load_yaml(index.read_bytes(), repo.url), repo.url)
    if repo.kind == "s3":
        from pyhelmfile.helm import s3

        location = s3.S3Location.parse(repo.url)
        found = s3.get_object(location, INDEX)
        if found is None:
            if warnings is not None:
                warnings.append(f"chart repository {repo.url} has no index.yaml; treating it as empty")
            return IndexFile(new_index_doc(), repo.url, exists=False)
        body, etag = found
        return IndexFile(_load_yaml(body, repo.url), repo.url, etag=etag)
    raise HelmError(f"{repo.url}: an OCI registry has no index.yaml")


@dataclass
class ChartVersions:
    """The valid versions of one chart in one repository, and what was skipped."""

    repo: RepoRef
    name: str
    versions: list[semver.Version] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def latest(self) -> semver.Version | None:
        return max(self.versions, default=None)


def _skip_message(name: str, version: object, source: str, exc: Exception) -> str:
    return (
        f'skipping invalid entry for chart "{name}" "{version}" from {source}: '
        f'chart.metadata.version "{version}" is invalid ({exc})'
    )


def list_versions(repo: RepoRef | str, name: str, *, plain_http: bool = False) -> ChartVersions:
    """Every valid version of chart `name` in the repository (no chart: an empty list)."""
    from pyhelmfile.helm.http import redact

    ref = RepoRef.parse(repo) if isinstance(repo, str) else repo
    result = ChartVersions(ref, name)
    shown = redact(ref.url)
    raw: list[object]
    if ref.kind == "oci":
        from pyhelmfile.helm import oci

        raw = [oci.tag_to_version(t) for t in oci.list_tags(oci.OciRef.parse(ref.url), name, plain_http=plain_http)]
    else:
        index = read_index(ref, warnings=result.warnings)
        raw = [entry.get("version") for entry in index.entries(name)]
    for version in raw:
        text = str(version) if isinstance(version, (str, int)) and not isinstance(version, bool) else None
        if text is None:
            result.warnings.append(_skip_message(name, version, shown, ValueError("not a string")))
            continue
        try:
            result.versions.append(semver.parse(text))
        except semver.InvalidVersion as exc:
            result.warnings.append(_skip_message(name, text, shown, exc))
    return result


# --- writing -------------------------------------------------------------------------------


def now_rfc3339() -> str:
    """Helm's `created`/`generated` timestamps: RFC 3339 in UTC with sub-second digits."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def new_index_doc() -> dict[str, Any]:
    return {"apiVersion": "v1", "entries": {}, "generated": now_rfc3339()}


def _parsed(entry: dict[str, Any]) -> semver.Version | None:
    try:
        return semver.parse(str(entry.get("version")))
    except semver.InvalidVersion:
        return None


def add_entry(doc: dict[str, Any], entry: dict[str, Any], *, replace: bool) -> bool:
    """Put `entry` into the index, newest version first (helm's SortEntries order).

    Returns False, changing nothing, when the version is already there and not `replace`.
    """
    name, version = str(entry["name"]), str(entry["version"])
    entries = doc.setdefault("entries", {})
    current = [e for e in (entries.get(name) or []) if isinstance(e, dict)]
    same = [e for e in current if str(e.get("version")) == version]
    if same and not replace:
        return False
    kept = [e for e in current if str(e.get("version")) != version] + [entry]
    parsed = [(_parsed(e), e) for e in kept]
    valid = sorted(((v, e) for v, e in parsed if v is not None), key=lambda pair: pair[0], reverse=True)
    entries[name] = [e for _, e in valid] + [e for v, e in parsed if v is None]
    doc["generated"] = now_rfc3339()
    doc.setdefault("apiVersion", "v1")
    return True


def has_version(doc: dict[str, Any], name: str, version: str) -> bool:
    return any(isinstance(e, dict) and str(e.get("version")) == version for e in doc.get("entries", {}).get(name) or [])


def dump_index(doc: dict[str, Any]) -> bytes:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(doc, Dumper=dumper, default_flow_style=False, sort_keys=True, allow_unicode=True).encode()
