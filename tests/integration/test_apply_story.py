"""The seed's story, end to end, on the real `stg` and `prd` test clusters, with helm 3 and helm 4.

apply stg from scratch -> bump sniffer (image tag + chart version) in stg/linoapp -> diff
shows exactly that (exit 2) -> apply upgrades only linoapp -> a second apply changes nothing
-> `installed: false` uninstalls -> destroy. prd is never touched. At every step each
release's diff verdict is cross-checked with `helm upgrade --dry-run` against the deployed
manifest, compared here without pyhelmfile's diff code.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.cluster import Clusters
from tests.support.differential import Run, tmp_env
from tests.support.example import copy_example, example_env
from tests.support.toolchain import Toolchain

pytestmark = pytest.mark.cluster

RELEASES = {"infra": "kube-system", "linoapp": "linoapp", "linoapp-ws": "linoapp", "jobs": "jobs"}
OLD_TAG = "b5356e582b083b0c1757000886acf5971c5d116f"
NEW_TAG = "ca3b6f0e1d2c3b4a5968778695a4b3c2d1e0f9a8"


class Story:
    def __init__(self, tools: Toolchain, helm: str, project: Path, env: dict[str, str], clusters: Clusters) -> None:
        self.tools, self.helm, self.project, self.clusters = tools, helm, project, clusters
        self.env = {**env, **clusters.env()}

    def run(self, *args: str, timeout: float = 600) -> Run:
        argv = [sys.executable, "-m", "pyhelmfile", "--helm-binary", self.helm, *args]
        proc = subprocess.run(argv, cwd=self.project, env=self.env, capture_output=True, text=True, timeout=timeout)
        return Run(tuple(argv), proc.returncode, proc.stdout, proc.stderr)

    def revisions(self, context: str) -> dict[str, int]:
        """Newest revision of each example release in a context (absent releases left out)."""
        found: dict[str, int] = {}
        for name, namespace in RELEASES.items():
            records = self.clusters.helm_releases(context, namespace, name)
            live = [rev for rev, r in records.items() if r["labels"].get("status") not in ("superseded", "uninstalled")]
            if live:
                found[name] = max(live)
        return found

    def deployed_manifest(self, name: str) -> str:
        records = self.clusters.helm_releases("stg", RELEASES[name], name)
        release = records[max(records)]["release"]
        return str(release["manifest"]) + "".join("\n---\n" + h["manifest"] for h in release.get("hooks") or [])

    def dry_run_changed(self, name: str, tmp: Path) -> bool:
        """helm upgrade --dry-run with the release's merged values, compared object by object here."""
        out = tmp / "values"
        written = self.run(
            "-e",
            "stg",
            "-l",
            f"name={name}",
            "write-values",
            "--output-file-template",
            f"{out}/{{{{ .Release.Name }}}}.yaml",
        )
        assert written.returncode == 0, written.stderr
        chart = {"infra": "charts/infra", "jobs": "charts/jobs"}.get(name, f"stg/{name}")
        proc = subprocess.run(
            [self.helm, "--kube-context", "stg", "upgrade", "--install", name, chart, "--dry-run", "-o", "json",
             "--namespace", RELEASES[name], "--values", str(out / f"{name}.yaml"), "--reset-values"],
            cwd=self.project, env=self.env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        rendered = json.loads(proc.stdout)
        desired = str(rendered["manifest"]) + "".join("\n---\n" + h["manifest"] for h in rendered.get("hooks") or [])
        return objects(desired) != objects(self.deployed_manifest(name))

    def diff_verdicts(self) -> dict[str, bool]:
        result = self.run("-e", "stg", "diff", "--output", "json")
        assert result.returncode == 0, result.stderr
        changed = {r["release"] for r in json.loads(result.stdout) if r["changes"] or r.get("chart_change")}
        return {name: name in changed for name in RELEASES}

    def cross_check(self, tmp: Path) -> dict[str, bool]:
        verdicts = self.diff_verdicts()
        installed = self.revisions("stg")
        for name in installed:
            assert verdicts[name] == self.dry_run_changed(name, tmp), f"verdicts differ for {name}"
        return verdicts


def objects(manifest: str) -> dict[tuple[str, str, str], Any]:
    """kind/namespace/name -> object, for a comparison that shares no code with pyhelmfile."""
    found: dict[tuple[str, str, str], Any] = {}
    for doc in yaml.safe_load_all(manifest):
        if isinstance(doc, dict) and doc.get("kind"):
            meta = doc.get("metadata") or {}
            found[(doc["kind"], meta.get("namespace", ""), meta["name"])] = doc
    return found


def bump_sniffer(project: Path) -> None:
    values = project / "stg" / "linoapp" / "values.yaml"
    values.write_text(values.read_text().replace(OLD_TAG, NEW_TAG))
    requirements = project / "stg" / "linoapp" / "requirements.yaml"
    requirements.write_text(requirements.read_text().replace("v0.2.0-e0d65", "v0.2.2-ca3b6"))


def diff_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line[:1] in ("+", "-") and not line.startswith(("+++", "---"))]


