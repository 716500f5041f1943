from __future__ import annotations

import pytest

from tests.support.toolchain import Toolchain, toolchain


@pytest.fixture(scope="session")
def tools() -> Toolchain:
    return toolchain()
