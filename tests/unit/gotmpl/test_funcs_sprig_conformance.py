"""sprig's own test cases (ported as data in tests/data/gotmpl/sprig/) run through our engine.

Each case is a template rendered with `sprig_funcs()` the way sprig's tests run them
(default missingkey, dot = vars) and checked by exact output, a regular expression (random
output), an expected error, or a property of generated hashes and certificates.
Cases that cannot be expressed without Go values are listed in EXCLUDED.md.
"""

from __future__ import annotations

import re
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
import yaml

from pyhelmfile.gotmpl import render
from pyhelmfile.gotmpl.funcs import sprig_funcs
from pyhelmfile.gotmpl.funcs.gotime import GoTime

DATA = Path(__file__).resolve().parents[2] / "data" / "gotmpl" / "sprig"
ENV = {"FOO": "bar"}  # sprig's TestEnv/TestExpandEnv set FOO=bar


def _cases() -> list[Any]:
    params = []
    for path in sorted(DATA.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text()) or []:
            params.append(pytest.param(case, id=f"{path.stem}:{case['name']}"))
    return params


def _value(v: Any) -> Any:
    """Test-data encodings of Go values YAML cannot express: {"$time": unix seconds}."""
    if isinstance(v, dict):
        if set(v) == {"$time"}:
            return GoTime.unix(v["$time"], UTC)
        return {k: _value(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_value(x) for x in v]
    return v


def _check_bcrypt(hashed: str, password: str) -> None:
    import bcrypt

    assert re.fullmatch(r"\$2a\$10\$[./A-Za-z0-9]{53}", hashed), hashed
    assert bcrypt.checkpw(password.encode(), hashed.encode())


def _check_certificate(out: str, spec: dict[str, Any]) -> None:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    cert_pem, _, key_pem = out.partition("-----END CERTIFICATE-----\n")
    cert = x509.load_pem_x509_certificate((cert_pem + "-----END CERTIFICATE-----\n").encode())
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == spec["cn"]
    issuer = spec.get("issuer", spec["cn"])
    assert cert.issuer.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == issuer
    assert cert.serial_number > 0
    basic = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    assert basic.ca is bool(spec.get("ca", False))
    if "ips" in spec or "dns" in spec:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        assert [str(ip) for ip in san.get_values_for_type(x509.IPAddress)] == spec.get("ips", [])
        assert san.get_values_for_type(x509.DNSName) == spec.get("dns", [])
    assert f"-----BEGIN {spec.get('key', 'RSA PRIVATE KEY')}-----" in key_pem


@pytest.mark.parametrize("case", _cases())
def test_sprig_case(case: dict[str, Any]) -> None:
    funcs = sprig_funcs(env=ENV)
    data = _value(case.get("vars", {}))
    if "error" in case:
        with pytest.raises(Exception) as err:
            render("test", case["template"], data, funcs, missingkey="default")
        assert case["error"] in str(err.value)
        return
    out = render("test", case["template"], data, funcs, missingkey="default")
    if "expected" in case:
        assert out == case["expected"]
    elif "match" in case:
        assert re.fullmatch(case["match"], out), out
    elif "bcrypt" in case:
        _check_bcrypt(out, case["bcrypt"])
    elif "htpasswd" in case:
        user, password = case["htpasswd"]
        name, _, hashed = out.partition(":")
        assert name == user
        _check_bcrypt(hashed, password)
    elif "certificate" in case:
        _check_certificate(out, case["certificate"])
    else:  # pragma: no cover - a malformed data file
        pytest.fail(f"case {case['name']} has no expectation")
