#!/usr/bin/env python3
"""Real Kubernetes control planes on loopback for tests: two clusters, `stg` and `prd`.

Each cluster runs its own processes, all bound to 127.0.0.1 on free ports:
    etcd 3.4.23               Debian `etcd-server` package, unpacked (never installed), sha256 pinned
    kube-apiserver            \
    kube-controller-manager    > Kubernetes v1.33.13, built from the Go module proxy (scripts/k8sbuild)
    kube-scheduler            /
    kwok v0.7.0               built from the Go module proxy; one fake node whose pods become Ready

One kubeconfig holds the contexts `stg` and `prd` (a system:masters client certificate).
Binaries are cached in ~/.cache/pyhelmfile/{k8s,kwok,etcd}/<version>/; a first build takes
minutes (progress goes to stderr), later runs reuse the cache.

    python scripts/testcluster.py up [--run-dir DIR]   # start (or reuse) both clusters; prints the KUBECONFIG path
    python scripts/testcluster.py status               # exit 0 only if every process and apiserver is healthy
    python scripts/testcluster.py kubeconfig           # print the KUBECONFIG path
    python scripts/testcluster.py down                 # stop exactly the recorded PIDs, remove the run dir
    python scripts/testcluster.py build                # only build/fetch the binaries
    python scripts/testcluster.py gomod                # regenerate scripts/k8sbuild/go.mod after changing K8S_VERSION

The run dir defaults to ~/.cache/pyhelmfile/clusters (or $PYHELMFILE_CLUSTERS_DIR).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import datetime as dt
import fcntl
import hashlib
import ipaddress
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
BUILD_MODULE = ROOT / "scripts" / "k8sbuild"

K8S_VERSION = "1.33.13"
K8S_COMMANDS = ("kube-apiserver", "kube-controller-manager", "kube-scheduler")
KWOK_MODULE = "sigs.k8s.io/kwok"
KWOK_VERSION = "v0.7.0"
ETCD_PACKAGE = "etcd-server"
ETCD_DEB_VERSION = "3.4.23-4+b4"
ETCD_DEB_SHA256 = "3a9445d4560ad6de1c375756b2a17d97713df44cbd20a658c871fe108af7ef5d"
ETCD_BIN_SHA256 = "a45de16600eafc57939b84013b0522c4670435471eb4073dd963d01e0eb5a217"

CONTEXTS = ("stg", "prd")
SERVICE_CIDR = "10.96.0.0/16"
SERVICE_IP = "10.96.0.1"
POD_CIDR = "10.244.0.1/24"
NODE_NAME = "kwok-node-0"
DEFAULT_SA = "/api/v1/namespaces/default/serviceaccounts/default"
KWOK_NODE_ANNOTATION = ("kwok.x-k8s.io/node", "fake")


def log(message: str) -> None:
    print(f"testcluster: {message}", file=sys.stderr, flush=True)


class ClusterError(Exception):
    pass


# --------------------------------------------------------------------------- cache and binaries


def cache_root() -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "pyhelmfile"


def default_run_dir() -> Path:
    env = os.environ.get("PYHELMFILE_CLUSTERS_DIR")
    return Path(env) if env else cache_root() / "clusters"


@dataclass(frozen=True)
class Binaries:
    etcd: Path
    kube_apiserver: Path
    kube_controller_manager: Path
    kube_scheduler: Path
    kwok: Path


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


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


# --------------------------------------------------------------------------- certificates


class Pki:
    """Certificates and keys in one directory, each written as <stem>.crt / <stem>.key."""

    def __init__(self, path: Path) -> None:
        # Imported here so `status`/`down` work even where `cryptography` is not installed.
        from cryptography.hazmat.primitives.asymmetric import ec

        self.path = path
        self.ec = ec
        self.signers: dict[str, tuple[Any, Any]] = {}  # CA stem -> (certificate, key)
        self.now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)  # tolerate small clock differences
        path.mkdir(parents=True, exist_ok=True)

    def key(self, stem: str) -> Any:
        """An EC P-256 key: fast to generate, and accepted by every Kubernetes component and client."""
        from cryptography.hazmat.primitives import serialization as ser

        key = self.ec.generate_private_key(self.ec.SECP256R1())
        pem = key.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.PKCS8, ser.NoEncryption())
        (self.path / f"{stem}.key").write_bytes(pem)
        (self.path / f"{stem}.key").chmod(0o600)
        return key

    def cert(self, stem: str, subject: dict[str, str], issuer: str | None, extensions: list[tuple[Any, bool]]) -> None:
        """Sign with CA `issuer` (self-signed when None) and write <stem>.crt."""
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.x509.oid import NameOID

        oids = {"CN": NameOID.COMMON_NAME, "O": NameOID.ORGANIZATION_NAME}
        name = x509.Name([x509.NameAttribute(oids[k], v) for k, v in subject.items()])
        key = self.key(stem)
        ca_cert, ca_key = self.signers[issuer] if issuer else (None, key)
        builder = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(ca_cert.subject if ca_cert else name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(self.now)
            .not_valid_after(self.now + dt.timedelta(days=3650))
        )
        for extension, critical in extensions:
            builder = builder.add_extension(extension, critical=critical)
        cert = builder.sign(ca_key, hashes.SHA256())
        (self.path / f"{stem}.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        if issuer is None:
            self.signers[stem] = (cert, key)

    def ca(self, stem: str, cn: str) -> None:
        from cryptography import x509

        usage = x509.KeyUsage(False, False, False, False, False, True, True, False, False)  # certs + CRLs
        self.cert(stem, {"CN": cn}, None, [(x509.BasicConstraints(ca=True, path_length=None), True), (usage, True)])

    def leaf(self, stem: str, issuer: str, subject: dict[str, str], server: bool, sans: Sequence[str] = ()) -> None:
        from cryptography import x509
        from cryptography.x509.oid import ExtendedKeyUsageOID as Eku

        extensions: list[tuple[Any, bool]] = [
            (x509.BasicConstraints(ca=False, path_length=None), True),
            (x509.ExtendedKeyUsage([Eku.SERVER_AUTH if server else Eku.CLIENT_AUTH]), False),
        ]
        if sans:
            names = [x509.IPAddress(ipaddress.ip_address(s)) if s[0].isdigit() else x509.DNSName(s) for s in sans]
            extensions.append((x509.SubjectAlternativeName(names), False))
        self.cert(stem, subject, issuer, extensions)


def write_pki(path: Path) -> None:
    """CAs, the apiservers' serving cert, a system:masters client cert and the service-account key pair."""
    from cryptography.hazmat.primitives import serialization as ser

    pki = Pki(path)
    pki.ca("ca", "pyhelmfile-test-ca")
    sans = ["localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "127.0.0.1", SERVICE_IP]
    pki.leaf("apiserver", "ca", {"CN": "kube-apiserver"}, server=True, sans=sans)
    pki.leaf("admin", "ca", {"CN": "pyhelmfile-admin", "O": "system:masters"}, server=False)
    # The front-proxy (request-header) CA, as kubeadm sets it up: without it the controller-manager
    # and scheduler log an error every few seconds about the missing requestheader CA bundle.
    pki.ca("front-proxy-ca", "front-proxy-ca")
    pki.leaf("front-proxy-client", "front-proxy-ca", {"CN": "front-proxy-client"}, server=False)
    sa = pki.key("sa")
    (path / "sa.pub").write_bytes(sa.public_key().public_bytes(ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo))


def b64file(path: Path) -> str:
    return base64.b64encode(path.read_bytes()).decode()


def kubeconfig_doc(pki: Path, servers: dict[str, str], current: str) -> dict[str, Any]:
    """A self-contained kubeconfig (certificates embedded) with one context per cluster."""
    user = {
        "client-certificate-data": b64file(pki / "admin.crt"),
        "client-key-data": b64file(pki / "admin.key"),
    }
    ca = b64file(pki / "ca.crt")
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {"name": n, "cluster": {"server": url, "certificate-authority-data": ca}} for n, url in servers.items()
        ],
        "users": [{"name": f"{n}-admin", "user": user} for n in servers],
        "contexts": [{"name": n, "context": {"cluster": n, "user": f"{n}-admin"}} for n in servers],
        "current-context": current,
        "preferences": {},
    }


