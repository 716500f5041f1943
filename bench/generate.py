#!/usr/bin/env python3
"""Generate the helmfile projects the benchmark runs on: N releases over a few shared local charts.

    python bench/generate.py [--sizes 10,50,200] [--out bench/work]

writes bench/work/n<N>/ for each size:

    helmfile.yaml                  environments stg and prd (kubeContext stg/prd), N releases with labels and needs
    environments/                  common.yaml, stg.yaml, prd.yaml.gotmpl (environment values)
    values/common.yaml.gotmpl      every release's shared values, rendered per release (.Environment, .Release)
    values/<chart>.yaml.gotmpl     per-chart values, rendered per release
    values/releases/<name>.yaml    per-release values (replicas, config, the `bench/revision` pod annotation)
    charts/{web,api,worker,cron}/  local charts of realistic size: helpers, Deployment or CronJob, Service,
                                   ConfigMap, Secret, ServiceAccount, Ingress, HPA, PDB (each as the chart needs)

The literal text (charts, values, the helmfile's head) is in bench/templates/ (see its README.md); this
module lays it out and writes what depends on the release: the release list and the per-release values.

Releases are laid out deterministically (no randomness): release i uses chart KINDS[i % 4], groups of five
consecutive releases share a namespace, every release needs its group's first release, and every group's first
release needs the first release of group 0. The same input always produces byte-identical files.
"""

from __future__ import annotations

import argparse
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

BENCH = Path(__file__).resolve().parent
TEMPLATES = BENCH / "templates"  # the literal files: see templates/README.md
DEFAULT_OUT = BENCH / "work"
DEFAULT_SIZES = (10, 50, 200)
ENVIRONMENTS = ("stg", "prd")
KINDS = ("web", "api", "worker", "cron")
TEAMS = ("payments", "search", "identity", "catalog", "checkout", "reporting", "messaging", "platform")
GROUP = 5

# The release whose values the benchmark changes for the "one release changed" cases (see release_to_change).
REVISION_ANNOTATION = "bench/revision"


@dataclass(frozen=True)
class Release:
    index: int
    name: str
    kind: str
    namespace: str
    group: int
    needs: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)


