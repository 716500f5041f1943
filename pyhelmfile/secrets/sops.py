"""Decrypting sops files with the sops binary, output kept in memory only."""

from __future__ import annotations

import os
import subprocess

from pyhelmfile.errors import SecretsError


def decrypt_file(path: str, sops_binary: str = "sops") -> str:
    """The plaintext of a sops-encrypted file. sops must not phone home: its version check is off."""
    env = dict(os.environ, SOPS_DISABLE_VERSION_CHECK="1")
    try:
        proc = subprocess.run(
            [sops_binary, "--decrypt", "--disable-version-check", path],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
    except FileNotFoundError:
        raise SecretsError(f"sops binary not found: {sops_binary}", path=path) from None
    if proc.returncode != 0:
        reason = " ".join(line.strip() for line in proc.stderr.strip().splitlines() if line.strip())
        raise SecretsError(f"failed to decrypt: {reason}", path=path)
    return proc.stdout
