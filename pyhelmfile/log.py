"""Log lines to stderr at helmfile's levels, without importing `logging` unless something is logged.

Start-up time matters: most runs log nothing, so the standard library's logging (a few
milliseconds to import) is only set up on the first message.
"""

from __future__ import annotations

import sys
from typing import Any

LEVELS = {"debug": 10, "info": 20, "warn": 30, "warning": 30, "error": 40}
_level = LEVELS["info"]


def set_level(name: str) -> None:
    global _level
    _level = LEVELS.get(name.lower(), LEVELS["info"])


def enabled(name: str) -> bool:
    """Whether messages of this level are shown."""
    return LEVELS.get(name.lower(), LEVELS["info"]) >= _level


def _emit(level: int, message: str, args: tuple[Any, ...]) -> None:
    if level >= _level:
        # One write per line, so lines from parallel helm jobs never interleave mid-line.
        sys.stderr.write((message % args if args else message) + "\n")
        sys.stderr.flush()


def debug(message: str, *args: Any) -> None:
    _emit(10, message, args)


def info(message: str, *args: Any) -> None:
    _emit(20, message, args)


def warning(message: str, *args: Any) -> None:
    _emit(30, message, args)
