"""The processes a run starts: recorded by PID and kernel start time, stopped only if still ours."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import ssl
import subprocess
import time
import urllib.error
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scripts.testcluster.common import ClusterError, log

if TYPE_CHECKING:
    from scripts.testcluster.clusters import State


@dataclass
class Proc:
    """A process we started: PID plus its kernel start time, so a reused PID is never signalled."""

    name: str
    pid: int
    start_ticks: str
    log: str


def proc_start_ticks(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Field 2 (comm) may contain spaces; the fields after its closing parenthesis are fixed.
    fields = stat[stat.rindex(")") + 2 :].split()
    if fields[0] == "Z":
        return None  # a zombie has exited already
    return fields[19]


def alive(proc: Proc) -> bool:
    try:
        # Our own child (the pytest fixture's case): only waitpid knows when it has fully exited;
        # a Go process whose threads are still exiting already shows "Z" in /proc.
        pid, _ = os.waitpid(proc.pid, os.WNOHANG)
        return pid == 0
    except ChildProcessError:
        pass  # started by an earlier `up` (now init's child), or already reaped
    return proc_start_ticks(proc.pid) == proc.start_ticks


def stop_process(proc: Proc, grace: float = 15.0) -> None:
    """SIGTERM, wait, then SIGKILL; only if the PID is still the process we started."""
    if not alive(proc):
        return
    os.kill(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not alive(proc):
            return
        time.sleep(0.1)
    log(f"{proc.name} (pid {proc.pid}) ignored SIGTERM for {grace:.0f}s, sending SIGKILL")
    with contextlib.suppress(ProcessLookupError):
        os.kill(proc.pid, signal.SIGKILL)
    while alive(proc):
        time.sleep(0.1)


def _die_with_parent() -> None:
    """Runs in the child: if the test process dies hard (SIGKILL), take the component down too.

    SIGKILL, not SIGTERM: every component gets it at once, and an apiserver whose etcd vanished
    mid-shutdown can hang in graceful termination. Nothing in a test run dir is worth keeping."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def free_ports(count: int) -> list[int]:
    """Ports the kernel hands out for 127.0.0.1; all held open together so none repeats."""
    socks = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


class Launcher:
    """Starts components, recording each PID in state.json before anything else can fail."""

    def __init__(self, state: State, die_with_parent: bool) -> None:
        self.state = state
        self.die_with_parent = die_with_parent

    def start(self, name: str, argv: list[str], logfile: Path) -> Proc:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ETCD_", "KUBECONFIG"))}
        with logfile.open("ab") as out:
            popen = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=logfile.parent,
                # `up` returns while the clusters keep running, so they must not share our session;
                # under pytest they should die with the test process instead.
                start_new_session=not self.die_with_parent,
                preexec_fn=_die_with_parent if self.die_with_parent else None,
            )
        ticks = proc_start_ticks(popen.pid) or ""
        proc = Proc(name=name, pid=popen.pid, start_ticks=ticks, log=str(logfile))
        self.state.processes.append(proc)
        self.state.save()
        return proc


def tail(path: str, lines: int = 25) -> str:
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def wait_for(what: str, check: Any, procs: Sequence[Proc], timeout: float) -> None:
    """Poll `check()` until true; fail early (with the log's tail) if a component has died."""
    deadline = time.monotonic() + timeout
    while True:
        for proc in procs:
            if not alive(proc):
                raise ClusterError(f"{proc.name} exited while waiting for {what}; log {proc.log}:\n{tail(proc.log)}")
        with contextlib.suppress(OSError, urllib.error.URLError, ssl.SSLError):
            if check():
                return
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {p.name} ({p.log})\n{tail(p.log)}" for p in procs)
            raise ClusterError(f"timed out after {timeout:.0f}s waiting for {what}\n{logs}")
        time.sleep(0.25)
