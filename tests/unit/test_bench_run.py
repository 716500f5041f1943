"""bench/run.py's bookkeeping: how many runs a case gets and how targets are judged."""

from __future__ import annotations

from bench import run


def test_runs_per_case_and_size() -> None:
    assert run.runs_for("list", 50, None) == run.DEFAULT_RUNS["list"]
    assert run.runs_for("example-template", run.EXAMPLE_N, None) == run.DEFAULT_RUNS["template"]
    # a cluster case at N=200 takes minutes per helmfile run: the large table's count
    assert run.runs_for("diff-noop", run.LARGE, None) == run.DEFAULT_RUNS_LARGE["cluster"]
    assert run.runs_for("apply-change-cold", 50, None) == run.DEFAULT_RUNS["cluster"]
    assert run.runs_for("diff-noop", run.LARGE, 1) == 1


def _result(case: str, n: int, helmfile: float, ours: float, label: str = "") -> run.Result:
    sample = run.Sample(wall=helmfile, own_kib=1, tree_kib=1, returncode=0)
    result = run.Result(case, n, 1, [sample], [run.Sample(wall=ours, own_kib=1, tree_kib=1, returncode=0)])
    result.label = label
    return result


def test_target_lines_judge_every_environment_of_the_example() -> None:
    results = [
        _result("example-list", run.EXAMPLE_N, 0.100, 0.080, "kube-app `-e stg`"),
        _result("example-list", run.EXAMPLE_N, 0.100, 0.120, "kube-app `-e prd`"),
        _result("list", 50, 0.400, 0.200),
    ]
    lines = run.target_lines(results)
    assert any("`example-list` kube-app `-e stg` | ≤ 1.00 | 0.80 | met" in line for line in lines)
    assert any("`example-list` kube-app `-e prd` | ≤ 1.00 | 1.20 | missed: 1.2x the target" in line for line in lines)
    assert any("`list` | ≤ 1.00 | 0.50 | met" in line for line in lines)
    assert any("`template` | ≤ 0.50 | not measured in this run" in line for line in lines)