@pytest.mark.parametrize("helm_name", ["helm3", "helm4"])
def test_seed_story(helm_name: str, tools: Toolchain, example_repo: str, clusters: Clusters, tmp_path: Path) -> None:
    helm = getattr(tools, helm_name)
    project = copy_example(tmp_path / "kube-app")
    story = Story(tools, helm, project, {**example_env(tools, example_repo, tmp_path), **tmp_env(tmp_path)}, clusters)
    try:
        assert story.revisions("stg") == {}, "stg must start empty"

        first = story.run("-e", "stg", "apply")
        assert first.returncode == 0, first.stdout + first.stderr
        assert story.revisions("stg") == dict.fromkeys(RELEASES, 1)
        assert "UPDATED RELEASES" in first.stderr  # helmfile's summary, on stderr as helmfile prints it
        assert story.cross_check(tmp_path) == dict.fromkeys(RELEASES, False)

        bump_sniffer(project)
        diff = story.run("-e", "stg", "diff", "--detailed-exitcode")
        assert diff.returncode == 2, diff.stderr
        changed = diff_lines(diff.stdout)
        assert changed, diff.stdout
        assert all(("image:" in line or "chart:" in line or "helm.sh/chart" in line) for line in changed), changed
        assert any(NEW_TAG in line and line.startswith("+") for line in changed)
        assert any("sniffer-v0.2.2-ca3b6" in line for line in changed)
        assert "Deployment" in diff.stdout
        assert story.cross_check(tmp_path) == {**dict.fromkeys(RELEASES, False), "linoapp": True}

        second = story.run("-e", "stg", "apply")
        assert second.returncode == 0, second.stderr
        assert story.revisions("stg") == {**dict.fromkeys(RELEASES, 1), "linoapp": 2}
        assert 'Release "linoapp" has been upgraded. Happy Helming!' in second.stdout  # the seed's CI log
        assert "REVISION: 2" in second.stdout
        assert story.cross_check(tmp_path) == dict.fromkeys(RELEASES, False)

        third = story.run("-e", "stg", "apply", "--detailed-exitcode")
        assert third.returncode == 0, third.stderr
        assert "UPDATED RELEASES" not in third.stderr and "Happy Helming" not in third.stdout
        assert story.revisions("stg") == {**dict.fromkeys(RELEASES, 1), "linoapp": 2}

        helmfile = project / "helmfile.yaml"
        helmfile.write_text(
            helmfile.read_text().replace(
                "    chart: ./charts/jobs\n", "    chart: ./charts/jobs\n    installed: false\n"
            )
        )
        removal = story.run("-e", "stg", "diff", "--detailed-exitcode")
        assert removal.returncode == 2 and "jobs" in removal.stdout
        fourth = story.run("-e", "stg", "apply")
        assert fourth.returncode == 0, fourth.stderr
        assert "DELETED RELEASES" in fourth.stderr and 'release "jobs" uninstalled' in fourth.stdout
        assert story.revisions("stg") == {"infra": 1, "linoapp": 2, "linoapp-ws": 1}

        assert story.revisions("prd") == {}, "prd must be untouched"
    finally:
        gone = story.run("-e", "stg", "destroy")
        assert gone.returncode == 0, gone.stderr
        # infra owned the app namespaces: wait until Kubernetes has finished deleting them, so the
        # next run (the other helm) starts from an empty cluster.
        deadline = time.monotonic() + 120
        while any(clusters.get("stg", f"/api/v1/namespaces/{ns}") for ns in ("linoapp", "jobs")):
            assert time.monotonic() < deadline, "namespaces still terminating"
            time.sleep(0.5)
    assert story.revisions("stg") == {}
