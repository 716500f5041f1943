"""The lazily loaded function maps: their name lists match the modules, and only used modules load."""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pyhelmfile.gotmpl import FuncMap, Template
from pyhelmfile.gotmpl.funcs import HELMFILE_FUNCS, OS_FUNCS, SPRIG_MODULES, helmfile_funcs, helmfile_layer, sprig_funcs


def test_sprig_name_lists_are_the_modules_funcs() -> None:
    for module, names in SPRIG_MODULES.items():
        funcs = importlib.import_module(f"pyhelmfile.gotmpl.funcs.{module}").FUNCS
        assert names.split() == list(funcs), module
    counts = Counter(n for names in SPRIG_MODULES.values() for n in names.split())
    assert [n for n, c in counts.items() if c > 1] == []


def test_helmfile_name_list_is_the_layer(tmp_path: Path) -> None:
    assert sorted(helmfile_layer(tmp_path, {}, len)) == sorted(HELMFILE_FUNCS)


def test_every_name_resolves_to_a_callable(tmp_path: Path) -> None:
    funcs = helmfile_funcs(tmp_path, env={}, pre_render=True)
    names = set(funcs)
    assert names == {n for ns in SPRIG_MODULES.values() for n in ns.split()} | set(OS_FUNCS) | set(HELMFILE_FUNCS)
    assert all(callable(funcs[name]) for name in names)
    assert funcs["get"] is not sprig_funcs()["get"]  # helmfile's get wins; sprig's is sprigGet
    assert funcs["readFile"]("missing") == ""  # the first pass's inert stand-in


def test_templates_keep_a_func_map_and_load_only_what_they_call() -> None:
    funcs = sprig_funcs(env={})
    assert Template("t", "{{ 1 }}", funcs).funcs is funcs
    plain = {"f": len}
    assert Template("t", "{{ 1 }}", plain).funcs is not plain  # other maps are copied
    code = (
        "import sys\n"
        "from pyhelmfile.gotmpl import render\n"
        "from pyhelmfile.gotmpl.funcs import sprig_funcs\n"
        "print(render('t', '{{ \"x\" | quote }}', {}, sprig_funcs(env={})))\n"
        "print(sorted(m for m in sys.modules if m.startswith('pyhelmfile.gotmpl.funcs.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ['"x"', "['pyhelmfile.gotmpl.funcs._conv', 'pyhelmfile.gotmpl.funcs._errors', "
                                "'pyhelmfile.gotmpl.funcs.strings']"]  # fmt: skip


def test_func_map_is_read_only_mapping() -> None:
    calls = []

    def load() -> dict[str, Callable[..., Any]]:
        calls.append(1)
        return {"a": len, "b": str}

    funcs = FuncMap({"a": load, "b": load})
    assert "a" in funcs and "c" not in funcs and len(funcs) == 2
    assert funcs.get("c") is None
    assert funcs["a"] is len and funcs["a"] is len
    assert calls == [1]
