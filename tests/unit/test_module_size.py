"""No module over ~500 lines without a reason written at its top ("Long because: ..." in its docstring):
a long module is either a faithful port that reads best beside its Go original, or a sign to split."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 500
# the project's own code, besides the package: test infrastructure and the benchmark
TREES = ("pyhelmfile", "scripts", "bench", "tests/support")


def too_long(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    if text.count("\n") <= LIMIT:
        return False
    doc = ast.get_docstring(ast.parse(text)) or ""
    return "Long because:" not in doc


def test_long_modules_say_why() -> None:
    files = [p for tree in TREES for p in sorted((ROOT / tree).rglob("*.py"))]
    assert files, "no sources found"
    assert [str(p.relative_to(ROOT)) for p in files if too_long(p)] == []


def test_the_check_sees_a_long_module_without_a_reason(tmp_path: Path) -> None:
    long = tmp_path / "long.py"
    long.write_text('"""A module."""\n' + "x = 1\n" * (LIMIT + 1))
    assert too_long(long)
    long.write_text('"""A module.\n\nLong because: a table.\n"""\n' + "x = 1\n" * (LIMIT + 1))
    assert not too_long(long)
