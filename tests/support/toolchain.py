"""The pinned real toolchain, installed on demand by scripts/tools.py (never skipped); helmfile v1.7.4 is built
on first use by scripts/helmfile1.py."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Toolchain:
    bin_dir: Path

    def path(self, name: str) -> str:
        return str(self.bin_dir / name)

    @property
    def helm3(self) -> str:
        return self.path("helm3")

    @property
    def helm4(self) -> str:
        return self.path("helm4")

    @property
    def helmfile(self) -> str:
        return self.path("helmfile")

    @property
    def helmfile1(self) -> str:
        """helmfile v1.7.4, built from the Go module proxy on first use (scripts/helmfile1.py; cached, verified)."""
        return helmfile1()

    @property
    def sops(self) -> str:
        return self.path("sops")

    @property
    def kubectl(self) -> str:
        return self.path("kubectl")

    @property
    def age_keygen(self) -> str:
        return self.path("age-keygen")

    def env(self, **extra: str) -> dict[str, str]:
        """An environment with the toolchain first on PATH and no network-calling checks."""
        env = dict(os.environ)
        env["PATH"] = f"{self.bin_dir}{os.pathsep}{env.get('PATH', '')}"
        env["HELMFILE_UPGRADE_NOTICE_DISABLED"] = "1"
        env["SOPS_DISABLE_VERSION_CHECK"] = "1"
        env.update(extra)
        return env


def _tools_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("pyhelmfile_tools", ROOT / "scripts" / "tools.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@cache
def toolchain() -> Toolchain:
    """Install (idempotently) and return the toolchain; fails loudly, never skips."""
    tools = _tools_module()
    bin_dir = Path(os.environ.get("PYHELMFILE_TOOLS_BIN", tools.DEFAULT_BIN))
    if tools.check(bin_dir):
        subprocess.run([sys.executable, str(ROOT / "scripts" / "tools.py"), "--bin-dir", str(bin_dir)], check=True)
    return Toolchain(bin_dir)


@cache
def helmfile1() -> str:
    """The helmfile v1.7.4 binary: built once (a cold build takes minutes), then reused from the cache."""
    from scripts.helmfile1 import ensure_helmfile1

    return str(ensure_helmfile1())