def namespaces_for(n: int) -> tuple[str, ...]:
    """A few namespaces for small projects, up to eight for large ones."""
    count = max(2, min(len(TEAMS), n // 10))
    return TEAMS[:count]


def layout(n: int) -> list[Release]:
    namespaces = namespaces_for(n)
    names = [f"{KINDS[i % len(KINDS)]}-{i:03d}" for i in range(n)]

    def namespace_of(i: int) -> str:
        return namespaces[(i // GROUP) % len(namespaces)]

    releases = []
    for i, name in enumerate(names):
        group = i // GROUP
        head = group * GROUP
        needs: tuple[str, ...] = ()
        if i != head:
            needs = (f"{namespace_of(head)}/{names[head]}",)
        elif group > 0:
            needs = (f"{namespace_of(0)}/{names[0]}",)
        kind = KINDS[i % len(KINDS)]
        tier = {"web": "frontend", "api": "backend", "worker": "backend", "cron": "batch"}[kind]
        labels = {"tier": tier, "team": namespace_of(i), "group": f"g{group:02d}"}
        releases.append(Release(i, name, kind, namespace_of(i), group, needs, labels))
    return releases


def release_to_change(n: int) -> Release:
    """A Deployment-based release in the middle of the project, changed by the bench's "one change" cases."""
    candidates = [r for r in layout(n) if r.kind != "cron" and r.needs]
    return candidates[len(candidates) // 2]


# --------------------------------------------------------------------------- state files


def _read(relative: str) -> str:
    return (TEMPLATES / relative).read_text(encoding="utf-8")


def helmfile_yaml(n: int) -> str:
    header = Template(_read("helmfile.yaml.tmpl")).substitute(n=n, charts=len(KINDS))
    lines = [header.removesuffix("\n")]
    for r in layout(n):
        lines += [
            f"  - name: {r.name}",
            f"    namespace: {r.namespace}",
            f"    chart: ./charts/{r.kind}",
            "    <<: *default",
            "    labels:",
            *(f"      {k}: {v}" for k, v in r.labels.items()),
        ]
        if r.needs:
            lines += ["    needs:", *(f"      - {need}" for need in r.needs)]
        lines += [
            "    values:",
            "      - values/common.yaml.gotmpl",
            f"      - values/{r.kind}.yaml.gotmpl",
            f"      - values/releases/{r.name}.yaml",
        ]
        if r.index % 3 == 0:  # an inline map, templated with the state's values
            lines += [
                "      - config:",
                '          PUBLIC_HOST: {{ printf "%s.%s" "' + r.name + '" .Values.domain | quote }}',
                '          FEATURE_FLAGS: {{ .Values.features | join "," | quote }}',
            ]
        if r.index % 7 == 3:
            lines += ["    set:", "      - name: resources.requests.cpu", "        value: 50m"]
        lines.append("")
    return "\n".join(lines)


def release_values(r: Release) -> str:
    lines = [
        f"# {r.name}: release-specific values.",
        "podAnnotations:",
        f'  {REVISION_ANNOTATION}: "0"',
        "config:",
        f"  INSTANCE: {r.name}",
        f'  SHARD: "{r.index % 16}"',
    ]
    if r.kind in ("web", "api"):
        lines += ["service:", f"  port: {8000 + r.index % 100}"]
    if r.index % 4 == 1:
        lines += ["resources:", "  limits:", "    memory: 512Mi"]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- charts

# Which of charts/common/templates/ each chart has (NOTES.txt and _helpers.tpl: every chart).
CHART_TEMPLATES = {
    "web": ("deployment.yaml", "service.yaml", "configmap.yaml", "serviceaccount.yaml", "ingress.yaml", "hpa.yaml"),
    "api": ("deployment.yaml", "service.yaml", "configmap.yaml", "secret.yaml", "serviceaccount.yaml", "hpa.yaml"),
    "worker": ("deployment.yaml", "configmap.yaml", "secret.yaml", "serviceaccount.yaml", "pdb.yaml"),
    "cron": ("cronjob.yaml", "configmap.yaml", "serviceaccount.yaml"),
}

# `<<pod-spec>>` on a line of its own stands for charts/common/pod-spec.yaml, written at POD_SPEC_INDENT
# (a Deployment's pod spec); a slot indented deeper shifts it right (a CronJob nests it 4 columns deeper).
POD_SPEC_SLOT = re.compile(r"^( *)<<pod-spec>>\n", re.MULTILINE)
POD_SPEC_INDENT = 6


def _indent_pod_spec(text: str, extra: int) -> str:
    """The pod spec shifted right by `extra` columns, `nindent` arguments included (a CronJob nests it deeper)."""
    shifted = re.sub(r"nindent (\d+)", lambda m: f"nindent {int(m.group(1)) + extra}", text)
    return "".join((" " * extra + line) if line.strip() else line for line in shifted.splitlines(keepends=True))


def chart_template(name: str) -> str:
    """charts/common/templates/<name> with its pod spec filled in; `CHART.` stands for the chart's name."""
    pod_spec = _read("charts/common/pod-spec.yaml")
    text = _read(f"charts/common/templates/{name}")
    return POD_SPEC_SLOT.sub(lambda m: _indent_pod_spec(pod_spec, len(m.group(1)) - POD_SPEC_INDENT), text)


def chart_yaml(kind: str) -> str:
    return _read(f"charts/{kind}/Chart.yaml")


def chart_values(kind: str) -> str:
    """The shared defaults with the kind's own sections (ingress, autoscaling, ...) filled in."""
    return Template(_read("charts/common/values.yaml.tmpl")).substitute(
        kind=kind,
        service="true" if kind in ("web", "api") else "false",
        kind_values=_read(f"charts/{kind}/kind-values.yaml"),
    )


def write_chart(root: Path, kind: str) -> None:
    chart = root / "charts" / kind
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text(chart_yaml(kind))
    (chart / "values.yaml").write_text(chart_values(kind))
    (chart / ".helmignore").write_text(_read("charts/common/.helmignore"))
    for name in ("_helpers.tpl", "NOTES.txt", *CHART_TEMPLATES[kind]):
        (chart / "templates" / name).write_text(chart_template(name).replace("CHART.", f"{kind}."))


# --------------------------------------------------------------------------- project


def generate(n: int, out: Path = DEFAULT_OUT) -> Path:
    """Write the project with n releases into out/n<n>/ (replacing it) and return that directory."""
    root = out / f"n{n}"
    if root.exists():
        shutil.rmtree(root)
    (root / "environments").mkdir(parents=True)
    (root / "values" / "releases").mkdir(parents=True)
    (root / "helmfile.yaml").write_text(helmfile_yaml(n))
    project = TEMPLATES / "project"  # environments/ and values/*.yaml.gotmpl, as they are
    for path in sorted(p for p in project.rglob("*") if p.is_file()):
        target = root / path.relative_to(project)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text(encoding="utf-8"))
    for r in layout(n):
        (root / "values" / "releases" / f"{r.name}.yaml").write_text(release_values(r))
    for kind in KINDS:
        write_chart(root, kind)
    return root


def set_revision(root: Path, n: int, revision: str) -> Release:
    """Change the `bench/revision` pod annotation of release_to_change(n): a one-release change."""
    r = release_to_change(n)
    path = root / "values" / "releases" / f"{r.name}.yaml"
    text = path.read_text()
    start = text.index(f"  {REVISION_ANNOTATION}: ")
    end = text.index("\n", start)
    path.write_text(f'{text[:start]}  {REVISION_ANNOTATION}: "{revision}"{text[end:]}')
    return r


def parse_sizes(text: str) -> tuple[int, ...]:
    sizes = tuple(int(part) for part in text.split(",") if part.strip())
    if not sizes or any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError(f"sizes must be positive integers, got {text!r}")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=parse_sizes, default=DEFAULT_SIZES, help="comma-separated release counts")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (default: bench/work)")
    args = parser.parse_args(argv)
    for n in args.sizes:
        print(generate(n, args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
