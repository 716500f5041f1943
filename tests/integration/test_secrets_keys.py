"""`secrets:` files encrypted with each kind of sops key pyhelmfile users have: age, PGP (GnuPG) and AWS KMS
(moto's KMS on loopback), all decrypted by the real sops with no helm-secrets plugin; and the failures a user
meets: a key that does not open the file, a tampered file, a file that is not sops-encrypted.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.support.example import AGE_KEY, age_recipient
from tests.support.repos import CliRun, assert_one_line_error, run_cli, s3_server
from tests.support.toolchain import Toolchain

HELMFILE = """\
environments:
  default:
    secrets:
      - env-secrets.yaml
---
releases:
  - name: app
    namespace: apps
    chart: ./chart
    values:
      - fromEnvironment: {{ .Values.envPassword }}
    secrets:
      - release-secrets.yaml
"""


def encrypt(tools: Toolchain, path: Path, plain: dict[str, object], key_flags: list[str], env: dict[str, str]) -> None:
    path.write_text(yaml.safe_dump(plain))
    subprocess.run(
        [tools.sops, "--disable-version-check", "--encrypt", *key_flags, "--in-place", str(path)],
        check=True,
        capture_output=True,
        env=tools.env(**env),
    )
    assert "ENC[" in path.read_text()


@pytest.fixture
def gnupg(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """A throw-away GnuPG home with one passphrase-less key that can encrypt; its agent is stopped afterwards."""
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    env = {"GNUPGHOME": str(home)}
    gpg = {**os.environ, **env}

    def run(*args: str) -> str:
        return subprocess.run(["gpg", "--batch", *args], check=True, capture_output=True, text=True, env=gpg).stdout

    try:
        run("--passphrase", "", "--quick-gen-key", "pyhelmfile test <test@example.invalid>", "rsa2048", "sign", "never")
        fingerprint = next(
            line.split(":")[9] for line in run("--list-keys", "--with-colons").splitlines() if line.startswith("fpr:")
        )
        run("--passphrase", "", "--quick-add-key", fingerprint, "rsa2048", "encr", "never")
        yield fingerprint, env
    finally:
        subprocess.run(["gpgconf", "--kill", "gpg-agent"], env=gpg, capture_output=True, check=False)


@pytest.fixture
def kms() -> Iterator[tuple[str, dict[str, str]]]:
    """A KMS key on moto's server on 127.0.0.1: its ARN and the AWS environment that reaches it."""
    with s3_server() as server:
        arn = server.aws("kms").create_key(Description="pyhelmfile test")["KeyMetadata"]["Arn"]
        yield arn, server.env()


def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "chart" / "templates").mkdir(parents=True)
    (root / "chart" / "Chart.yaml").write_text("apiVersion: v2\nname: chart\nversion: 0.1.0\n")
    (root / "chart" / "templates" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  db: {{ .Values.db.password | quote }}\n"
    )
    (root / "helmfile.yaml").write_text(HELMFILE)
    return root


def write_values(tools: Toolchain, root: Path, env: dict[str, str], tmp_path: Path) -> CliRun:
    out = tmp_path / "values"
    template = f"{out}/{{{{ .Release.Name }}}}.yaml"
    return run_cli(tools, "write-values", "--output-file-template", template, cwd=root, env=env)


