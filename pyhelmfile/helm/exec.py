"""The one place that builds and runs helm command lines.

Arguments are always a list (never a shell string). As helmfile does, `--kubeconfig` and
`--kube-context` come first and the user's extra args (`--args`, `helmDefaults.args`) last.
A failure raises HelmError naming the command (secret values masked), its exit code and
helm's own error output. Passwords go to helm on stdin, never on the command line.
"""

from __future__ import annotations

import dataclasses
import os
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from pyhelmfile import children, log
from pyhelmfile.errors import HelmError
from pyhelmfile.helm.version import HelmVersion, detect_version

# Flags whose value must never be shown (in errors or logs).
_SECRET_FLAGS = frozenset({"--password", "--set", "--set-string", "--set-file", "--set-json", "--set-literal"})
MASK = "***"


def mask_secrets(argv: Sequence[str]) -> list[str]:
    """argv with the values of secret-bearing flags replaced by ***."""
    masked: list[str] = []
    hide_next = False
    for arg in argv:
        if hide_next:
            masked.append(MASK)
            hide_next = False
            continue
        flag, sep, _ = arg.partition("=")
        if flag in _SECRET_FLAGS:
            if sep:
                masked.append(f"{flag}={MASK}")
            else:
                masked.append(arg)
                hide_next = True
            continue
        masked.append(arg)
    return masked


def _renamed_post_renderers(args: Sequence[str], names: Mapping[str, str]) -> list[str]:
    out = list(args)
    for i in range(len(out) - 1):
        if out[i] == "--post-renderer" and out[i + 1] in names:
            out[i + 1] = names[out[i + 1]]
    return out


def split_args(text: str) -> list[str]:
    """`--args "--wait --set a=b"` as a list, shell-quoting rules."""
    try:
        return shlex.split(text)
    except ValueError as exc:
        raise HelmError(f"cannot parse helm args {text!r}: {exc}") from None


@dataclass(frozen=True)
class HelmResult:
    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str


@dataclass
class Helm:
    """A helm binary with the connection flags and extra args every call of a run shares."""

    binary: str = "helm"
    kubeconfig: str = ""
    kube_context: str = ""
    extra_args: Sequence[str] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    cwd: str | None = None  # relative chart paths are relative to the state file, as in helmfile
    # helm 4: `--post-renderer EXECUTABLE` -> the name of the run's plugin that wraps it (helm/plugins.py)
    post_renderers: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def version(self) -> HelmVersion:
        return detect_version(self.binary)

    @property
    def major(self) -> int:
        return self.version.major

    def argv(self, args: Sequence[str]) -> list[str]:
        prefix: list[str] = []
        if self.kubeconfig:
            prefix += ["--kubeconfig", self.kubeconfig]
        if self.kube_context:
            prefix += ["--kube-context", self.kube_context]
        if self.post_renderers:
            args = _renamed_post_renderers(args, self.post_renderers)
        return [self.binary, *prefix, *args, *self.extra_args]

    def run(self, *args: str, stdin: str | None = None, check: bool = True) -> HelmResult:
        argv = self.argv(args)
        if log.enabled("debug"):  # helmfile's `exec: helm ...` lines, for seeing what ran and why
            log.debug("exec: %s", shlex.join(mask_secrets(argv)))
        env = {**os.environ, **self.env} if self.env else None
        try:
            proc = children.run(argv, stdin=stdin, env=env, cwd=self.cwd)
        except FileNotFoundError:
            raise HelmError(f"helm binary not found: {self.binary}") from None
        result = HelmResult(tuple(argv), proc.returncode, proc.stdout, proc.stderr)
        if check and proc.returncode != 0:
            reason = " ".join(line.strip() for line in proc.stderr.strip().splitlines() if line.strip())
            command = shlex.join(mask_secrets(argv))
            raise HelmError(f"command {command!r} exited with status {proc.returncode}: {reason}")
        return result


def short_lived(helm: Helm) -> Helm:
    """helm for `helm template`: a process of a few tenths of a second, where Go's default garbage collection
    (GOGC=100) costs about a sixth of its CPU for memory it would soon give back anyway. With GOGC=400 (the
    heap may grow to five times what is live, a few tens of MB here) 50 releases take ~0.5 s less CPU.
    A GOGC the user set is kept."""
    if "GOGC" in os.environ or "GOGC" in helm.env:
        return helm
    return dataclasses.replace(helm, env={**helm.env, "GOGC": "400"})
