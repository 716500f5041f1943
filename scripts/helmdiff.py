#!/usr/bin/env python3
"""helm-diff v3.9.8, the plugin helmfile 0.166.0 runs for `diff` and `apply`, built from the Go module proxy.

`go build` of github.com/databus23/helm-diff/v3 at HELM_DIFF_VERSION from a generated go.mod, cached in
~/.cache/pyhelmfile/helm-diff/<version>/diff (a first build takes a few minutes; later calls reuse it).
install_helm_diff() makes a helm plugins dir holding only it, for HELM_PLUGINS: the bench and the
differential diff tests use one, so a user's own plugins never take part.

    python scripts/helmdiff.py            # build (or find) the binary; prints its path
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts import testcluster  # noqa: E402

HELM_DIFF_MODULE = "github.com/databus23/helm-diff/v3"
# v3.9.8 (June 2024) is built against helm v3.15.1: the helm-diff of helmfile 0.166.0's time (July 2024).
HELM_DIFF_VERSION = "v3.9.8"


def ensure_helm_diff() -> Path:
    """The helm-diff binary at HELM_DIFF_VERSION, built once with `go build` from a generated go.mod (cached)."""
    out = testcluster.cache_root() / "helm-diff" / HELM_DIFF_VERSION
    binary = out / "diff"
    with testcluster.file_lock(out.parent / ".build.lock"):
        if binary.is_file():
            return binary
        go = testcluster.require_go()
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="helm-diff-build-") as tmp:
            env = testcluster.go_env()
            env["GOFLAGS"] = "-mod=mod"
            (Path(tmp) / "go.mod").write_text(
                f"module pyhelmfile.bench/helmdiff\n\ngo 1.22.0\n\nrequire {HELM_DIFF_MODULE} {HELM_DIFF_VERSION}\n"
            )
            subprocess.run([go, "get", f"{HELM_DIFF_MODULE}@{HELM_DIFF_VERSION}"], cwd=tmp, env=env, check=True)
            version = HELM_DIFF_VERSION.lstrip("v")
            ldflags = f"-s -w -X {HELM_DIFF_MODULE}/cmd.Version={version}"
            argv = [go, "build", "-v", "-trimpath", f"-ldflags={ldflags}", "-o", str(Path(tmp) / "diff")]
            testcluster.run_go_build(f"helm-diff {HELM_DIFF_VERSION}", [*argv, HELM_DIFF_MODULE], Path(tmp), env, 0)
            (Path(tmp) / "diff").replace(binary)
    return binary


def install_helm_diff(plugins: Path, binary: Path) -> None:
    """A helm plugins dir holding helm-diff only: plugin.yaml (written here) and the cached binary."""
    plugin = plugins / "helm-diff"
    (plugin / "bin").mkdir(parents=True, exist_ok=True)
    version = HELM_DIFF_VERSION.lstrip("v")
    (plugin / "plugin.yaml").write_text(
        f'name: "diff"\nversion: "{version}"\nusage: "Preview helm upgrade changes as a diff"\n'
        'description: "Preview helm upgrade changes as a diff"\ncommand: "$HELM_PLUGIN_DIR/bin/diff"\n'
    )
    link = plugin / "bin" / "diff"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(binary)


if __name__ == "__main__":
    print(ensure_helm_diff())
