#!/usr/bin/env python3
"""helmfile v1.7.4, the helmfile v1.x that pyhelmfile's v1 support is checked against, built from the Go module proxy.

`go install github.com/helmfile/helmfile@v1.7.4` refuses the module (its go.mod has `replace` directives), so it
is built as a dependency of a throwaway module: a generated go.mod that requires it and repeats its `go` line,
replaces and excludes, read with `go mod edit -json` from v1.7.4's own go.mod in the module cache (nothing is
copied by hand), next to v1.7.4's go.sum. `go build -trimpath` with CGO_ENABLED=0 (as helmfile's releases are
built) and the version stamped into go.szostok.io/version, as helmfile's Makefile does. The binary is cached in
~/.cache/pyhelmfile/helmfile/v1.7.4/helmfile (a cold build takes ~15 minutes on 2 cores); later calls reuse it.

Checksums: the module zip's h1 hash reported by `go mod download -json` must be HELMFILE_MODULE_SUM (pinned
here, besides the check against sum.golang.org that `go` does itself). The built binary's sha256 is recorded
next to it in helmfile.sha256 (`sha256sum -c` format) and verified on every reuse, with BUILD_KEY (what it was
built from); a mismatch of either rebuilds it. The sha256 is recorded rather than pinned because it depends on
the Go toolchain that builds it.

    python scripts/helmfile1.py               # build (or find) the binary; prints its path
    python scripts/helmfile1.py --source-dir  # v1.7.4's source in the module cache (e.g. pkg/state/*.go)
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts import testcluster  # noqa: E402
from scripts.tools import sha256_file  # noqa: E402

HELMFILE_MODULE = "github.com/helmfile/helmfile"
HELMFILE1_VERSION = "v1.7.4"
# `go mod download -json github.com/helmfile/helmfile@v1.7.4` -> Sum (the h1 hash of the module zip, as in go.sum).
HELMFILE_MODULE_SUM = "h1:v6SZBjgZRsLCfj83Vu1nmN9YWTKSvddxI2sJSJxyQME="
# The commit tagged v1.7.4 (the same command's Origin.Hash), stamped as helmfile's Makefile does.
HELMFILE1_COMMIT = "6034a54e0da2a1793cddbeb759ea2771fc5952e8"
VERSION_PACKAGE = "go.szostok.io/version"
BUILD_MODULE_NAME = "pyhelmfile.test/helmfile1"


class HelmfileBuildError(RuntimeError):
    pass


def log(message: str) -> None:
    print(f"helmfile1: {message}", file=sys.stderr, flush=True)


def cache_dir() -> Path:
    return testcluster.cache_root() / "helmfile" / HELMFILE1_VERSION


def build_env() -> dict[str, str]:
    env = testcluster.go_env()
    env["GOFLAGS"] = f"{env.get('GOFLAGS', '')} -mod=mod".strip()  # resolve the throwaway module's build list
    env["CGO_ENABLED"] = "0"  # static, like helmfile's release binaries; no C toolchain in the build
    env["GOTOOLCHAIN"] = "local"  # build with the Go on PATH; never fetch another toolchain
    return env


def go_json(go: str, args: list[str], cwd: Path, env: dict[str, str]) -> dict[str, Any]:
    proc = subprocess.run([go, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise HelmfileBuildError(f"`go {' '.join(args)}` failed:\n{proc.stdout}{proc.stderr}")
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def download_module(go: str, cwd: Path, env: dict[str, str]) -> dict[str, Any]:
    """`go mod download -json` of helmfile v1.7.4: its paths in the module cache; the h1 sum must be the pinned one."""
    info = go_json(go, ["mod", "download", "-json", f"{HELMFILE_MODULE}@{HELMFILE1_VERSION}"], cwd, env)
    if info.get("Error"):
        raise HelmfileBuildError(f"go mod download {HELMFILE_MODULE}@{HELMFILE1_VERSION}: {info['Error']}")
    if info.get("Sum") != HELMFILE_MODULE_SUM:
        raise HelmfileBuildError(
            f"{HELMFILE_MODULE}@{HELMFILE1_VERSION}: module sum {info.get('Sum')}, expected {HELMFILE_MODULE_SUM}"
        )
    return info


def module_source_dir() -> Path:
    """v1.7.4's source in the Go module cache (downloaded if needed), e.g. to read its pkg/state/*.go."""
    go = testcluster.require_go()
    with tempfile.TemporaryDirectory(prefix="helmfile1-") as tmp:
        return Path(download_module(go, Path(tmp), build_env())["Dir"])


