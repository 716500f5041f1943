"""Version arithmetic of `chart version` and the repository index helpers."""

from __future__ import annotations

import pytest

from pyhelmfile.app.chart import latest_base, sha_suffix
from pyhelmfile.errors import ConfigError, HelmError
from pyhelmfile.golang import semver
from pyhelmfile.helm.repoindex import RepoRef, add_entry, new_index_doc


@pytest.mark.parametrize(
    ("sha", "suffix"),
    [
        ("ca3b6f0e9d", "ca3b6"),
        ("08650abcdef", "g08650"),
        ("00000", "g00000"),
        ("0", "0"),
        ("01", "g01"),
        ("12345678", "12345"),
        ("0abcd", "0abcd"),
        ("ABCDEF1", "abcde"),
    ],
)
def test_sha_suffix(sha: str, suffix: str) -> None:
    assert sha_suffix(sha) == suffix
    semver.parse(f"v1.0.0-{suffix}")


def test_every_possible_suffix_is_valid_and_distinct() -> None:
    seen = {}
    for n in range(100000):
        suffix = sha_suffix(f"{n:05d}")
        assert semver.is_valid(f"v0.3.6-{suffix}"), suffix
        assert suffix not in seen
        seen[suffix] = n


@pytest.mark.parametrize("sha", ["", "  ", "ca3b6!", "ca 3b6", "ca3b6\n1"])
def test_bad_sha(sha: str) -> None:
    with pytest.raises(ConfigError):
        sha_suffix(sha)


def test_latest_base() -> None:
    versions = [semver.parse(v) for v in ["v0.2.2-ca3b6", "0.2.9", "v0.10.1-aaaa1", "v0.9.3", "v0.10.1-zzzz9"]]
    assert latest_base(versions) is not None
    assert latest_base(versions).original == "v0.10.1"  # type: ignore[union-attr]
    assert latest_base([semver.parse("1.0.0"), semver.parse("v1.0.0-rc.1")]).original == "1.0.0"  # type: ignore[union-attr]
    assert latest_base([]) is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("https://charts.example/stable/", "http"),
        ("http://127.0.0.1:8080", "http"),
        ("s3://devops-helm-registry/charts", "s3"),
        ("oci://127.0.0.1:5000/charts", "oci"),
        ("/srv/charts", "dir"),
        ("./charts", "dir"),
        ("file:///srv/charts", "dir"),
    ],
)
def test_repo_kinds(text: str, kind: str) -> None:
    assert RepoRef.parse(text).kind == kind


def test_repo_unsupported() -> None:
    with pytest.raises(HelmError, match="unsupported"):
        RepoRef.parse("ftp://x/charts")


def test_add_entry_orders_newest_first_and_refuses_duplicates() -> None:
    doc = new_index_doc()
    for v in ["0.2.0", "0.10.0", "0.9.0-rc.1", "0.9.0"]:
        assert add_entry(doc, {"name": "a", "version": v}, replace=False)
    doc["entries"]["a"].append({"name": "a", "version": "0.3.6-08650"})
    assert not add_entry(doc, {"name": "a", "version": "0.9.0"}, replace=False)
    assert add_entry(doc, {"name": "a", "version": "0.9.0", "digest": "new"}, replace=True)
    assert [e["version"] for e in doc["entries"]["a"]] == ["0.10.0", "0.9.0", "0.9.0-rc.1", "0.2.0", "0.3.6-08650"]
    assert doc["entries"]["a"][1]["digest"] == "new"
