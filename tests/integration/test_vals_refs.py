"""vals `ref+` references against real backends: moto's server on 127.0.0.1 (SSM Parameter Store,
Secrets Manager, S3) and the real sops with the example's age test key.

pyhelmfile runs as a process with the standard AWS environment pointing at moto
(AWS_ENDPOINT_URL), on a small project whose values files, inline values and `.gotmpl` values
(fetchSecretValue, expandSecretRefs) hold references. Each check asserts the values that come
out, that each reference was fetched once, that helm got them from 0600 files in a 0700
directory, and that no plaintext is left on disk afterwards.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.example import AGE_KEY, age_recipient
from tests.support.repos import CliRun, S3Server, assert_one_line_error, run_cli, s3_server
from tests.support.toolchain import Toolchain

BUCKET = "linoapp-config"

# Every secret the backends hold: none of them may be left on disk after a run.
SECRETS = (
    "ssm-pass-v1",
    "ssm-pass-v2",
    "sm-json-pass",
    "sm-plain-v1",
    "sm-plain-v2",
    "sm-binary",
    "sops-db-pass",
    "s3-raw-v1",
    "s3-raw-v2",
)

VALUES = """\
ssm:
  password: ref+awsssm://linoapp/db/password
  first: ref+awsssm://linoapp/db/password?version=1
  byPath: ref+awsssm:///linoapp/db#/user
  single: ref+awsssm://linoapp/config?mode=singleparam#/region
  url: postgres://ref+awsssm://linoapp/db/user+:ref+awsssm://linoapp/db/password+@db:5432
secrets:
  json: ref+awssecrets://linoapp/json#/password
  number: ref+awssecrets://linoapp/json#/port
  plain: ref+awssecrets://linoapp/plain
  previous: ref+awssecrets://linoapp/plain?version_stage=AWSPREVIOUS
  binary: ref+awssecrets://linoapp/binary
s3:
  host: ref+s3://linoapp-config/app.yaml#/db/host
  raw: ref+s3://linoapp-config/raw.txt
  old: ref+s3://linoapp-config/raw.txt?version={s3_version}
sops:
  password: ref+sops://secrets.enc.yaml#/db/password
echo: ref+echo://a/b
"""

GOTMPL = """\
fetched: {{ fetchSecretValue "ref+awssecrets://linoapp/json#/user" | quote }}
expanded: {{ expandSecretRefs (dict "p" "ref+awsssm://linoapp/db/password" "s" "ref+sops://secrets.enc.yaml#/db/password") | toJson }}
"""  # noqa: E501

HELMFILE = """\
releases:
  - name: app
    namespace: apps
    chart: ./chart
    values:
      - values/values.yaml
      - values/more.yaml.gotmpl
      - inline:
          user: ref+awsssm://linoapp/db/user
