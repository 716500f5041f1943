"""The `pyhelmfile` command's entry point: settings for the whole process, then the CLI."""

from __future__ import annotations

import gc


def main() -> None:
    # A run is short and its data is freed by reference counting, not by the cycle collector:
    # collect cycles in large batches. With the default threshold (700 allocations) start-up
    # alone runs some 30 collections over the modules it imports, about 8 ms of a `list`.
    gc.set_threshold(100_000)
    from pyhelmfile.cli.main import main as run

    try:
        run()
    finally:
        # Interpreter shutdown runs full collections over every object still alive (all the
        # imported modules): some 15% of a `list`. Frozen objects are left out of them; memory
        # goes back to the system with the process, and atexit handlers still run.
        gc.freeze()
