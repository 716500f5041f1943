"""Adding chart repositories and logging in to OCI registries, as helmfile does before charts are used."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pyhelmfile import log
from pyhelmfile.errors import HelmError
from pyhelmfile.helm.exec import Helm
from pyhelmfile.helm.version import HelmVersion

# `helm repo add --force-update` exists from helm 3.3.2 (helm/helm#8777).
_FORCE_UPDATE_SINCE = HelmVersion(3, 3, 2)


@dataclass(frozen=True)
class Repository:
    name: str
    url: str
    oci: bool = False
    username: str = ""
    password: str = ""
    ca_file: str = ""
    cert_file: str = ""
    key_file: str = ""
    pass_credentials: bool = False
    skip_tls_verify: bool = False
    managed: str = ""


def credentials(repo: Repository, environ: Mapping[str, str]) -> tuple[str, str]:
    """The repository's username and password, else $NAME_USERNAME / $NAME_PASSWORD (NAME upper-cased, - as _)."""
    prefix = repo.name.replace("-", "_").upper()
    return repo.username or environ.get(f"{prefix}_USERNAME", ""), repo.password or environ.get(
        f"{prefix}_PASSWORD", ""
    )


def add_repository(helm: Helm, repo: Repository, environ: Mapping[str, str], *, force_update: bool = True) -> None:
    """`helm repo add` (or `helm registry login` for OCI); the password goes on stdin.

    force_update=False (helmfile's --disable-force-update) leaves out `--force-update`."""
    username, password = credentials(repo, environ)
    if repo.oci:
        _registry_login(helm, repo, username, password)
        return
    if not repo.name:
        raise HelmError(f"repository {repo.url}: empty field name")
    if repo.managed:
        if repo.managed == "acr":
            raise HelmError(f"repository {repo.name}: managed repositories of type 'acr' (Azure CLI) are not supported")
        log.warning("ERROR: unknown type '%s' for repository %s", repo.managed, repo.name)
        return
    args = ["repo", "add", repo.name, repo.url]
    if force_update and helm.version >= _FORCE_UPDATE_SINCE:
        args.append("--force-update")
    if repo.cert_file and repo.key_file:
        args += ["--cert-file", repo.cert_file, "--key-file", repo.key_file]
    if repo.ca_file:
        args += ["--ca-file", repo.ca_file]
    stdin = None
    if username and password:
        args += ["--username", username, "--password-stdin"]
        stdin = password
    if repo.pass_credentials:
        args.append("--pass-credentials")
    if repo.skip_tls_verify:
        args.append("--insecure-skip-tls-verify")
    log.info("Adding repo %s %s", repo.name, repo.url)
    _log_output(helm.run(*args, stdin=stdin).stdout)


def _registry_login(helm: Helm, repo: Repository, username: str, password: str) -> None:
    if not (username and password):
        return  # public registries need no login; helmfile skips it too
    args = ["registry", "login", repo.url]
    if repo.cert_file and repo.key_file:
        args += ["--cert-file", repo.cert_file, "--key-file", repo.key_file]
    if repo.ca_file:
        args += ["--ca-file", repo.ca_file]
    if repo.skip_tls_verify:
        args.append("--insecure")
    args += ["--username", username, "--password-stdin"]
    log.info("Logging in to registry")
    _log_output(helm.run(*args, stdin=f"{password}\n").stdout)


def _log_output(text: str) -> None:
    if text.strip():
        log.info("%s", text.rstrip("\n"))


def update_repositories(helm: Helm) -> None:
    """`helm repo update`; having no repository at all means there is nothing to refresh."""
    result = helm.run("repo", "list", check=False)
    if "no repositories" in result.stderr + result.stdout:  # helm 3 fails here, helm 4 says so and succeeds
        return
    log.info("Updating repo")
    _log_output(helm.run("repo", "update").stdout)
