"""The error type template functions raise; the engine reports it as `error calling NAME: MSG`."""

from __future__ import annotations

from pyhelmfile.gotmpl import FuncError

__all__ = ["FuncError"]
