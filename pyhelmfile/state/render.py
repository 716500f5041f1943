"""Rendering state files and values files as helmfile's pkg/tmpl does.

Every render uses Go template semantics with sprig and helmfile's functions, the template
name `stringTemplate` (so errors read like helmfile's), `missingkey=error` (`missingkey=zero`
in the first pass of a v0 state file, where side-effect functions return empty results),
and the `_*.tpl` helper templates found in the base directory.
"""

from __future__ import annotations

import functools
import glob
import os
from typing import TYPE_CHECKING, Any

from pyhelmfile.errors import ConfigError
from pyhelmfile.gotmpl import TemplateError

if TYPE_CHECKING:
    from pyhelmfile.gotmpl import FuncMap

TEMPLATE_NAME = "stringTemplate"


@functools.lru_cache(maxsize=64)
def _funcs(base_dir: str, pre_render: bool, workdir: str) -> FuncMap:
    """helmfile's function map for a directory; built once per run (it reads the environment live).

    Secret references are evaluated by the run's vals runtime, relative paths (`ref+file://`,
    `ref+sops://`) against `workdir`: helmfile runs in the state file's directory.
    """
    from pyhelmfile.gotmpl.funcs import helmfile_funcs

    def secret_refs(values: dict[str, Any]) -> dict[str, Any]:
        from pyhelmfile.secrets.vals import runtime  # only when a template uses secret references

        return runtime().evaluator(workdir)(values)

    return helmfile_funcs(base_dir, pre_render=pre_render, secret_refs=secret_refs)


@functools.lru_cache(maxsize=64)
def _helper_templates(base_dir: str) -> tuple[tuple[str, str], ...]:
    """The `_*.tpl` files of a directory (path, text), read once per run."""
    helpers = []
    for path in sorted(glob.glob(os.path.join(base_dir, "_*.tpl"))):
        with open(path, encoding="utf-8") as fh:
            helpers.append((path, fh.read()))
    return tuple(helpers)


class Renderer:
    """Renders text found in `base_dir`; `workdir` is the state file's directory (default: base_dir)."""

    def __init__(self, base_dir: str, data: Any, *, pre_render: bool = False, workdir: str | None = None) -> None:
        self.base_dir = base_dir
        self.data = data
        self.pre_render = pre_render
        self.workdir = base_dir if workdir is None else workdir

    def _template(self, text: str) -> Any:
        """The text parsed as `stringTemplate`, with the defines of the `_*.tpl` helpers beside it."""
        from pyhelmfile import gotmpl

        funcs = _funcs(self.base_dir, self.pre_render, self.workdir)
        missingkey = "zero" if self.pre_render else "error"
        template = None
        for path, helper in _helper_templates(self.base_dir):
            try:
                if template is None:
                    template = gotmpl.Template(TEMPLATE_NAME, helper, funcs, missingkey=missingkey)
                else:
                    template = template.new_sibling(TEMPLATE_NAME, helper)
            except gotmpl.TemplateError as exc:
                raise ConfigError(f"failed to parse helper template {path}: {exc}") from None
        if template is None:
            return gotmpl.Template(TEMPLATE_NAME, text, funcs, missingkey=missingkey)
        return template.new_sibling(TEMPLATE_NAME, text)

    def render(self, text: str) -> str:
        """The rendered text; failures raise gotmpl.TemplateError (with Go's partial output)."""
        output: str = self._template(text).execute(self.data)
        return output

    def render_file(self, path: str) -> str:
        """A values file's text: rendered if its name ends in .gotmpl, else as it is."""
        try:
            with open(path, encoding="utf-8") as fh:
                content = fh.read()
        except OSError as exc:
            raise ConfigError(f"failed to load [{path}]: {exc.strerror}") from None
        if path.endswith(".gotmpl"):
            try:
                return self.render(content)
            except TemplateError as exc:
                raise ConfigError(f"failed to render [{path}], because of {exc}") from None
        return content
