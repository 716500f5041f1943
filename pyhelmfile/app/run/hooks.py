"""Release hooks (`hooks:` with `events:`), run as helmfile's event bus runs them.

Each hook whose events include the event runs its command (no shell) in the state file's
directory, with `command` and `args` rendered as templates that see `.Release`, `.Values`,
`.Environment`, `.Event.Name`, `.Event.Error` and `.HelmfileCommand`. A failing hook fails
the release; `showlogs: true` prints its output.
"""

from __future__ import annotations

from typing import Any

from pyhelmfile import children, log
from pyhelmfile.errors import PyhelmfileError
from pyhelmfile.state.loader import HelmState
from pyhelmfile.state.spec import ReleaseSpec


class HookError(PyhelmfileError):
    """A hook's command failed or could not be rendered."""


def release_struct(release: ReleaseSpec) -> dict[str, Any]:
    """A release as Go templates see helmfile's ReleaseSpec struct (the fields hooks use)."""
    return {
        "Name": release.name,
        "Namespace": release.namespace,
        "Chart": release.chart,
        "ChartPath": release.chart_path,
        "Version": release.version,
        "Labels": release.labels,
        "KubeContext": release.kube_context,
        "Needs": release.needs,
        "Installed": release.installed,
        "Values": release.values,
    }


def trigger(st: HelmState, release: ReleaseSpec, event: str, command_name: str, error: str | None = None) -> bool:
    """Run the release's hooks for `event`; True if any ran."""
    from pyhelmfile.state.render import Renderer

    ran = False
    for hook in release.hooks:
        if event not in hook.events:
            continue
        name = hook.name or ("kubectlApply" if hook.kubectl_apply else hook.command)
        command, args = hook.command, list(hook.args)
        if hook.kubectl_apply:
            if "filename" in hook.kubectl_apply and "kustomize" in hook.kubectl_apply:
                raise HookError(f"hook[{name}]: kustomize & filename cannot be used together")
            if "filename" in hook.kubectl_apply:
                command, args = "kubectl", ["apply", "-f", hook.kubectl_apply["filename"]]
            elif "kustomize" in hook.kubectl_apply:
                command, args = "kubectl", ["apply", "-k", hook.kubectl_apply["kustomize"]]
            else:
                raise HookError(f"hook[{name}]: either kustomize or filename must be given")
        data = {
            "Environment": st.env.template_data(),
            "Namespace": st.spec.namespace,
            "Event": {"Name": event, "Error": error},
            "Values": st.rendered_values,
            "Release": release_struct(release),
            "HelmfileCommand": command_name,
        }
        renderer = Renderer(st.base_path, data)
        try:
            command = renderer.render(command)
            args = [renderer.render(a) for a in args]
        except PyhelmfileError as exc:
            raise HookError(f"hook[{name}]: {exc}") from None
        log.debug("hook[%s]: triggered by event %r", name, event)
        try:
            proc = children.run([command, *args], cwd=st.base_path or None)
        except OSError as exc:
            raise HookError(f"hook[{name}]: command `{command}` failed: {exc.strerror}") from None
        output = proc.stdout + proc.stderr
        if hook.showlogs and output:
            prefix = f"\nhook[{event}] logs | "
            log.info("%s", prefix + output.replace("\n", prefix))
        if proc.returncode != 0:
            raise HookError(f"hook[{name}]: command `{command}` failed: exit status {proc.returncode}")
        ran = True
    return ran
