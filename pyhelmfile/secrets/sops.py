"""Decrypting sops files with the sops binary, output kept in memory only."""

from __future__ import annotations

import os

from pyhelmfile import children
from pyhelmfile.errors import SecretsError


def decrypt(path: str, sops_binary: str = "sops", fmt: str = "", *, data: bytes | None = None) -> bytes:
    """The plaintext of a sops-encrypted file (or of `data`, given as /dev/stdin), in `fmt` when given.

    sops must not phone home: its version check is off. Errors carry no path (callers add theirs).
    """
    env = dict(os.environ, SOPS_DISABLE_VERSION_CHECK="1")
    argv = [sops_binary, "--decrypt", "--disable-version-check"]
    if fmt:
        argv += ["--input-type", fmt, "--output-type", fmt]
    try:
        proc = children.run([*argv, path], stdin=data, env=env, text=False)
    except FileNotFoundError:
        raise SecretsError(f"sops binary not found: {sops_binary}") from None
    if proc.returncode != 0:
        stderr = proc.stderr.decode("utf-8", "replace")
        reason = " ".join(line.strip() for line in stderr.strip().splitlines() if line.strip())
        raise SecretsError(f"failed to decrypt: {reason}")
    return bytes(proc.stdout)


def decrypt_file(path: str, sops_binary: str = "sops") -> str:
    """The plaintext of a sops-encrypted file, as text."""
    try:
        return decrypt(path, sops_binary).decode("utf-8")
    except SecretsError as exc:
        raise SecretsError(exc.message, path=path) from None
    except UnicodeDecodeError:
        raise SecretsError("failed to decrypt: the plaintext is not UTF-8 text", path=path) from None
