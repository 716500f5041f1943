"""TLS for the API server as kubectl has it: a kubeconfig's CA replaces the system's, not joins them."""

from __future__ import annotations

import ssl
from pathlib import Path

from pyhelmfile.kube.client import _ssl_context
from pyhelmfile.kube.config import Credentials
from tests.support.repos import self_signed_certificate


def test_a_kubeconfig_ca_is_the_only_one_trusted(tmp_path: Path) -> None:
    cert, _ = self_signed_certificate(tmp_path)
    ctx = _ssl_context(Credentials(server="https://127.0.0.1:6443", ca=cert.read_bytes()), None, None)
    assert ctx.cert_store_stats()["x509"] == 1  # that certificate, and none of the system's
    assert ctx.verify_mode == ssl.CERT_REQUIRED and ctx.check_hostname


def test_without_a_ca_the_system_store_and_insecure_verifies_nothing() -> None:
    system = _ssl_context(Credentials(server="https://example.invalid"), None, None)
    assert system.verify_mode == ssl.CERT_REQUIRED and system.cert_store_stats()["x509"] > 1
    insecure = _ssl_context(Credentials(server="https://example.invalid", insecure=True), None, None)
    assert insecure.verify_mode == ssl.CERT_NONE and not insecure.check_hostname
    assert insecure.cert_store_stats()["x509"] == 0
