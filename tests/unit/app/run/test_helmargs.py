"""run/helmargs.py: every helm command line a run builds, from a release, helmDefaults and the run's options.

Table-driven: each row is a key or flag and the exact arguments helmfile 0.166.0 gives helm for it (its
flagsForUpgrade, flagsForTemplate, flagsForLint, appendPostRenderFlags, ...), for helm 3 and helm 4.
"""

from __future__ import annotations

from typing import Any

import pytest

from pyhelmfile.app.run import helmargs
from pyhelmfile.app.run.options import ReleaseQueryOptions, RunOptions
from pyhelmfile.app.run.release_options import ApplyOptions, DiffOptions, TemplateOptions
from pyhelmfile.errors import ConfigError
from pyhelmfile.state.spec import HelmSpec, ReleaseSetSpec, ReleaseSpec, RepositorySpec, SetValue

# what `helm upgrade --install` always gets for a release that sets nothing
UPGRADE_TAIL = ["--namespace", "ns", "--reset-values", "--history-max", "10"]


def upgrade(release: dict[str, Any], defaults: dict[str, Any], opts: dict[str, Any], major: int = 3) -> list[str]:
    return helmargs.upgrade(
        ReleaseSpec(name="r", **release),
        HelmSpec(**defaults),
        ApplyOptions(**opts),
        namespace="ns",
        values=[],
        helm_major=major,
    )


UPGRADE_CASES: list[tuple[str, dict[str, Any], dict[str, Any], dict[str, Any], int, list[str]]] = [
    # id, release, helmDefaults, options, helm major, flags before --namespace (after it: UPGRADE_TAIL)
    ("nothing set", {}, {}, {}, 3, ["--create-namespace"]),
    ("version", {"version": "1.2.3"}, {}, {}, 3, ["--version", "1.2.3", "--create-namespace"]),
    ("devel from defaults", {}, {"devel": True}, {}, 3, ["--devel", "--create-namespace"]),
    ("devel false beats defaults", {"devel": False}, {"devel": True}, {}, 3, ["--create-namespace"]),
    ("verify", {"verify": True}, {}, {}, 3, ["--verify", "--create-namespace"]),
    ("keyring from defaults", {}, {"keyring": "k.gpg"}, {}, 3, ["--keyring", "k.gpg", "--create-namespace"]),
    (
        "keyring: release wins",
        {"keyring": "r.gpg"},
        {"keyring": "k.gpg"},
        {},
        3,
        ["--keyring", "r.gpg", "--create-namespace"],
    ),
    ("enableDNS", {}, {"enable_dns": True}, {}, 3, ["--enable-dns", "--create-namespace"]),
    ("wait from defaults", {}, {"wait": True}, {}, 3, ["--wait", "--create-namespace"]),
    ("wait: false beats defaults", {"wait": False}, {"wait": True}, {}, 3, ["--create-namespace"]),
    ("--wait adds to wait: false", {"wait": False}, {}, {"wait": True}, 3, ["--wait", "--create-namespace"]),
    ("waitForJobs", {"wait_for_jobs": True}, {}, {}, 3, ["--wait-for-jobs", "--create-namespace"]),
    ("--wait-for-jobs", {}, {}, {"wait_for_jobs": True}, 3, ["--wait-for-jobs", "--create-namespace"]),
    ("timeout from defaults", {}, {"timeout": 300}, {}, 3, ["--timeout", "300s", "--create-namespace"]),
    ("timeout: release wins", {"timeout": 60}, {"timeout": 300}, {}, 3, ["--timeout", "60s", "--create-namespace"]),
    ("--timeout overrides", {"timeout": 60}, {}, {"timeout": 5}, 3, ["--timeout", "5s", "--create-namespace"]),
    ("force, helm 3", {"force": True}, {}, {}, 3, ["--force", "--create-namespace"]),
    (
        "force, helm 4: replace with client-side apply",
        {"force": True},
        {},
        {},
        4,
        ["--force-replace", "--server-side", "false", "--create-namespace"],
    ),
    (
        "force, helm 4, --server-side in --sync-args",
        {"force": True},
        {},
        {"sync_args": "--server-side=true"},
        4,
        ["--force-replace", "--create-namespace", "--server-side=true"],
    ),
    ("recreatePods, helm 3", {"recreate_pods": True}, {}, {}, 3, ["--recreate-pods", "--create-namespace"]),
    ("recreatePods, helm 4: gone", {"recreate_pods": True}, {}, {}, 4, ["--create-namespace"]),
    ("atomic, helm 3", {}, {"atomic": True}, {}, 3, ["--atomic", "--create-namespace"]),
    ("--atomic, helm 4", {}, {}, {"atomic": True}, 4, ["--rollback-on-failure", "--create-namespace"]),
    ("atomic: false beats defaults", {"atomic": False}, {"atomic": True}, {}, 3, ["--create-namespace"]),
    ("cleanupOnFail", {}, {"cleanup_on_fail": True}, {}, 3, ["--cleanup-on-fail", "--create-namespace"]),
    ("createNamespace: false", {"create_namespace": False}, {}, {}, 3, []),
    ("createNamespace: false in defaults", {}, {"create_namespace": False}, {}, 3, []),
    (
        "createNamespace: release beats defaults",
        {"create_namespace": True},
        {"create_namespace": False},
        {},
        3,
        ["--create-namespace"],
    ),
    (
        "disableOpenAPIValidation",
        {"disable_openapi_validation": True},
        {},
        {},
        3,
        ["--create-namespace", "--disable-openapi-validation"],
    ),
    (
        "insecureSkipTLSVerify from defaults",
        {},
        {"insecure_skip_tls_verify": True},
        {},
        3,
        ["--create-namespace", "--insecure-skip-tls-verify"],
    ),
    (
        "postRenderer from defaults, args from the release",
        {"post_renderer_args": ["a", "", "b"]},
        {"post_renderer": "./pr.sh"},
        {},
        3,
        ["--create-namespace", "--post-renderer", "./pr.sh", "--post-renderer-args", "a", "--post-renderer-args", "b"],
    ),
    (
        "--post-renderer: release's wins, then the command line's",
        {"post_renderer": "./mine.sh"},
        {"post_renderer": "./default.sh"},
        {"post_renderer": "./cli.sh"},
        3,
        ["--create-namespace", "--post-renderer", "./mine.sh"],
    ),
    (
        "syncArgs from defaults",
        {},
        {"sync_args": ["--dry-run=server", "--labels a=b"]},
        {},
        3,
        ["--create-namespace", "--dry-run=server", "--labels", "a=b"],
    ),
    (
        "--sync-args replaces syncArgs",
        {},
        {"sync_args": ["--x"]},
        {"sync_args": "--y"},
        3,
        ["--create-namespace", "--y"],
    ),
]


