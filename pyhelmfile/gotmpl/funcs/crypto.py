"""sprig's hash, random and crypto functions (crypto.go).

Hashes and derivePassword (scrypt + HMAC-SHA256, the Master Password algorithm) use hashlib.
Keys, certificates and AES use the `cryptography` package and bcrypt the `bcrypt` package,
both imported only when such a function runs so template rendering stays light to start.
"""

from __future__ import annotations

import base64
import datetime as _dt
import struct
import zlib
from typing import Any

from pyhelmfile.gotmpl.funcs._conv import as_int, as_str, go_str, is_list
from pyhelmfile.gotmpl.funcs._errors import FuncError


def sha256sum(s: Any) -> str:
    import hashlib

    return hashlib.sha256(as_str(s).encode()).hexdigest()


def sha1sum(s: Any) -> str:
    import hashlib

    return hashlib.sha1(as_str(s).encode()).hexdigest()


def adler32sum(s: Any) -> str:
    return str(zlib.adler32(as_str(s).encode()))


def bcrypt_(s: Any) -> str:
    import bcrypt as lib

    # Go's x/crypto/bcrypt: cost 10, "$2a$" prefix; passwords over 72 bytes are an error
    data = as_str(s).encode()
    if len(data) > 72:
        return "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes"
    return str(lib.hashpw(data, lib.gensalt(rounds=10, prefix=b"2a")).decode())


def htpasswd(user: Any, password: Any) -> str:
    user = as_str(user)
    if ":" in user:
        return f"invalid username: {user}"
    return f"{user}:{bcrypt_(password)}"


def rand_bytes(count: Any) -> str:
    import secrets

    n = as_int(count)
    if n < 0:
        raise FuncError("runtime error: makeslice: len out of range")
    return base64.b64encode(secrets.token_bytes(n)).decode()


def uuidv4() -> str:
    import uuid

    return str(uuid.uuid4())


_TEMPLATES = {
    "maximum": ["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
    "long": ["CvcvnoCvcvCvcv", "CvcvCvcvnoCvcv", "CvcvCvcvCvcvno", "CvccnoCvcvCvcv", "CvccCvcvnoCvcv",
             "CvccCvcvCvcvno", "CvcvnoCvccCvcv", "CvcvCvccnoCvcv", "CvcvCvccCvcvno", "CvcvnoCvcvCvcc",
             "CvcvCvcvnoCvcc", "CvcvCvcvCvccno", "CvccnoCvccCvcv", "CvccCvccnoCvcv", "CvccCvccCvcvno",
             "CvcvnoCvccCvcc", "CvcvCvccnoCvcc", "CvcvCvccCvccno", "CvccnoCvcvCvcc", "CvccCvcvnoCvcc",
             "CvccCvcvCvccno"],
    "medium": ["CvcnoCvc", "CvcCvcno"],
    "short": ["Cvcn"],
    "basic": ["aaanaaan", "aannaaan", "aaannaaa"],
    "pin": ["nnnn"],
}  # fmt: skip
_CHARS = {
    "V": "AEIOU",
    "C": "BCDFGHJKLMNPQRSTVWXYZ",
    "v": "aeiou",
    "c": "bcdfghjklmnpqrstvwxyz",
    "A": "AEIOUBCDFGHJKLMNPQRSTVWXYZ",
    "a": "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
    "n": "0123456789",
    "o": "@&%?,=[]_:-+*$#!'^~;()/.",
    "x": "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
}
_SEED = b"com.lyndir.masterpassword"


def derive_password(counter: Any, kind: Any, password: Any, user: Any, site: Any) -> str:
    import hashlib
    import hmac

    kind, user_b, site_b = as_str(kind), as_str(user).encode(), as_str(site).encode()
    templates = _TEMPLATES.get(kind)
    if templates is None:
        return f"cannot find password template {kind}"
    n = as_int(counter) & 0xFFFFFFFF  # a uint32 parameter
    salt = _SEED + struct.pack(">I", len(user_b)) + user_b
    key = hashlib.scrypt(as_str(password).encode(), salt=salt, n=32768, r=8, p=2, dklen=64, maxmem=64 * 1024 * 1024)
    seed = hmac.new(
        key, _SEED + struct.pack(">I", len(site_b)) + site_b + struct.pack(">I", n), hashlib.sha256
    ).digest()
    template = templates[seed[0] % len(templates)]
    return "".join(_CHARS[c][seed[i + 1] % len(_CHARS[c])] for i, c in enumerate(template))


# --- keys and certificates -----------------------------------------------------------------


def _pem_for_key(key: Any) -> str:
    from cryptography.hazmat.primitives import serialization as ser
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, rsa

    if isinstance(key, rsa.RSAPrivateKey):
        fmt = ser.PrivateFormat.TraditionalOpenSSL  # "RSA PRIVATE KEY" (PKCS#1)
    elif isinstance(key, ec.EllipticCurvePrivateKey | dsa.DSAPrivateKey):
        fmt = ser.PrivateFormat.TraditionalOpenSSL  # "EC PRIVATE KEY" / "DSA PRIVATE KEY"
    else:
        fmt = ser.PrivateFormat.PKCS8
    return str(key.private_bytes(ser.Encoding.PEM, fmt, ser.NoEncryption()).decode())


def gen_private_key(kind: Any) -> str:
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, rsa

    name = as_str(kind)
    if name in ("", "rsa"):
        key: Any = rsa.generate_private_key(65537, 4096)
    elif name == "dsa":
        key = dsa.generate_private_key(2048)
    elif name == "ecdsa":
        key = ec.generate_private_key(ec.SECP256R1())
    elif name == "ed25519":
        key = ed25519.Ed25519PrivateKey.generate()
    else:
        return "Unknown type " + name
    return _pem_for_key(key)


class Certificate(dict[str, str]):
    """sprig's certificate struct. A map with `Cert` and `Key`, since the engine reads fields of maps."""

    def __init__(self, cert: str, key: str) -> None:
        super().__init__(Cert=cert, Key=key)

    @property
    def Cert(self) -> str:  # the Go field name
        return self["Cert"]

    @property
    def Key(self) -> str:
        return self["Key"]


Certificate.__name__ = "sprig.certificate"


def _parse_key(pem: str) -> Any:
    from cryptography.hazmat.primitives import serialization as ser

    try:
        return ser.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError) as err:
        raise FuncError(f"parsing private key: {err}") from None


