"""SIGTERM (a cancelled CI job) ends a run as Ctrl-C does: helm is stopped, decrypted values are removed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.support.example import copy_example, example_env
from tests.support.toolchain import Toolchain

SECRET = b"madeup-stg-db-Zq8v"  # a value in the example's sops-encrypted stg secrets

# A post-renderer that says it started (its own PID and helm's), then holds helm until told to stop.
SLOW = """\
#!/bin/sh
echo "$$ $PPID" > started.tmp && mv started.tmp started
while [ ! -f stop ]; do sleep 0.1; done
cat
"""


def _wait_for(path: Path, proc: subprocess.Popen[str], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, f"{path} did not appear within {seconds}s"
        time.sleep(0.1)


def _gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return True
        if state == "Z":
            return True  # exited, waiting for a parent that no longer exists to reap it
        time.sleep(0.1)
    return False


def test_sigterm_stops_helm_and_removes_the_decrypted_values(
    tools: Toolchain, example_repo: str, tmp_path: Path
) -> None:
    env = example_env(tools, example_repo, tmp_path / "home")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env["TMPDIR"] = str(scratch)
    root = copy_example(tmp_path / "p")
    slow = root / "slow.sh"
    slow.write_text(SLOW)
    slow.chmod(0o755)
    argv = [sys.executable, "-m", "pyhelmfile", "--helm-binary", tools.helm3, "-e", "stg", "-l", "name=linoapp"]
    proc = subprocess.Popen(
        [*argv, "template", "--post-renderer", str(slow)],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    renderer = helm = 0
    try:
        _wait_for(root / "started", proc, 180)
        renderer, helm = (int(pid) for pid in (root / "started").read_text().split())
        # helm is running with the decrypted secrets in pyhelmfile's private directory
        private = [p for p in scratch.iterdir() if p.name.startswith("pyhelmfile-values-")]
        assert len(private) == 1 and oct(private[0].stat().st_mode & 0o777) == "0o700"
        assert any(SECRET in f.read_bytes() for f in private[0].rglob("*") if f.is_file())
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        (root / "stop").touch()  # lets the post-renderer (helm's child) finish
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 128 + signal.SIGTERM, stderr
    assert stderr.strip().splitlines()[-1] == "Terminated (SIGTERM).", stderr
    assert "Traceback" not in stderr and stdout == ""
    assert _gone(helm, 10), "helm was left running"
    assert _gone(renderer, 10)
    leftovers = [p for p in scratch.rglob("*") if p.name.startswith("pyhelmfile-")]
    assert leftovers == []
    for path in scratch.rglob("*"):
        if path.is_file():
            assert SECRET not in path.read_bytes(), path
    assert os.path.exists(root / "stop")
