"""The clusters' binaries, built or fetched once into ~/.cache/pyhelmfile/{k8s,kwok,etcd}/<version>/.

kube-apiserver, kube-controller-manager and kube-scheduler are built with Go from the module in
scripts/k8sbuild (see generate_gomod), kwok with `go install`, and etcd is unpacked from Debian's
package (sha256 pinned). scripts/helmdiff.py builds helm-diff with the same helpers.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from scripts.testcluster.common import ROOT, ClusterError, log
from scripts.tools import sha256_file

BUILD_MODULE = ROOT / "scripts" / "k8sbuild"

K8S_VERSION = "1.33.13"
K8S_COMMANDS = ("kube-apiserver", "kube-controller-manager", "kube-scheduler")
KWOK_MODULE = "sigs.k8s.io/kwok"
KWOK_VERSION = "v0.7.0"
ETCD_PACKAGE = "etcd-server"
ETCD_DEB_VERSION = "3.4.23-4+b4"
ETCD_DEB_SHA256 = "3a9445d4560ad6de1c375756b2a17d97713df44cbd20a658c871fe108af7ef5d"
ETCD_BIN_SHA256 = "a45de16600eafc57939b84013b0522c4670435471eb4073dd963d01e0eb5a217"


def cache_root() -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "pyhelmfile"


@dataclass(frozen=True)
class Binaries:
    etcd: Path
    kube_apiserver: Path
    kube_controller_manager: Path
    kube_scheduler: Path
    kwok: Path


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Serialise builds: parallel pytest workers or a `make cluster-up` must not build twice at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def k8s_ldflags() -> str:
    """Stamp the real version: helm reads it as .Capabilities.KubeVersion, kubectl prints it."""
    major, minor, _ = K8S_VERSION.split(".")
    flags = ["-s", "-w"]
    for pkg in ("k8s.io/component-base/version", "k8s.io/client-go/pkg/version"):
        flags += [
            f"-X {pkg}.gitVersion=v{K8S_VERSION}",
            f"-X {pkg}.gitMajor={major}",
            f"-X {pkg}.gitMinor={minor}",
            f"-X {pkg}.gitTreeState=clean",
        ]
    return " ".join(flags)


def k8s_build_key() -> str:
    """What the cached binaries were built from; any change to the build module rebuilds them."""
    digest = hashlib.sha256()
    for name in ("go.mod", "go.sum"):
        digest.update((BUILD_MODULE / name).read_bytes())
    digest.update(k8s_ldflags().encode())
    digest.update(" ".join(K8S_COMMANDS).encode())
    return digest.hexdigest()


def go_env() -> dict[str, str]:
    env = dict(os.environ)
    # `go build` inside scripts/k8sbuild must use its go.mod, never a workspace elsewhere.
    env["GOWORK"] = "off"
    return env


def require_go() -> str:
    go = shutil.which("go")
    if go is None:
        raise ClusterError("`go` is not on PATH: it is needed once to build kube-apiserver and kwok")
    return go


def count_packages(go: str, packages: Sequence[str], cwd: Path) -> int:
    """How many packages a build compiles at most; only used for the progress line."""
    proc = subprocess.run(
        [go, "list", "-deps", *packages], cwd=cwd, env=go_env(), capture_output=True, text=True, check=False
    )
    return len(proc.stdout.split()) if proc.returncode == 0 else 0


def run_go_build(label: str, argv: list[str], cwd: Path, env: dict[str, str], total: int) -> None:
    """Run `go build -v`/`go install -v` with a progress line every 15 s, also while it links (no output)."""
    started = time.monotonic()
    compiled: list[str] = []
    other: list[str] = []
    log(f"building {label} (a cold build takes several minutes; later runs use the cache)")
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def read() -> None:
        assert proc.stderr is not None
        for raw in proc.stderr:
            line = raw.rstrip("\n")
            if line and not any(ch.isspace() for ch in line):
                compiled.append(line)  # `-v` prints each package's import path as it compiles it
            else:
                other.append(line)
                log(line)  # module downloads and compiler errors are worth seeing as they happen

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    of = f"/~{total}" if total else ""
    while reader.is_alive():  # until go closes stderr, i.e. exits
        reader.join(timeout=15)
        if reader.is_alive():
            log(f"building {label}: {len(compiled)}{of} packages compiled, {time.monotonic() - started:.0f}s")
    if proc.wait() != 0:
        raise ClusterError(f"building {label} failed ({' '.join(argv)}):\n" + "\n".join((compiled + other)[-40:]))
    log(f"built {label} in {time.monotonic() - started:.0f}s")


def build_k8s() -> dict[str, Path]:
    out = cache_root() / "k8s" / K8S_VERSION
    key = k8s_build_key()
    wanted = {name: out / name for name in K8S_COMMANDS}

    def cached() -> bool:
        stamp = out / "BUILD_KEY"
        return stamp.is_file() and stamp.read_text().strip() == key and all(p.is_file() for p in wanted.values())

    if cached():
        return wanted
    with file_lock(cache_root() / "k8s" / ".build.lock"):
        if cached():  # another process built it while we waited
            return wanted
        go = require_go()
        packages = [f"k8s.io/kubernetes/cmd/{name}" for name in K8S_COMMANDS]
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=out) as tmp:
            argv = [go, "build", "-v", "-trimpath", f"-ldflags={k8s_ldflags()}", "-o", tmp + "/", *packages]
            log("listing Kubernetes packages (downloads the modules first on a fresh machine)")
            total = count_packages(go, packages, BUILD_MODULE)
            run_go_build(f"Kubernetes v{K8S_VERSION} ({', '.join(K8S_COMMANDS)})", argv, BUILD_MODULE, go_env(), total)
            for name, target in wanted.items():
                (Path(tmp) / name).replace(target)
        (out / "BUILD_KEY").write_text(key + "\n")
    return wanted


def build_kwok() -> Path:
    out = cache_root() / "kwok" / KWOK_VERSION
    target = out / "kwok"
    if target.is_file():
        return target
    with file_lock(cache_root() / "kwok" / ".build.lock"):
        if target.is_file():
            return target
        go = require_go()
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=out) as tmp:
            env = go_env() | {"GOBIN": tmp}
            argv = [go, "install", "-v", "-trimpath", "-ldflags=-s -w", f"{KWOK_MODULE}/cmd/kwok@{KWOK_VERSION}"]
            # `go install mod@version` ignores any enclosing module, so a neutral cwd is enough.
            run_go_build(f"kwok {KWOK_VERSION}", argv, Path(tmp), env, 0)
            (Path(tmp) / "kwok").replace(target)
    return target


def fetch_etcd() -> Path:
    """etcd from Debian's package, downloaded and unpacked into the cache, never installed system-wide."""
    out = cache_root() / "etcd" / ETCD_DEB_VERSION
    target = out / "etcd"
    if target.is_file() and sha256_file(target) == ETCD_BIN_SHA256:
        return target
    with file_lock(cache_root() / "etcd" / ".fetch.lock"):
        out.mkdir(parents=True, exist_ok=True)
        deb = out / f"{ETCD_PACKAGE}_{ETCD_DEB_VERSION}_amd64.deb"
        if not (deb.is_file() and sha256_file(deb) == ETCD_DEB_SHA256):
            download_deb(deb)
        with tempfile.TemporaryDirectory(dir=out) as tmp:
            subprocess.run(["dpkg-deb", "-x", str(deb), tmp], check=True)
            binary = Path(tmp) / "usr" / "bin" / "etcd"
            if sha256_file(binary) != ETCD_BIN_SHA256:
                raise ClusterError(f"{binary}: sha256 differs from the pinned {ETCD_BIN_SHA256}")
            binary.replace(target)
    return target


