"""mypy (strict) and ruff as part of the test run: type hints everywhere, and options the app only reads
(app/run/options.py's `frozen` classes are read-only to mypy, not at run time)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_mypy_strict() -> None:
    proc = run(str(BIN / "mypy"))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_lint_and_format() -> None:
    trees = ("pyhelmfile", "tests", "scripts", "bench")
    check = run(str(BIN / "ruff"), "check", *trees)
    assert check.returncode == 0, check.stdout + check.stderr
    fmt = run(str(BIN / "ruff"), "format", "--check", *trees)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_mypy_refuses_to_change_options(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from pyhelmfile.app.run.release_options import ApplyOptions\n\n\n"
        "def change(opts: ApplyOptions) -> None:\n    opts.compare = False\n"
    )
    proc = run(str(BIN / "mypy"), "--strict", str(probe))
    assert proc.returncode == 1 and 'Property "compare" defined in "ApplyOptions" is read-only' in proc.stdout
