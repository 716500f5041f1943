from __future__ import annotations

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
