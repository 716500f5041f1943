"""Push a packaged chart (.tgz) to a repository.

- s3://bucket/prefix: upload the archive, then add its entry to index.yaml with a
  conditional write (If-Match on the ETag read; If-None-Match: * for a new index), re-reading
  and retrying when another push got there first, so concurrent pushes never lose an entry.
  Without `force` an existing version is refused, and the archive itself is written with
  If-None-Match: * so a concurrent push of the same version cannot swap its content.
- a directory (path or file://): copy the archive and update index.yaml under an exclusive
  lock file (`.index.lock`, flock), the index replaced atomically.
- oci://host/path: `helm push PKG oci://host/path [--plain-http]`; without `force` an
  existing tag is refused first.
- http(s):// repositories are read-only here (they have no standard upload API).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import random
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pyhelmfile.errors import ConfigError, HelmError
from pyhelmfile.golang import semver
from pyhelmfile.helm import repoindex
from pyhelmfile.helm.repoindex import RepoRef

MAX_ATTEMPTS = 20
LOCK_NAME = ".index.lock"


@dataclass(frozen=True)
class ChartArchive:
    path: Path
    name: str
    version: str
    metadata: dict[str, Any]
    digest: str  # sha256 hex of the archive

    @property
    def filename(self) -> str:
        return f"{self.name}-{self.version}.tgz"


def read_archive(path: Path) -> ChartArchive:
    """Name, version and Chart.yaml of a packaged chart."""
    if not path.is_file():
        raise ConfigError(f"{path}: no such chart archive")
    data = path.read_bytes()
    try:
        with tarfile.open(path, "r:gz") as tar:
            member = next(
                (
                    m
                    for m in tar.getmembers()
                    if m.isfile() and m.name.count("/") == 1 and m.name.endswith("/Chart.yaml")
                ),
                None,
            )
            if member is None:
                raise ConfigError(f"{path}: not a chart archive (no <chart>/Chart.yaml)")
            extracted = tar.extractfile(member)
            assert extracted is not None
            raw = extracted.read()
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise ConfigError(f"{path}: not a chart archive ({exc})") from None
    try:
        metadata = yaml.safe_load(raw)
    except yaml.YAMLError:
        raise ConfigError(f"{path}: Chart.yaml is not valid YAML") from None
    if not isinstance(metadata, dict) or not metadata.get("name") or metadata.get("version") in (None, ""):
        raise ConfigError(f"{path}: Chart.yaml has no name or version")
    version = str(metadata["version"])
    try:
        semver.parse(version)
    except semver.InvalidVersion as exc:
        raise ConfigError(f"{path}: chart version {version!r} is not valid SemVer: {exc}") from None
    return ChartArchive(path, str(metadata["name"]), version, metadata, hashlib.sha256(data).hexdigest())


def index_entry(archive: ChartArchive, url: str) -> dict[str, Any]:
    entry = dict(archive.metadata)
    entry["urls"] = [url]
    entry["created"] = repoindex.now_rfc3339()
    entry["digest"] = archive.digest
    return entry


@dataclass(frozen=True)
class PushResult:
    name: str
    version: str
    url: str
    replaced: bool


def _exists_message(archive: ChartArchive, repo: str) -> str:
    return f"chart {archive.name} version {archive.version} already exists in {repo} (use --force to replace it)"


def push(
    package: Path,
    repo: str,
    *,
    force: bool = False,
    helm_binary: str = "helm",
    plain_http: bool = False,
) -> PushResult:
    ref = RepoRef.parse(repo)
    archive = read_archive(package)
    if ref.kind == "s3":
        return _push_s3(archive, ref, force=force)
    if ref.kind == "dir":
        return _push_dir(archive, ref, force=force)
    if ref.kind == "oci":
        return _push_oci(archive, ref, force=force, helm_binary=helm_binary, plain_http=plain_http)
    raise HelmError(
        f"cannot push to {ref.url}: http(s) chart repositories are read-only (use s3://, oci:// or a directory)"
    )


def _backoff(attempt: int) -> None:
    time.sleep(min(2.0, 0.05 * (2**attempt)) * random.uniform(0.5, 1.0))


def _push_s3(archive: ChartArchive, ref: RepoRef, *, force: bool) -> PushResult:
    from pyhelmfile.helm import s3

    location = s3.S3Location.parse(ref.url)
    url = location.url(archive.filename)
    index = repoindex.read_index(ref)
    present = repoindex.has_version(index.doc, archive.name, archive.version)
    if present and not force:
        raise HelmError(_exists_message(archive, ref.url))
    body = archive.path.read_bytes()
    try:
        s3.put_object(location, archive.filename, body, if_none_match=not force, content_type="application/gzip")
    except s3.PreconditionFailed:
        index = repoindex.read_index(ref)
        if repoindex.has_version(index.doc, archive.name, archive.version):
            raise HelmError(_exists_message(archive, ref.url)) from None
        raise HelmError(
            f"{url} exists but is not in the index (an interrupted or concurrent push?); use --force to replace it"
        ) from None
    for attempt in range(MAX_ATTEMPTS):
        replaced = repoindex.has_version(index.doc, archive.name, archive.version)
        if not repoindex.add_entry(index.doc, index_entry(archive, url), replace=force):
            raise HelmError(_exists_message(archive, ref.url))
        try:
            s3.put_object(
                location,
                repoindex.INDEX,
                repoindex.dump_index(index.doc),
                if_match=index.etag if index.exists else None,
                if_none_match=not index.exists,
                content_type="application/x-yaml",
            )
            return PushResult(archive.name, archive.version, url, replaced)
        except s3.PreconditionFailed:
            _backoff(attempt)
            index = repoindex.read_index(ref)
    raise HelmError(f"could not update {ref.url}/index.yaml: it kept changing ({MAX_ATTEMPTS} attempts)")


def _push_dir(archive: ChartArchive, ref: RepoRef, *, force: bool) -> PushResult:
    directory = ref.path
    if not directory.is_dir():
        raise HelmError(f"chart repository {ref.url}: no such directory")
    with (directory / LOCK_NAME).open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            index = repoindex.read_index(ref)
            replaced = repoindex.has_version(index.doc, archive.name, archive.version)
            if replaced and not force:
                raise HelmError(_exists_message(archive, ref.url))
            target = directory / archive.filename
            if target.exists() and not force and not replaced:
                raise HelmError(f"{target} exists but is not in the index; use --force to replace it")
            if archive.path.resolve() != target.resolve():
                _atomic_write(target, archive.path.read_bytes())
            repoindex.add_entry(index.doc, index_entry(archive, archive.filename), replace=True)
            _atomic_write(directory / repoindex.INDEX, repoindex.dump_index(index.doc))
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return PushResult(archive.name, archive.version, str(target), replaced)


def _atomic_write(target: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _push_oci(archive: ChartArchive, ref: RepoRef, *, force: bool, helm_binary: str, plain_http: bool) -> PushResult:
    from pyhelmfile.helm import oci

    oci_ref = oci.OciRef.parse(ref.url)
    tags = oci.list_tags(oci_ref, archive.name, plain_http=plain_http)
    replaced = oci.version_to_tag(archive.version) in tags
    if replaced and not force:
        raise HelmError(_exists_message(archive, ref.url))
    args = [helm_binary, "push", str(archive.path), oci_ref.url()]
    if plain_http:
        args.append("--plain-http")
    run_helm(args)
    url = f"{oci_ref.url()}/{archive.name}:{oci.version_to_tag(archive.version)}"
    return PushResult(archive.name, archive.version, url, replaced)


def run_helm(args: list[str], *, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run helm with an argument list; a failure is one HelmError line with helm's last error."""
    try:
        proc = subprocess.run(args, capture_output=True, text=True, check=False, cwd=cwd)
    except FileNotFoundError:
        raise HelmError(f"helm binary not found: {args[0]}") from None
    if proc.returncode != 0:
        lines = [ln.strip() for ln in (proc.stderr or proc.stdout).splitlines() if ln.strip()]
        errors = [ln for ln in lines if ln.lower().startswith("error")]
        detail = (errors or lines or [f"exit {proc.returncode}"])[-1]
        raise HelmError(f"helm {args[1]} failed: {detail}")
    return proc


def package(
    chart_dir: Path,
    destination: Path,
    *,
    helm_binary: str = "helm",
    dependency_update: bool = False,
) -> Path:
    """`helm package CHART --destination DIR`; returns the archive it wrote."""
    destination.mkdir(parents=True, exist_ok=True)
    args = [helm_binary, "package", str(chart_dir), "--destination", str(destination)]
    if dependency_update:
        args.append("--dependency-update")
    proc = run_helm(args)
    marker = "saved it to:"
    for line in proc.stdout.splitlines():
        if marker in line:
            path = Path(line.split(marker, 1)[1].strip())
            if path.is_file():
                return path
    raise HelmError(f"helm package did not say where it saved the chart: {proc.stdout.strip()[:200]}")
