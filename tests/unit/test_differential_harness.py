"""The differential harness itself: what counts as the same result."""

from __future__ import annotations

import pytest

from tests.support.differential import Run, assert_same, normalise


def run(code: int, out: str) -> Run:
    return Run(("x",), code, out, "")


def test_normalise_drops_trailing_whitespace_and_blank_edges() -> None:
    assert normalise("\n\na: 1  \nb: 2\t\n\n") == "a: 1\nb: 2\n"


def test_normalise_replaces_run_specific_text() -> None:
    assert normalise("/tmp/abc123/chart", replace={"/tmp/abc123": "<tmp>"}) == "<tmp>/chart\n"


def test_same_output_passes() -> None:
    assert_same(run(0, "a: 1\n"), run(0, "a: 1  \n"))


def test_different_output_fails() -> None:
    with pytest.raises(AssertionError, match="outputs differ"):
        assert_same(run(0, "a: 1\n"), run(0, "a: 2\n"))


def test_failure_versus_success_fails() -> None:
    with pytest.raises(AssertionError, match="exit status differs"):
        assert_same(run(1, ""), run(0, "a: 1\n"))


def test_both_failing_is_the_same_result() -> None:
    assert_same(run(1, "x"), run(3, "y"))
