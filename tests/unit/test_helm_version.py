from __future__ import annotations

import pytest

from pyhelmfile.errors import HelmError
from pyhelmfile.helm.version import HelmVersion, parse_version


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("v3.15.3", HelmVersion(3, 15, 3)),
        ("v4.1.4\n", HelmVersion(4, 1, 4)),
        ("3.2.1-rc.1", HelmVersion(3, 2, 1, "-rc.1")),
    ],
)
def test_parse_version(text: str, expected: HelmVersion) -> None:
    assert parse_version(text) == expected


def test_versions_order() -> None:
    assert parse_version("v3.15.3") < parse_version("v4.1.4")


def test_garbage_is_an_error() -> None:
    with pytest.raises(HelmError, match="cannot parse helm version"):
        parse_version("not a version")
