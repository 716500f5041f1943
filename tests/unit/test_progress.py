"""Progress display: spinner lines on a terminal only; rich not even imported otherwise."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from pyhelmfile.app.run.parallel import run_parallel
from tests.support.terminal import run_on_terminal

SCRIPT = """
import sys, time
from pyhelmfile import log
from pyhelmfile.app.run.parallel import run_parallel
if "-q" in sys.argv:
    log.set_level("warn")
def job(n):
    def run():
        time.sleep(0.3)
        log.info("finished %s", n)
        return n
    return run
results = run_parallel([job(1), job(2)], 0, ["Templating release=one", "Templating release=two"])
print(results, "rich" in sys.modules)
"""


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYHELMFILE_PROGRESS")}
    return {**env, "TERM": "xterm", **extra}


def test_results_keep_job_order_with_labels() -> None:
    def slow(n: int, delay: float) -> int:
        time.sleep(delay)
        return n

    jobs = [lambda: slow(1, 0.2), lambda: slow(2, 0.0), lambda: slow(3, 0.1)]
    assert run_parallel(jobs, 0, ["a", "b", "c"]) == [1, 2, 3]


def test_spinner_lines_on_a_terminal() -> None:
    run = run_on_terminal([sys.executable, "-c", SCRIPT], env=_env())
    assert run.stdout == "[1, 2] True\n"
    assert "Templating release=one" in run.terminal and "Templating release=two" in run.terminal
    assert "\x1b[" in run.terminal  # drawn, then cleared
    assert "finished 1" in run.terminal and "finished 2" in run.terminal  # log lines print above and stay


def test_nothing_drawn_and_no_rich_in_pipes_ci_or_quiet() -> None:
    piped = subprocess.run([sys.executable, "-c", SCRIPT], env=_env(), capture_output=True, text=True, check=True)
    assert piped.stdout == "[1, 2] False\n"
    assert piped.stderr == "finished 1\nfinished 2\n" or piped.stderr == "finished 2\nfinished 1\n"
    ci = run_on_terminal([sys.executable, "-c", SCRIPT], env=_env(CI="true"))
    assert ci.stdout == "[1, 2] False\n" and "\x1b[" not in ci.terminal
    quiet = run_on_terminal([sys.executable, "-c", SCRIPT, "-q"], env=_env())
    assert quiet.stdout == "[1, 2] False\n" and quiet.terminal == ""
