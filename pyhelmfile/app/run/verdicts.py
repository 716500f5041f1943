"""Remembered "no changes" verdicts, so a no-op apply or diff does not run helm at all.

A verdict is keyed by everything `helm template` would see (helm version, the cluster's
version and API versions, release name/namespace/context, chart reference and version, the
chart directory's files, every values document and flag) and stores the digest of the
deployed manifest that rendering those inputs reproduced. If both still match, rendering
again would give the same answer. Keys and digests are HMACs under a random per-user key,
so nothing derived from secret values can be checked offline; the files hold no values.
Set PYHELMFILE_NO_CACHE=1 to always render.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import threading
from collections.abc import Iterable

_LOCK = threading.Lock()
_dir_digests: dict[str, str] = {}
_keys: dict[str, bytes] = {}  # cache dir's key file -> its key


def cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "pyhelmfile", "verdicts")


def enabled() -> bool:
    return os.environ.get("PYHELMFILE_NO_CACHE", "") in ("", "0", "false")


def _secret() -> bytes | None:
    """The per-user HMAC key (created on first use, 0600 in a 0700 directory), read once per run."""
    path = os.path.join(cache_dir(), ".key")
    with _LOCK:  # held while creating, so parallel releases never make two keys
        if path not in _keys:
            key = _read_or_create_key(path)
            if key is None:
                return None
            _keys[path] = key
        return _keys[path]


def _read_or_create_key(path: str) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            key = fh.read()
        if len(key) == 32:
            return key
    except OSError:
        pass
    try:
        os.makedirs(cache_dir(), mode=0o700, exist_ok=True)
        key = os.urandom(32)
        fd = os.open(path + f".{os.getpid()}", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
        os.replace(path + f".{os.getpid()}", path)
        return key
    except OSError:
        return None  # an unwritable cache only costs speed


def chart_digest(chart_dir: str) -> str:
    """Digest of a local chart directory's files (lock files aside: their timestamps say nothing)."""
    real = os.path.realpath(chart_dir)
    with _LOCK:
        if real in _dir_digests:
            return _dir_digests[real]
    h = hashlib.sha256()
    for root, dirs, files in os.walk(real):
        dirs.sort()
        for name in sorted(files):
            if name in ("Chart.lock", "requirements.lock") or name.startswith("tmpcharts"):
                continue
            path = os.path.join(root, name)
            h.update(os.path.relpath(path, real).encode() + b"\0")
            with open(path, "rb") as fh:
                h.update(hashlib.sha256(fh.read()).digest())
    digest = h.hexdigest()
    with _LOCK:
        _dir_digests[real] = digest
    return digest


def forget_chart(chart_dir: str) -> None:
    with _LOCK:
        _dir_digests.pop(os.path.realpath(chart_dir), None)


def inputs_key(parts: Iterable[str], files: Iterable[str]) -> str | None:
    """The verdict key for these inputs (strings, and files whose contents count); None without a cache."""
    secret = _secret() if enabled() else None
    if secret is None:
        return None
    mac = hmac.new(secret, digestmod=hashlib.sha256)
    for part in parts:
        mac.update(part.encode() + b"\0")
    for path in files:
        with open(path, "rb") as fh:
            mac.update(hashlib.sha256(fh.read()).digest())
    return mac.hexdigest()


def manifest_digest(manifest: str) -> str:
    secret = _secret() or b""
    return hmac.new(secret, manifest.encode(), hashlib.sha256).hexdigest()


def any_remembered() -> bool:
    """Whether any verdict could be known: the cache is on and holds at least one (besides its key)."""
    if not enabled():
        return False
    try:
        with os.scandir(cache_dir()) as entries:
            return any(not entry.name.startswith(".") for entry in entries)
    except OSError:
        return False


def unchanged(key: str | None, deployed_manifest: str) -> bool:
    """True if rendering these inputs is known to reproduce exactly the deployed manifest."""
    if key is None:
        return False
    try:
        with open(os.path.join(cache_dir(), key), encoding="ascii") as fh:
            stored = fh.read().strip()
    except OSError:
        return False
    return hmac.compare_digest(stored, manifest_digest(deployed_manifest))


def remember(key: str | None, deployed_manifest: str) -> None:
    if key is None:
        return
    path = os.path.join(cache_dir(), key)
    try:
        tmp = f"{path}.{os.getpid()}.{threading.get_ident()}"
        with open(tmp, "w", encoding="ascii") as fh:
            fh.write(manifest_digest(deployed_manifest))
        os.replace(tmp, path)
    except OSError:
        pass
