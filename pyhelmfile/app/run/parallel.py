"""Independent helm processes side by side, results in job order."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def run_parallel(jobs: Sequence[Callable[[], T]], concurrency: int, labels: Sequence[str] = ()) -> list[T]:
    """Run the jobs side by side; results (and the first error) in job order.

    With `labels` (one per job), a terminal shows a spinner line per running job (pyhelmfile.progress).
    """
    from pyhelmfile.progress import Display

    with Display(labels) as display:
        shown = bool(labels)

        def run(index: int, job: Callable[[], T]) -> T:
            if shown:
                display.start(index)
            try:
                return job()
            finally:
                if shown:
                    display.done(index)

        if len(jobs) <= 1:
            return [run(i, job) for i, job in enumerate(jobs)]
        workers = concurrency if concurrency > 0 else min(len(jobs), 2 * (os.cpu_count() or 1))
        pool = ThreadPoolExecutor(max_workers=workers)
        try:
            futures = [pool.submit(run, i, job) for i, job in enumerate(jobs)]
            return [future.result() for future in futures]
        except KeyboardInterrupt:
            pool.shutdown(wait=True, cancel_futures=True)  # Ctrl-C or SIGTERM: start nothing more
            raise
        finally:
            pool.shutdown(wait=True)
