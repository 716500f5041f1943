"""`s3://` chart repositories for helm itself, without the helm-s3 plugin.

helm fetches a repository's index and charts through a downloader chosen by URL scheme;
for `s3://` that normally takes the helm-s3 plugin. pyhelmfile gives helm its own tiny
downloader instead: a per-run plugins directory holding a `getter/v1` plugin whose command
runs `python -m pyhelmfile.helm.s3getter URL`, which reads the object with boto3 (the same
code as `chart push`) and writes it to stdout. Then `helm repo add NAME s3://...`,
`helm dependency build` of charts that depend on `@NAME` or `s3://...`, `helm template
NAME/chart` and `helm pull` all work unchanged, with helm 3 and helm 4.

helm 4 reads getters from a single plugins directory, so the user's own plugins are linked
into the per-run directory beside it (their `HELM_PLUGINS`, else helm's default).
"""

from __future__ import annotations

import os
import shlex
import sys

PLUGIN = "pyhelmfile-s3"

_PLUGIN_YAML = """\
name: pyhelmfile-s3
version: 1.0.0
usage: s3:// chart repositories for pyhelmfile
description: Reads s3:// chart repositories with boto3 (installed by pyhelmfile for one run)
command: "$HELM_PLUGIN_DIR/get"
downloaders:
  - command: get
    protocols:
      - s3
"""


def user_plugin_dirs() -> list[str]:
    """Where helm would look for plugins: $HELM_PLUGINS (a path list), else helm's data home."""
    explicit = os.environ.get("HELM_PLUGINS")
    if explicit:
        return [d for d in explicit.split(os.pathsep) if d]
    data = os.environ.get("HELM_DATA_HOME") or os.path.join(
        os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share"), "helm"
    )
    return [os.path.join(data, "plugins")]


def install(parent: str) -> str:
    """Create the plugins directory for one run under `parent`; returns the value for HELM_PLUGINS."""
    root = os.path.join(parent, "helm-plugins")
    own = os.path.join(root, PLUGIN)
    os.makedirs(own, mode=0o700)
    with open(os.path.join(own, "plugin.yaml"), "w", encoding="utf-8") as fh:
        fh.write(_PLUGIN_YAML)
    package_parent = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    script = os.path.join(own, "get")
    with open(script, "w", encoding="utf-8") as fh:
        # helm calls `get CERT KEY CA URL`; the package's location is given explicitly so that
        # a source checkout works as well as an installed one.
        fh.write(
            "#!/bin/sh\n"
            f"PYTHONPATH={shlex.quote(package_parent)}${{PYTHONPATH:+:$PYTHONPATH}} "
            f'exec {shlex.quote(sys.executable)} -m pyhelmfile.helm.s3getter "$@"\n'
        )
    os.chmod(script, 0o700)
    for directory in user_plugin_dirs():
        try:
            entries = sorted(os.listdir(directory))
        except OSError:
            continue
        for entry in entries:
            source = os.path.join(directory, entry)
            target = os.path.join(root, entry)
            if os.path.isfile(os.path.join(source, "plugin.yaml")) and not os.path.lexists(target):
                os.symlink(os.path.abspath(source), target)
    return root


def main(argv: list[str]) -> int:
    """The downloader: helm passes `CERT KEY CA URL`; the object goes to stdout."""
    from pyhelmfile.errors import PyhelmfileError
    from pyhelmfile.helm.s3 import S3Location, get_object

    if not argv:
        sys.stderr.write("usage: s3getter [CERT KEY CA] s3://BUCKET/KEY\n")
        return 2
    url = argv[-1]
    try:
        location = S3Location.parse(url)
        found = get_object(S3Location(location.bucket, ""), location.prefix)
    except PyhelmfileError as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    if found is None:
        sys.stderr.write(f"{url}: not found\n")
        return 1
    sys.stdout.buffer.write(found[0])
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
