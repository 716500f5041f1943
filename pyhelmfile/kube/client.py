"""A small read-only Kubernetes API client: HTTPS GETs of JSON with kubeconfig credentials.

pyhelmfile only reads from the API (helm's release records, the server version and its
API groups); every change goes through helm. The official Python client costs about a
second of import time and pulls in far more than a few GETs need, so this speaks HTTPS
with the standard library. One keep-alive connection per thread.
"""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import tempfile
import threading
import urllib.parse
from typing import Any

from pyhelmfile.errors import KubeError
from pyhelmfile.kube.config import Credentials

_TIMEOUT = 30.0


def _ssl_context(creds: Credentials, cert: bytes | None, key: bytes | None) -> ssl.SSLContext:
    """TLS as kubectl sets it up: a kubeconfig's CA is the only one trusted (not added to the system's)."""
    if creds.insecure:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    elif creds.ca:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies certificate and host name, loads no CA
        ctx.load_verify_locations(cadata=creds.ca.decode("ascii", errors="replace"))
    else:
        ctx = ssl.create_default_context()  # a cluster whose certificate a public CA signed
    if cert and key:
        # ssl loads a client certificate only from files: write them to a private directory, load, remove.
        tmp = tempfile.mkdtemp(prefix="pyhelmfile-kube-")
        try:
            fd, path = tempfile.mkstemp(dir=tmp, suffix=".pem")
            with os.fdopen(fd, "wb") as fh:
                fh.write(cert.rstrip(b"\n") + b"\n" + key)
            ctx.load_cert_chain(path)
        except ssl.SSLError as exc:
            raise KubeError(f"cannot use the kubeconfig's client certificate: {exc.reason or exc}") from None
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return ctx


def _exec_credentials(config: dict[str, Any]) -> dict[str, Any]:
    """client.authentication.k8s.io exec plugins (aws eks get-token, gke-gcloud-auth-plugin, ...)."""
    command = str(config.get("command") or "")
    args = [str(a) for a in config.get("args") or []]
    env = dict(os.environ)
    for item in config.get("env") or []:
        if isinstance(item, dict) and "name" in item:
            env[str(item["name"])] = str(item.get("value", ""))
    api_version = str(config.get("apiVersion") or "client.authentication.k8s.io/v1beta1")
    env["KUBERNETES_EXEC_INFO"] = json.dumps(
        {"apiVersion": api_version, "kind": "ExecCredential", "spec": {"interactive": False}}
    )
    try:
        proc = subprocess.run([command, *args], capture_output=True, text=True, env=env, check=False)
    except OSError as exc:
        raise KubeError(f"kubeconfig exec credential plugin {command!r}: {exc.strerror}") from None
    if proc.returncode != 0:
        raise KubeError(f"kubeconfig exec credential plugin {command!r} exited {proc.returncode}")
    try:
        status = json.loads(proc.stdout).get("status") or {}
    except (ValueError, AttributeError):
        raise KubeError(f"kubeconfig exec credential plugin {command!r} printed no ExecCredential") from None
    return dict(status)


class KubeClient:
    """GETs against one API server (one kube context)."""

    def __init__(self, creds: Credentials, context_name: str = "") -> None:
        self.creds = creds
        self.context_name = context_name
        url = urllib.parse.urlsplit(creds.server)
        if url.scheme not in ("https", "http") or not url.hostname:
            raise KubeError(f"kube context {context_name!r}: unsupported server address {creds.server!r}")
        self._scheme = url.scheme
        self._host = url.hostname
        self._port = url.port or (443 if url.scheme == "https" else 80)
        self._prefix = url.path.rstrip("/")
        self._headers = {"Accept": "application/json", "User-Agent": "pyhelmfile"}
        cert, key = creds.client_cert, creds.client_key
        token = creds.token
        if creds.token_file:
            try:
                with open(creds.token_file, encoding="utf-8") as fh:
                    token = fh.read().strip()
            except OSError as exc:
                raise KubeError(f"reading tokenFile {creds.token_file}: {exc.strerror}") from None
        if creds.exec_config:
            status = _exec_credentials(creds.exec_config)
            token = str(status.get("token") or token)
            if status.get("clientCertificateData") and status.get("clientKeyData"):
                cert = str(status["clientCertificateData"]).encode()
                key = str(status["clientKeyData"]).encode()
        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        elif creds.username:
            import base64

            basic = base64.b64encode(f"{creds.username}:{creds.password}".encode()).decode()
            self._headers["Authorization"] = f"Basic {basic}"
        self._ssl = _ssl_context(creds, cert, key) if self._scheme == "https" else None
        self._local = threading.local()

    def _connection(self) -> Any:
        import http.client

        conn = getattr(self._local, "conn", None)
        if conn is None:
            if self._ssl is not None:
                conn = http.client.HTTPSConnection(self._host, self._port, timeout=_TIMEOUT, context=self._ssl)
            else:
                conn = http.client.HTTPConnection(self._host, self._port, timeout=_TIMEOUT)
            self._local.conn = conn
        return conn

    def get(self, path: str, *, accept: str = "", missing_ok: bool = False) -> Any:
        """GET path and decode the JSON; None for 404 when missing_ok."""
        headers = dict(self._headers)
        if accept:
            headers["Accept"] = accept
        status, body = self._request(self._prefix + path, headers)
        if status == 404 and missing_ok:
            return None
        if status >= 300:
            raise KubeError(f"kube context {self.context_name!r}: GET {path}: {_reason(status, body)}")
        try:
            return json.loads(body)
        except ValueError:
            raise KubeError(f"kube context {self.context_name!r}: GET {path}: response is not JSON") from None

    def _request(self, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
        import http.client

        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                return resp.status, resp.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                conn.close()  # a kept-alive connection the server closed: reconnect once
                self._local.conn = None
                if attempt == 2:
                    lost = f"kube context {self.context_name!r}: connection to {self.creds.server} lost"
                    raise KubeError(lost) from None
            except ssl.SSLError as exc:
                self._local.conn = None
                raise KubeError(
                    f"kube context {self.context_name!r}: TLS error with {self.creds.server}: {exc}"
                ) from None
            except OSError as exc:
                self._local.conn = None
                reason = exc.strerror or str(exc)
                raise KubeError(
                    f"kube context {self.context_name!r}: cannot reach {self.creds.server}: {reason}"
                ) from None
        raise AssertionError("unreachable")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


def _reason(status: int, body: bytes) -> str:
    try:
        message = json.loads(body).get("message")
    except (ValueError, AttributeError):
        message = None
    return f"{status} {message}" if message else f"HTTP {status}"
