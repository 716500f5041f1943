"""Which helm is this: 3 or 4, and its exact version."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from functools import cache

from pyhelmfile.errors import HelmError

_VERSION = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)(.*)$")


@dataclass(frozen=True, order=True)
class HelmVersion:
    major: int
    minor: int
    patch: int
    extra: str = ""

    def __str__(self) -> str:
        return f"v{self.major}.{self.minor}.{self.patch}{self.extra}"


def parse_version(text: str) -> HelmVersion:
    match = _VERSION.match(text.strip())
    if not match:
        raise HelmError(f"cannot parse helm version {text.strip()!r}")
    major, minor, patch, extra = match.groups()
    return HelmVersion(int(major), int(minor), int(patch), extra)


@cache
def detect_version(helm_binary: str = "helm") -> HelmVersion:
    """Ask helm for its version once per process.

    `helm version --template` works in helm 3 and helm 4 (helm 4 dropped `--client`).
    """
    try:
        proc = subprocess.run(
            [helm_binary, "version", "--template", "{{.Version}}"],
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        raise HelmError(f"helm binary not found: {helm_binary}") from None
    if proc.returncode != 0:
        raise HelmError(f"{helm_binary} version failed (exit {proc.returncode}): {proc.stderr.strip()}")
    return parse_version(proc.stdout)
