"""Run a process with its stderr on a pseudo-terminal (what a developer's shell gives it)."""

from __future__ import annotations

import os
import pty
import select
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class TerminalRun:
    returncode: int
    stdout: str
    terminal: str  # everything written to the terminal (stderr), escape sequences included


def run_on_terminal(
    argv: Sequence[str], *, env: dict[str, str], cwd: Path | None = None, timeout: float = 300
) -> TerminalRun:
    """stdout piped, stderr on a pty whose output is collected until the process ends."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        list(argv), stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL, env=env, cwd=cwd
    )
    os.close(slave)
    chunks: list[bytes] = []
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # the slave side closed: the process is gone
                    break
                if not data:
                    break
                chunks.append(data)
            elif proc.poll() is not None:
                break
        stdout = proc.stdout.read() if proc.stdout else b""
        proc.wait(timeout)
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return TerminalRun(proc.returncode, stdout.decode(), b"".join(chunks).decode(errors="replace"))
