"""The helm runner: argument order, secrets kept out of messages."""

from __future__ import annotations

import sys

import pytest

from pyhelmfile.errors import HelmError
from pyhelmfile.helm.exec import Helm, mask_secrets, split_args


def test_connection_flags_first_extra_args_last() -> None:
    helm = Helm("helm", kubeconfig="/k", kube_context="stg", extra_args=["--debug"])
    assert helm.argv(["list"]) == ["helm", "--kubeconfig", "/k", "--kube-context", "stg", "list", "--debug"]


def test_secret_values_are_masked() -> None:
    argv = ["helm", "upgrade", "--set", "db.password=s3cr3t", "--password=p", "--set-string", "a=b", "x"]
    assert mask_secrets(argv) == ["helm", "upgrade", "--set", "***", "--password=***", "--set-string", "***", "x"]


def test_split_args_follows_shell_quoting() -> None:
    assert split_args('--wait --set "a=b c"') == ["--wait", "--set", "a=b c"]
    with pytest.raises(HelmError, match="cannot parse helm args"):
        split_args('--set "open')


def test_failure_names_masked_command_status_and_stderr() -> None:
    script = "import sys; sys.stderr.write('Error: nope\\n'); sys.exit(3)"
    helm = Helm(sys.executable)
    with pytest.raises(HelmError) as err:
        helm.run("-c", script, "--set", "token=abc")
    message = str(err.value)
    assert "exited with status 3: Error: nope" in message
    assert "token=abc" not in message
    assert "***" in message


def test_missing_binary_is_a_clear_error() -> None:
    with pytest.raises(HelmError, match="helm binary not found: /nonexistent/helm"):
        Helm("/nonexistent/helm").run("version")
