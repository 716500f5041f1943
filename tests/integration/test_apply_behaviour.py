"""apply/sync/destroy behaviour on a real test cluster: failures, hooks, contexts, remembered verdicts."""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.cluster import Clusters
from tests.support.differential import Run, tmp_env
from tests.support.toolchain import Toolchain

pytestmark = pytest.mark.cluster

CHART = """\
apiVersion: v2
name: {name}
version: 0.1.0
"""

CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}
data:
  greeting: {{ .Values.greeting | quote }}
"""

# Renders fine, but the API server rejects it: ConfigMap data must be strings.
BROKEN = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}
data:
  count: 3
"""

HOOK = (
    "    hooks:\n"
    "      - events: [prepare, preapply, presync, postsync, cleanup]\n"
    "        command: sh\n"
    "        args: [-c, 'echo {{`{{ .Event.Name }}`}} {{`{{ .Release.Name }}`}} >> hooks.log']\n"
)

HELMFILE = f"""\
environments:
  default:
    kubeContext: stg
  prd:
    kubeContext: prd
---
helmDefaults:
  createNamespace: true
releases:
  - name: base
    namespace: behave
    chart: ./charts/ok
    values:
      - greeting: hello
{HOOK}
  - name: broken
    namespace: behave
    chart: ./charts/broken
    needs: [behave/base]
  - name: after-broken
    namespace: behave
    chart: ./charts/ok
    needs: [behave/broken]
    values:
      - greeting: never
  - name: independent
    namespace: behave
    chart: ./charts/ok
    values:
      - greeting: hi
"""


def _project(root: Path) -> Path:
    for name, template in (("ok", CONFIGMAP), ("broken", BROKEN)):
        chart = root / "charts" / name
        (chart / "templates").mkdir(parents=True)
        (chart / "Chart.yaml").write_text(CHART.format(name=name))
        (chart / "values.yaml").write_text("greeting: default\n")
        (chart / "templates" / "cm.yaml").write_text(template)
    (root / "helmfile.yaml").write_text(HELMFILE)
    return root


