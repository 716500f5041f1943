"""A per-run helm plugins directory: the user's plugins linked in, beside plugins pyhelmfile adds for one run.

helm 4 reads getter plugins from a single plugins directory, so a run that must give helm a plugin of
its own (the `s3://` downloader, a post-renderer wrapper) points HELM_PLUGINS at a private directory
holding that plugin and links to each of the user's plugins (from their `HELM_PLUGINS`, else helm's
default), made once per run and removed with the run's other private files.

helm 4 also takes `--post-renderer` as the name of a `postrenderer/v1` plugin, where helm 3 (and so
helmfile's `postRenderer:`) takes an executable. For helm 4, each such executable gets a tiny plugin
here that runs it with the same arguments, and the command line names that plugin instead.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil

_POST_RENDERER_YAML = """\
apiVersion: v1
name: {name}
type: postrenderer/v1
runtime: subprocess
version: 0.1.0
runtimeConfig:
  platformCommand:
    - command: "${{HELM_PLUGIN_DIR}}/run"
"""


def user_plugin_dirs() -> list[str]:
    """Where helm would look for plugins: $HELM_PLUGINS (a path list), else helm's data home."""
    explicit = os.environ.get("HELM_PLUGINS")
    if explicit:
        return [d for d in explicit.split(os.pathsep) if d]
    data = os.environ.get("HELM_DATA_HOME") or os.path.join(
        os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share"), "helm"
    )
    return [os.path.join(data, "plugins")]


def run_dir(parent: str) -> str:
    """Create `parent`/helm-plugins (0700) with a link to each of the user's plugins; returns its path."""
    root = os.path.join(parent, "helm-plugins")
    os.makedirs(root, mode=0o700)
    for directory in user_plugin_dirs():
        try:
            entries = sorted(os.listdir(directory))
        except OSError:
            continue
        for entry in entries:
            source = os.path.join(directory, entry)
            target = os.path.join(root, entry)
            if os.path.isfile(os.path.join(source, "plugin.yaml")) and not os.path.lexists(target):
                os.symlink(os.path.abspath(source), target)
    return root


def add_plugin(root: str, name: str, manifest: str, scripts: dict[str, str]) -> str:
    """Write plugin `name` (its plugin.yaml and executable scripts) into `root`, once; returns its directory."""
    own = os.path.join(root, name)
    if os.path.lexists(own) and not os.path.islink(own):
        return own  # added earlier this run
    if os.path.islink(own):
        os.unlink(own)  # ours takes the name (a user's plugin of the same name is not reachable this run)
    os.makedirs(own, mode=0o700)
    with open(os.path.join(own, "plugin.yaml"), "w", encoding="utf-8") as fh:
        fh.write(manifest)
    for script, text in scripts.items():
        path = os.path.join(own, script)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(path, 0o700)
    return own


def _installed_plugin(name: str) -> bool:
    """Whether one of the user's plugin directories holds a plugin directory called `name`."""
    return any(os.path.isfile(os.path.join(d, name, "plugin.yaml")) for d in user_plugin_dirs())


def post_renderer_executable(renderer: str, cwd: str) -> str | None:
    """The executable a helm 3 style `--post-renderer` names (a path, relative to helm's working directory,
    or a command on PATH), or None when it is left to helm as it is (an installed plugin's name, or nothing
    that exists: helm then says what is wrong)."""
    if os.sep in renderer:
        path = renderer if os.path.isabs(renderer) else os.path.join(cwd, renderer)
        return os.path.abspath(path) if os.path.isfile(path) else None
    if _installed_plugin(renderer):
        return None
    found = shutil.which(renderer)
    return os.path.abspath(found) if found else None


def add_post_renderer(root: str, executable: str) -> str:
    """A `postrenderer/v1` plugin in `root` that runs `executable` with helm's --post-renderer-args;
    returns the plugin's name (one per executable)."""
    name = "pyhelmfile-postrender-" + hashlib.sha256(executable.encode()).hexdigest()[:12]
    # helm splits a plugin command on spaces: a script in the plugin's own directory runs the real path
    run = f'#!/bin/sh\nexec {shlex.quote(executable)} "$@"\n'
    add_plugin(root, name, _POST_RENDERER_YAML.format(name=name), {"run": run})
    return name