def write_kubeconfig(path: Path, doc: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    path.chmod(0o600)


# --------------------------------------------------------------------------- processes


@dataclass
class Proc:
    """A process we started: PID plus its kernel start time, so a reused PID is never signalled."""

    name: str
    pid: int
    start_ticks: str
    log: str


def proc_start_ticks(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Field 2 (comm) may contain spaces; the fields after its closing parenthesis are fixed.
    fields = stat[stat.rindex(")") + 2 :].split()
    if fields[0] == "Z":
        return None  # a zombie has exited already
    return fields[19]


def alive(proc: Proc) -> bool:
    try:
        # Our own child (the pytest fixture's case): only waitpid knows when it has fully exited;
        # a Go process whose threads are still exiting already shows "Z" in /proc.
        pid, _ = os.waitpid(proc.pid, os.WNOHANG)
        return pid == 0
    except ChildProcessError:
        pass  # started by an earlier `up` (now init's child), or already reaped
    return proc_start_ticks(proc.pid) == proc.start_ticks


def stop_process(proc: Proc, grace: float = 15.0) -> None:
    """SIGTERM, wait, then SIGKILL; only if the PID is still the process we started."""
    if not alive(proc):
        return
    os.kill(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not alive(proc):
            return
        time.sleep(0.1)
    log(f"{proc.name} (pid {proc.pid}) ignored SIGTERM for {grace:.0f}s, sending SIGKILL")
    with contextlib.suppress(ProcessLookupError):
        os.kill(proc.pid, signal.SIGKILL)
    while alive(proc):
        time.sleep(0.1)


def _die_with_parent() -> None:
    """Runs in the child: if the test process dies hard (SIGKILL), take the component down too.

    SIGKILL, not SIGTERM: every component gets it at once, and an apiserver whose etcd vanished
    mid-shutdown can hang in graceful termination. Nothing in a test run dir is worth keeping."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def free_ports(count: int) -> list[int]:
    """Ports the kernel hands out for 127.0.0.1; all held open together so none repeats."""
    socks = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


# --------------------------------------------------------------------------- API access


def ssl_context(pki: Path) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=str(pki / "ca.crt"))
    ctx.load_cert_chain(str(pki / "admin.crt"), str(pki / "admin.key"))
    return ctx


def api_request(
    server: str, pki: Path, method: str, path: str, body: Any = None, timeout: float = 10
) -> tuple[int, Any]:
    """One HTTPS request to an apiserver as cluster-admin; returns (status, parsed JSON or text)."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(server + path, data=data, method=method)
    req.add_header("Accept", "application/json")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, context=ssl_context(pki), timeout=timeout) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode(errors="replace")


def http_ok(url: str, timeout: float = 3) -> bool:
    """Plain GET for etcd's /health and the components' /healthz (which allow anonymous access)."""
    # kcm, scheduler and kwok serve self-signed certificates on loopback: nothing to verify there.
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        with urllib.request.urlopen(url, context=ctx if url.startswith("https") else None, timeout=timeout) as resp:
            return bool(resp.status == 200)
    except (OSError, urllib.error.URLError):
        return False


# --------------------------------------------------------------------------- clusters


@dataclass
class ClusterInfo:
    name: str
    dir: str
    server: str
    ports: dict[str, int]


@dataclass
class State:
    run_dir: str
    kubeconfig: str
    clusters: dict[str, ClusterInfo] = field(default_factory=dict)
    processes: list[Proc] = field(default_factory=list)

    @property
    def pki(self) -> Path:
        return Path(self.run_dir) / "pki"

    def save(self) -> None:
        path = Path(self.run_dir) / "state.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2))
        tmp.replace(path)

    @classmethod
    def load(cls, run_dir: Path) -> State | None:
        path = run_dir / "state.json"
        if not path.is_file():
            return None
        raw = json.loads(path.read_text())
        return cls(
            run_dir=raw["run_dir"],
            kubeconfig=raw["kubeconfig"],
            clusters={k: ClusterInfo(**v) for k, v in raw["clusters"].items()},
            processes=[Proc(**p) for p in raw["processes"]],
        )


class Launcher:
    """Starts components, recording each PID in state.json before anything else can fail."""

    def __init__(self, state: State, die_with_parent: bool) -> None:
        self.state = state
        self.die_with_parent = die_with_parent

    def start(self, name: str, argv: list[str], logfile: Path) -> Proc:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ETCD_", "KUBECONFIG"))}
        with logfile.open("ab") as out:
            popen = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=logfile.parent,
                # `up` returns while the clusters keep running, so they must not share our session;
                # under pytest they should die with the test process instead.
                start_new_session=not self.die_with_parent,
                preexec_fn=_die_with_parent if self.die_with_parent else None,
            )
        ticks = proc_start_ticks(popen.pid) or ""
        proc = Proc(name=name, pid=popen.pid, start_ticks=ticks, log=str(logfile))
        self.state.processes.append(proc)
        self.state.save()
        return proc


def tail(path: str, lines: int = 25) -> str:
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def wait_for(what: str, check: Any, procs: Sequence[Proc], timeout: float) -> None:
    """Poll `check()` until true; fail early (with the log's tail) if a component has died."""
    deadline = time.monotonic() + timeout
    while True:
        for proc in procs:
            if not alive(proc):
                raise ClusterError(f"{proc.name} exited while waiting for {what}; log {proc.log}:\n{tail(proc.log)}")
        with contextlib.suppress(OSError, urllib.error.URLError, ssl.SSLError):
            if check():
                return
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {p.name} ({p.log})\n{tail(p.log)}" for p in procs)
            raise ClusterError(f"timed out after {timeout:.0f}s waiting for {what}\n{logs}")
        time.sleep(0.25)


def etcd_argv(bins: Binaries, cdir: Path, ports: dict[str, int]) -> list[str]:
    client = f"http://127.0.0.1:{ports['etcd']}"
    peer = f"http://127.0.0.1:{ports['etcd_peer']}"
    return [
        str(bins.etcd),
        "--name=default",
        f"--data-dir={cdir / 'etcd'}",
        f"--listen-client-urls={client}",
        f"--advertise-client-urls={client}",
        f"--listen-peer-urls={peer}",
        f"--initial-advertise-peer-urls={peer}",
        f"--initial-cluster=default={peer}",
        "--initial-cluster-state=new",
        "--logger=zap",
        "--log-level=warn",
    ]


def apiserver_argv(bins: Binaries, pki: Path, cdir: Path, ports: dict[str, int]) -> list[str]:
    return [
        str(bins.kube_apiserver),
        f"--etcd-servers=http://127.0.0.1:{ports['etcd']}",
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        f"--secure-port={ports['apiserver']}",
        f"--cert-dir={cdir / 'apiserver-certs'}",
        f"--tls-cert-file={pki / 'apiserver.crt'}",
        f"--tls-private-key-file={pki / 'apiserver.key'}",
        f"--client-ca-file={pki / 'ca.crt'}",
        f"--service-account-key-file={pki / 'sa.pub'}",
        f"--service-account-signing-key-file={pki / 'sa.key'}",
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        f"--service-cluster-ip-range={SERVICE_CIDR}",
        "--authorization-mode=RBAC",
        f"--requestheader-client-ca-file={pki / 'front-proxy-ca.crt'}",
        "--requestheader-allowed-names=front-proxy-client",
        "--requestheader-username-headers=X-Remote-User",
        "--requestheader-group-headers=X-Remote-Group",
        "--requestheader-extra-headers-prefix=X-Remote-Extra-",
        f"--proxy-client-cert-file={pki / 'front-proxy-client.crt'}",
        f"--proxy-client-key-file={pki / 'front-proxy-client.key'}",
        # Endpoints may not point at loopback, and no pod here could reach the apiserver anyway.
        "--endpoint-reconciler-type=none",
        "--allow-privileged=true",
        "--profiling=false",
        "--v=1",
    ]


def controller_manager_argv(bins: Binaries, pki: Path, cdir: Path, ports: dict[str, int], name: str) -> list[str]:
    kc = cdir / "admin.kubeconfig"
    return [
        str(bins.kube_controller_manager),
        f"--kubeconfig={kc}",
        f"--authentication-kubeconfig={kc}",
        f"--authorization-kubeconfig={kc}",
        "--bind-address=127.0.0.1",
        f"--secure-port={ports['controller_manager']}",
        f"--cert-dir={cdir / 'kcm-certs'}",
        "--leader-elect=false",
        f"--cluster-name={name}",
        f"--root-ca-file={pki / 'ca.crt'}",
        f"--service-account-private-key-file={pki / 'sa.key'}",
        f"--service-cluster-ip-range={SERVICE_CIDR}",
        "--profiling=false",
        "--v=1",
    ]


def scheduler_argv(bins: Binaries, cdir: Path, ports: dict[str, int]) -> list[str]:
    kc = cdir / "admin.kubeconfig"
    return [
        str(bins.kube_scheduler),
        f"--kubeconfig={kc}",
        f"--authentication-kubeconfig={kc}",
        f"--authorization-kubeconfig={kc}",
        "--bind-address=127.0.0.1",
        f"--secure-port={ports['scheduler']}",
        f"--cert-dir={cdir / 'scheduler-certs'}",
        "--leader-elect=false",
        "--profiling=false",
        "--v=1",
    ]


def kwok_config(path: Path, ports: dict[str, int]) -> None:
    """kwok's own options. No Stage objects: kwok then applies its default stages, which make
    the node Ready (node-initialize + heartbeat) and pods Ready/Completed/deleted (pod-ready,
    pod-complete, pod-delete) — what `helm --wait` and garbage collection need."""
    key, value = KWOK_NODE_ANNOTATION
    doc = {
        "apiVersion": "config.kwok.x-k8s.io/v1alpha1",
        "kind": "KwokConfiguration",
        "options": {
            "cidr": POD_CIDR,
            "nodeIP": "10.244.0.254",
            "manageAllNodes": False,
            "manageNodesWithAnnotationSelector": f"{key}={value}",
            "nodeLeaseDurationSeconds": 40,
            "serverAddress": f"127.0.0.1:{ports['kwok']}",
        },
    }
    path.write_text(yaml.safe_dump(doc, sort_keys=False))


def kwok_argv(bins: Binaries, cdir: Path) -> list[str]:
    # An explicit --config also keeps a developer's ~/.kwok/kwok.yaml out of the tests.
    return [str(bins.kwok), f"--kubeconfig={cdir / 'admin.kubeconfig'}", f"--config={cdir / 'kwok.yaml'}"]


def fake_node() -> dict[str, Any]:
    key, value = KWOK_NODE_ANNOTATION
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": NODE_NAME,
            "annotations": {key: value, "node.alpha.kubernetes.io/ttl": "0"},
            "labels": {
                "type": "kwok",
                "kubernetes.io/hostname": NODE_NAME,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "node-role.kubernetes.io/agent": "",
            },
        },
        "spec": {},
    }


