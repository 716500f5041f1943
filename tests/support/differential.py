"""Differential harness: run the reference helmfile 0.166.0 and pyhelmfile on the same project.

Both run as real processes with the same toolchain on PATH (helm 3.15.3 as `helm`), in the
same directory, and their outputs are compared after normalisation (trailing whitespace,
temp paths and other run-specific noise that says nothing about behaviour).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.support.toolchain import Toolchain


@dataclass(frozen=True)
class Run:
    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    def check(self) -> Run:
        if self.returncode != 0:
            raise AssertionError(
                f"{' '.join(self.argv)} exited {self.returncode}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"
            )
        return self


def _run(argv: Sequence[str], cwd: Path, env: dict[str, str], timeout: float) -> Run:
    proc = subprocess.run(list(argv), cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    return Run(tuple(argv), proc.returncode, proc.stdout, proc.stderr)


def run_helmfile(
    tools: Toolchain, cwd: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> Run:
    """The reference implementation: helmfile 0.166.0 with helm 3.15.3."""
    return _run([tools.helmfile, "--helm-binary", tools.helm3, *args], cwd, tools.env(**(env or {})), timeout)


def run_pyhelmfile(
    tools: Toolchain, cwd: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> Run:
    """pyhelmfile as users run it: a separate process, same toolchain, same flags."""
    return _run(
        [sys.executable, "-m", "pyhelmfile", "--helm-binary", tools.helm3, *args],
        cwd,
        tools.env(**(env or {})),
        timeout,
    )


_TRAILING_WS = re.compile(r"[ \t]+$", re.MULTILINE)


def normalise(text: str, *, replace: dict[str, str] | None = None) -> str:
    """Remove noise that differs between runs, not between implementations."""
    for old, new in (replace or {}).items():
        text = text.replace(old, new)
    text = _TRAILING_WS.sub("", text)
    return text.strip("\n") + "\n"


def assert_same(
    reference: Run,
    ours: Run,
    *,
    stream: str = "stdout",
    normaliser: Callable[[str], str] = normalise,
) -> None:
    """Same exit status (success vs failure) and the same normalised output."""
    assert (reference.returncode == 0) == (ours.returncode == 0), (
        f"exit status differs: helmfile {reference.returncode}, pyhelmfile {ours.returncode}\n"
        f"helmfile stderr: {reference.stderr}\npyhelmfile stderr: {ours.stderr}"
    )
    if reference.returncode == 0:
        left = normaliser(getattr(reference, stream))
        right = normaliser(getattr(ours, stream))
        assert right == left, f"outputs differ\n--- helmfile\n{left}\n--- pyhelmfile\n{right}"


def tmp_env(path: Path) -> dict[str, str]:
    """Helm home dirs inside a test's tmp dir, so runs never share caches or repos by accident."""
    return {
        "HELM_CACHE_HOME": str(path / "helm-cache"),
        "HELM_CONFIG_HOME": str(path / "helm-config"),
        "HELM_DATA_HOME": str(path / "helm-data"),
        "HOME": os.environ.get("HOME", str(path)),
    }