"""

EXPECTED = {
    "ssm": {
        "password": "ssm-pass-v2",
        "first": "ssm-pass-v1",
        "byPath": "admin",
        "single": "eu-west-1",
        "url": "postgres://admin:ssm-pass-v2@db:5432",
    },
    "secrets": {
        "json": "sm-json-pass",
        "number": "",  # vals gives "" where the fragment ends at a number
        "plain": "sm-plain-v2",
        "previous": "sm-plain-v1",
        "binary": "sm-binary",
    },
    "s3": {"host": "db.internal", "raw": "s3-raw-v2\n", "old": "s3-raw-v1\n"},
    "sops": {"password": "sops-db-pass"},
    "echo": "a/b",
    "fetched": "svc",
    "expanded": {"p": "ssm-pass-v2", "s": "sops-db-pass"},
    "inline": {"user": "admin"},
}


@pytest.fixture(scope="module")
def aws() -> Iterator[tuple[S3Server, str]]:
    """moto with the parameters, secrets and objects; yields the server and the first raw.txt version."""
    with s3_server() as server:
        ssm = server.aws("ssm")
        ssm.put_parameter(Name="/linoapp/db/password", Value="ssm-pass-v1", Type="SecureString")
        ssm.put_parameter(Name="/linoapp/db/password", Value="ssm-pass-v2", Type="SecureString", Overwrite=True)
        ssm.put_parameter(Name="/linoapp/db/user", Value="admin", Type="String")
        ssm.put_parameter(Name="/linoapp/config", Value="region: eu-west-1\nreplicas: 3\n", Type="String")
        sm = server.aws("secretsmanager")
        sm.create_secret(
            Name="linoapp/json", SecretString=json.dumps({"user": "svc", "password": "sm-json-pass", "port": 1})
        )
        sm.create_secret(Name="linoapp/plain", SecretString="sm-plain-v1")
        sm.put_secret_value(SecretId="linoapp/plain", SecretString="sm-plain-v2")
        sm.create_secret(Name="linoapp/binary", SecretBinary=b"sm-binary")
        s3 = server.client()
        s3.create_bucket(Bucket=BUCKET)
        s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        first = s3.put_object(Bucket=BUCKET, Key="raw.txt", Body=b"s3-raw-v1\n")["VersionId"]
        s3.put_object(Bucket=BUCKET, Key="raw.txt", Body=b"s3-raw-v2\n")
        s3.put_object(Bucket=BUCKET, Key="app.yaml", Body=b"db:\n  host: db.internal\n  port: 5432\n")
        yield server, first


def _project(tools: Toolchain, root: Path, s3_version: str, helmfile: str = HELMFILE) -> Path:
    (root / "chart" / "templates").mkdir(parents=True)
    (root / "chart" / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 0.1.0\n")
    (root / "chart" / "templates" / "values.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n"
        "  values: |\n{{ toYaml .Values | indent 4 }}\n"
    )
    (root / "values").mkdir()
    (root / "values" / "values.yaml").write_text(VALUES.format(s3_version=s3_version))
    (root / "values" / "more.yaml.gotmpl").write_text(GOTMPL)
    plain = root / "secrets.yaml"
    plain.write_text("db:\n  password: sops-db-pass\n")
    encrypted = subprocess.run(
        [tools.sops, "--disable-version-check", "--encrypt", "--age", age_recipient(), str(plain)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    plain.unlink()
    (root / "secrets.enc.yaml").write_text(encrypted)
    (root / "helmfile.yaml").write_text(helmfile)
    return root


def _env(server: S3Server, tmpdir: Path, home: Path) -> dict[str, str]:
    tmpdir.mkdir(exist_ok=True)
    return {
        **server.env(),
        "SOPS_AGE_KEY_FILE": str(AGE_KEY),
        "TMPDIR": str(tmpdir),
        "HELM_CACHE_HOME": str(home / "cache"),
        "HELM_CONFIG_HOME": str(home / "config"),
        "HELM_DATA_HOME": str(home / "data"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "no-credentials"),
        "AWS_CONFIG_FILE": str(home / "no-config"),
    }


def _plaintext_files(*roots: Path, skip: tuple[Path, ...] = ()) -> list[str]:
    """Files under the roots that hold any of the secrets."""
    found = []
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file() and path not in skip:
                data = path.read_bytes()
                found += [f"{path}: {s}" for s in SECRETS if s.encode() in data]
    return found


def _requests_delta(server: S3Server, before: dict[str, int]) -> dict[str, int]:
    after = server.requests()
    return {k: v - before.get(k, 0) for k, v in after.items() if v != before.get(k, 0)}


def test_write_values_resolves_every_backend_once(tools: Toolchain, aws: tuple[S3Server, str], tmp_path: Path) -> None:
    server, s3_version = aws
    root = _project(tools, tmp_path / "project", s3_version)
    env = _env(server, tmp_path / "tmp", tmp_path / "home")
    before = server.requests()
    run = run_cli(tools, "write-values", "--output-file-template", "{{ .Release.Name }}.yaml", env=env, cwd=root)
    assert run.returncode == 0, run.stderr
    assert yaml.safe_load((root / "app.yaml").read_text()) == EXPECTED
    calls = _requests_delta(server, before)
    # one call per distinct reference, however often it appears (values, .gotmpl, inline, embedded)
    assert calls.get("AmazonSSM.GetParameter") == 3, calls  # db/password, db/user, config (mode=singleparam)
    assert calls.get("AmazonSSM.GetParameterHistory") == 1, calls
    assert calls.get("AmazonSSM.GetParametersByPath") == 1, calls
    assert calls.get("secretsmanager.GetSecretValue") == 4, calls  # json (two fragments), plain, previous, binary
    assert not any("Put" in k or "Create" in k for k in calls), calls
    assert not any(s in run.stderr + run.stdout for s in SECRETS)
    assert _plaintext_files(root, tmp_path / "tmp", skip=(root / "app.yaml",)) == []


def test_template_gives_helm_the_values_in_private_files(
    tools: Toolchain, aws: tuple[S3Server, str], tmp_path: Path
) -> None:
    server, s3_version = aws
    root = _project(tools, tmp_path / "project", s3_version)
    env = _env(server, tmp_path / "tmp", tmp_path / "home")
    # helm itself, behind a script that records the mode of each --values file and of its directory
    modes = tmp_path / "modes.log"
    helm = tmp_path / "helm"
    helm.write_text(
        "#!/bin/sh\nprev=\n"
        'for a in "$@"; do\n'
        f'  if [ "$prev" = --values ]; then stat -c "%a %F" "$(dirname "$a")" "$a" >> {modes}; fi\n'
        '  prev="$a"\ndone\n'
        f'exec {tools.helm3} "$@"\n'
    )
    helm.chmod(0o755)
    run = run_cli(tools, "template", env=env, cwd=root, helm=str(helm))
    assert run.returncode == 0, run.stderr
    manifest = yaml.safe_load(run.stdout)
    assert yaml.safe_load(manifest["data"]["values"]) == EXPECTED
    recorded = modes.read_text().splitlines()
    assert recorded and set(recorded) == {"700 directory", "600 regular file"}, recorded
    assert list((tmp_path / "tmp").iterdir()) == []  # the private directory is gone
    assert _plaintext_files(root, tmp_path / "tmp", tmp_path / "home") == []


def _failing(tools: Toolchain, server: S3Server, tmp_path: Path, values: str, **env_extra: str) -> tuple[CliRun, Path]:
    root = tmp_path / "project"
    shutil.rmtree(root, ignore_errors=True)
    (root / "chart").mkdir(parents=True)
    (root / "chart" / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 0.1.0\n")
    (root / "values.yaml").write_text(values)
    (root / "helmfile.yaml").write_text("releases:\n  - name: app\n    chart: ./chart\n    values: [values.yaml]\n")
    env = {**_env(server, tmp_path / "tmp", tmp_path / "home"), **env_extra}
    return run_cli(tools, "write-values", "--output-file-template", "out.yaml", env=env, cwd=root), root


def test_a_missing_reference_is_one_error_line(tools: Toolchain, aws: tuple[S3Server, str], tmp_path: Path) -> None:
    server, _ = aws
    cases: list[tuple[str, tuple[str, ...]]] = [
        ("a: ref+awsssm://linoapp/nope", ("awsssm://linoapp/nope", "get parameter: ParameterNotFound")),
        ("a: ref+awssecrets://linoapp/nope", ("awssecrets://linoapp/nope", "ResourceNotFoundException")),
        (
            "a: ref+s3://linoapp-config/nope.yaml#/x",
            ("s3://linoapp-config/nope.yaml#/x", "getting s3 object: NoSuchKey"),
        ),
        ("a: ref+sops://nope.yaml#/x", ("sops://nope.yaml#/x", "failed to decrypt")),
        ("a: ref+vault://secret/app#/x", ('the "vault" vals backend is not supported',)),
        # a fragment into a secret that is no map: the message must not quote the secret
        ("a: ref+awssecrets://linoapp/plain#/x", ("awssecrets://linoapp/plain#/x", "cannot unmarshal")),
    ]
    for values, fragments in cases:
        run, root = _failing(tools, server, tmp_path, values + "\n")
        line = assert_one_line_error(run, "values.yaml", "expanding secret references: expand ", *fragments)
        assert not any(s in run.stderr for s in SECRETS), line
        assert not (root / "out.yaml").exists()


def test_no_credentials_is_one_error_line(tools: Toolchain, aws: tuple[S3Server, str], tmp_path: Path) -> None:
    server, _ = aws
    run, _ = _failing(
        tools, server, tmp_path, "a: ref+awsssm://linoapp/db/user\n", AWS_ACCESS_KEY_ID="", AWS_SECRET_ACCESS_KEY=""
    )
    assert_one_line_error(run, "values.yaml", "awsssm://linoapp/db/user", "no valid AWS credentials")


def test_fetch_secret_value_failure_in_a_template(tools: Toolchain, aws: tuple[S3Server, str], tmp_path: Path) -> None:
    server, s3_version = aws
    root = _project(tools, tmp_path / "project", s3_version)
    (root / "values" / "more.yaml.gotmpl").write_text('x: {{ fetchSecretValue "ref+awsssm://linoapp/gone" }}\n')
    env = _env(server, tmp_path / "tmp", tmp_path / "home")
    run = run_cli(tools, "write-values", env=env, cwd=root)
    assert_one_line_error(
        run,
        "more.yaml.gotmpl",
        "error calling fetchSecretValue: expand awsssm://linoapp/gone: get parameter: ParameterNotFound",
    )


def test_region_and_profile_parameters(tools: Toolchain, aws: tuple[S3Server, str], tmp_path: Path) -> None:
    """?region= picks another region's store (moto keeps one per region); ?profile= a profile's credentials."""
    server, _ = aws
    server_ssm: Any = server.aws("ssm")
    import boto3

    boto3.client(
        "ssm",
        endpoint_url=server.endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="eu-central-1",
    ).put_parameter(Name="/linoapp/db/user", Value="eu-admin", Type="String")
    assert server_ssm.get_parameter(Name="/linoapp/db/user")["Parameter"]["Value"] == "admin"
    home = tmp_path / "home"
    home.mkdir()
    (home / "credentials").write_text("[ci]\naws_access_key_id = testing\naws_secret_access_key = testing\n")
    values = (
        "eu: ref+awsssm://linoapp/db/user?region=eu-central-1\n"
        "us: ref+awsssm://linoapp/db/user\n"
        "profile: ref+awsssm://linoapp/db/user?profile=ci\n"
    )
    run, root = _failing(tools, server, tmp_path, values, AWS_SHARED_CREDENTIALS_FILE=str(home / "credentials"))
    assert run.returncode == 0, run.stderr
    assert yaml.safe_load((root / "out.yaml").read_text()) == {"eu": "eu-admin", "us": "admin", "profile": "admin"}
    run, _ = _failing(tools, server, tmp_path, "a: ref+awsssm://linoapp/db/user?profile=nosuch\n")
    assert_one_line_error(run, "values.yaml", "awsssm://linoapp/db/user?profile=nosuch", "nosuch")


def test_role_arn_assumes_the_role(tools: Toolchain, aws: tuple[S3Server, str], tmp_path: Path) -> None:
    """?role_arn= reads with the credentials STS gives for the role (moto's STS on the same endpoint)."""
    server, _ = aws
    before = server.requests()
    values = "a: ref+awsssm://linoapp/db/user?role_arn=arn:aws:iam::123456789012:role/deployer\n"
    run, root = _failing(tools, server, tmp_path, values)
    assert run.returncode == 0, run.stderr
    assert yaml.safe_load((root / "out.yaml").read_text()) == {"a": "admin"}
    calls = _requests_delta(server, before)
    assert calls.get("POST /") == 1, calls  # sts:AssumeRole (a query-protocol call, no X-Amz-Target)
    assert calls.get("AmazonSSM.GetParameter") == 1, calls


def test_set_values_are_evaluated(tools: Toolchain, aws: tuple[S3Server, str], tmp_path: Path) -> None:
    """`set:` values with references reach helm evaluated (masked in pyhelmfile's messages); a missing one fails."""
    server, s3_version = aws
    helmfile = HELMFILE + "    set:\n      - name: fromSet\n        value: ref+awsssm://linoapp/db/password\n"
    root = _project(tools, tmp_path / "project", s3_version, helmfile)
    env = _env(server, tmp_path / "tmp", tmp_path / "home")
    run = run_cli(tools, "template", env=env, cwd=root)
    assert run.returncode == 0, run.stderr
    assert yaml.safe_load(yaml.safe_load(run.stdout)["data"]["values"])["fromSet"] == "ssm-pass-v2"
    (root / "helmfile.yaml").write_text(helmfile.replace("linoapp/db/password", "linoapp/db/gone"))
    run = run_cli(tools, "template", env=env, cwd=root)
    # after the progress lines, one error line
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    errors = [line for line in run.error_lines if line.startswith("error: ")]
    assert errors == [run.error_lines[-1]], run.stderr
    for fragment in ("helmfile.yaml", "in set: expand awsssm://linoapp/db/gone", "ParameterNotFound"):
        assert fragment in errors[0], errors
