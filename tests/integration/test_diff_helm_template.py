"""The native diff on manifests rendered by the real helm 3.15.3 and helm 4.1.4."""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path

import pytest

from pyhelmfile.diff.compare import compare
from pyhelmfile.diff.render import render_json, render_markdown, render_text
from tests.support.toolchain import Toolchain

CHART = Path(__file__).resolve().parents[1] / "data" / "diff" / "webapp"


def _template(helm: str, *sets: str) -> str:
    args = [helm, "template", "demo", str(CHART), "--namespace", "shop"]
    for s in sets:
        args += ["--set", s]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


@pytest.fixture(params=["helm3", "helm4"])
def helm(request: pytest.FixtureRequest, tools: Toolchain) -> str:
    return str(getattr(tools, request.param))


def test_a_value_change_changes_exactly_the_deployment(helm: str) -> None:
    before = _template(helm)
    after = _template(helm, "replicas=3")
    d = compare("demo", "shop", "stg", before, after)
    assert [(c.key, c.action, c.paths) for c in d.changes] == [
        ("shop, demo-web, Deployment (apps)", "change", ["root['spec']['replicas']"])
    ]
    out = render_text([d], context=1)
    assert out == (
        "shop, demo-web, Deployment (apps) has changed:\n"
        "...\n"
        "  spec:\n"
        "-   replicas: 2\n"
        "+   replicas: 3\n"
        "    selector:\n"
        "...\n"
    )
    assert compare("demo", "shop", "stg", before, before).changes == []


def test_an_image_tag_changes_the_deployment_and_the_hook_using_it(helm: str) -> None:
    d = compare("demo", "shop", "stg", _template(helm), _template(helm, "image.tag=1.25.4"))
    assert [c.key for c in d.changes] == ["shop, demo-migrate, Job (batch)", "shop, demo-web, Deployment (apps)"]


def test_a_secret_value_change_is_masked_everywhere(helm: str) -> None:
    old_pw, new_pw = "s3cr3t-Pa55", "rotated-Pa55w0rd"
    d = compare("demo", "shop", "stg", _template(helm), _template(helm, f"password={new_pw}"))
    assert [(c.key, c.paths) for c in d.changes] == [("shop, demo-creds, Secret (v1)", ["root['data']['password']"])]
    outputs = [render_text([d]), render_json([d]), render_markdown([d])]
    assert "-   password: '-------- # (11 bytes)'\n+   password: '++++++++ # (16 bytes)'\n" in outputs[0]
    for secret in (
        old_pw,
        new_pw,
        base64.b64encode(old_pw.encode()).decode(),
        base64.b64encode(new_pw.encode()).decode(),
    ):
        assert all(secret not in out for out in outputs)