def download_deb(deb: Path) -> None:
    log(f"downloading {ETCD_PACKAGE} {ETCD_DEB_VERSION} (apt-get download)")
    with tempfile.TemporaryDirectory(dir=deb.parent) as tmp:
        cmd = ["apt-get", "download", "-q", f"{ETCD_PACKAGE}={ETCD_DEB_VERSION}"]
        if subprocess.run(cmd, cwd=tmp, capture_output=True).returncode != 0:
            # A fresh machine has no package lists yet.
            subprocess.run(["apt-get", "update", "-q"], check=True, capture_output=True)
            subprocess.run(cmd, cwd=tmp, check=True, capture_output=True)
        (fetched,) = Path(tmp).iterdir()
        got = sha256_file(fetched)
        if got != ETCD_DEB_SHA256:
            raise ClusterError(f"{fetched.name}: sha256 {got} != pinned {ETCD_DEB_SHA256}")
        fetched.replace(deb)


GOMOD_HEADER = """\
// Build module for the test clusters' control plane (scripts/testcluster.py).
// k8s.io/kubernetes cannot be 'go install'ed: its go.mod replaces every k8s.io staging
// module with a local path. This module requires it and pins each staging module to the
// published v0.Y.Z that matches v1.Y.Z instead. Regenerate with: scripts/testcluster.py gomod
"""


def generate_gomod() -> None:
    """Write scripts/k8sbuild/go.mod for K8S_VERSION from Kubernetes' own go.mod, then `go mod tidy`."""
    go = require_go()
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [go, "mod", "download", "-json", f"k8s.io/kubernetes@v{K8S_VERSION}"]
        info = json.loads(subprocess.run(cmd, cwd=tmp, env=go_env(), capture_output=True, check=True).stdout)
    upstream = Path(info["GoMod"]).read_text().splitlines()
    staging = [line.split()[0] for line in upstream if "=> ./staging/" in line]
    directives = [line for line in upstream if line.startswith(("go ", "godebug "))]
    staging_version = "v0." + K8S_VERSION.split(".", 1)[1]
    lines = [GOMOD_HEADER + "module pyhelmfile.test/k8sbuild", "", *directives, "", "tool ("]
    lines += [f"\tk8s.io/kubernetes/cmd/{name}" for name in K8S_COMMANDS]
    lines += [")", "", f"require k8s.io/kubernetes v{K8S_VERSION}", "", "replace ("]
    lines += [f"\t{mod} => {mod} {staging_version}" for mod in staging]
    lines += [")", ""]
    (BUILD_MODULE / "go.mod").write_text("\n".join(lines))
    (BUILD_MODULE / "go.sum").unlink(missing_ok=True)
    subprocess.run([go, "mod", "tidy"], cwd=BUILD_MODULE, env=go_env(), check=True)


def ensure_binaries() -> Binaries:
    etcd = fetch_etcd()
    k8s = build_k8s()
    kwok = build_kwok()
    return Binaries(
        etcd=etcd,
        kube_apiserver=k8s["kube-apiserver"],
        kube_controller_manager=k8s["kube-controller-manager"],
        kube_scheduler=k8s["kube-scheduler"],
        kwok=kwok,
    )
