"""Environments (`-e NAME`): name, kube context and values, merged as helmfile merges them."""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import Any

from pyhelmfile.state.merge import merge_values

DEFAULT_ENV = "default"


def yaml_roundtrip(value: Any) -> Any:
    """What a value becomes after yaml.v2 Marshal + Unmarshal, as helmfile's DeepCopy does.

    Marshal writes float64 with strconv's shortest 'g' format, so an integral float below
    1e6 (`1.0`, `123456.0`) comes back as an int; everything else keeps its type.
    """
    if isinstance(value, dict):
        return {k: yaml_roundtrip(v) for k, v in value.items()}
    if isinstance(value, list):
        return [yaml_roundtrip(v) for v in value]
    if isinstance(value, float) and math.isfinite(value) and value.is_integer() and abs(value) < 1e6:
        return int(value)
    return value


@dataclass(repr=False, eq=False)  # generated __repr__/__eq__ cost start-up time
class Environment:
    """An environment: its name, kube context, values and defaults."""

    name: str
    kube_context: str = ""
    values: dict[str, Any] | None = field(default_factory=dict)
    defaults: dict[str, Any] | None = field(default_factory=dict)

    def deep_copy(self) -> Environment:
        return Environment(
            name=self.name,
            kube_context=self.kube_context,
            values=yaml_roundtrip(self.values or {}),
            defaults=yaml_roundtrip(self.defaults or {}),
        )

    def merge(self, other: Environment | None) -> Environment:
        """A copy of self with other merged over it (mergo WithOverride)."""
        result = self.deep_copy()
        if other is not None:
            if other.name:
                result.name = other.name
            if other.kube_context:
                result.kube_context = other.kube_context
            result.values = merge_values(result.values or {}, copy.deepcopy(other.values or {}))
            result.defaults = merge_values(result.defaults or {}, copy.deepcopy(other.defaults or {}))
        return result

    def merged_values(self) -> dict[str, Any]:
        """Defaults with values over them: what templates see as `.Values`."""
        result: dict[str, Any] = {}
        merge_values(result, copy.deepcopy(self.defaults or {}))
        merge_values(result, copy.deepcopy(self.values or {}))
        return result

    def template_data(self) -> dict[str, Any]:
        """`.Environment` in templates."""
        return {
            "Name": self.name,
            "KubeContext": self.kube_context,
            "Values": self.values if self.values is not None else {},
            "Defaults": self.defaults if self.defaults is not None else {},
        }


def merge_envs(base: Environment | None, other: Environment | None) -> Environment | None:
    """Go's (*Environment).Merge on a possibly nil receiver."""
    if base is None:
        return other.deep_copy() if other is not None else None
    return base.merge(other)
