"""The cases the bench knows: their names, titles and the issues' targets (shared by bench/run.py and
bench/report.py)."""

from __future__ import annotations

ENVIRONMENT = "stg"  # the environment the generated projects are run in (`-e stg`)

LOCAL_CASES = ("list", "template")
# examples/kube-app itself (issue 5: list it faster than helmfile; issue 6: template it faster), in both environments.
EXAMPLE_CASES = ("example-list", "example-template")
EXAMPLE_ENVIRONMENTS = ("stg", "prd")
# "-cold": pyhelmfile's verdict cache (pyhelmfile/app/run/verdicts.py) is removed before each of its runs, as on a
# fresh CI machine; the plain cases keep it, as on a developer's machine after the first run.
CLUSTER_CASES = (
    "diff-noop",
    "diff-noop-cold",
    "apply-noop",
    "apply-noop-cold",
    "diff-change",
    "diff-change-cold",
    "apply-change",
    "apply-change-cold",
)
ALL_CASES = EXAMPLE_CASES + LOCAL_CASES + CLUSTER_CASES

# The issues' targets: pyhelmfile/helmfile wall-time ratio at N releases (N=0: the example, every environment).
EXAMPLE_N = 0
TARGETS = (
    ("apply-noop", 50, 0.10, "#8: no-op `apply` of 50 releases"),
    ("diff-change", 50, 0.25, "#8: `diff` after one change in 50 releases"),
    ("template", 50, 0.50, "#8: `template` of 50 releases"),
    ("list", 50, 1.00, "#8: `list` of 50 releases"),
    ("example-list", EXAMPLE_N, 1.00, "#5: `list` of examples/kube-app faster than helmfile"),
    ("example-template", EXAMPLE_N, 1.00, "#6: `template` of examples/kube-app faster than helmfile"),
)

CASE_TITLES = {
    "example-list": "`list` of examples/kube-app (4 releases, sops secrets, an umbrella chart)",
    "example-template": "`template` of examples/kube-app (repository added, umbrella charts' dependencies built from"
    " the loopback chart repository, sops secrets decrypted, helm template per release)",
    "list": "`-e stg list`",
    "template": "`-e stg template` (local charts: dependency builds, then helm template per release)",
    "diff-noop": "`-e stg diff` right after a full apply (nothing to change)",
    "apply-noop": "`-e stg apply` right after a full apply (nothing to change)",
    "diff-change": "`-e stg diff` after one release's values changed",
    "apply-change": "`-e stg apply` after one release's values changed (a new value before every run)",
}
for _case in CLUSTER_CASES:
    if _case.endswith("-cold"):
        CASE_TITLES[_case] = CASE_TITLES[_case.removesuffix("-cold")] + "; no pyhelmfile verdict cache (fresh machine)"