@pytest.mark.parametrize(
    ("release", "defaults", "opts", "major", "head"),
    [pytest.param(*row[1:], id=row[0]) for row in UPGRADE_CASES],
)
def test_upgrade_flags(
    release: dict[str, Any], defaults: dict[str, Any], opts: dict[str, Any], major: int, head: list[str]
) -> None:
    assert upgrade(release, defaults, opts, major) == head + UPGRADE_TAIL


@pytest.mark.parametrize(
    ("release", "defaults", "opts", "tail"),
    [
        pytest.param({}, {"reuse_values": True}, {}, ["--reuse-values", "--history-max", "10"], id="reuseValues"),
        pytest.param({}, {}, {"reuse_values": True}, ["--reuse-values", "--history-max", "10"], id="--reuse-values"),
        pytest.param(
            {},
            {"reuse_values": True},
            {"reset_values": True},
            ["--reset-values", "--history-max", "10"],
            id="--reset-values",
        ),
        pytest.param(
            {}, {}, {"skip_crds": True}, ["--skip-crds", "--reset-values", "--history-max", "10"], id="--skip-crds"
        ),
        pytest.param(
            {"history_max": 0}, {"history_max": 3}, {}, ["--reset-values", "--history-max", "0"], id="historyMax 0"
        ),
        pytest.param({}, {"history_max": 3}, {}, ["--reset-values", "--history-max", "3"], id="historyMax default"),
    ],
)
def test_upgrade_tail(release: dict[str, Any], defaults: dict[str, Any], opts: dict[str, Any], tail: list[str]) -> None:
    flags = upgrade(release, defaults, opts)
    assert flags[flags.index("ns") + 1 :] == tail


def test_upgrade_values_follow_the_namespace() -> None:
    flags = helmargs.upgrade(
        ReleaseSpec(name="r"), HelmSpec(), ApplyOptions(), namespace="n", values=["--values", "v.yaml"], helm_major=3
    )
    assert flags == [
        "--create-namespace",
        "--namespace",
        "n",
        "--values",
        "v.yaml",
        "--reset-values",
        "--history-max",
        "10",
    ]


def test_upgrade_helm4_server_side_chosen_in_helm_args() -> None:
    flags = helmargs.upgrade(
        ReleaseSpec(name="r", force=True),
        HelmSpec(),
        ApplyOptions(),
        namespace="n",
        values=[],
        helm_major=4,
        helm_extra_args=["--server-side", "true"],
    )
    assert "--force-replace" in flags and "false" not in flags


