"""Release values documents with vals references (state/values.py): evaluated, and marked secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyhelmfile.errors import ConfigError
from pyhelmfile.state.loader import DesiredStateLoader, LoadOptions
from pyhelmfile.state.values import merged_values, values_documents

HELMFILE = """\
releases:
  - name: app
    chart: ./chart
    values:
      - values/plain.yaml
      - values/refs.yaml
      - values/tmpl.yaml.gotmpl
      - inline: ref+file://data/doc.yaml#/inline
      - untouched: plain
"""


def _documents(root: Path) -> list:  # type: ignore[type-arg]
    st = DesiredStateLoader(LoadOptions()).load(str(root / "helmfile.yaml"))
    return values_documents(st, st.releases[0], lambda path: "")


def test_references_are_evaluated_from_the_state_directory_and_marked_secret(tmp_path: Path) -> None:
    (tmp_path / "values").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "doc.yaml").write_text("pass: p4ss\ninline: i\n")
    (tmp_path / "values" / "plain.yaml").write_text("a: 1\n")
    # relative to the state file's directory (helmfile runs there), not to the values file's
    (tmp_path / "values" / "refs.yaml").write_text("b: ref+file://data/doc.yaml#/pass\n")
    (tmp_path / "values" / "tmpl.yaml.gotmpl").write_text(
        'c: {{ fetchSecretValue "ref+file://data/doc.yaml#/pass" }}\n'
    )
    (tmp_path / "helmfile.yaml").write_text(HELMFILE)
    documents = _documents(tmp_path)
    assert [d.secret for d in documents] == [False, True, True, True, False]
    assert merged_values(documents) == {"a": 1, "b": "p4ss", "c": "p4ss", "inline": "i", "untouched": "plain"}


def test_a_failing_reference_names_the_values_file(tmp_path: Path) -> None:
    (tmp_path / "values").mkdir()
    (tmp_path / "values" / "plain.yaml").write_text("a: ref+file://nope.yaml#/x\n")
    (tmp_path / "helmfile.yaml").write_text(
        "releases:\n  - name: app\n    chart: ./chart\n    values: [values/plain.yaml]\n"
    )
    with pytest.raises(ConfigError) as err:
        _documents(tmp_path)
    assert str(err.value).endswith(
        "values/plain.yaml: expanding secret references: expand file://nope.yaml#/x: open nope.yaml: "
        "no such file or directory"
    )
