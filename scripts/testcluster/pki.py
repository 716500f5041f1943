"""The clusters' certificates (one CA for both) and the kubeconfig that embeds them."""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

SERVICE_IP = "10.96.0.1"


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
