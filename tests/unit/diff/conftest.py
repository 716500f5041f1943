from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def webapp() -> str:
    """`helm template demo tests/data/diff/webapp -n shop` as helm 3.15.3 prints it."""
    return (DATA / "webapp.yaml").read_text()


@pytest.fixture(scope="session")
def webapp_reformatted() -> str:
    """The same objects written differently (no test hook)."""
    return (DATA / "webapp-reformatted.yaml").read_text()


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)
