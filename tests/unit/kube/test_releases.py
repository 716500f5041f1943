"""helm's release records: decoding and the manifest helm template would print for them."""

from __future__ import annotations

import base64
import gzip
import json

import pytest

from pyhelmfile.errors import KubeError
from pyhelmfile.kube.releases import _from_record, decode_release


def _secret_data(record: dict[str, object]) -> str:
    helm_encoded = base64.b64encode(gzip.compress(json.dumps(record).encode()))
    return base64.b64encode(helm_encoded).decode()


RECORD = {
    "name": "web",
    "namespace": "apps",
    "version": 3,
    "info": {"status": "deployed", "last_deployed": "2026-11-25T08:00:00Z"},
    "chart": {"metadata": {"name": "web", "version": "1.2.3", "appVersion": "4.5"}},
    "config": {"replicas": 2},
    "manifest": "---\n# Source: web/templates/cm.yaml\nkind: ConfigMap\nmetadata:\n  name: web\n",
    "hooks": [
        {"name": "web-job", "path": "web/templates/job.yaml", "manifest": "kind: Job\nmetadata:\n  name: web-job\n"},
    ],
}


def test_decodes_a_release_record() -> None:
    release = _from_record(decode_release(_secret_data(RECORD)))
    assert (release.name, release.namespace, release.revision, release.status) == ("web", "apps", 3, "deployed")
    assert release.chart == "web-1.2.3"
    assert release.config == {"replicas": 2}


def test_full_manifest_has_every_hook_with_its_source() -> None:
    release = _from_record(RECORD)
    text = release.full_manifest()
    assert text.count("---\n") == 2
    assert "# Source: web/templates/job.yaml\nkind: Job" in text
    assert text.startswith("---\n# Source: web/templates/cm.yaml")


def test_garbage_is_one_clear_error() -> None:
    with pytest.raises(KubeError, match="cannot decode a helm release record"):
        decode_release(base64.b64encode(b"not base64 at all!").decode())