@pytest.mark.parametrize(
    ("release", "defaults", "opts", "expected"),
    [
        pytest.param({}, {}, {}, ["--namespace", "ns"], id="nothing"),
        pytest.param({}, {"delete_wait": True}, {}, ["--namespace", "ns", "--wait"], id="deleteWait"),
        pytest.param(
            {"delete_wait": True, "delete_timeout": 30},
            {},
            {},
            ["--namespace", "ns", "--wait", "--timeout", "30s"],
            id="deleteTimeout",
        ),
        pytest.param({"delete_wait": False}, {"delete_wait": True}, {}, ["--namespace", "ns"], id="deleteWait false"),
        pytest.param({}, {"delete_timeout": 30}, {}, ["--namespace", "ns"], id="timeout only with wait"),
        pytest.param(
            {},
            {"cascade": "orphan"},
            {"cascade": "foreground"},
            ["--namespace", "ns", "--cascade", "foreground"],
            id="--cascade",
        ),
        pytest.param(
            {"cascade": "background"},
            {},
            {"cascade": "foreground"},
            ["--namespace", "ns", "--cascade", "background"],
            id="cascade",
        ),
    ],
)
def test_uninstall_flags(
    release: dict[str, Any], defaults: dict[str, Any], opts: dict[str, Any], expected: list[str]
) -> None:
    got = helmargs.uninstall(
        ReleaseSpec(name="r", **release), HelmSpec(**defaults), ApplyOptions(**opts), namespace="ns"
    )
    assert got == expected


@pytest.mark.parametrize(
    ("release", "opts", "expected"),
    [
        pytest.param({}, {}, ["V"], id="nothing"),
        pytest.param(
            {"namespace": "ns", "version": "1.0"},
            {},
            ["--version", "1.0", "--namespace", "ns", "V"],
            id="version, namespace",
        ),
        pytest.param(
            {"api_versions": ["a/v1", "b/v2"]},
            {},
            ["--api-versions", "a/v1", "--api-versions", "b/v2", "V"],
            id="apiVersions",
        ),
        pytest.param({"kube_version": "1.29"}, {}, ["--kube-version", "1.29", "V"], id="kubeVersion"),
        pytest.param(
            {"kube_version": "1.29"},
            {"kube_version": "1.30"},
            ["--kube-version", "1.30", "V"],
            id="--kube-version wins",
        ),
        pytest.param(
            {"insecure_skip_tls_verify": True}, {}, ["--insecure-skip-tls-verify", "V"], id="insecureSkipTLSVerify"
        ),
        pytest.param(
            {},
            {"show_only": ["a.yaml", "b.yaml"]},
            ["--show-only", "a.yaml", "--show-only", "b.yaml", "V"],
            id="--show-only",
        ),
        pytest.param({}, {"post_renderer": "pr"}, ["--post-renderer", "pr", "V"], id="--post-renderer"),
        pytest.param(
            {},
            {"validate": True, "include_crds": True, "skip_tests": True},
            ["V", "--validate", "--include-crds", "--skip-tests"],
            id="--validate --include-crds --skip-tests",
        ),
    ],
)
def test_template_flags(release: dict[str, Any], opts: dict[str, Any], expected: list[str]) -> None:
    got = helmargs.template(ReleaseSpec(name="r", **release), HelmSpec(), TemplateOptions(**opts), values=["V"])
    assert got == expected


def test_template_output_dir_follows_the_values() -> None:
    got = helmargs.template(
        ReleaseSpec(name="r"), HelmSpec(), TemplateOptions(validate=True), values=["V"], output_dir="out/r"
    )
    assert got == ["V", "--output-dir", "out/r", "--validate"]


@pytest.mark.parametrize(
    ("upgrade_", "opts", "expected"),
    [
        pytest.param(
            False,
            {},
            ["--api-versions", "r/v1", "--api-versions", "c/v1", "--kube-version", "v1.33.0", "--namespace", "ns", "V"],
            id="install",
        ),
        pytest.param(
            True,
            {"validate": True},
            [
                "--api-versions", "r/v1", "--api-versions", "c/v1", "--kube-version", "v1.33.0",
                "--namespace", "ns", "V", "--validate", "--is-upgrade",
            ],
            id="upgrade, --validate",
        ),
    ],
)  # fmt: skip
def test_diff_template_has_the_cluster_s_capabilities(
    upgrade_: bool, opts: dict[str, Any], expected: list[str]
) -> None:
    got = helmargs.diff_template(
        ReleaseSpec(name="r", api_versions=["r/v1"]),
        HelmSpec(),
        DiffOptions(**opts),
        namespace="ns",
        values=["V"],
        capabilities=("v1.33.0", ["c/v1"]),
        upgrade=upgrade_,
    )
    assert got == expected


