"""Real chart repositories on loopback for tests: HTTP(S) directory servers, moto's S3 server,
the docker-registry OCI registry, plus charts built by the real helm and git repositories.

Every server binds 127.0.0.1 on a free port and is stopped when its context exits.
"""

from __future__ import annotations

import http.server
import os
import socket
import ssl
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from scripts.examplerepo import serve
from tests.support.toolchain import Toolchain


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def closed_port() -> int:
    """A loopback port nothing listens on (connection refused)."""
    return free_port()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _BasicAuthHandler(_QuietHandler):
    expected = ""

    def do_GET(self) -> None:
        if self.headers.get("Authorization") != self.expected:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="charts"')
            self.end_headers()
            return
        super().do_GET()


@contextmanager
def http_directory(path: Path, *, auth: tuple[str, str] | None = None) -> Iterator[str]:
    """Serve `path` over HTTP on 127.0.0.1 (with basic auth if `auth` is given); yields the base URL."""
    base: type[_QuietHandler] = _QuietHandler
    if auth is not None:
        import base64

        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        base = type("_AuthHandler", (_BasicAuthHandler,), {"expected": f"Basic {token}"})
    with serve(path, handler_class=base) as url:
        yield url


def self_signed_certificate(workdir: Path, name: str = "server") -> tuple[Path, Path]:
    """A key and a self-signed certificate for 127.0.0.1 (no CA vouches for it); returns (cert, key) paths,
    NAME.crt and NAME.key in workdir."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    workdir.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = workdir / f"{name}.crt", workdir / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@contextmanager
def https_directory(path: Path, workdir: Path, *, client_ca: Path | None = None) -> Iterator[str]:
    """Serve `path` over HTTPS on 127.0.0.1 with a self-signed certificate (workdir/server.crt); yields the base
    URL. With client_ca, only clients presenting a certificate that client_ca vouches for are served."""
    cert, key = self_signed_certificate(workdir)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    if client_ca is not None:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(client_ca)
    with serve(path, tls=context) as url:
        yield url


def _wait_http(url: str, proc: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server did not answer {url} within {timeout}s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


# moto's WSGI app behind a lock: requests are handled one at a time, which makes its
# conditional writes (If-Match / If-None-Match on PutObject) atomic, as they are on S3.
# GET /_requests answers how many API calls it served, by X-Amz-Target (or S3 method and path).
_MOTO_SERVER = textwrap.dedent(
    """
    import collections, json, sys, threading
    from werkzeug.serving import make_server
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app

    app = DomainDispatcherApplication(create_backend_app)
    lock = threading.Lock()
    counts = collections.Counter()

    def serialised(environ, start_response):
        if environ.get("PATH_INFO") == "/_requests":
            start_response("200 OK", [("Content-Type", "application/json")])
            return [json.dumps(counts).encode()]
        target = environ.get("HTTP_X_AMZ_TARGET") or f"{environ['REQUEST_METHOD']} {environ.get('PATH_INFO')}"
        with lock:
            counts[target] += 1
            return list(app(environ, start_response))

    # port 0: the kernel picks a free port while binding, so parallel test workers cannot race for one
    server = make_server("127.0.0.1", 0, serialised, threaded=True, request_handler=MotoRequestHandler)
    print(server.server_port, flush=True)
    server.serve_forever()
    """
)


@dataclass(frozen=True)
class S3Server:
    endpoint: str

    def env(self) -> dict[str, str]:
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    def client(self):  # type: ignore[no-untyped-def]
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            region_name="us-east-1",
        )

    def create_bucket(self, name: str) -> None:
        self.client().create_bucket(Bucket=name)

    def read(self, bucket: str, key: str) -> bytes:
        return bytes(self.client().get_object(Bucket=bucket, Key=key)["Body"].read())

    def write(self, bucket: str, key: str, body: bytes) -> None:
        self.client().put_object(Bucket=bucket, Key=key, Body=body)

    def keys(self, bucket: str) -> list[str]:
        return sorted(o["Key"] for o in self.client().list_objects_v2(Bucket=bucket).get("Contents", []))

    def aws(self, service: str):  # type: ignore[no-untyped-def]
        """A boto3 client of another moto service on the same endpoint (ssm, secretsmanager, sts, ...)."""
        import boto3

        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            region_name="us-east-1",
        )

    def requests(self) -> dict[str, int]:
        """How many API calls the server has answered, by operation (X-Amz-Target, or S3's method and path)."""
        import json

        with urllib.request.urlopen(self.endpoint + "/_requests", timeout=10) as response:
            counts: dict[str, int] = json.load(response)
        return counts


@contextmanager
def s3_server() -> Iterator[S3Server]:
    """moto's S3 in server mode, in a subprocess on 127.0.0.1."""
    proc = subprocess.Popen([sys.executable, "-c", _MOTO_SERVER], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        if not line.isdigit():
            raise RuntimeError(f"moto server did not start (exit {proc.poll()})")
        endpoint = f"http://127.0.0.1:{int(line)}"
        _wait_http(endpoint + "/moto-api/", proc)
        yield S3Server(endpoint)
    finally:
        _stop(proc)


_REGISTRY_CONFIG = """\
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: {root}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:{port}
{auth}"""


@contextmanager
def oci_registry(tools: Toolchain, workdir: Path, *, users: dict[str, str] | None = None) -> Iterator[str]:
    """docker-registry 2.8.2 on 127.0.0.1 with its own config; yields `host:port`.

    With `users` (name -> password) it requires HTTP basic auth (htpasswd, bcrypt).
    """
    workdir.mkdir(parents=True, exist_ok=True)
    auth = ""
    if users:
        import bcrypt

        htpasswd = workdir / "htpasswd"
        htpasswd.write_text(
            "".join(f"{u}:{bcrypt.hashpw(p.encode(), bcrypt.gensalt(rounds=4)).decode()}\n" for u, p in users.items())
        )
        auth = f"auth:\n  htpasswd:\n    realm: test-registry\n    path: {htpasswd}\n"
    config = workdir / "config.yml"
    log = (workdir / "registry.log").open("wb")
    try:
        # The registry binds the port itself, after we picked it: another process may take it in between
        # (parallel test workers), and then the registry exits at once; another port is tried.
        for attempt in range(3):
            port = free_port()
            config.write_text(_REGISTRY_CONFIG.format(root=workdir / "data", port=port, auth=auth))
            proc = subprocess.Popen([tools.path("registry"), "serve", str(config)], stdout=log, stderr=log)
            try:
                _wait_http(f"http://127.0.0.1:{port}/v2/", proc)
                break
            except RuntimeError:
                _stop(proc)
                if attempt == 2:
                    raise
        try:
            yield f"127.0.0.1:{port}"
        finally:
            _stop(proc)
    finally:
        log.close()


# --- charts and git ----------------------------------------------------------------------


def helm_env(tools: Toolchain, home: Path, **extra: str) -> dict[str, str]:
    """Toolchain env with helm's homes under `home` (no shared caches or registry logins)."""
    return tools.env(
        HELM_CACHE_HOME=str(home / "helm-cache"),
        HELM_CONFIG_HOME=str(home / "helm-config"),
        HELM_DATA_HOME=str(home / "helm-data"),
        **extra,
    )


def make_chart(tools: Toolchain, parent: Path, name: str, version: str = "0.1.0", *, helm: str | None = None) -> Path:
    """A chart made by `helm create` with the given version; returns its directory."""
    parent.mkdir(parents=True, exist_ok=True)
    chart = parent / name
    if not chart.exists():
        subprocess.run([helm or tools.helm3, "create", name], cwd=parent, check=True, capture_output=True)
    set_version(chart, version)
    return chart


def set_version(chart: Path, version: str) -> None:
    lines = (chart / "Chart.yaml").read_text().splitlines(keepends=True)
    out = [f"version: {version}\n" if ln.startswith("version:") else ln for ln in lines]
    (chart / "Chart.yaml").write_text("".join(out))


def package_chart(tools: Toolchain, chart: Path, dest: Path, *, helm: str | None = None) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [helm or tools.helm3, "package", str(chart), "--destination", str(dest)],
        check=True,
        capture_output=True,
        text=True,
    )
    return Path(proc.stdout.strip().rsplit(": ", 1)[1])


def build_repo(tools: Toolchain, repo_dir: Path, charts: dict[str, list[str]], work: Path) -> Path:
    """A directory repository with `helm repo index`, holding the given chart versions."""
    repo_dir.mkdir(parents=True, exist_ok=True)
    for name, versions in charts.items():
        for version in versions:
            chart = make_chart(tools, work / "src", name, version)
            package_chart(tools, chart, repo_dir)
    subprocess.run([tools.helm3, "repo", "index", str(repo_dir)], check=True, capture_output=True)
    return repo_dir


def git(repo: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", HOME=str(repo.parent), GIT_TERMINAL_PROMPT="0")
    proc = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
    return proc.stdout


def init_git_repo(path: Path, files: dict[str, str]) -> Path:
    """A git repository with `files` committed on branch main, identity set locally."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.name", "Test Bot")
    git(path, "config", "user.email", "bot@example.invalid")
    git(path, "config", "commit.gpgsign", "false")
    for rel, text in files.items():
        target = path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "initial")
    return path


@dataclass(frozen=True)
class CliRun:
    returncode: int
    stdout: str
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        return [ln for ln in self.stderr.splitlines() if ln.strip()]


def run_cli(
    tools: Toolchain,
    *args: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    helm: str | None = None,
    timeout: float = 120,
) -> CliRun:
    """pyhelmfile as a separate process, the toolchain on PATH, `--helm-binary` set."""
    proc = subprocess.run(
        [sys.executable, "-m", "pyhelmfile", "--helm-binary", helm or tools.helm3, *args],
        capture_output=True,
        text=True,
        env=tools.env(**(env or {})),
        cwd=cwd,
        timeout=timeout,
    )
    return CliRun(proc.returncode, proc.stdout, proc.stderr)


def assert_one_line_error(run: CliRun, *fragments: str, after_progress: bool = False) -> str:
    """Exit 1, nothing on stdout, exactly one `error: ...` line on stderr containing `fragments`; with
    after_progress, progress lines (`Building dependency ...`) may come before it."""
    assert run.returncode == 1, run
    lines = run.error_lines
    if after_progress:
        assert sum(ln.startswith("error: ") for ln in lines) == 1, run.stderr
        lines = lines[-1:]
    assert lines and len(lines) == 1, run.stderr
    line = lines[0]
    assert line.startswith("error: "), line
    assert "Traceback" not in run.stderr
    for fragment in fragments:
        assert fragment in line, (fragment, line)
    return line
