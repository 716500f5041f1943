"""Progress for long work: a spinner line per running helm job on a terminal, nothing extra elsewhere.

On a terminal (stderr is a TTY, not `TERM=dumb`, no `$CI`, log level info or lower), each job
that runs shows as one line with a spinner and its elapsed time while it runs; log lines print
above those lines and stay, the spinner lines go when the work is done. In CI, in pipes and
with `-q` nothing is drawn: the plain log lines (`Building dependency ...`, `Templating ...`)
are the progress. rich is imported only when something is drawn, so start-up stays light.
`PYHELMFILE_PROGRESS=0` turns the display off, `=1` forces it on (for tests with a pty).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Sequence
from types import TracebackType
from typing import Any

from pyhelmfile import log


def enabled() -> bool:
    forced = os.environ.get("PYHELMFILE_PROGRESS", "")
    if forced in ("0", "false"):
        return False
    if not log.enabled("info"):
        return False
    if forced in ("1", "true"):
        return True
    if os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class Display:
    """Spinner lines for jobs identified by index; does nothing unless enabled()."""

    def __init__(self, labels: Sequence[str]) -> None:
        self.labels = list(labels)
        self._progress: Any = None
        self._tasks: dict[int, Any] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> Display:
        if self.labels and enabled():
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,  # the spinner lines go; the log lines printed meanwhile stay
                redirect_stdout=False,  # stdout carries manifests and diffs, never progress
                redirect_stderr=True,  # log lines print above the spinners
            )
            self._progress.start()
        return self

    def start(self, index: int) -> None:
        if self._progress is not None:
            with self._lock:
                self._tasks[index] = self._progress.add_task(self.labels[index], total=None)

    def done(self, index: int) -> None:
        if self._progress is not None:
            with self._lock:
                task = self._tasks.pop(index, None)
                if task is not None:
                    self._progress.remove_task(task)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
