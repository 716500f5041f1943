"""vals `ref+` references differentially: helmfile 0.166.0 (vals v0.37.3) and pyhelmfile against the same
moto server on 127.0.0.1 (AWS_ENDPOINT_URL, which vals' AWS session honours) and the same sops files.

Both tools run `write-values` and `template` on copies of one project whose values files, inline
values, `set:` values and `.gotmpl` values (fetchSecretValue, expandSecretRefs) reference SSM Parameter Store,
Secrets Manager, sops, echo, file and envsubst; the files written and the manifests printed must
be byte-identical, and both must fail on a missing parameter.

S3 is not compared: vals' aws-sdk-go v1 client addresses buckets virtual-hosted style
(`BUCKET.127.0.0.1:PORT`), which does not resolve on loopback, and vals has no path-style option;
tests/integration/test_vals_refs.py checks pyhelmfile's s3 backend against moto instead.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.differential import assert_same, normalise, run_helmfile, run_pyhelmfile, tmp_env
from tests.support.example import AGE_KEY, age_recipient
from tests.support.repos import S3Server, s3_server
from tests.support.toolchain import Toolchain

pytestmark = pytest.mark.differential

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
          both: ref+awsssm://linoapp/db/user+/ref+echo://x/y
    set:
      - name: fromSet
        value: ref+awsssm://linoapp/db/password
      - name: listSet
        values: [ref+awssecrets://linoapp/json#/user, plain]
  - name: other
    namespace: apps
    chart: ./chart
    values:
      - values/values.yaml
"""

VALUES = """\
ssm:
  password: ref+awsssm://linoapp/db/password
  first: ref+awsssm://linoapp/db/password?version=1
  abs: ref+awsssm:///linoapp/db/user
  byPath: ref+awsssm://linoapp/db#/user
  port: ref+awsssm://linoapp/db#/port
  single: ref+awsssm://linoapp/config?mode=singleparam#/region
  singleInt: ref+awsssm://linoapp/config?mode=singleparam#/replicas
  url: postgres://ref+awsssm://linoapp/db/user+:ref+awsssm://linoapp/db/password+@db:5432
  list: [ref+awsssm://linoapp/db/user, 2, true]
secrets:
  json: ref+awssecrets://linoapp/json#/password
  number: ref+awssecrets://linoapp/json#/port
  nested: ref+awssecrets://linoapp/json#/nested/key
  missing: ref+awssecrets://linoapp/json#/nope
  plain: ref+awssecrets://linoapp/plain
  previous: ref+awssecrets://linoapp/plain?version_stage=AWSPREVIOUS
  binary: ref+awssecrets://linoapp/binary
  multiline: ref+awssecrets://linoapp/multiline
  yamlYes: ref+awssecrets://linoapp/yaml#/enabled
  yamlOn: ref+awssecrets://linoapp/yaml#/state
  yamlTrue: ref+awssecrets://linoapp/yaml#/flag
sops:
  password: ref+sops://secrets.enc.yaml#/db/password
  port: ref+sops://secrets.enc.yaml#/db/port
  binary: ref+sops://blob.enc
echo: ref+echo://a/b/
echoFragment: ref+echo://foo/bar#/foo
file: ref+file://plain.yaml#/k
env: ref+envsubst://$VALS_TEST_VAR
text: "x-ref+echo://a/b+-y, ref+echo://c,"
ref+file://merged.yaml:
  ignored: true
"""

GOTMPL = """\
fetched: {{ fetchSecretValue "ref+awssecrets://linoapp/json#/user" | quote }}
fromSops: {{ fetchSecretValue "ref+sops://secrets.enc.yaml#/db/password" | quote }}
expanded: {{ expandSecretRefs (dict "p" "ref+awsssm://linoapp/db/password" "l" (list "ref+echo://q/r" 1)) | toJson }}
"""


@pytest.fixture(scope="module")
def aws() -> Iterator[S3Server]:
    with s3_server() as server:
        ssm = server.aws("ssm")
        ssm.put_parameter(Name="/linoapp/db/password", Value="ssm-pass-v1", Type="SecureString")
        ssm.put_parameter(Name="/linoapp/db/password", Value="ssm-pass-v2", Type="SecureString", Overwrite=True)
        ssm.put_parameter(Name="/linoapp/db/user", Value="admin", Type="String")
        ssm.put_parameter(Name="/linoapp/db/port", Value="5432", Type="String")
        ssm.put_parameter(Name="/linoapp/config", Value="region: eu-west-1\nreplicas: 3\n", Type="String")
        sm = server.aws("secretsmanager")
        doc = {"user": "svc", "password": "sm-json-pass", "port": 1, "nested": {"key": "deep"}}
        sm.create_secret(Name="linoapp/json", SecretString=json.dumps(doc))
        sm.create_secret(Name="linoapp/plain", SecretString="sm-plain-v1")
        sm.put_secret_value(SecretId="linoapp/plain", SecretString="sm-plain-v2")
        sm.create_secret(Name="linoapp/binary", SecretBinary=b"sm-binary")
        sm.create_secret(Name="linoapp/multiline", SecretString="line one\nline two\n")
        # YAML, not JSON: vals reads it with yaml.v3, where `yes` and `on` are strings
        sm.create_secret(Name="linoapp/yaml", SecretString="enabled: yes\nstate: on\nflag: true\n")
        yield server


def _sops(tools: Toolchain, plain: Path, dest: Path, *types: str) -> None:
    argv = [tools.sops, "--disable-version-check", "--encrypt", "--age", age_recipient(), *types, str(plain)]
    dest.write_text(subprocess.run(argv, check=True, capture_output=True, text=True).stdout)
    plain.unlink()