def test_pgp_kms_and_age_secrets_are_decrypted_by_sops(
    tools: Toolchain, tmp_path: Path, gnupg: tuple[str, dict[str, str]], kms: tuple[str, dict[str, str]]
) -> None:
    root = project(tmp_path)
    fingerprint, gpg_env = gnupg
    arn, aws_env = kms
    env = {**gpg_env, **aws_env, "SOPS_AGE_KEY_FILE": str(AGE_KEY), "TMPDIR": str(tmp_path / "tmp")}
    (tmp_path / "tmp").mkdir()
    encrypt(tools, root / "env-secrets.yaml", {"envPassword": "pgp-plain-Hq2"}, ["--pgp", fingerprint], env)
    # one file, two keys: KMS and age (sops opens it with the first that works)
    encrypt(
        tools,
        root / "release-secrets.yaml",
        {"db": {"password": "kms-plain-7Tx"}},
        ["--kms", arn, "--age", age_recipient()],
        env,
    )

    done = write_values(tools, root, env, tmp_path)
    assert done.returncode == 0, done.stderr
    values = yaml.safe_load((tmp_path / "values" / "app.yaml").read_text())
    assert values == {"fromEnvironment": "pgp-plain-Hq2", "db": {"password": "kms-plain-7Tx"}}
    assert "plain-" not in done.stdout + done.stderr
    assert list((tmp_path / "tmp").iterdir()) == []  # the private directory is gone

    # template gives helm the decrypted values; neither secret is left in a file in the project
    rendered = run_cli(tools, "template", cwd=root, env=env)
    assert rendered.returncode == 0, rendered.stderr
    assert 'db: "kms-plain-7Tx"' in rendered.stdout
    for path in root.rglob("*"):
        if path.is_file():
            assert b"plain-" not in path.read_bytes(), path
    assert list((tmp_path / "tmp").iterdir()) == []

    # without the KMS endpoint's credentials the age key still opens the release file (sops tries each key)
    no_kms = {**env, "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}
    assert write_values(tools, root, no_kms, tmp_path).returncode == 0


def test_a_key_that_cannot_open_the_file_is_one_error_line_naming_it(tools: Toolchain, tmp_path: Path) -> None:
    root = project(tmp_path)
    env = {"SOPS_AGE_KEY_FILE": str(AGE_KEY)}
    encrypt(tools, root / "env-secrets.yaml", {"envPassword": "age-plain-1"}, ["--age", age_recipient()], env)
    encrypt(tools, root / "release-secrets.yaml", {"db": {"password": "age-plain-2"}}, ["--age", age_recipient()], env)
    other = tmp_path / "other.key"
    subprocess.run([tools.age_keygen, "-o", str(other)], check=True, capture_output=True)

    run = run_cli(tools, "template", cwd=root, env={"SOPS_AGE_KEY_FILE": str(other)})
    line = assert_one_line_error(run, "env-secrets.yaml", after_progress=True)
    assert "failed to decrypt" in line and "age-plain" not in run.stderr + run.stdout


def test_a_tampered_file_is_one_error_line_naming_it(tools: Toolchain, tmp_path: Path) -> None:
    root = project(tmp_path)
    env = {"SOPS_AGE_KEY_FILE": str(AGE_KEY)}
    encrypt(tools, root / "env-secrets.yaml", {"envPassword": "age-plain-1"}, ["--age", age_recipient()], env)
    target = root / "release-secrets.yaml"
    encrypt(tools, target, {"db": {"password": "age-plain-2"}}, ["--age", age_recipient()], env)
    # flip one character of the value's ciphertext: sops' authenticated encryption must refuse it
    text = target.read_text()
    start = text.index("ENC[AES256_GCM,data:") + len("ENC[AES256_GCM,data:")
    target.write_text(text[:start] + ("A" if text[start] != "A" else "B") + text[start + 1 :])

    run = run_cli(tools, "template", cwd=root, env=env)
    line = assert_one_line_error(run, "release-secrets.yaml", "failed to decrypt", after_progress=True)
    assert "age-plain" not in line


def test_a_file_that_is_not_encrypted_is_one_error_line_naming_it(tools: Toolchain, tmp_path: Path) -> None:
    root = project(tmp_path)
    env = {"SOPS_AGE_KEY_FILE": str(AGE_KEY)}
    encrypt(tools, root / "env-secrets.yaml", {"envPassword": "age-plain-1"}, ["--age", age_recipient()], env)
    (root / "release-secrets.yaml").write_text("db:\n  password: not-encrypted\n")

    run = run_cli(tools, "write-values", cwd=root, env=env)
    assert_one_line_error(run, "release-secrets.yaml")
