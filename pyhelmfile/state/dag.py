"""Release ordering by `needs`: groups that can run in parallel, as helmfile plans them.

helmfile (through github.com/variantdev/dag) sorts releases into levels: a release's group
comes after the groups of everything it needs. Selected releases may pull in what they need
(`--include-needs`) or ignore it (`--skip-needs`); otherwise a need outside the selection is
an error. Within a group, releases keep the order in which they are defined.
"""

from __future__ import annotations

from pyhelmfile.errors import ConfigError
from pyhelmfile.state.spec import ReleaseSpec, release_id


def _quoted_and(items: list[str]) -> str:
    quoted = [f'"{i}"' for i in items]
    if len(quoted) < 3:
        return " and ".join(quoted)
    return ", ".join(quoted[:-1]) + ", and " + quoted[-1]


def plan(
    releases: list[ReleaseSpec],
    selected: list[ReleaseSpec] | None = None,
    *,
    include_needs: bool = False,
    skip_needs: bool = False,
) -> list[list[ReleaseSpec]]:
    """Releases grouped into batches; each batch depends only on earlier ones."""
    ids: list[str] = []
    by_id: dict[str, list[ReleaseSpec]] = {}
    index: dict[str, int] = {}
    deps: dict[str, list[str]] = {}
    for i, release in enumerate(releases):
        rid = release_id(release)
        if rid not in by_id:
            ids.append(rid)
            deps[rid] = []
        by_id.setdefault(rid, []).append(release)
        index[rid] = i
        deps[rid].extend(n for n in release.needs if n not in deps[rid])

    dependents: dict[str, list[str]] = {}
    for rid in ids:
        for need in deps[rid]:
            dependents.setdefault(need, []).append(rid)
    for need, users in dependents.items():
        if need not in by_id:
            name = need.split("/")[-1]
            quoted = ", ".join(f'"{u}"' for u in users)
            raise ConfigError(
                f"release(s) {quoted} depend(s) on an undefined "
                f'release "{need}". Perhaps you made a typo in "needs" or forgot defining a release named "{name}" '
                'with appropriate "namespace" and "kubeContext"?'
            )

    levels = _levels(ids, deps, dependents)
    only = {release_id(r) for r in selected} if selected is not None else None
    kept: list[list[str]] = []
    for level in reversed(levels):
        included = []
        for rid in level:
            if only is None or rid in only:
                included.append(rid)
                continue
            if skip_needs:
                continue
            users = sorted(u for u in dependents.get(rid, []) if u in only)
            if users:
                if not include_needs:
                    name = rid.split("/")[-1]
                    raise ConfigError(
                        f'release {_quoted_and(users)} {"depends" if len(users) == 1 else "depend"} on "{rid}" which '
                        f'does not match the selectors. Please add a selector like "--selector name={name}", or '
                        "indicate whether to skip (--skip-needs) or include (--include-needs) these dependencies"
                    )
                only.add(rid)
                included.append(rid)
        if included:
            kept.append(sorted(included, key=lambda r: index[r]))
    kept.reverse()
    return [[release for rid in group for release in by_id[rid]] for group in kept]


def _levels(ids: list[str], deps: dict[str, list[str]], dependents: dict[str, list[str]]) -> list[list[str]]:
    """Kahn's algorithm by depth; a cycle is an error naming it."""
    remaining = {rid: len(deps[rid]) for rid in ids}
    current = [rid for rid in ids if remaining[rid] == 0]
    levels = []
    while current:
        levels.append(current)
        following = []
        for rid in current:
            for user in dependents.get(rid, []):
                remaining[user] -= 1
                if remaining[user] == 0:
                    following.append(user)
        current = following
    stuck = sorted(rid for rid, n in remaining.items() if n > 0)
    if stuck:
        raise ConfigError(f"cycle detected: {' -> '.join(_cycle(stuck[0], deps))}")
    return levels


def _cycle(start: str, deps: dict[str, list[str]]) -> list[str]:
    """A path around one cycle reachable from start, following `needs`."""
    path, seen = [start], {start}
    current = start
    while True:
        current = next(n for n in deps[current] if n in deps)
        path.append(current)
        if current in seen:
            return path[path.index(current) :]
        seen.add(current)


def format_dag(batches: list[list[ReleaseSpec]]) -> str:
    """helmfile's show-dag table (Go's tabwriter: columns padded to the widest cell plus one)."""
    rows = [["GROUP", "RELEASE", "DEPENDENCIES"]]
    for i, batch in enumerate(batches, start=1):
        rows.extend([str(i), release_id(r), ", ".join(r.needs)] for r in batch)
    widths = [max(len(row[c]) for row in rows) + 1 for c in range(2)]
    return "".join(f"{row[0].ljust(widths[0])}{row[1].ljust(widths[1])}{row[2]}\n" for row in rows)
