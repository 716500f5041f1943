"""The few exception types that the CLI turns into one-line messages.

Lower layers raise these (or subclasses); nothing below `cli` prints or exits.
"""

from __future__ import annotations


class PyhelmfileError(Exception):
    """Base class: an expected failure with a user-facing message."""

    exit_code = 1

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        if self.path and self.line:
            return f"{self.path}:{self.line}: {self.message}"
        if self.path:
            return f"{self.path}: {self.message}"
        return self.message


class ConfigError(PyhelmfileError):
    """Bad input: a state file, values file, flag or environment that cannot be used."""


class TemplateError(PyhelmfileError):
    """A Go template failed to parse or execute."""


class HelmError(PyhelmfileError):
    """helm (or another external tool) failed."""


class KubeError(PyhelmfileError):
    """The Kubernetes API or kubeconfig could not be used."""


class ManifestError(PyhelmfileError):
    """A rendered or stored manifest that cannot be diffed (bad YAML, a duplicate resource)."""


class SecretsError(PyhelmfileError):
    """A secrets file could not be decrypted."""


class NoMatchingReleaseError(PyhelmfileError):
    """Selectors matched no release (helmfile exits 3 here)."""

    exit_code = 3
