"""The error type template functions raise; the engine reports it as `error calling NAME: MSG`."""

from __future__ import annotations

try:  # the engine owns the class; until it is importable, any Exception does the same job
    from pyhelmfile.gotmpl import FuncError
except ImportError:  # pragma: no cover - only while the engine is absent

    class FuncError(Exception):  # type: ignore[no-redef]
        """A template function failed."""


__all__ = ["FuncError"]