def module_spec(mod: dict[str, str]) -> str:
    return f"{mod['Path']} {mod['Version']}" if mod.get("Version") else mod["Path"]


def throwaway_gomod(go: str, upstream_gomod: Path, cwd: Path, env: dict[str, str]) -> str:
    """A go.mod requiring helmfile v1.7.4 with the `go` line, every `replace` and `exclude` of its own go.mod."""
    upstream = go_json(go, ["mod", "edit", "-json", str(upstream_gomod)], cwd, env)
    lines = [f"module {BUILD_MODULE_NAME}", "", f"go {upstream['Go']}", ""]
    for godebug in upstream.get("Godebug") or []:
        lines.append(f"godebug {godebug['Key']}={godebug['Value']}")
    lines.append(f"require {HELMFILE_MODULE} {HELMFILE1_VERSION}")
    excludes = upstream.get("Exclude") or []
    if excludes:
        lines += ["", "exclude (", *(f"\t{module_spec(mod)}" for mod in excludes), ")"]
    replaces = upstream.get("Replace") or []
    if replaces:
        lines += ["", "replace ("]
        for replace in replaces:
            if not replace["New"].get("Version"):
                raise HelmfileBuildError(f"{upstream_gomod}: cannot repeat a replace by a local directory: {replace}")
            lines.append(f"\t{module_spec(replace['Old'])} => {module_spec(replace['New'])}")
        lines.append(")")
    return "\n".join(lines) + "\n"


def ldflags() -> str:
    return " ".join(
        [
            "-s",
            "-w",
            f"-X {VERSION_PACKAGE}.version={HELMFILE1_VERSION}",
            f"-X {VERSION_PACKAGE}.commit={HELMFILE1_COMMIT[:7]}",
            f"-X {VERSION_PACKAGE}.dirtyBuild=false",
        ]
    )


def build_key() -> str:
    """What the cached binary is built from; a change here (e.g. to the flags) rebuilds it."""
    parts = [HELMFILE_MODULE, HELMFILE1_VERSION, HELMFILE_MODULE_SUM, ldflags(), "-trimpath", "CGO_ENABLED=0"]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def recorded_sha256(sha_file: Path) -> str | None:
    try:
        return sha_file.read_text().split()[0]
    except (OSError, IndexError):
        return None


def cached_ok(out: Path) -> bool:
    """The cached binary exists, was built from build_key() and still has the sha256 recorded when it was built."""
    binary, sha_file, key_file = out / "helmfile", out / "helmfile.sha256", out / "BUILD_KEY"
    if not (binary.is_file() and key_file.is_file()) or key_file.read_text().strip() != build_key():
        return False
    recorded = recorded_sha256(sha_file)
    if recorded is not None and sha256_file(binary) == recorded:
        return True
    log(f"{binary} does not match {sha_file}; rebuilding it")
    return False


def build(out: Path) -> None:
    """Build helmfile v1.7.4 into out/ (helmfile, helmfile.sha256, BUILD_KEY); the caller holds the lock."""
    go = testcluster.require_go()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="build-", dir=out) as tmp_dir:
        tmp = Path(tmp_dir)
        env = build_env()
        module = download_module(go, tmp, env)
        (tmp / "go.mod").write_text(throwaway_gomod(go, Path(module["GoMod"]), tmp, env))
        shutil.copyfile(Path(module["Dir"]) / "go.sum", tmp / "go.sum")  # v1.7.4's own checksums
        target = tmp / "helmfile"
        argv = [go, "build", "-v", "-trimpath", f"-ldflags={ldflags()}", "-o", str(target), HELMFILE_MODULE]
        testcluster.run_go_build(f"helmfile {HELMFILE1_VERSION}", argv, tmp, env, 0)
        digest = sha256_file(target)
        target.chmod(0o755)
        (out / "BUILD_KEY").unlink(missing_ok=True)  # no half-updated state is ever taken for a good build
        target.replace(out / "helmfile")
        (out / "helmfile.sha256").write_text(f"{digest}  helmfile\n")
        (out / "BUILD_KEY").write_text(build_key() + "\n")
        log(f"{out / 'helmfile'}: sha256 {digest}, {(out / 'helmfile').stat().st_size} bytes")


def ensure_helmfile1() -> Path:
    """The helmfile v1.7.4 binary, built once from the Go module proxy (cached; sha256 verified on reuse)."""
    out = cache_dir()
    with testcluster.file_lock(out.parent / ".build.lock"):
        if not cached_ok(out):
            build(out)
    return out / "helmfile"


if __name__ == "__main__":
    if sys.argv[1:] == ["--source-dir"]:
        print(module_source_dir())
    else:
        print(ensure_helmfile1())