def node_ready(server: str, pki: Path) -> bool:
    status, node = api_request(server, pki, "GET", f"/api/v1/nodes/{NODE_NAME}")
    if status != 200:
        return False
    conditions = node.get("status", {}).get("conditions", [])
    ready = any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)
    # The node lifecycle controller taints a node until it has seen it Ready; pods would not schedule.
    taints = [t for t in node.get("spec", {}).get("taints", []) if t.get("effect") == "NoSchedule"]
    return ready and not taints


def readyz(server: str, pki: Path) -> bool:
    status, _ = api_request(server, pki, "GET", "/readyz", timeout=5)
    return status == 200


def exists(server: str, pki: Path, path: str) -> bool:
    status, _ = api_request(server, pki, "GET", path)
    return status == 200


def prepare_cluster(state: State, name: str) -> ClusterInfo:
    cdir = Path(state.run_dir) / name
    cdir.mkdir(parents=True)
    keys = ("etcd", "etcd_peer", "apiserver", "controller_manager", "scheduler", "kwok")
    ports = dict(zip(keys, free_ports(len(keys)), strict=True))
    info = ClusterInfo(name=name, dir=str(cdir), server=f"https://127.0.0.1:{ports['apiserver']}", ports=ports)
    write_kubeconfig(cdir / "admin.kubeconfig", kubeconfig_doc(state.pki, {name: info.server}, name))
    kwok_config(cdir / "kwok.yaml", ports)
    state.clusters[name] = info
    return info


