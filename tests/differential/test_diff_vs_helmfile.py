"""`diff` against a real cluster: pyhelmfile's stdout must be helmfile 0.166.0's, byte for byte.

helmfile runs helm-diff v3.9.8 (built by scripts/helmdiff.py, in a plugins dir of its own) without
--normalize-manifests, so each changed object is shown as helm rendered it; pyhelmfile decides
what changed semantically but shows the same text. A release is installed with one set of values,
then both tools compare another set: a changed ConfigMap, Secrets changed through stringData and
through data, an object added and one removed, a release not installed yet and one unchanged.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support.cluster import Clusters
from tests.support.differential import run_helmfile, run_pyhelmfile, tmp_env
from tests.support.toolchain import Toolchain

pytestmark = pytest.mark.cluster

NAMESPACE = "diffout"

TEMPLATE = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}
  labels:
    app: demo
data:
  greeting: {{ .Values.greeting | quote }}
  a: "1"
  b: "2"
  c: "3"
  d: "4"
---
apiVersion: v1
kind: Secret
metadata:
  name: {{ .Release.Name }}-s
type: Opaque
stringData:
  password: {{ .Values.password | quote }}
  same: "unchanged"
---
apiVersion: v1
kind: Secret
metadata:
  name: {{ .Release.Name }}-d
  labels:
    tier: back
data:
  token: {{ .Values.token | b64enc }}
type: Opaque
"""

OPTIONAL = """\
{{- if .Values.%s }}
# a comment helm keeps
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-%s
data:
  k: 'v'
{{- end }}
"""

V1 = "greeting: hi\npassword: pw\ntoken: t1\nold: true\nnew: false\n"
V2 = "greeting: hej\npassword: pw2\ntoken: t2\nold: false\nnew: true\n"

HELMFILE = """\
environments:
  default:
    kubeContext: stg
---
releases:
  - name: demo
    namespace: diffout
    chart: ./charts/app
    values:
      - values.yaml
  - name: fresh
    namespace: diffout
    chart: ./charts/app
    values:
      - values.yaml
  - name: same
    namespace: diffout
    chart: ./charts/app
    values:
      - values.yaml
"""


def _project(root: Path) -> Path:
    chart = root / "charts" / "app"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 0.1.0\n")
    (chart / "templates" / "cm.yaml").write_text(TEMPLATE)
    (chart / "templates" / "old.yaml").write_text(OPTIONAL % ("old", "old"))
    (chart / "templates" / "new.yaml").write_text(OPTIONAL % ("new", "new"))
    (root / "values.yaml").write_text(V1)
    (root / "helmfile.yaml").write_text(HELMFILE)
    return root


def _helm(tools: Toolchain, clusters: Clusters, *args: str) -> None:
    argv = [tools.helm3, "--kube-context", "stg", *args, "--namespace", NAMESPACE]
    subprocess.run(argv, env=tools.env(**clusters.env()), capture_output=True, check=True)


def test_diff_output_is_helmfiles(
    tools: Toolchain, clusters: Clusters, helm_diff_plugins: Path, tmp_path: Path
) -> None:
    project = _project(tmp_path / "project")
    _helm(tools, clusters, "upgrade", "--install", "demo", str(project / "charts" / "app"),
          "--values", str(project / "values.yaml"), "--create-namespace")  # fmt: skip
    (project / "values.yaml").write_text(V2)
    _helm(tools, clusters, "upgrade", "--install", "same", str(project / "charts" / "app"),
          "--values", str(project / "values.yaml"))  # fmt: skip
    env = {**tmp_env(tmp_path / "home"), **clusters.env(), "HELM_PLUGINS": str(helm_diff_plugins)}
    try:
        seen = {}
        cases = (
            [],
            ["--context", "1"],
            ["--suppress-secrets"],
            ["--show-secrets"],
            ["--output", "simple"],
            ["--output", "simple", "--detailed-exitcode"],
            ["--detailed-exitcode", "--context", "0"],
            ["--detailed-exitcode"],
        )
        for flags in cases:
            ours = run_pyhelmfile(tools, project, "diff", "--no-color", *flags, env=env)
            reference = run_helmfile(tools, project, "diff", "--no-color", *flags, env=env)
            expected = 2 if "--detailed-exitcode" in flags else 0
            assert reference.returncode == expected, reference.stderr
            assert ours.returncode == expected, ours.stderr
            assert ours.stdout == reference.stdout, (
                f"flags {flags}\n--- helmfile\n{reference.stdout}\n--- ours\n{ours.stdout}"
            )
            seen[" ".join(flags)] = reference.stdout
        # from another directory: helmfile works in the state file's, and shows the chart relative to that
        ours = run_pyhelmfile(tools, tmp_path, "-f", "project/helmfile.yaml", "diff", "--no-color", env=env)
        reference = run_helmfile(tools, tmp_path, "-f", "project/helmfile.yaml", "diff", "--no-color", env=env)
        assert reference.returncode == 0 and ours.returncode == 0, ours.stderr
        assert ours.stdout == reference.stdout, f"--- helmfile\n{reference.stdout}\n--- ours\n{ours.stdout}"
        assert reference.stdout == seen[""]
        full = seen[""]
        # what the comparison covers, so that an empty or partial output cannot pass
        assert full.startswith("Comparing release=demo, chart=charts/app\n")
        assert '-   greeting: "hi"\n+   greeting: "hej"\n' in full
        assert "-   password: '-------- # (2 bytes)'\n+   password: '++++++++ # (3 bytes)'\n" in full
        assert "    same: 'REDACTED # (9 bytes)'\n" in full
        assert "-   token: '-------- # (2 bytes)'\n" in full
        assert "diffout, demo-old, ConfigMap (v1) has been removed:\n" in full
        assert "diffout, demo-new, ConfigMap (v1) has been added:\n" in full
        assert "Release was not present in Helm." in full and "diffout, fresh, ConfigMap (v1) has been added:\n" in full
        assert (
            "...\n" in seen["--context 1"]
            and "+ Changes suppressed on sensitive content of type Secret\n" in (seen["--suppress-secrets"])
        )
        assert '+   password: "pw2"\n' in seen["--show-secrets"]
        # apply shows what diff --detailed-exitcode shows (helmfile's apply diffs that way), then changes things:
        # helmfile's apply first, then the cluster put back, then pyhelmfile's
        applied = run_helmfile(tools, project, "apply", "--no-color", env=env)
        assert applied.returncode == 0, applied.stderr
        assert applied.stdout.startswith(seen["--detailed-exitcode"]), applied.stdout
        (tmp_path / "v1.yaml").write_text(V1)
        _helm(
            tools, clusters, "upgrade", "demo", str(project / "charts" / "app"), "--values", str(tmp_path / "v1.yaml")
        )
        _helm(tools, clusters, "uninstall", "fresh")
        ours = run_pyhelmfile(tools, project, "apply", "--no-color", env=env)
        assert ours.returncode == 0, ours.stderr
        assert ours.stdout.startswith(seen["--detailed-exitcode"]), ours.stdout
        # then, as helmfile, helm's own word on each upgrade (the seed's CI log: `Release "linoapp" has been
        # upgraded ... REVISION: 1384`)
        for line in ('Release "demo" has been upgraded. Happy Helming!', 'Release "fresh" does not exist. Installing'):
            assert line in applied.stdout and line in ours.stdout, ours.stdout
    finally:
        for name in ("demo", "fresh", "same"):
            _helm(tools, clusters, "uninstall", name, "--ignore-not-found")
