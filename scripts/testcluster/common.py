"""What every step shares: the repository root, the progress/error line on stderr, and the error type."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def log(message: str) -> None:
    print(f"testcluster: {message}", file=sys.stderr, flush=True)


class ClusterError(Exception):
    pass