class Runner:
    def __init__(self, tools: Toolchain, project: Path, env: dict[str, str]) -> None:
        self.tools, self.project, self.env = tools, project, env

    def __call__(self, *args: str, stdin: str | None = None, helm: str = "", **extra: str) -> Run:
        argv = [sys.executable, "-m", "pyhelmfile", "--helm-binary", helm or self.tools.helm3, *args]
        proc = subprocess.run(
            argv, cwd=self.project, env={**self.env, **extra}, input=stdin, capture_output=True, text=True, timeout=600
        )
        return Run(tuple(argv), proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def runner(tools: Toolchain, clusters: Clusters, tmp_path: Path) -> Runner:
    env = tools.env(**tmp_env(tmp_path), **clusters.env(), XDG_CACHE_HOME=str(tmp_path / "xdg-cache"))
    return Runner(tools, _project(tmp_path / "project"), env)


def section(text: str, header: str) -> str:
    """The table under a summary header, up to the next blank line."""
    assert header in text, text
    return text.split(header, 1)[1].split("\n\n", 1)[0]


def _revisions(clusters: Clusters, context: str, names: list[str]) -> dict[str, int]:
    found = {}
    for name in names:
        records = clusters.helm_releases(context, "behave", name)
        if records:
            found[name] = max(records)
    return found


def test_a_failure_skips_dependants_and_lets_the_rest_finish(runner: Runner, clusters: Clusters) -> None:
    try:
        result = runner("apply")
        assert result.returncode == 1
        error_lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert error_lines == ["error: 1 release(s) failed, 1 skipped (2 not applied)"], result.stderr
        assert "Traceback" not in result.stderr
        failed, skipped, updated = (
            section(result.stderr, f"{name} RELEASES:") for name in ("FAILED", "SKIPPED", "UPDATED")
        )
        assert "broken" in failed and "cannot unmarshal" in failed
        assert "after-broken" in skipped and "needs behave/broken" in skipped
        assert "base" in updated and "independent" in updated
        names = ["base", "broken", "after-broken", "independent"]
        revisions = _revisions(clusters, "stg", names)
        assert set(revisions) == {"base", "broken", "independent"}  # broken's failed revision is recorded
        assert clusters.helm_releases("stg", "behave", "broken")[1]["labels"]["status"] == "failed"
        assert _revisions(clusters, "prd", names) == {}
        listed = runner("list", "--live", "--output", "json")
        assert listed.returncode == 0, listed.stderr
        status = {r["name"]: (r["context"], r["status"], r["revision"]) for r in json.loads(listed.stdout)}
        assert status == {
            "base": ("stg", "deployed", "1"),
            "broken": ("stg", "failed", "1"),
            "after-broken": ("stg", "not installed", ""),
            "independent": ("stg", "deployed", "1"),
        }
        shown = runner("-l", "name=base", "status")
        assert shown.returncode == 0 and "STATUS: deployed" in shown.stdout
        log = (runner.project / "hooks.log").read_text().split("\n")
        assert log[:4] == ["prepare base", "preapply base", "presync base", "postsync base"]
        assert "cleanup base" in log
    finally:
        assert runner("destroy").returncode == 0


def test_no_change_verdicts_are_remembered_and_invalidated(runner: Runner, clusters: Clusters) -> None:
    helmfile = runner.project / "helmfile.yaml"
    helmfile.write_text(HELMFILE.replace("    needs: [behave/base]\n", "    installed: false\n"))
    try:
        assert runner("-l", "name=independent", "apply").returncode == 0
        first = runner("-l", "name=independent", "--debug", "diff", "--detailed-exitcode")
        assert first.returncode == 0, first.stderr
        assert "as when last compared" not in first.stderr  # rendered and compared, then remembered
        second = runner("-l", "name=independent", "--debug", "diff", "--detailed-exitcode")
        assert second.returncode == 0 and "as when last compared" in second.stderr
        helmfile.write_text(helmfile.read_text().replace("greeting: hi", "greeting: hej"))
        third = runner("-l", "name=independent", "--debug", "diff", "--detailed-exitcode")
        assert third.returncode == 2, third.stderr
        assert "as when last compared" not in third.stderr
        assert '-   greeting: "hi"' in third.stdout and '+   greeting: "hej"' in third.stdout  # as rendered (quote)
        # The cache holds no values: neither the old nor the new greeting appears in it.
        for path in (runner.project.parent / "xdg-cache").rglob("*"):
            if path.is_file():
                assert b"hej" not in path.read_bytes() and b"greeting" not in path.read_bytes()
    finally:
        assert runner("destroy").returncode == 0


def test_contexts_are_checked_before_anything_changes(runner: Runner, clusters: Clusters, tmp_path: Path) -> None:
    config = yaml.safe_load(clusters.kubeconfig.read_text())
    config["contexts"] = [c for c in config["contexts"] if c["name"] != "prd"]
    only_stg = tmp_path / "only-stg.kubeconfig"
    only_stg.write_text(yaml.safe_dump(config))
    missing = runner("-e", "prd", "-l", "name=base", "apply", KUBECONFIG=str(only_stg))
    assert missing.returncode == 1
    assert missing.stderr.strip().splitlines()[-1].startswith('error: kube context "prd" not found in kubeconfig')
    conflict = runner("--kube-context", "prd", "-l", "name=base", "apply")
    assert conflict.returncode == 1
    assert 'environment "default" deploys to "stg"' in conflict.stderr
    assert _revisions(clusters, "prd", ["base"]) == {} and _revisions(clusters, "stg", ["base"]) == {}


def test_interactive_no_changes_nothing(runner: Runner, clusters: Clusters) -> None:
    result = runner("-i", "-l", "name=independent", "apply", stdin="n\n")
    assert result.returncode == 0
    assert "Do you really want to apply?" in result.stdout
    assert _revisions(clusters, "stg", ["independent"]) == {}


LABELLER = """\
#!/bin/sh
# A post-renderer: labels every object it is given ({label}).
sed 's/^  name: \\(.*\\)$/  name: \\1\\n  labels:\\n    rendered-by: {label}/'
"""


@pytest.mark.parametrize("helm_name", ["helm3", "helm4"])
def test_post_rendered_releases_diff_as_deployed_and_are_never_remembered(
    runner: Runner, clusters: Clusters, helm_name: str
) -> None:
    """(helm 4 takes a post-renderer plugin's name: pyhelmfile wraps the executable in one of its own.)"""
    run = functools.partial(runner, helm=getattr(runner.tools, helm_name))
    helmfile = runner.project / "helmfile.yaml"
    helmfile.write_text(HELMFILE.replace("    needs: [behave/base]\n", "    installed: false\n"))
    labeller = runner.project / "label.sh"
    labeller.write_text(LABELLER.format(label="one"))
    labeller.chmod(0o755)
    args = ("-l", "name=independent", "--debug")
    try:
        assert run(*args, "apply", "--post-renderer", "./label.sh").returncode == 0
        deployed = max(clusters.helm_releases("stg", "behave", "independent").items())[1]
        assert deployed["labels"]["status"] == "deployed"
        # The deployed objects were post-rendered: so must the desired ones be, or every diff would show the label.
        same = run(*args, "diff", "--detailed-exitcode", "--post-renderer", "./label.sh")
        assert same.returncode == 0, same.stdout + same.stderr
        again = run(*args, "diff", "--detailed-exitcode", "--post-renderer", "./label.sh")
        assert again.returncode == 0 and "as when last compared" not in again.stderr
        without = run(*args, "diff", "--detailed-exitcode")
        assert without.returncode == 2 and "-     rendered-by: one" in without.stdout, without.stdout
        # Only the post-renderer changed: nothing helm is given did, and yet the output does.
        labeller.write_text(LABELLER.format(label="two"))
        changed = run(*args, "diff", "--detailed-exitcode", "--post-renderer", "./label.sh")
        assert changed.returncode == 2, changed.stderr
        assert "-     rendered-by: one" in changed.stdout and "+     rendered-by: two" in changed.stdout
    finally:
        assert run("destroy").returncode == 0


HOOKED = """\
{{- if .Values.hook }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-hook
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-delete-policy: before-hook-creation
data:
  hook: {{ .Values.hook | quote }}
{{- end }}
"""


def test_diff_flags_for_what_is_shown_and_compared(runner: Runner, clusters: Clusters) -> None:
    (runner.project / "charts" / "ok" / "templates" / "hook.yaml").write_text(HOOKED)
    helmfile = runner.project / "helmfile.yaml"
    base = HELMFILE.replace("    needs: [behave/base]\n", "    installed: false\n")
    helmfile.write_text(base.replace("      - greeting: hi\n", "      - greeting: hi\n        hook: one\n"))
    args = ("-l", "name=independent", "--debug")
    try:
        assert runner(*args, "apply").returncode == 0
        helmfile.write_text(base.replace("      - greeting: hi\n", "      - greeting: hej\n        hook: two\n"))
        full = runner(*args, "diff", "--detailed-exitcode")
        assert full.returncode == 2 and '+   greeting: "hej"' in full.stdout and '+   hook: "two"' in full.stdout
        # --suppress: the kind's changes are not shown, but they are still changes
        kinds = runner(*args, "diff", "--detailed-exitcode", "--suppress", "ConfigMap")
        assert kinds.returncode == 2 and "hej" not in kinds.stdout and "two" not in kinds.stdout
        lines = runner(*args, "diff", "--detailed-exitcode", "--suppress-output-line-regex", "greeting")
        assert lines.returncode == 2 and "greeting" not in lines.stdout and '+   hook: "two"' in lines.stdout
        checked = runner(*args, "diff", "--detailed-exitcode", "--validate", "--diff-args", "--three-way-merge")
        assert checked.returncode == 2, checked.stderr
        assert "--diff-args has no effect" in checked.stderr
        # Only the hook changes: without hooks there is nothing to do, and that verdict, remembered, must not
        # answer a diff that compares hooks.
        helmfile.write_text(base.replace("      - greeting: hi\n", "      - greeting: hi\n        hook: two\n"))
        for _ in range(2):
            no_hooks = runner(*args, "diff", "--detailed-exitcode", "--no-hooks")
            assert no_hooks.returncode == 0, no_hooks.stdout
        assert "as when last compared" in no_hooks.stderr
        with_hooks = runner(*args, "diff", "--detailed-exitcode")
        assert with_hooks.returncode == 2 and '+   hook: "two"' in with_hooks.stdout
    finally:
        assert runner("destroy").returncode == 0


def test_reuse_values_diffs_as_helm_would_upgrade(runner: Runner, clusters: Clusters) -> None:
    helmfile = runner.project / "helmfile.yaml"
    base = HELMFILE.replace("    needs: [behave/base]\n", "    installed: false\n")
    helmfile.write_text(base)
    args = ("-l", "name=independent")
    try:
        assert runner(*args, "apply").returncode == 0
        # the value leaves the state file: helm --reuse-values would keep the deployed one
        helmfile.write_text(base.replace("    values:\n      - greeting: hi\n", ""))
        plain = runner(*args, "diff", "--detailed-exitcode")
        assert plain.returncode == 2 and '-   greeting: "hi"' in plain.stdout, plain.stdout
        reused = runner(*args, "diff", "--detailed-exitcode", "--reuse-values")
        assert reused.returncode == 0, reused.stdout
        assert runner(*args, "apply", "--reuse-values").returncode == 0
        assert _revisions(clusters, "stg", ["independent"]) == {"independent": 1}  # nothing to upgrade
        # helmDefaults.reuseValues does the same, and --reset-values undoes it
        helmfile.write_text(helmfile.read_text().replace("helmDefaults:\n", "helmDefaults:\n  reuseValues: true\n"))
        assert runner(*args, "diff", "--detailed-exitcode").returncode == 0
        assert runner(*args, "diff", "--detailed-exitcode", "--reset-values").returncode == 2
    finally:
        assert runner("destroy").returncode == 0


def test_a_release_that_cannot_be_prepared_stops_apply_before_any_change(
    runner: Runner, clusters: Clusters, tmp_path: Path
) -> None:
    """One release's secrets cannot be decrypted: apply must not upgrade the others first (nothing half applied)."""
    (runner.project / "broken-secrets.yaml").write_text("token: not-sops-encrypted\n")
    helmfile = runner.project / "helmfile.yaml"
    helmfile.write_text(
        HELMFILE.replace("    needs: [behave/base]\n", "    installed: false\n").replace(
            "      - greeting: hi\n", "      - greeting: hi\n    secrets:\n      - broken-secrets.yaml\n"
        )
    )
    try:
        result = runner("apply")
        assert result.returncode == 1
        errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and "broken-secrets.yaml" in errors[0], result.stderr
        assert "Traceback" not in result.stderr and "UPDATED RELEASES" not in result.stderr
        assert _revisions(clusters, "stg", ["base", "after-broken", "independent"]) == {}
        log = (runner.project / "hooks.log").read_text().split() if (runner.project / "hooks.log").exists() else []
        assert "preapply" not in log and "presync" not in log  # no release was about to change
    finally:
        assert runner("destroy").returncode == 0


STRICT = """\
environments:
  default:
    kubeContext: stg
---
releases:
  - name: strict
    namespace: behave
    chart: ./charts/ok
    createNamespace: true
    atomic: true
    force: true
    recreatePods: true
    values:
      - greeting: {greeting}
"""


def _upgrade_command(result: Run, release: str) -> str:
    """The `exec: helm ... upgrade --install RELEASE ...` line --debug printed."""
    lines = result.stderr.splitlines()
    return next(line for line in lines if line.startswith("exec: ") and f" upgrade --install {release} " in line)


def test_helm4_gets_its_own_names_for_atomic_and_force(runner: Runner, clusters: Clusters) -> None:
    """helm 4 renamed --atomic and --force (the old names only warn; replacing objects fails under its default
    server-side apply, so it gets --server-side false) and removed --recreate-pods."""
    helmfile = runner.project / "helmfile.yaml"
    helm4 = runner.tools.helm4
    try:
        for revision, greeting in ((1, "one"), (2, "two")):  # an install, then an upgrade
            helmfile.write_text(STRICT.format(greeting=greeting))
            result = runner("--debug", "apply", helm=helm4)
            assert result.returncode == 0, result.stderr
            upgrade = _upgrade_command(result, "strict")
            assert "--rollback-on-failure" in upgrade and "--force-replace --server-side false" in upgrade, upgrade
            assert "--atomic" not in upgrade and "--recreate-pods" not in upgrade, upgrade
            assert "deprecated" not in result.stderr.lower()
            assert "recreatePods ignored: helm 4 has no --recreate-pods" in result.stderr
            assert _revisions(clusters, "stg", ["strict"]) == {"strict": revision}
        # helm 3 keeps helmfile's flags
        helmfile.write_text(STRICT.format(greeting="three"))
        result = runner("--debug", "apply")
        assert result.returncode == 0, result.stderr
        upgrade = _upgrade_command(result, "strict")
        assert "--atomic" in upgrade and "--force" in upgrade and "--recreate-pods" in upgrade, upgrade
    finally:
        assert runner("destroy").returncode == 0