COMPONENTS = ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok")


def health_urls(info: ClusterInfo) -> dict[str, str]:
    """Each component's own health endpoint (the apiserver's /readyz needs a client cert: see readyz())."""
    ports = info.ports
    return {
        "etcd": f"http://127.0.0.1:{ports['etcd']}/health",
        "kube-controller-manager": f"https://127.0.0.1:{ports['controller_manager']}/healthz",
        "kube-scheduler": f"https://127.0.0.1:{ports['scheduler']}/healthz",
        "kwok": f"http://127.0.0.1:{ports['kwok']}/healthz",
    }


def new_state(run_dir: Path) -> State:
    """Fresh certificates, ports and kubeconfigs; nothing is running yet."""
    run_dir.mkdir(parents=True, exist_ok=True)
    for leftover in (*CONTEXTS, "pki"):
        # Without state.json nothing was started from here, so leftovers are only files.
        shutil.rmtree(run_dir / leftover, ignore_errors=True)
    state = State(run_dir=str(run_dir), kubeconfig=str(run_dir / "kubeconfig"))
    write_pki(state.pki)
    infos = [prepare_cluster(state, name) for name in CONTEXTS]
    state.save()
    servers = {i.name: i.server for i in infos}
    write_kubeconfig(Path(state.kubeconfig), kubeconfig_doc(state.pki, servers, CONTEXTS[0]))
    return state