@pytest.fixture(scope="module")
def project(tools: Toolchain, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("vals-project")
    (root / "chart" / "templates").mkdir(parents=True)
    (root / "chart" / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 0.1.0\n")
    (root / "chart" / "templates" / "values.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n"
        "  values: |\n{{ toYaml .Values | indent 4 }}\n"
    )
    (root / "values").mkdir()
    (root / "values" / "values.yaml").write_text(VALUES)
    (root / "values" / "more.yaml.gotmpl").write_text(GOTMPL)
    (root / "plain.yaml").write_text("k: from-file\n")
    (root / "merged.yaml").write_text("mk1: v1\nmk2: {a: b}\nmk3: yes\nmk4: [on, 1]\n")
    (root / "secrets.yaml").write_text("db:\n  password: sops-db-pass\n  port: 5432\n")
    _sops(tools, root / "secrets.yaml", root / "secrets.enc.yaml")
    # key_type=base64: the encrypted document itself, base64url-encoded, in the reference
    blob = base64.urlsafe_b64encode((root / "secrets.enc.yaml").read_bytes()).decode()
    with (root / "values" / "values.yaml").open("a") as fh:
        fh.write(f"sopsInline: ref+sops://{blob}?key_type=base64#/db/password\n")
    (root / "blob").write_text("sops-binary-secret\n")
    _sops(tools, root / "blob", root / "blob.enc", "--input-type", "binary", "--output-type", "binary")
    (root / "helmfile.yaml").write_text(HELMFILE)
    return root


def _run_both(tools: Toolchain, aws: S3Server, project: Path, tmp_path: Path, *args: str) -> tuple[Path, Path, dict]:
    reference_dir, ours_dir = tmp_path / "reference", tmp_path / "ours"
    shutil.copytree(project, reference_dir)
    shutil.copytree(project, ours_dir)
    (tmp_path / "tmp").mkdir()
    env = {
        **aws.env(),
        **tmp_env(tmp_path),
        "TMPDIR": str(tmp_path / "tmp"),
        "SOPS_AGE_KEY_FILE": str(AGE_KEY),
        "VALS_TEST_VAR": "from-env",
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
        "AWS_CONFIG_FILE": str(tmp_path / "no-config"),
    }
    reference = run_helmfile(tools, reference_dir, *args, env=env)
    ours = run_pyhelmfile(tools, ours_dir, *args, env=env)
    return reference_dir, ours_dir, {"reference": reference, "ours": ours}


def test_write_values_same_files(tools: Toolchain, aws: S3Server, project: Path, tmp_path: Path) -> None:
    args = ("write-values", "--output-file-template", "out/{{ .Release.Name }}.yaml")
    reference_dir, ours_dir, runs = _run_both(tools, aws, project, tmp_path, *args)
    runs["reference"].check()
    runs["ours"].check()
    for name in ("app", "other"):
        expected = (reference_dir / "out" / f"{name}.yaml").read_bytes()
        assert b"sm-json-pass" in expected and b"sops-db-pass" in expected and b"from-env" in expected
        assert name == "other" or b"sopsInline: sops-db-pass" in expected
        assert (ours_dir / "out" / f"{name}.yaml").read_bytes() == expected


def test_template_same_manifests(tools: Toolchain, aws: S3Server, project: Path, tmp_path: Path) -> None:
    _, _, runs = _run_both(tools, aws, project, tmp_path, "template")
    assert "ssm-pass-v2" in runs["reference"].check().stdout
    assert "fromSet: ssm-pass-v2" in runs["reference"].stdout and "- svc" in runs["reference"].stdout  # set: too
    assert_same(runs["reference"], runs["ours"], normaliser=normalise)


def test_both_fail_on_a_missing_parameter(tools: Toolchain, aws: S3Server, project: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(project, broken)
    (broken / "values" / "values.yaml").write_text("a: ref+awsssm://linoapp/nope\n")
    _, _, runs = _run_both(tools, aws, broken, tmp_path / "run", "write-values")
    reference, ours = runs["reference"], runs["ours"]
    assert reference.returncode != 0 and ours.returncode != 0
    # the same reason, from vals' and pyhelmfile's words
    reason = "expand awsssm://linoapp/nope: get parameter: ParameterNotFound: Parameter /linoapp/nope not found."
    assert reason in reference.stderr
    assert ours.stderr.strip().splitlines()[-1] == f"error: values/values.yaml: expanding secret references: {reason}"


def test_environment_values_files_are_not_evaluated(
    tools: Toolchain, aws: S3Server, project: Path, tmp_path: Path
) -> None:
    """helmfile 0.166.0 leaves references in environment values files alone (the release's values are evaluated)."""
    env_project = tmp_path / "env-project"
    shutil.copytree(project, env_project)
    (env_project / "env.yaml").write_text("x: ref+awsssm://linoapp/db/user\n")
    (env_project / "helmfile.yaml").write_text(
        "environments:\n  default:\n    values: [env.yaml]\n---\n"
        "releases:\n  - name: app\n    chart: ./chart\n    labels:\n      fromenv: {{ .Values.x | quote }}\n"
        "    values:\n      - fromEnv: {{ .Values.x | quote }}\n"
    )
    _, _, runs = _run_both(tools, aws, env_project, tmp_path / "list", "list")
    assert "fromenv:ref+awsssm://linoapp/db/user" in runs["reference"].check().stdout
    assert_same(runs["reference"], runs["ours"], normaliser=normalise)
    args = ("write-values", "--output-file-template", "out.yaml")
    reference_dir, ours_dir, runs = _run_both(tools, aws, env_project, tmp_path / "write", *args)
    runs["reference"].check()
    runs["ours"].check()
    assert (reference_dir / "out.yaml").read_text() == "fromEnv: admin\n"
    assert (ours_dir / "out.yaml").read_text() == "fromEnv: admin\n"
