"""Secret values replaced by placeholders before anything shows a diff (helm-diff's redactSecrets).

helm-diff decodes a Secret's `data` (base64) and merges `stringData` into it, as the API
server does, then writes each value as one of
  'REDACTED # (N bytes)'   the value is the same on both sides,
  '-------- # (N bytes)'   the old value (changed or removed),
  '++++++++ # (N bytes)'   the new value (changed or added),
under `data`, and drops `stringData`. So a diff shows which keys changed and their sizes but
never a value. The placeholders are computed pairwise: whether a value changed needs both sides.

The text a diff shows for a masked Secret is helm-diff's too: the object read into a Go
v1.Secret (fields it does not know are lost) and written by Kubernetes' YAML serializer (JSON,
then yaml.v2 with sorted keys), the placeholders under `stringData` renamed `data`, the
`creationTimestamp: null` the serializer adds removed, after the document's first line when it
is a comment (the "# Source:" line).

Beyond helm-diff: kubectl's last-applied-configuration annotation holds a copy of the whole
object (data included), so on a Secret its value is replaced by a placeholder too.
"""

from __future__ import annotations

import base64
import binascii
import copy
from typing import Any

from pyhelmfile.diff.manifest import Resource, with_object

LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration"


def is_secret(res: Resource | None) -> bool:
    return res is not None and res.kind == "Secret"


def redact_pair(old: Resource | None, new: Resource | None) -> tuple[Resource | None, Resource | None]:
    """`old` and `new` with their Secret values replaced by placeholders (others unchanged)."""
    if not (is_secret(old) or is_secret(new)):
        return old, new
    old_data = secret_bytes(old.obj) if old is not None else {}
    new_data = secret_bytes(new.obj) if new is not None else {}
    old_obj = old.obj if old is not None else None
    new_obj = new.obj if new is not None else None
    if old is not None:
        masked = _masked(old.obj, new_obj, old_data, new_data if new is not None else None, "--------")
        old = with_object(old, masked, secret_text(old, masked))
    if new is not None:
        masked = _masked(new.obj, old_obj, new_data, old_data if old_obj is not None else None, "++++++++")
        new = with_object(new, masked, secret_text(new, masked))
    return old, new


# v1.ObjectMeta's fields as Go's JSON decoder fills them: (name, type); others are lost
_META_FIELDS: tuple[tuple[str, type], ...] = (
    ("name", str),
    ("generateName", str),
    ("namespace", str),
    ("selfLink", str),
    ("uid", str),
    ("resourceVersion", str),
    ("generation", int),
    ("deletionGracePeriodSeconds", int),
    ("labels", dict),
    ("annotations", dict),
    ("finalizers", list),
)
_OWNER_FIELDS: tuple[tuple[str, type], ...] = (
    ("apiVersion", str),
    ("kind", str),
    ("name", str),
    ("uid", str),
    ("controller", bool),
    ("blockOwnerDeletion", bool),
)


def secret_text(res: Resource, masked: Any) -> str:
    """What helm-diff shows for a masked Secret (see the module's docstring); `masked` is `_masked`'s object."""
    from pyhelmfile.golang import goyaml

    obj = masked if isinstance(masked, dict) else {}  # its annotations masked too
    bad: list[str] = []  # fields Go's decoder refuses: helm-diff then loses the Source line too
    out: dict[str, Any] = {}
    for key in ("apiVersion", "kind", "type"):
        value = _typed(obj.get(key), str, bad)
        if value:
            out[key] = value
    immutable = _typed(obj.get("immutable"), bool, bad)
    if immutable is not None:
        out["immutable"] = immutable
    out["metadata"] = _fields(obj.get("metadata"), _META_FIELDS, bad)
    if "ownerReferences" in (obj.get("metadata") or {}):
        owners = _typed(obj["metadata"]["ownerReferences"], list, bad) or []
        refs = [_fields(o, _OWNER_FIELDS, bad) for o in owners]
        if refs:
            out["metadata"]["ownerReferences"] = refs
    out["metadata"]["creationTimestamp"] = None
    values = obj.get("data")
    if values:
        out["stringData"] = dict(values)
    text = goyaml.dump(out).replace("stringData", "data", 1).replace("  creationTimestamp: null\n", "", 1)
    first, newline, _ = res.text.partition("\n")
    return (first + newline if newline and first.startswith("#") and not bad else "") + text


def _typed(value: Any, kind: type, bad: list[str]) -> Any:
    """`value` when Go's JSON decoder would take it into a field of this type (null: the zero value)."""
    if value is None:
        return None
    if kind is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind is not int and isinstance(value, kind):
        return value
    bad.append("")
    return None


def _fields(value: Any, fields: tuple[tuple[str, type], ...], bad: list[str]) -> dict[str, Any]:
    """The known fields of a Go struct decoded from `value`, as JSON writes them back (empty ones left out)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        bad.append("")
        return {}
    out: dict[str, Any] = {}
    for name, kind in fields:
        field = _typed(value.get(name), kind, bad)
        if kind is dict and field:
            field = {str(k): _string(v, bad) for k, v in field.items()}
        elif kind is list and field:
            field = [_string(v, bad) for v in field]
        if field or (kind is bool and field is not None):
            out[name] = field
    return out


def _string(value: Any, bad: list[str]) -> str:
    """A map's or list's string element (null: "")."""
    if value is None or isinstance(value, str):
        return value or ""
    bad.append("")
    return ""


def secret_bytes(obj: Any) -> dict[str, bytes]:
    """A Secret's values as the API server stores them: `data` decoded, `stringData` merged over it."""
    out: dict[str, bytes] = {}
    if not isinstance(obj, dict):
        return out
    data = obj.get("data")
    if isinstance(data, dict):
        for k, v in data.items():
            out[str(k)] = _decode(v)
    string_data = obj.get("stringData")
    if isinstance(string_data, dict):
        for k, v in string_data.items():
            out[str(k)] = ("" if v is None else str(v)).encode()
    return out


def _decode(value: Any) -> bytes:
    if value is None:
        return b""
    text = value if isinstance(value, str) else str(value)
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return text.encode()  # not base64 (the API server would refuse it): still never shown


def _placeholder(value: bytes, other: bytes | None, changed: str) -> str:
    return f"{'REDACTED' if other == value else changed} # ({len(value)} bytes)"


def _masked(obj: Any, other_obj: Any, mine: dict[str, bytes], other: dict[str, bytes] | None, changed: str) -> Any:
    """`obj` with placeholders; `other` is the other side's values (None when there is no other side)."""
    out = copy.deepcopy(obj) if isinstance(obj, dict) else {}
    out.pop("stringData", None)
    out.pop("data", None)
    if mine:
        out["data"] = {k: _placeholder(v, None if other is None else other.get(k), changed) for k, v in mine.items()}
    ann = _annotations(out)
    if LAST_APPLIED_ANNOTATION in ann:
        value = str(ann[LAST_APPLIED_ANNOTATION]).encode()
        theirs = _annotations(other_obj).get(LAST_APPLIED_ANNOTATION)
        ann[LAST_APPLIED_ANNOTATION] = _placeholder(value, None if theirs is None else str(theirs).encode(), changed)
    return out


def _annotations(obj: Any) -> dict[Any, Any]:
    meta = obj.get("metadata") if isinstance(obj, dict) else None
    ann = meta.get("annotations") if isinstance(meta, dict) else None
    return ann if isinstance(ann, dict) else {}