def start_etcds(launch: Launcher, bins: Binaries) -> None:
    infos = list(launch.state.clusters.values())
    procs = [
        launch.start(f"{i.name}/etcd", etcd_argv(bins, Path(i.dir), i.ports), Path(i.dir) / "etcd.log") for i in infos
    ]
    for info, proc in zip(infos, procs, strict=True):
        url = health_urls(info)["etcd"]
        wait_for(f"{info.name} etcd", lambda u=url: http_ok(u), [proc], 60)


def start_apiservers(launch: Launcher, bins: Binaries) -> None:
    """Start both apiservers, then wait for each to be ready and register its fake node."""
    pki = launch.state.pki
    infos = list(launch.state.clusters.values())
    procs = [
        launch.start(
            f"{i.name}/kube-apiserver",
            apiserver_argv(bins, pki, Path(i.dir), i.ports),
            Path(i.dir) / "kube-apiserver.log",
        )
        for i in infos
    ]
    for info, proc in zip(infos, procs, strict=True):
        wait_for(f"{info.name} kube-apiserver /readyz", lambda s=info.server: readyz(s, pki), [proc], 180)
        status, body = api_request(info.server, pki, "POST", "/api/v1/nodes", fake_node())
        if status != 201:
            raise ClusterError(f"{info.name}: creating node {NODE_NAME} failed: {status} {body}")


