#!/usr/bin/env python3
"""The example's `linoapp` chart repository: build it with the real helm, serve it on loopback.

The seed's services publish their charts with chart.sh (patch Chart.yaml's version, helm
package, push). This does the same for every service and version listed in
examples/kube-app/charts-src/services.yaml, then indexes the directory with `helm repo index`.

    python scripts/examplerepo.py build OUT_DIR [--helm HELM]
    python scripts/examplerepo.py serve OUT_DIR [--port N]     # until Ctrl-C
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "kube-app"
CHARTS_SRC = EXAMPLE / "charts-src"
AGE_KEY = EXAMPLE / "keys" / "age.key"  # test-only key of the example's sops files


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def published_charts() -> dict[str, list[str]]:
    """Chart name -> versions the repository holds, as services.yaml lists them."""
    services = yaml.safe_load((CHARTS_SRC / "services.yaml").read_text())["services"]
    return {name: list(spec["versions"]) for name, spec in services.items()}


def build(out_dir: Path, helm: str = "helm") -> Path:
    """Package every service chart version into out_dir and write its index.yaml."""
    services = yaml.safe_load((CHARTS_SRC / "services.yaml").read_text())["services"]
    source = CHARTS_SRC / "service"
    base_values = yaml.safe_load((source / "values.yaml").read_text())
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="examplerepo-") as tmp:
        for name, spec in services.items():
            chart_dir = Path(tmp) / name
            shutil.copytree(source, chart_dir)
            values = _merge(base_values, spec.get("values") or {})
            values["image"] = dict(values["image"], repository=values["image"]["repository"].replace("service", name))
            (chart_dir / "values.yaml").write_text(yaml.safe_dump(values, sort_keys=False))
            for version in spec["versions"]:
                chart_yaml = {
                    "apiVersion": "v1",
                    "appVersion": "1.0",
                    "description": spec["description"],
                    "name": name,
                    "version": version,
                }
                (chart_dir / "Chart.yaml").write_text(yaml.safe_dump(chart_yaml, sort_keys=False))
                subprocess.run(
                    [helm, "package", str(chart_dir), "--destination", str(out_dir)],
                    check=True,
                    capture_output=True,
                )
    # No --url: entries get relative URLs, resolved against wherever the repo is served.
    subprocess.run([helm, "repo", "index", str(out_dir)], check=True, capture_output=True)
    return out_dir


# Outputs of `helm dependency build` must never be copied from a checkout that ran in place.
_BUILD_OUTPUTS = shutil.ignore_patterns("requirements.lock", "Chart.lock", "*.tgz", "tmpcharts*")


def copy_example(dest: Path) -> Path:
    """A private copy of examples/kube-app (helm writes charts/ and locks into it)."""
    shutil.copytree(EXAMPLE, dest, ignore=_BUILD_OUTPUTS)
    return dest


def helm_secrets_shim(plugins_dir: Path) -> Path:
    """A minimal helm plugin named `secrets`, for running the reference helmfile on the example.

    helmfile 0.166.0 decrypts `secrets:` solely through the helm-secrets plugin
    (`helm secrets decrypt FILE` when the plugin's major version is > 3), which no
    registry ships. This shim answers that one call with the real sops. Returns plugins_dir.
    """
    plugin = plugins_dir / "helm-secrets-shim"
    plugin.mkdir(parents=True, exist_ok=True)
    (plugin / "plugin.yaml").write_text(
        "name: secrets\nversion: 4.6.0\nusage: test shim\ndescription: decrypts with sops (tests only)\n"
        'command: "$HELM_PLUGIN_DIR/secrets.sh"\n'
    )
    script = plugin / "secrets.sh"
    script.write_text(
        '#!/bin/sh\nset -e\ncase "$1" in\n'
        '  decrypt|view) exec sops --disable-version-check --decrypt "$2" ;;\n'
        '  *) echo "helm-secrets shim: unsupported: $*" >&2; exit 1 ;;\nesac\n'
    )
    script.chmod(0o755)
    return plugins_dir


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(
    directory: Path,
    port: int = 0,
    handler_class: type[SimpleHTTPRequestHandler] | None = None,
    tls: ssl.SSLContext | None = None,
) -> Iterator[str]:
    """Serve directory over HTTP (HTTPS with `tls`) on 127.0.0.1; yields the base URL; stops on exit."""
    handler = functools.partial(handler_class or _QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, name="examplerepo", daemon=True)
    thread.start()
    try:
        yield f"{'https' if tls else 'http'}://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    build_cmd = sub.add_parser("build")
    build_cmd.add_argument("out_dir", type=Path)
    build_cmd.add_argument("--helm", default=shutil.which("helm") or "helm")
    serve_cmd = sub.add_parser("serve")
    serve_cmd.add_argument("out_dir", type=Path)
    serve_cmd.add_argument("--port", type=int, default=8879)
    args = parser.parse_args(argv)
    if args.command == "build":
        build(args.out_dir, args.helm)
        print(args.out_dir)
        return 0
    with serve(args.out_dir, args.port) as url:
        print(f"serving {args.out_dir} at {url} (Ctrl-C stops)")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