def _strings(v: Any, what: str) -> list[str]:
    if v is None:
        return []
    if not is_list(v):
        raise FuncError(f"wrong type for value; expected []interface {{}}; got {type(v).__name__}")
    out = []
    for x in v:
        if not isinstance(x, str):
            raise FuncError(f"{what}: {go_str(x)} is not a string")
        out.append(x)
    return out


def _build(
    cn: str, ips: Any, dns: Any, days: int, key: Any, issuer: Any = None, issuer_key: Any = None, ca: bool = False
) -> Certificate:
    import ipaddress
    import secrets

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ed25519
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    ip_list = []
    for ip in _strings(ips, "error parsing ip"):
        try:
            ip_list.append(ipaddress.ip_address(ip))
        except ValueError:
            raise FuncError(f"error parsing ip: {ip}") from None
    dns_list = _strings(dns, "error processing alternate dns name")
    now = _dt.datetime.now(_dt.UTC)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]) if cn else x509.Name([])
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.subject if issuer is not None else subject)
        .public_key(key.public_key())
        .serial_number(secrets.randbits(128) or 1)
        .not_valid_before(now)
        .not_valid_after(now + _dt.timedelta(days=days))
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, key_encipherment=True, key_cert_sign=ca, content_commitment=False,
                data_encipherment=False, key_agreement=False, crl_sign=False, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )  # fmt: skip
    if not ca:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False
        )
    sans: list[Any] = [x509.DNSName(d) for d in dns_list] + [x509.IPAddress(i) for i in ip_list]
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    signer = issuer_key if issuer_key is not None else key
    algorithm = None if isinstance(signer, ed25519.Ed25519PrivateKey) else hashes.SHA256()
    cert = builder.sign(signer, algorithm)
    from cryptography.hazmat.primitives.serialization import Encoding

    return Certificate(cert.public_bytes(Encoding.PEM).decode(), _pem_for_key(key))


def _rsa2048() -> Any:
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(65537, 2048)


def gen_ca(cn: Any, days: Any) -> Certificate:
    return _build(as_str(cn), None, None, as_int(days), _rsa2048(), ca=True)


def gen_ca_with_key(cn: Any, days: Any, key_pem: Any) -> Certificate:
    return _build(as_str(cn), None, None, as_int(days), _parse_key(as_str(key_pem)), ca=True)


def gen_self_signed_cert(cn: Any, ips: Any, dns: Any, days: Any) -> Certificate:
    return _build(as_str(cn), ips, dns, as_int(days), _rsa2048())


