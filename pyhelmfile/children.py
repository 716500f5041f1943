"""The processes pyhelmfile starts (helm, sops, hooks), and what a termination signal does to them.

Ctrl-C on a terminal reaches the whole process group: helm, sops and hooks get SIGINT with
pyhelmfile, whose KeyboardInterrupt unwinds the command and removes its private directories
(decrypted values). A SIGTERM from CI or a supervisor, or a SIGHUP, reaches only pyhelmfile:
without a handler Python dies on the spot and leaves those directories behind. So the signal is
passed on to the children pyhelmfile is running (helm upgrade cancels as it does on Ctrl-C)
and the main thread unwinds as on Ctrl-C.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Mapping, Sequence
from types import FrameType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import subprocess  # imported where a child starts: the handler is installed on every start-up

_live: set[subprocess.Popen[Any]] = set()
_lock = threading.Lock()
_terminating = False

GRACE_SECONDS = 10.0  # how long an interrupted child may take to stop before it is killed


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP: unwound like Ctrl-C, with the exit status a shell reports for the signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.exit_code = 128 + signum
        self.name = signal.Signals(signum).name


def run(
    argv: Sequence[str],
    *,
    stdin: str | bytes | None = None,
    env: Mapping[str, str] | None = None,
    cwd: str | None = None,
    text: bool = True,
) -> subprocess.CompletedProcess[Any]:
    """subprocess.run(argv, input=stdin, capture_output=True, text=text), with the child known to the signal
    handler."""
    import subprocess

    proc = subprocess.Popen(
        list(argv),
        stdin=subprocess.PIPE if stdin is not None else None,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=text,
        env=env,
        cwd=cwd,
    )
    with _lock:
        _live.add(proc)
    try:
        stdout, stderr = proc.communicate(stdin)
    except BaseException:
        # Interrupted (in the main thread): the child has the signal too; let it finish its own way briefly.
        try:
            proc.wait(GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        raise
    finally:
        with _lock:
            _live.discard(proc)
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


def _terminate(signum: int, frame: FrameType | None) -> None:
    global _terminating
    if _terminating:
        return  # already unwinding: a second signal must not interrupt the clean-up
    _terminating = True
    with _lock:
        running = list(_live)
    for proc in running:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    raise Terminated(signum)


def handle_termination() -> None:
    """SIGTERM and SIGHUP end the run as Ctrl-C does, children first (main thread only)."""
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _terminate)
