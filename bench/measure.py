"""Timing one run of a tool: wall time, CPU and peak memory of its whole process tree.

TreeSampler samples the summed RSS of a process and its descendants from /proc; measure() runs one command
under it; a case's Result holds the Samples of both tools and their medians.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path


class TreeSampler:
    """Peak of the summed RSS of a process and all its descendants, sampled every `interval` seconds.

    Processes that already existed when the sampler was created are never descendants (a PID is not reused
    within a run), so each sample reads /proc/<pid>/stat once per new process and statm of the tree only.
    """

    def __init__(self, interval: float = 0.01) -> None:
        self.interval = interval
        self.before = set(_pids())
        self.parents: dict[int, int] = {}
        self.peak_kib = 0
        self.samples = 0
        self.root = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._page_kib = os.sysconf("SC_PAGE_SIZE") // 1024

    def start(self, root: int) -> None:
        self.root = root
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while True:
            self.sample()
            if self._stop.wait(self.interval):
                return

    def sample(self) -> None:
        for pid in _pids():
            if pid not in self.before and pid not in self.parents:
                ppid = _ppid(pid)
                if ppid is not None:
                    self.parents[pid] = ppid
        tree = {self.root}
        grew = True
        while grew:
            grew = False
            for pid, ppid in self.parents.items():
                if ppid in tree and pid not in tree:
                    tree.add(pid)
                    grew = True
        total = sum(_rss_pages(pid) for pid in tree) * self._page_kib
        self.samples += 1
        self.peak_kib = max(self.peak_kib, total)


def _pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def _ppid(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
    except OSError:
        return None
    return int(stat[stat.rindex(b")") + 2 :].split()[1])


def _rss_pages(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1])
    except (OSError, IndexError, ValueError):
        return 0


@dataclass(frozen=True)
class Sample:
    wall: float  # seconds, fork to exit
    own_kib: int  # the tool's own peak RSS (wait4's ru_maxrss): exact
    tree_kib: int  # peak of the summed RSS of the tool and every helm/plugin process it runs: sampled
    returncode: int
    cpu: float = 0.0  # user + system seconds of the tool and every process it waited for (wait4): exact


def measure(argv: Sequence[str], cwd: Path, env: dict[str, str], out: Path) -> Sample:
    """Run argv once with stdout/stderr to files: wall time, exact own peak RSS and the sampled tree peak."""
    out.parent.mkdir(parents=True, exist_ok=True)
    sampler = TreeSampler()
    with out.open("wb") as stdout, out.with_suffix(".err").open("wb") as stderr:
        start = time.perf_counter()
        proc = subprocess.Popen(list(argv), cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr)
        sampler.start(proc.pid)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here; Popen must not wait again
        sampler.stop()
    own = int(usage.ru_maxrss)  # KiB on Linux
    cpu = usage.ru_utime + usage.ru_stime  # Linux counts the descendants the tool reaped in its own usage
    return Sample(wall, own, max(own, sampler.peak_kib), proc.returncode, cpu)


@dataclass
class Result:
    case: str
    n: int
    runs: int
    helmfile: list[Sample] = field(default_factory=list)
    pyhelmfile: list[Sample] = field(default_factory=list)
    note: str = ""  # "n/a (not implemented)", a failure, or whether the outputs agreed
    label: str = ""  # what the table's first column shows instead of N (the example's environment)

    def median(self, tool: str, attr: str) -> float | None:
        samples = [s for s in getattr(self, tool) if s.returncode == 0]
        if not samples:
            return None
        return float(statistics.median(getattr(s, attr) for s in samples))

    def ratio(self, attr: str) -> float | None:
        ours, theirs = self.median("pyhelmfile", attr), self.median("helmfile", attr)
        if ours is None or theirs is None or theirs == 0:
            return None
        return ours / theirs
