"""`s3://` chart repositories for helm itself, without the helm-s3 plugin.

helm fetches a repository's index and charts through a downloader chosen by URL scheme;
for `s3://` that normally takes the helm-s3 plugin. pyhelmfile gives helm its own tiny
downloader instead: a per-run plugins directory holding a `getter/v1` plugin whose command
runs `python -m pyhelmfile.helm.s3getter URL`, which reads the object with boto3 (the same
code as `chart push`) and writes it to stdout. Then `helm repo add NAME s3://...`,
`helm dependency build` of charts that depend on `@NAME` or `s3://...`, `helm template
NAME/chart` and `helm pull` all work unchanged, with helm 3 and helm 4.

helm 4 reads getters from a single plugins directory, so the getter goes into the run's plugins
directory (helm/plugins.py), where the user's own plugins are linked beside it.
"""

from __future__ import annotations

import os
import shlex
import sys

from pyhelmfile.helm import plugins

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


def install(parent: str) -> str:
    """Create the run's plugins directory under `parent` with the getter; returns the value for HELM_PLUGINS."""
    root = plugins.run_dir(parent)
    add(root)
    return root


def add(root: str) -> None:
    """Add the getter to a run's plugins directory (helm/plugins.py), once."""
    package_parent = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    # helm calls `get CERT KEY CA URL`; the package's location is given explicitly so that a source
    # checkout works as well as an installed one.
    script = (
        "#!/bin/sh\n"
        f"PYTHONPATH={shlex.quote(package_parent)}${{PYTHONPATH:+:$PYTHONPATH}} "
        f'exec {shlex.quote(sys.executable)} -m pyhelmfile.helm.s3getter "$@"\n'
    )
    plugins.add_plugin(root, PLUGIN, _PLUGIN_YAML, {"get": script})


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
