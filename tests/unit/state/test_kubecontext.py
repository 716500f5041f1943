"""state/kubecontext.py: where a release's kube context comes from, in helmfile's order, and the
environment guard pyhelmfile adds."""

from __future__ import annotations

import pytest

from pyhelmfile.errors import ConfigError
from pyhelmfile.state import kubecontext
from pyhelmfile.state.environment import Environment
from pyhelmfile.state.spec import HelmSpec, ReleaseSetSpec, ReleaseSpec


@pytest.mark.parametrize(
    ("release", "env", "defaults", "expected"),
    [
        pytest.param("", "", "", "", id="nothing: the kubeconfig's current context"),
        pytest.param("", "", "d", "d", id="helmDefaults"),
        pytest.param("", "e", "d", "e", id="the environment's over helmDefaults"),
        pytest.param("e", "e", "d", "e", id="the release's, agreeing with the environment"),
        pytest.param("r", "", "d", "r", id="the release's over helmDefaults"),
    ],
)
def test_for_release(release: str, env: str, defaults: str, expected: str) -> None:
    got = kubecontext.for_release(
        ReleaseSpec(name="a", kube_context=release),
        Environment("prd", kube_context=env),
        HelmSpec(kube_context=defaults),
    )
    assert got == expected


def test_a_release_may_not_leave_its_environment_s_cluster() -> None:
    with pytest.raises(ConfigError, match='would go to kube context "stg", but environment "prd" deploys to "prd"'):
        kubecontext.for_release(
            ReleaseSpec(name="a", kube_context="stg"), Environment("prd", kube_context="prd"), HelmSpec()
        )


def test_the_flag_sets_the_state_and_helm_defaults() -> None:
    spec = ReleaseSetSpec(helm_defaults=HelmSpec(kube_context="old"))
    kubecontext.apply_flag(spec, "")
    assert (spec.kube_context, spec.helm_defaults.kube_context) == ("", "old")
    kubecontext.apply_flag(spec, "new")
    assert (spec.kube_context, kubecontext.state_default(spec)) == ("new", "new")
    assert kubecontext.override(ReleaseSpec(name="a", kube_context="mine"), spec) == "new"


def test_the_flag_and_a_state_kube_context_conflict() -> None:
    with pytest.raises(ConfigError, match="Cannot use option --kube-context and set attribute kubeContext"):
        kubecontext.apply_flag(ReleaseSetSpec(kube_context="set"), "flag")


def test_release_default_and_the_deprecated_context() -> None:
    spec = ReleaseSetSpec(deprecated_context="legacy")
    kubecontext.deprecated_default(spec)
    assert spec.helm_defaults.kube_context == "legacy"
    kept = ReleaseSetSpec(deprecated_context="legacy", helm_defaults=HelmSpec(kube_context="set"))
    kubecontext.deprecated_default(kept)
    assert kept.helm_defaults.kube_context == "set"
    assert kubecontext.release_default(ReleaseSpec(name="a"), spec.helm_defaults) == "legacy"
    assert kubecontext.release_default(ReleaseSpec(name="a", kube_context="r"), spec.helm_defaults) == "r"
    assert kubecontext.override(ReleaseSpec(name="a", kube_context="r"), ReleaseSetSpec()) == "r"