def start_controllers(launch: Launcher, bins: Binaries) -> None:
    pki = launch.state.pki
    for i in launch.state.clusters.values():
        d = Path(i.dir)
        kcm = controller_manager_argv(bins, pki, d, i.ports, i.name)
        launch.start(f"{i.name}/kube-controller-manager", kcm, d / "kube-controller-manager.log")
        launch.start(f"{i.name}/kube-scheduler", scheduler_argv(bins, d, i.ports), d / "kube-scheduler.log")
        launch.start(f"{i.name}/kwok", kwok_argv(bins, d), d / "kwok.log")


def wait_usable(state: State) -> None:
    """What tests rely on: healthy components, the default namespace and service account, a Ready node."""
    for i in state.clusters.values():
        procs = [p for p in state.processes if p.name.startswith(f"{i.name}/")]
        for component, url in health_urls(i).items():
            wait_for(f"{i.name} {component} health", lambda u=url: http_ok(u), procs, 120)
        checks = {
            "default namespace": lambda s=i.server: exists(s, state.pki, "/api/v1/namespaces/default"),
            "default service account": lambda s=i.server: exists(s, state.pki, DEFAULT_SA),
            f"node {NODE_NAME} Ready": lambda s=i.server: node_ready(s, state.pki),
        }
        for what, check in checks.items():
            wait_for(f"{i.name} {what}", check, procs, 120)


