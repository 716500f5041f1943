from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from pyhelmfile import __version__
from pyhelmfile.cli.main import COMMANDS, cli


def test_version_flag_prints_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_help_lists_every_registered_command() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output


def test_python_dash_m_works() -> None:
    proc = subprocess.run([sys.executable, "-m", "pyhelmfile", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0
    assert __version__ in proc.stdout


def test_expected_error_is_one_line_without_traceback() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pyhelmfile", "--helm-binary", "/nonexistent/helm", "version"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert proc.stderr.strip() == "error: helm binary not found: /nonexistent/helm"
    assert "Traceback" not in proc.stderr


def test_cli_import_is_light() -> None:
    """Start-up stays small: the CLI entry must not import rich, deepdiff or yaml."""
    code = (
        "import sys, pyhelmfile.cli.main;"
        "heavy = [m for m in ('rich', 'deepdiff', 'yaml') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == ""


def test_os_errors_are_one_line(tmp_path: Path) -> None:
    project = tmp_path
    (project / "helmfile.yaml").write_text("releases:\n- name: a\n  chart: x\n")
    proc = subprocess.run(
        [sys.executable, "-m", "pyhelmfile", "write-values", "--output-file-template", "/proc/nope/x.yaml"],
        capture_output=True,
        text=True,
        cwd=project,
    )
    assert proc.returncode == 1
    assert proc.stderr.strip() == "error: No such file or directory: /proc/nope"


def _pyhelmfile(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pyhelmfile", *args], capture_output=True, text=True, env={**os.environ, **env}
    )


def test_completion_script_and_answers() -> None:
    script = _pyhelmfile("completion", "bash")
    assert script.returncode == 0 and "_PYHELMFILE_COMPLETE=bash_complete" in script.stdout
    # what the script asks for when the user types `pyhelmfile tem<TAB>` and `pyhelmfile template --inc<TAB>`
    words = _pyhelmfile(_PYHELMFILE_COMPLETE="bash_complete", COMP_WORDS="pyhelmfile tem", COMP_CWORD="1")
    assert words.stdout.split() == ["plain,template"]
    flags = _pyhelmfile(_PYHELMFILE_COMPLETE="bash_complete", COMP_WORDS="pyhelmfile template --inc", COMP_CWORD="2")
    assert sorted(flags.stdout.split()) == [
        "plain,--include-crds",
        "plain,--include-needs",
        "plain,--include-transitive-needs",
    ]
    assert _pyhelmfile("completion", "tcsh").returncode == 2


def test_cache_info_and_cleanup(tmp_path: Path) -> None:
    verdicts = tmp_path / "pyhelmfile" / "verdicts"
    verdicts.mkdir(parents=True)
    (verdicts / ".key").write_bytes(b"k" * 32)
    (verdicts / "ab12").write_text("x" * 10)
    (verdicts / "cd34").write_text("y" * 5)
    info = _pyhelmfile("cache", "info", XDG_CACHE_HOME=str(tmp_path))
    assert info.stdout.splitlines() == [f"cache directory: {verdicts}", "remembered verdicts: 2 (15 bytes)"]
    assert _pyhelmfile("cache", "cleanup", XDG_CACHE_HOME=str(tmp_path)).returncode == 0
    assert not verdicts.exists()
    assert "remembered verdicts: 0 (0 bytes)" in _pyhelmfile("cache", "info", XDG_CACHE_HOME=str(tmp_path)).stdout


def test_charts_is_the_old_name_of_sync() -> None:
    result = CliRunner().invoke(cli, ["charts", "--help"])
    assert result.exit_code == 0 and "Usage: cli charts" in result.output and "--sync-args" in result.output


def test_a_malformed_selector_fails_before_any_state_file_is_read(tmp_path: Path) -> None:
    """-l is parsed at the CLI boundary: the broken helmfile below is never loaded, for any command."""
    (tmp_path / "helmfile.yaml").write_text("releases: [\n")  # would be a YAML error if it were read
    commands = (
        "list build template lint diff apply sync destroy delete status test why deps fetch repos show-dag write-values"
    )
    for command in commands.split():
        proc = subprocess.run(
            [sys.executable, "-m", "pyhelmfile", command, "-l", "name=a,tier"],
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )
        assert (proc.returncode, proc.stderr) == (
            1,
            "error: malformed label: tier. Expected label in form k=v or k!=v\n",
        ), command