def test_lint_flags() -> None:
    assert helmargs.lint(ReleaseSpec(name="r"), values=["V"]) == ["V"]
    assert helmargs.lint(ReleaseSpec(name="r", namespace="ns"), values=["V"]) == ["--namespace", "ns", "V"]


def test_status_and_test() -> None:
    assert helmargs.status("r", namespace="ns") == ["status", "r", "--namespace", "ns"]
    assert helmargs.test("r", ReleaseQueryOptions(), namespace="ns") == [
        "test",
        "r",
        "--namespace",
        "ns",
        "--timeout",
        "300s",
    ]
    logs = ReleaseQueryOptions(timeout=20, logs=True)
    assert helmargs.test("r", logs, namespace="ns") == ["test", "r", "--namespace", "ns", "--timeout", "20s", "--logs"]


@pytest.mark.parametrize(
    ("release", "defaults", "expected"),
    [
        pytest.param({}, {}, [], id="nothing"),
        pytest.param({"version": "~1.2"}, {"devel": True}, ["--version", "~1.2", "--devel"], id="version, devel"),
    ],
)
def test_pull(release: dict[str, Any], defaults: dict[str, Any], expected: list[str]) -> None:
    assert helmargs.pull(ReleaseSpec(name="r", **release), HelmSpec(**defaults)) == expected


def test_oci_pull() -> None:
    assert helmargs.oci_pull(None, plain_http=True) == ["--plain-http"]
    repo = RepositorySpec(
        name="o", ca_file="ca", cert_file="c", key_file="k", skip_tls_verify=True, verify=True, keyring="kr"
    )
    assert helmargs.oci_pull(repo, plain_http=False) == [
        "--ca-file", "ca", "--cert-file", "c", "--key-file", "k", "--insecure-skip-tls-verify", "--verify",
        "--keyring", "kr",
    ]  # fmt: skip
    assert helmargs.oci_pull(RepositorySpec(name="o", cert_file="c"), plain_http=False) == []  # a cert needs its key


def test_set_values_escape_helm_syntax_and_expand_values() -> None:
    values = [
        SetValue(name="a.b", value="x,y{z}"),
        SetValue(name="f", file="conf.txt"),
        SetValue(name="list", values=["1", "2,3"]),
    ]
    got = helmargs.set_values(values, str.upper, lambda path: f"/abs/{path}")
    assert got == ["--set", "a.b=X\\,Y\\{Z\\}", "--set-file", "f=/abs/conf.txt", "--set", "list={1,2\\,3}"]


def test_env_values() -> None:
    release = ReleaseSpec(name="r", env_values=[SetValue(name="a", value="A"), SetValue(name="b", value="B")])
    assert helmargs.env_values(release, {"A": "1", "B": "x,y"}) == ["--set", "a=1,b=x\\,y"]
    with pytest.raises(ConfigError, match=r"Environment Variables not found.*: B"):
        helmargs.env_values(release, {"A": "1"})


def test_cli_values_are_relative_to_the_state_file(tmp_path: Any) -> None:
    (tmp_path / "extra.yaml").write_text("a: 1\n")
    got = helmargs.cli_values(str(tmp_path), ["extra.yaml"], ["k=v"])
    assert got == ["--values", str(tmp_path / "extra.yaml"), "--set", "k=v"]
    with pytest.raises(ConfigError, match=r"values file not found: missing\.yaml"):
        helmargs.cli_values(str(tmp_path), ["missing.yaml"], [])


def test_effective_treats_pointers_and_plain_fields_apart() -> None:
    defaults = HelmSpec(wait=True, keyring="d", insecure_skip_tls_verify=True)
    assert helmargs.effective(ReleaseSpec(name="r", wait=False), defaults, "wait") is False  # set: wins
    assert helmargs.effective(ReleaseSpec(name="r"), defaults, "wait") is True  # unset: helmDefaults'
    assert helmargs.effective(ReleaseSpec(name="r", keyring=""), defaults, "keyring") == "d"  # empty: helmDefaults'
    assert helmargs.effective(
        ReleaseSpec(name="r", insecure_skip_tls_verify=False), defaults, "insecure_skip_tls_verify"
    )


def test_state_helm_puts_args_then_helm_defaults_args_last() -> None:
    spec = ReleaseSetSpec(helm_binary="helm4", helm_defaults=HelmSpec(args=["--debug --qps 5"], kube_context="ctx"))
    helm = helmargs.state_helm(spec, "/base", RunOptions(kubeconfig="kc"), "--burst-limit 9")
    assert (helm.binary, helm.kubeconfig, helm.kube_context, helm.cwd) == ("helm4", "kc", "ctx", "/base")
    assert list(helm.extra_args) == ["--burst-limit", "9", "--debug", "--qps", "5"]
