"""`pyhelmfile bump` and `pyhelmfile promote`: point a deployment repository (the seed's
kube-app) at a new service build.

Both change, in `<env>/<release>/` of the repository:

- the umbrella chart's dependency named `<service>` (or aliased so): its `version:`, in
  `requirements.yaml` for an apiVersion v1 chart, in `Chart.yaml` `dependencies:` for v2;
- `values.yaml`: `<key>.image.tag`, where `<key>` is that dependency's alias if it has one,
  else its name (the key helm passes values under).

Edits are made in place (pyhelmfile.app.yamledit): comments, order and quoting stay as
they were. `bump --commit` commits them on the current branch (the release:stg bot);
`promote` commits them on a new branch `promote-<service>-<version>` without touching the
work tree (the commit is built from the base commit's files with git plumbing) and can push
it (release:prd). Committing refuses a work tree with uncommitted changes to tracked files.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from pyhelmfile.app import yamledit
from pyhelmfile.errors import ConfigError
from pyhelmfile.golang import semver

_IMAGE_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


@dataclass(frozen=True)
class FileChange:
    rel: str  # path relative to the repository directory, "/"-separated
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass
class Result:
    changes: list[FileChange]
    commit: str | None = None
    branch: str | None = None
    pushed_to: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def changed_files(self) -> list[str]:
        return [c.rel for c in self.changes if c.changed]


# --- git ---------------------------------------------------------------------------------


def _git(repo: Path, *args: str, input: str | None = None, env: dict[str, str] | None = None) -> str:
    try:
        proc = subprocess.run(
            ["git", *args],
            cwd=repo,
            capture_output=True,
            text=True,
            input=input,
            env={**os.environ, **(env or {})},
            check=False,
        )
    except FileNotFoundError:
        raise ConfigError("git is not installed") from None
    if proc.returncode != 0:
        lines = [ln for ln in (proc.stderr or proc.stdout).splitlines() if ln.strip()]
        detail = lines[-1].strip() if lines else f"exit {proc.returncode}"
        raise ConfigError(f"git {args[0]} failed in {repo}: {detail}")
    return proc.stdout


def _require_git(repo: Path) -> None:
    proc = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=repo, capture_output=True, text=True)
    if proc.returncode != 0 or proc.stdout.strip() != "true":
        raise ConfigError(f"{repo} is not a git work tree")


def _require_clean(repo: Path) -> None:
    """Refuse uncommitted changes to tracked files (untracked files do not matter)."""
    status = _git(repo, "status", "--porcelain", "--untracked-files=no")
    dirty = [ln[3:] for ln in status.splitlines() if ln.strip()]
    if dirty:
        shown = ", ".join(dirty[:3]) + (f" and {len(dirty) - 3} more" if len(dirty) > 3 else "")
        raise ConfigError(f"git work tree {repo} has uncommitted changes ({shown}); commit or stash them first")


def _ref_exists(repo: Path, ref: str) -> bool:
    proc = subprocess.run(["git", "rev-parse", "--verify", "--quiet", ref], cwd=repo, capture_output=True)
    return proc.returncode == 0


# --- planning the edits --------------------------------------------------------------------


def _validate(service: str, image_tag: str, chart_version: str) -> None:
    if not _NAME.fullmatch(service):
        raise ConfigError(f"invalid service name {service!r}")
    if not _IMAGE_TAG.fullmatch(image_tag):
        raise ConfigError(f"invalid image tag {image_tag!r}")
    try:
        semver.parse(chart_version)
    except semver.InvalidVersion as exc:
        raise ConfigError(f"invalid chart version {chart_version!r}: {exc}") from None


def _load_mapping(text: str, rel: str) -> dict[str, object]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        raise ConfigError("not valid YAML", path=rel) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError("not a YAML mapping", path=rel)
    return data


def _dependency_file(read: ReadFile, release_dir: str) -> str:
    """requirements.yaml (apiVersion v1) or Chart.yaml (v2) of the umbrella chart."""
    chart_rel = f"{release_dir}/Chart.yaml"
    requirements_rel = f"{release_dir}/requirements.yaml"
    chart_text = read(chart_rel)
    if chart_text is not None:
        chart = _load_mapping(chart_text, chart_rel)
        if str(chart.get("apiVersion", "v1")) == "v2":
            return chart_rel
    if read(requirements_rel) is not None:
        return requirements_rel
    if chart_text is None:
        raise ConfigError(f"{release_dir}: no Chart.yaml or requirements.yaml (not an umbrella chart)")
    return chart_rel


class ReadFile:
    """Reads repository files either from the work tree or from a commit."""

    def __init__(self, repo: Path, commit: str | None = None) -> None:
        self.repo = repo
        self.commit = commit

    def __call__(self, rel: str) -> str | None:
        if self.commit is None:
            path = self.repo / rel
            if not path.is_file():
                return None
            with path.open(encoding="utf-8", newline="") as fh:
                return fh.read()
        proc = subprocess.run(
            ["git", "cat-file", "blob", f"{self.commit}:{rel}"],
            cwd=self.repo,
            capture_output=True,
            check=False,
        )
        return proc.stdout.decode("utf-8") if proc.returncode == 0 else None


def plan(
    read: ReadFile,
    *,
    env: str,
    release: str,
    service: str,
    image_tag: str,
    chart_version: str,
) -> tuple[list[FileChange], list[str]]:
    """The new texts of values.yaml and the dependency file, and warnings; nothing is written."""
    _validate(service, image_tag, chart_version)
    for what, value in (("environment", env), ("release", release)):
        if not _NAME.fullmatch(value):
            raise ConfigError(f"invalid {what} {value!r}")
    release_dir = f"{env}/{release}"
    if not (read.repo / release_dir).is_dir() and read.commit is None:
        raise ConfigError(f"{release_dir}: no such directory in {read.repo}")

    deps_rel = _dependency_file(read, release_dir)
    deps_text = read(deps_rel)
    assert deps_text is not None
    deps = _load_mapping(deps_text, deps_rel).get("dependencies") or []
    if not isinstance(deps, list):
        raise ConfigError("`dependencies` is not a list", path=deps_rel)
    indexes = [i for i, d in enumerate(deps) if isinstance(d, dict) and d.get("name") == service]
    if not indexes:
        indexes = [i for i, d in enumerate(deps) if isinstance(d, dict) and d.get("alias") == service]
    if not indexes:
        raise ConfigError(f"unknown service {service!r}: {deps_rel} has no dependency named or aliased {service!r}")
    new_deps = yamledit.apply(
        deps_text,
        [yamledit.Edit(("dependencies", i, "version"), chart_version) for i in indexes],
        source=deps_rel,
    )

    # An umbrella chart passes values to a dependency under its alias, else its name.
    keys = list(dict.fromkeys(str(deps[i].get("alias") or deps[i]["name"]) for i in indexes))
    values_rel = f"{release_dir}/values.yaml"
    values_text = read(values_rel)
    if values_text is None:
        raise ConfigError(f"{values_rel}: no such file in {read.repo}")
    values = _load_mapping(values_text, values_rel)
    for key in keys:
        if key not in values:
            raise ConfigError(f"service {service!r}: {values_rel} has no `{key}:` section")
    new_values = yamledit.apply(
        values_text, [yamledit.Edit((key, "image", "tag"), image_tag) for key in keys], source=values_rel
    )

    warnings = []
    for lock in ("requirements.lock", "Chart.lock"):
        if read(f"{release_dir}/{lock}") is not None and deps_text != new_deps:
            warnings.append(f"{release_dir}/{lock} still pins the old version: run helm dependency update")
    changes = [FileChange(values_rel, values_text, new_values), FileChange(deps_rel, deps_text, new_deps)]
    return changes, warnings


def _write(repo: Path, changes: list[FileChange]) -> None:
    for change in changes:
        if change.changed:
            with (repo / change.rel).open("w", encoding="utf-8", newline="") as fh:
                fh.write(change.new)


# --- commands ------------------------------------------------------------------------------


def bump(
    repo: Path,
    *,
    env: str,
    release: str,
    service: str,
    image_tag: str,
    chart_version: str,
    commit: bool = False,
    message: str | None = None,
) -> Result:
    """Edit `<env>/<release>` for a new build of `service`; with `commit`, commit the edit."""
    if commit:
        _require_git(repo)
        _require_clean(repo)
    changes, warnings = plan(
        ReadFile(repo), env=env, release=release, service=service, image_tag=image_tag, chart_version=chart_version
    )
    result = Result(changes, warnings=warnings)
    _write(repo, changes)
    if commit and result.changed_files:
        text = message or (
            f"[{env}][{service}] Update {release}\n\n"
            f"{service}.image.tag: {image_tag}\n{service} chart: {chart_version}\n"
        )
        _git(repo, "add", "--", *result.changed_files)
        _git(repo, "commit", "-q", "-m", text, "--", *result.changed_files)
        result.commit = _git(repo, "rev-parse", "HEAD").strip()
    return result


def promote_branch(service: str, version: str) -> str:
    return f"promote-{service}-{version}"


def promote(
    repo: Path,
    *,
    service: str,
    version: str,
    chart_version: str,
    image_tag: str | None = None,
    env: str = "prd",
    release: str = "linoapp",
    base: str = "HEAD",
    push: str | None = None,
    message: str | None = None,
) -> Result:
    """Commit the edit for `env` on a new branch `promote-<service>-<version>` made from `base`.

    The work tree and the current branch are left alone: the commit is built from the base
    commit's files. With `push`, the branch is pushed to that remote.
    """
    _require_git(repo)
    _require_clean(repo)
    branch = promote_branch(service, version)
    proc = subprocess.run(["git", "check-ref-format", "--branch", branch], cwd=repo, capture_output=True)
    if proc.returncode != 0:
        raise ConfigError(f"invalid branch name {branch!r}")
    if _ref_exists(repo, f"refs/heads/{branch}"):
        raise ConfigError(f"branch {branch} already exists in {repo}")
    if push is not None:
        _git(repo, "remote", "get-url", push)
        if _git(repo, "ls-remote", "--heads", push, f"refs/heads/{branch}").strip():
            raise ConfigError(f"branch {branch} already exists on remote {push}")
    if not _ref_exists(repo, f"{base}^{{commit}}"):
        raise ConfigError(f"unknown base revision {base!r}")
    base_commit = _git(repo, "rev-parse", f"{base}^{{commit}}").strip()

    changes, warnings = plan(
        ReadFile(repo, base_commit),
        env=env,
        release=release,
        service=service,
        image_tag=image_tag or version,
        chart_version=chart_version,
    )
    result = Result(changes, branch=branch, warnings=warnings)
    if not result.changed_files:
        raise ConfigError(f"nothing to promote: {env}/{release} already has {service} {image_tag or version}")

    text = message or (
        f"[{env}][{service}] Promote {service} {version}\n\n"
        f"{service}.image.tag: {image_tag or version}\n{service} chart: {chart_version}\n"
    )
    with tempfile.TemporaryDirectory(prefix="pyhelmfile-promote-") as tmp:
        index_env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        _git(repo, "read-tree", base_commit, env=index_env)
        for change in changes:
            if not change.changed:
                continue
            mode = _git(repo, "ls-tree", base_commit, "--", change.rel).split(" ", 1)[0] or "100644"
            blob = _git(repo, "hash-object", "-w", "--no-filters", "--stdin", input=change.new).strip()
            _git(repo, "update-index", "--cacheinfo", f"{mode},{blob},{change.rel}", env=index_env)
        tree = _git(repo, "write-tree", env=index_env).strip()
    commit = _git(repo, "commit-tree", tree, "-p", base_commit, "-m", text).strip()
    _git(repo, "branch", branch, commit)
    result.commit = commit
    if push is not None:
        _git(repo, "push", "-q", push, f"refs/heads/{branch}:refs/heads/{branch}")
        result.pushed_to = push
    return result
