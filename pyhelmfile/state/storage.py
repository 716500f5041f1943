"""Finding the files a state file names: relative to its directory, globbed, missing-file handling."""

from __future__ import annotations

import glob
import os

from pyhelmfile import log
from pyhelmfile.errors import ConfigError

MISSING_FILE_HANDLERS = ("Error", "Warn", "Info", "Debug")


def _has_scheme(path: str) -> bool:
    if ":" not in path:  # no scheme without a colon: most paths need no URL parser (a slow import)
        return False
    from urllib.parse import urlparse

    return bool(urlparse(path).scheme)


class Storage:
    def __init__(self, file_path: str, base_path: str) -> None:
        self.file_path = file_path
        self.base_path = base_path

    def normalize(self, path: str) -> str:
        if _has_scheme(path) or os.path.isabs(path):
            return path
        return os.path.normpath(os.path.join(self.base_path, path))  # Go's filepath.Join cleans too

    def expand(self, pattern: str) -> list[str]:
        """Go's filepath.Glob (which also matches dot files), sorted."""
        return sorted(glob.glob(self.normalize(pattern), include_hidden=True))

    def resolve(self, handler: str | None, kind: str, path: str) -> list[str] | None:
        """The files matching path, or None when missing and the handler says to skip."""
        files = self.expand(path)
        if files:
            return files
        handler_id = handler if handler is not None else "Error"
        title = f"{kind} file"
        if handler_id == "Error":
            raise ConfigError(f'{title} matching "{path}" does not exist in "{self.base_path}"')
        if handler_id in MISSING_FILE_HANDLERS:
            emit = {"Warn": log.warning, "Info": log.info, "Debug": log.debug}[handler_id]
            emit('skipping missing %s matching "%s"', title, path)
            return None
        raise ConfigError(
            f'invalid missing file handler "{handler_id}" while processing "{path}" in "{self.file_path}": '
            f"it must be one of {', '.join(MISSING_FILE_HANDLERS)}"
        )