def gen_self_signed_cert_with_key(cn: Any, ips: Any, dns: Any, days: Any, key_pem: Any) -> Certificate:
    return _build(as_str(cn), ips, dns, as_int(days), _parse_key(as_str(key_pem)))


def _ca_parts(ca: Any) -> tuple[Any, Any]:
    from cryptography import x509

    cert_pem = ca.Cert if isinstance(ca, Certificate) else (ca or {}).get("Cert", "")
    key_pem = ca.Key if isinstance(ca, Certificate) else (ca or {}).get("Key", "")
    try:
        cert = x509.load_pem_x509_certificate(str(cert_pem).encode())
    except ValueError:
        raise FuncError("unable to decode certificate") from None
    return cert, _parse_key(str(key_pem))


def gen_signed_cert(cn: Any, ips: Any, dns: Any, days: Any, ca: Any) -> Certificate:
    issuer, issuer_key = _ca_parts(ca)
    return _build(as_str(cn), ips, dns, as_int(days), _rsa2048(), issuer, issuer_key)


def gen_signed_cert_with_key(cn: Any, ips: Any, dns: Any, days: Any, ca: Any, key_pem: Any) -> Certificate:
    issuer, issuer_key = _ca_parts(ca)
    return _build(as_str(cn), ips, dns, as_int(days), _parse_key(as_str(key_pem)), issuer, issuer_key)


def build_custom_cert(b64cert: Any, b64key: Any) -> Certificate:
    from cryptography import x509

    try:
        cert = base64.b64decode(as_str(b64cert), validate=True)
    except ValueError:
        raise FuncError("unable to decode base64 certificate") from None
    try:
        key = base64.b64decode(as_str(b64key), validate=True)
    except ValueError:
        raise FuncError("unable to decode base64 private key") from None
    if b"-----BEGIN" not in cert:
        raise FuncError("unable to decode certificate")
    try:
        x509.load_pem_x509_certificate(cert)
    except ValueError as err:
        raise FuncError(f"error parsing certificate: decodedCert.Bytes: {err}") from None
    _parse_key(key.decode(errors="replace"))
    return Certificate(cert.decode(errors="replace"), key.decode(errors="replace"))


# --- AES -----------------------------------------------------------------------------------


def _aes_key(password: str) -> bytes:
    return password.encode()[:32].ljust(32, b"\0")


def encrypt_aes(password: Any, plaintext: Any) -> str:
    import secrets

    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    data = as_str(plaintext).encode()
    key = _aes_key(as_str(password))
    if not data:
        return ""
    pad = 16 - len(data) % 16
    data += bytes([pad]) * pad
    iv = secrets.token_bytes(16)
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return base64.b64encode(iv + enc.update(data) + enc.finalize()).decode()


def decrypt_aes(password: Any, crypt64: Any) -> str:
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    from pyhelmfile.gotmpl.funcs.encoding import _B64, _go_decode

    text = as_str(crypt64)
    key = _aes_key(as_str(password))
    if text == "":
        return ""
    raw = _go_decode(text, _B64, 6, 4)
    if len(raw) < 16:
        raise FuncError(f"runtime error: slice bounds out of range [:16] with capacity {len(raw)}")
    iv, body = raw[:16], raw[16:]
    if len(body) % 16:
        raise FuncError("crypto/cipher: input not full blocks")
    if not body:
        raise FuncError("runtime error: index out of range [-1]")
    dec = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    plain = dec.update(body) + dec.finalize()
    cut = len(plain) - plain[-1]
    if cut < 0:
        raise FuncError(f"runtime error: slice bounds out of range [:{cut}]")
    return plain[:cut].decode("utf-8", errors="replace")


FUNCS: dict[str, Any] = {
    "sha1sum": sha1sum,
    "sha256sum": sha256sum,
    "adler32sum": adler32sum,
    "bcrypt": bcrypt_,
    "htpasswd": htpasswd,
    "genPrivateKey": gen_private_key,
    "derivePassword": derive_password,
    "buildCustomCert": build_custom_cert,
    "genCA": gen_ca,
    "genCAWithKey": gen_ca_with_key,
    "genSelfSignedCert": gen_self_signed_cert,
    "genSelfSignedCertWithKey": gen_self_signed_cert_with_key,
    "genSignedCert": gen_signed_cert,
    "genSignedCertWithKey": gen_signed_cert_with_key,
    "encryptAES": encrypt_aes,
    "decryptAES": decrypt_aes,
    "randBytes": rand_bytes,
    "uuidv4": uuidv4,
}
