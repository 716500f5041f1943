"""A release's kube context: the one module that works it out, from the state, its environment and the flags.

In helmfile's order (its kubeConnectionFlags and the loader's overrides):
1. `--kube-context` overrides every release and the state's helmDefaults (`apply_flag`, when a state file
   loads); a state that sets a top-level `kubeContext` too is an error, as in helmfile;
2. the deprecated top-level `context:` is helmDefaults.kubeContext when that is unset (`deprecated_default`);
3. a release without `kubeContext` takes helmDefaults' when its templates are rendered (`release_default`);
4. when a release is placed on a cluster (`for_release`): the release's, else its environment's
   `kubeContext`, else helmDefaults'; empty means the kubeconfig's current context.
pyhelmfile's own safety rule (helmfile lacks it): a release may not go to a context other than the one its
environment names.
"""

from __future__ import annotations

from pyhelmfile.errors import ConfigError
from pyhelmfile.state.environment import Environment
from pyhelmfile.state.spec import HelmSpec, ReleaseSetSpec, ReleaseSpec


def deprecated_default(spec: ReleaseSetSpec) -> None:
    """helmfile's old top-level `context:` stands for helmDefaults.kubeContext when that is unset."""
    if spec.deprecated_context and not spec.helm_defaults.kube_context:
        spec.helm_defaults.kube_context = spec.deprecated_context


def apply_flag(spec: ReleaseSetSpec, flag: str) -> None:
    """`--kube-context`: the state's context for every release and for helm's own default."""
    if not flag:
        return
    if spec.kube_context:
        raise ConfigError("Cannot use option --kube-context and set attribute kubeContext.")
    spec.kube_context = flag
    spec.helm_defaults.kube_context = flag


def release_default(release: ReleaseSpec, defaults: HelmSpec) -> str:
    """What a release's `kubeContext` is once its templates are rendered: its own, else helmDefaults'."""
    return release.kube_context or defaults.kube_context


def override(release: ReleaseSpec, spec: ReleaseSetSpec) -> str:
    """GetReleasesWithOverrides: the state's context (set by --kube-context) replaces the release's."""
    return spec.kube_context or release.kube_context


def state_default(spec: ReleaseSetSpec) -> str:
    """The context helm gets for commands that name no release (getHelm): helmDefaults'."""
    return spec.helm_defaults.kube_context


def for_release(release: ReleaseSpec, env: Environment, defaults: HelmSpec) -> str:
    """The context a release is deployed to; refused when its environment names another one."""
    context = release.kube_context or env.kube_context or defaults.kube_context
    if env.kube_context and context != env.kube_context:
        raise ConfigError(
            f'release "{release.name}" would go to kube context "{context}", but environment '
            f'"{env.name}" deploys to "{env.kube_context}"; refusing to mix clusters'
        )
    return context
