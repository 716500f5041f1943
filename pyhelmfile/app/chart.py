"""`pyhelmfile chart version|package|push`: the service pipeline's chart steps (the seed's
version.sh, chart.sh and patch.py), done so that every version is valid SemVer.

Versions are `BASE-SUFFIX`: BASE is the git tag being built or, without one, the highest
MAJOR.MINOR.PATCH already in the repository for the chart (`v0.1.0` for a new chart); SUFFIX
is the first five characters of the commit SHA. See `sha_suffix` for the one case where the
SHA is changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pyhelmfile.app import yamledit
from pyhelmfile.errors import ConfigError
from pyhelmfile.golang import semver

DEFAULT_BASE = "v0.1.0"
SUFFIX_LENGTH = 5
_SHA = re.compile(r"[0-9A-Za-z]+")


def sha_suffix(sha: str) -> str:
    """The pre-release identifier for a commit: its first 5 characters, lower-cased.

    SemVer forbids numeric identifiers with leading zeros, so a suffix that is all digits
    and starts with `0` (e.g. `08650`, which made helm warn `chart.metadata.version
    "v0.3.6-08650" is invalid`) gets a `g` in front: `g08650`, as `git describe` marks a
    hash. The result is always a valid identifier and still names the commit (`g` is not a
    hex digit, so it can never be mistaken for another SHA's suffix), the choice depends
    only on the SHA (deterministic), and the base version, which is what orders the
    repository, is unaffected. Other all-digit suffixes (`12345`) are valid and kept.
    """
    text = sha.strip()
    if not _SHA.fullmatch(text):
        raise ConfigError(f"invalid --sha {sha!r}: expected a commit SHA (letters and digits)")
    suffix = text[:SUFFIX_LENGTH].lower()
    if suffix.isdigit() and len(suffix) > 1 and suffix.startswith("0"):
        suffix = "g" + suffix
    return suffix


@dataclass
class NextVersion:
    version: str
    base: str
    source: str  # "tag", "repository" or "default"
    warnings: list[str] = field(default_factory=list)


def _with_suffix(base: semver.Version, suffix: str, what: str) -> str:
    if base.metadata:
        raise ConfigError(f"{what} {base.original!r} has build metadata (+...); cannot add a commit suffix")
    version = f"{base.original}-{suffix}"
    try:
        semver.parse(version)
    except semver.InvalidVersion as exc:  # pragma: no cover - sha_suffix makes this impossible
        raise ConfigError(f"{version!r} would not be valid SemVer: {exc}") from None
    return version


def latest_base(versions: list[semver.Version]) -> semver.Version | None:
    """The highest MAJOR.MINOR.PATCH among `versions`, with the `v` prefix its versions use.

    Pre-release and metadata are stripped first, so `v0.2.2-ca3b6` and `v0.2.2` both count as
    0.2.2. Among versions with the top base, the highest by precedence (then by text, for
    determinism) decides whether the result keeps a `v`.
    """
    if not versions:
        return None
    top = max(versions, key=lambda v: (v.base, v, v.original))
    return top.base


def next_version(
    repo: str,
    name: str,
    sha: str,
    *,
    tag: str | None = None,
    plain_http: bool = False,
) -> NextVersion:
    """The version to give a chart built from commit `sha` (the seed's version.sh)."""
    suffix = sha_suffix(sha)
    if tag:
        try:
            parsed = semver.parse(tag.strip())
        except semver.InvalidVersion as exc:
            raise ConfigError(f"invalid --tag {tag!r}: {exc}") from None
        return NextVersion(_with_suffix(parsed, suffix, "tag"), parsed.original, "tag")
    from pyhelmfile.helm.repoindex import list_versions

    found = list_versions(repo, name, plain_http=plain_http)
    base = latest_base(found.versions)
    if base is None:
        parsed = semver.parse(DEFAULT_BASE)
        return NextVersion(_with_suffix(parsed, suffix, "base"), DEFAULT_BASE, "default", found.warnings)
    return NextVersion(_with_suffix(base, suffix, "base"), base.original, "repository", found.warnings)


def validate_version(version: str) -> semver.Version:
    try:
        return semver.parse(version)
    except semver.InvalidVersion as exc:
        raise ConfigError(f"invalid chart version {version!r}: {exc}") from None


def set_chart_version(chart_dir: Path, version: str) -> str | None:
    """Set `version:` in CHART/Chart.yaml in place (everything else kept); returns the old value."""
    validate_version(version)
    chart_yaml = chart_dir / "Chart.yaml"
    if not chart_yaml.is_file():
        raise ConfigError(f"{chart_dir}: not a chart (no Chart.yaml)")
    with chart_yaml.open(encoding="utf-8", newline="") as fh:
        text = fh.read()
    _, data = yamledit.load(text, str(chart_yaml))
    if not isinstance(data, dict):
        raise ConfigError("Chart.yaml is not a mapping", path=str(chart_yaml))
    old = data.get("version")
    if "version" in data:
        new_text = yamledit.apply(text, [yamledit.Edit(("version",), version)], source=str(chart_yaml))
    else:
        newline = "\r\n" if "\r\n" in text else "\n"
        sep = "" if text.endswith(("\n", "\r")) or not text else newline
        new_text = f"{text}{sep}version: {yamledit.render(version, None)}{newline}"
    if new_text != text:
        with chart_yaml.open("w", encoding="utf-8", newline="") as fh:
            fh.write(new_text)
    return None if old is None else str(old)


def package(
    chart_dir: Path,
    version: str,
    *,
    destination: Path,
    helm_binary: str,
    dependency_update: bool = False,
) -> Path:
    """Set the chart's version, then `helm package` it into `destination`."""
    from pyhelmfile.helm.chartpush import package as helm_package

    if not (chart_dir / "Chart.yaml").is_file():
        raise ConfigError(f"{chart_dir}: not a chart (no Chart.yaml)")
    set_chart_version(chart_dir, version)
    return helm_package(chart_dir, destination, helm_binary=helm_binary, dependency_update=dependency_update)
