"""`python scripts/testcluster ...` (this directory run as a script) or `python -m scripts.testcluster ...`."""

import sys
from pathlib import Path

if not __package__:
    # Run as a directory: sys.path[0] is this directory, whose modules (build, cli, ...) must not be
    # importable as top-level names; the repository root makes `scripts.testcluster` importable instead.
    here = Path(__file__).resolve().parent
    root = str(here.parents[1])
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    if root not in sys.path:
        sys.path.insert(0, root)

from scripts.testcluster.cli import main

if __name__ == "__main__":
    sys.exit(main())
