"""Pure parts of chart preparation: fetch paths, OCI references, the lock chart, the s3 getter plugin."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pyhelmfile import __version__
from pyhelmfile.app.deps import lock_chart_yaml, lock_file_text
from pyhelmfile.app.run.options import PrepareOptions, RunOptions
from pyhelmfile.app.run.prepare import Preparation, oci_reference, output_path, refuse_unsupported
from pyhelmfile.errors import ConfigError
from pyhelmfile.helm import s3getter
from pyhelmfile.helm.charts import find_chart_dir, split_oci_reference
from pyhelmfile.state.environment import Environment
from pyhelmfile.state.loader import HelmState
from pyhelmfile.state.lock import RemoteChart
from pyhelmfile.state.spec import ReleaseSetSpec, ReleaseSpec, RepositorySpec


def test_default_fetch_layout() -> None:
    release = ReleaseSpec(name="web", namespace="apps", kube_context="stg", version="1.2.3")
    assert output_path("lino/web", "out", release, "") == "out/apps/stg/web/lino/web/1.2.3"
    assert output_path("lino/web", "/tmp/x", ReleaseSpec(name="web"), "") == "/tmp/x/web/lino/web/latest"


def test_custom_fetch_template_and_its_errors() -> None:
    release = ReleaseSpec(name="web", version="1.2.3", labels={"tier": "front"})
    template = "{{ .OutputDir }}/{{ .Release.Labels.tier }}/{{ .ChartName | printf `%s` }}"
    assert output_path("lino/web", "out", release, template) == "out/front/lino/web"
    with pytest.raises(ConfigError, match="parsing output-dir-template"):
        output_path("c", "o", release, "{{ .OutputDir ")
    with pytest.raises(ConfigError, match="executing output-dir-template"):
        output_path("c", "o", release, "{{ .Release.Name.Nope }}")


def _state(*repos: RepositorySpec) -> HelmState:
    return HelmState(
        spec=ReleaseSetSpec(repositories=list(repos)), file_path="h.yaml", base_path=".", env=Environment("")
    )


def test_oci_references_as_helmfile_names_them() -> None:
    st = _state(RepositorySpec(name="reg", url="127.0.0.1:5000/charts", oci=True), RepositorySpec(name="web", url="x"))
    assert oci_reference(st, ReleaseSpec(name="a", chart="reg/pay", version="v1.0.0-ab")) == (
        "127.0.0.1:5000/charts/pay:v1.0.0-ab",
        "pay",
    )
    assert oci_reference(st, ReleaseSpec(name="a", chart="oci://h:1/p/q/sniff", version="1.0.0")) == (
        "h:1/p/q/sniff:1.0.0",
        "sniff",
    )
    assert oci_reference(st, ReleaseSpec(name="a", chart="web/pay", version="1.0.0")) is None
    assert oci_reference(st, ReleaseSpec(name="a", chart="./local")) is None
    with pytest.raises(ConfigError, match='release "a": the version for OCI charts should be semver compliant'):
        oci_reference(st, ReleaseSpec(name="a", chart="reg/pay"))


def test_split_oci_reference() -> None:
    assert split_oci_reference("h:5000/charts/pay:v1.0") == ("oci://h:5000/charts/pay", "v1.0")
    assert split_oci_reference("h:5000/charts/pay") == ("oci://h:5000/charts/pay", "")


def test_find_chart_dir_takes_the_first_sorted_chart(tmp_path: Path) -> None:
    (tmp_path / "b" / "charts" / "sub").mkdir(parents=True)
    (tmp_path / "b" / "Chart.yaml").write_text("name: b\n")
    (tmp_path / "b" / "charts" / "sub" / "Chart.yaml").write_text("name: sub\n")
    assert find_chart_dir(str(tmp_path)) == str(tmp_path / "b")


def test_lock_chart_and_lock_file_formats() -> None:
    charts = [RemoteChart("sniffer", "http://r", ">=0.2.0-0"), RemoteChart("pay", "oci://h/c", "")]
    assert lock_chart_yaml("helmfile", charts) == (
        "name: helmfile\nversion: 1.0.0\napiVersion: v2\n"
        "dependencies:\n"
        "- name: sniffer\n  repository: http://r\n  version: '>=0.2.0-0'\n"
        "- name: pay\n  repository: oci://h/c\n  version: '*'\n"
    )
    chart_lock = (
        "dependencies:\n- name: sniffer\n  repository: http://r\n  version: v0.2.3-ca3b6\n"
        "- name: pay\n  repository: oci://h/c\n  version: 1.0.0\n"
        'digest: sha256:abc\ngenerated: "2026-01-02T03:04:05.123456789Z"\n'
    )
    assert lock_file_text(chart_lock) == (
        f"version: {__version__}\n"
        "dependencies:\n- name: pay\n  repository: oci://h/c\n  version: 1.0.0\n"
        "- name: sniffer\n  repository: http://r\n  version: v0.2.3-ca3b6\n"
        'digest: sha256:abc\ngenerated: "2026-01-02T03:04:05.123456789Z"\n'
    )


def test_s3_getter_plugin_links_the_users_plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mine = tmp_path / "mine"
    (mine / "secrets").mkdir(parents=True)
    (mine / "secrets" / "plugin.yaml").write_text("name: secrets\n")
    (mine / "not-a-plugin").mkdir()
    monkeypatch.setenv("HELM_PLUGINS", f"{mine}{os.pathsep}{tmp_path / 'missing'}")
    root = Path(s3getter.install(str(tmp_path / "run")))
    assert sorted(p.name for p in root.iterdir()) == ["pyhelmfile-s3", "secrets"]
    assert (root / "secrets").resolve() == (mine / "secrets").resolve()
    plugin = (root / "pyhelmfile-s3" / "plugin.yaml").read_text()
    assert "protocols:\n      - s3\n" in plugin
    assert os.access(root / "pyhelmfile-s3" / "get", os.X_OK)


def test_s3_getter_without_a_url_or_with_a_bad_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert s3getter.main([]) == 2
    assert s3getter.main(["", "", "", "http://not-s3/x"]) == 1
    assert "not an s3:// URL" in capsys.readouterr().err


def test_chartify_features_are_refused_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "manifests").mkdir()
    (tmp_path / "chart").mkdir()
    (tmp_path / "chart" / "Chart.yaml").write_text("name: chart\n")
    with pytest.raises(ConfigError, match=r"\./manifests has no Chart\.yaml; plain manifests and kustomizations"):
        refuse_unsupported(ReleaseSpec(name="raw", chart="./manifests"), str(tmp_path))
    with pytest.raises(ConfigError, match="jsonPatches \\(helmfile's chartify\\) is not supported yet"):
        refuse_unsupported(ReleaseSpec(name="p", chart="./chart", json_patches=[{"op": "remove"}]), str(tmp_path))
    refuse_unsupported(ReleaseSpec(name="ok", chart="./chart"), str(tmp_path))
    refuse_unsupported(ReleaseSpec(name="remote", chart="repo/chart"), str(tmp_path))


def test_added_dependencies_as_chartify_writes_them(tmp_path: Path) -> None:
    from pyhelmfile.app.run.adhoc import _kept, added_dependencies
    from pyhelmfile.helm.exec import Helm
    from pyhelmfile.state.spec import Dependency

    (tmp_path / "charts" / "extra").mkdir(parents=True)
    deps = [
        Dependency(chart="./charts/extra", alias="more", version="0.2.0"),
        Dependency(chart="oci://127.0.0.1:5000/charts/pay", version="1.0.0"),
    ]
    helm = Helm(binary="helm-is-not-needed-here")
    assert added_dependencies(helm, str(tmp_path), deps) == [
        {
            "name": "extra",
            "repository": f"file://{tmp_path / 'charts' / 'extra'}",
            "condition": "more.enabled",
            "alias": "more",
            "version": "0.2.0",
        },
        {
            "name": "pay",
            "repository": "oci://127.0.0.1:5000/charts",
            "condition": "pay.enabled",
            "version": "1.0.0",
        },
    ]
    # chartify's Dependency struct keeps these fields only
    assert _kept({"name": "a", "version": "1", "repository": "@r", "tags": ["x"], "enabled": True}) == {
        "name": "a",
        "repository": "@r",
        "version": "1",
    }
    with pytest.raises(ConfigError, match="import-values"):
        _kept({"name": "a", "import-values": [{"child": "x", "parent": "y"}]})


def test_private_directories_go_under_helmfile_tempdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "helmfile-tmp"
    monkeypatch.setenv("HELMFILE_TEMPDIR", str(root))
    with Preparation(RunOptions(), PrepareOptions()) as prep:
        values = Path(prep.values_dir)
        assert values.parent == root and oct(values.stat().st_mode & 0o777) == "0o700"
        assert oct(root.stat().st_mode & 0o777) == "0o700"
    assert not values.exists() and list(root.iterdir()) == []
