"""Pure parts of diff/apply planning: per-plan memos, the helm that renders, chart metadata."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyhelmfile.app.run.clusters import Target
from pyhelmfile.app.run.compare import _Memo, _template_helm, chart_metadata, new_chart
from pyhelmfile.app.run.report import shown_chart
from pyhelmfile.helm.exec import Helm
from pyhelmfile.state.environment import Environment
from pyhelmfile.state.loader import HelmState
from pyhelmfile.state.spec import ReleaseSetSpec, ReleaseSpec


def _target(base: Path, release: ReleaseSpec) -> Target:
    st = HelmState(spec=ReleaseSetSpec(), file_path=str(base / "h.yaml"), base_path=str(base), env=Environment(""))
    return Target(st, release, "stg", "apps")


def test_template_helm_collects_less_garbage_unless_told(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOGC", raising=False)
    target = _target(tmp_path, ReleaseSpec(name="web"))
    helm = _template_helm(Helm(env={"HELM_X": "1"}), target)
    assert helm.env == {"HELM_X": "1", "GOGC": "400"} and helm.kube_context == "stg"
    assert _template_helm(Helm(env={"GOGC": "50"}), target).env == {"GOGC": "50"}
    monkeypatch.setenv("GOGC", "off")
    assert _template_helm(Helm(), target).env == {}


def test_memo_computes_once_per_directory_however_spelled() -> None:
    calls: list[str] = []

    def compute(path: str) -> int:
        calls.append(path)
        return len(calls)

    memo = _Memo()
    assert memo.get("a", "charts/web", compute) == 1
    assert memo.get("a", "charts/./web/", compute) == 1
    assert memo.get("b", "charts/web", compute) == 2  # another fact about the same directory
    assert calls == ["charts/web", "charts/web"]


def test_chart_metadata_and_new_chart(tmp_path: Path) -> None:
    chart = tmp_path / "charts" / "web"
    chart.mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: web\nversion: 1.0\n")
    assert chart_metadata(str(chart)) == ("web", "1.0")  # the float 1.0, as yaml.safe_load reads it
    memo = _Memo()
    release = ReleaseSpec(name="w", chart="charts/web")
    st = _target(tmp_path, release).st
    assert new_chart(st, release, memo) == "web-1.0"
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: web\nversion: 2.0.0\n")
    assert new_chart(st, release, memo) == "web-1.0"  # read once per plan
    assert new_chart(st, release) == "web-2.0.0"
    (chart / "Chart.yaml").write_text("name: [unclosed\n")
    assert chart_metadata(str(chart)) == ("", "")
    assert chart_metadata(str(tmp_path / "missing")) == ("", "")


@pytest.mark.parametrize(
    ("chart", "shown"),
    [
        ("./charts/app", "charts/app"),  # local: cleaned, relative to the state file's directory
        ("../charts//app/", "../charts/app"),
        ("charts/app", "charts/app"),  # two parts: helmfile takes it for repo/chart and shows it as written
        ("a/b/c/d", "a/b/c/d"),
        ("app", "app"),
        ("/abs/charts/app", "/abs/charts/app"),
        ("stable/nginx", "stable/nginx"),
        ("oci://registry.example/charts/app", "oci://registry.example/charts/app"),
        ("https://user:s3cret@charts.example/app-1.0.0.tgz", "https://user:xxxxx@charts.example/app-1.0.0.tgz"),
    ],
)
def test_the_chart_as_helmfiles_comparing_line_shows_it(chart: str, shown: str) -> None:
    assert shown_chart(ReleaseSpec(name="r", chart=chart)) == shown


def test_coalesce_is_helms_values_over_defaults() -> None:
    from pyhelmfile.app.run.compare import coalesce

    defaults = {"image": {"tag": "1", "pull": "Always"}, "replicas": 1, "gone": {"a": 1}, "list": [1, 2]}
    values = {"image": {"tag": "2"}, "gone": None, "list": [3], "extra": {"x": None}}
    assert coalesce(defaults, values) == {
        "image": {"tag": "2", "pull": "Always"},
        "replicas": 1,
        "list": [3],
        "extra": {"x": None},
    }