def start_clusters(run_dir: Path, bins: Binaries, die_with_parent: bool) -> State:
    """Start both clusters phase by phase, so the two start-ups overlap."""
    state = new_state(run_dir)
    launch = Launcher(state, die_with_parent)
    start_etcds(launch, bins)
    start_apiservers(launch, bins)
    start_controllers(launch, bins)
    wait_usable(state)
    return state


def health(state: State) -> list[str]:
    """Problems with a running set of clusters; empty when everything is up."""
    problems = [f"{p.name} (pid {p.pid}) is not running" for p in state.processes if not alive(p)]
    started = {p.name for p in state.processes}
    problems += [
        f"{c}/{comp} was never started" for c in CONTEXTS for comp in COMPONENTS if f"{c}/{comp}" not in started
    ]
    for info in state.clusters.values():
        try:
            if not readyz(info.server, state.pki):
                problems.append(f"{info.name}: {info.server}/readyz is not ok")
        except (OSError, urllib.error.URLError, ssl.SSLError) as exc:
            problems.append(f"{info.name}: {info.server} unreachable ({exc})")
        problems += [f"{info.name}/{c}: {url} is not ok" for c, url in health_urls(info).items() if not http_ok(url)]
    return problems


def stop_clusters(state: State) -> None:
    """Stop the recorded processes, newest first (kwok/controllers before apiserver before etcd)."""
    for proc in reversed(state.processes):
        stop_process(proc)


def remove_run_dir(run_dir: Path) -> None:
    """Remove what `up` created; refuse anything that does not look like a run dir."""
    if not (run_dir / "state.json").is_file():
        return
    shutil.rmtree(run_dir)


def down(run_dir: Path) -> None:
    state = State.load(run_dir)
    if state is None:
        return
    stop_clusters(state)
    remove_run_dir(run_dir)


def up(run_dir: Path, die_with_parent: bool = False) -> State:
    """Start both clusters, or reuse them if they are already healthy."""
    existing = State.load(run_dir)
    if existing is not None:
        if not health(existing):
            return existing
        log(f"clusters in {run_dir} are unhealthy; restarting them")
        down(run_dir)
    bins = ensure_binaries()
    started = time.monotonic()
    try:
        state = start_clusters(run_dir, bins, die_with_parent)
    except BaseException:
        partial = State.load(run_dir)
        if partial is not None:
            stop_clusters(partial)
        raise
    log(f"{', '.join(CONTEXTS)} up in {time.monotonic() - started:.1f}s")
    return state


# --------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("up", "down", "status", "kubeconfig", "build", "gomod"))
    parser.add_argument("--run-dir", type=Path, default=None, help="default: ~/.cache/pyhelmfile/clusters")
    args = parser.parse_args(argv)
    run_dir = (args.run_dir or default_run_dir()).resolve()
    try:
        return run_command(args.command, run_dir)
    except (ClusterError, subprocess.CalledProcessError) as exc:
        log(str(exc))
        return 1


def run_command(command: str, run_dir: Path) -> int:
    if command == "gomod":
        generate_gomod()
        return 0
    if command == "build":
        bins = ensure_binaries()
        for path in asdict(bins).values():
            print(path)
        return 0
    if command == "up":
        print(up(run_dir).kubeconfig)
        return 0
    if command == "down":
        down(run_dir)
        return 0
    state = State.load(run_dir)
    if state is None:
        log(f"no clusters in {run_dir} (run `up` first)")
        return 1
    if command == "kubeconfig":
        print(state.kubeconfig)
        return 0
    problems = health(state)
    for info in state.clusters.values():
        print(f"{info.name}\t{info.server}")
    for problem in problems:
        log(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
