"""sprig's urlParse/urlJoin (Go's net/url) and getHostByName (loopback names only: no network)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, unquote

from pyhelmfile.gotmpl.funcs._conv import as_map, as_str
from pyhelmfile.gotmpl.funcs._errors import FuncError

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+\-.]*")


def _unescape(s: str) -> str:
    if re.search(r"%(?![0-9A-Fa-f]{2})", s):
        bad = re.search(r"%.{0,2}", s)
        raise FuncError(f'unable to parse url: invalid URL escape "{bad.group(0) if bad else "%"}"')
    return unquote(s, errors="surrogateescape")


def url_parse(v: Any) -> dict[str, Any]:
    """url.Parse, reduced to the fields sprig returns."""
    rest = as_str(v)
    frag = ""
    if "#" in rest:
        rest, frag = rest.split("#", 1)
        frag = _unescape(frag)
    scheme = ""
    m = _SCHEME.match(rest)
    colon = rest.find(":")
    if colon == 0:
        raise FuncError('unable to parse url: parse "' + as_str(v) + '": missing protocol scheme')
    if m and colon == m.end():
        scheme, rest = rest[:colon].lower(), rest[colon + 1 :]
    query = ""
    if "?" in rest:
        rest, query = rest.split("?", 1)
    out = {"scheme": scheme, "host": "", "hostname": "", "path": "", "query": query, "opaque": "", "fragment": frag,
           "userinfo": ""}  # fmt: skip
    if not rest.startswith("/") and scheme:
        out["opaque"] = rest
        return out
    if not scheme and ":" in rest.split("/", 1)[0]:
        raise FuncError(f'unable to parse url: parse "{as_str(v)}": first path segment in URL cannot contain colon')
    if (rest.startswith("//") and not rest.startswith("///")) or (scheme and rest.startswith("//")):
        authority, slash, path = rest[2:].partition("/")
        rest = slash + path
        if "@" in authority:
            user, authority = authority.rsplit("@", 1)
            out["userinfo"] = user
        out["host"] = authority
        host = authority
        if host.startswith("["):
            out["hostname"] = host[1 : host.find("]")] if "]" in host else host[1:]
        else:
            out["hostname"] = host.rsplit(":", 1)[0] if ":" in host else host
    out["path"] = _unescape(rest)
    return out


def _string_field(d: dict[str, Any], key: str) -> str:
    v = d.get(key, "")
    if not isinstance(v, str):
        from pyhelmfile.gotmpl.funcs.reflection import kind_of

        raise FuncError(f"unable to parse {key} key, must be of type string, but {kind_of(v)} found")
    return v


def url_join(d: Any) -> str:
    """url.URL{...}.String()."""
    m = as_map(d)
    scheme, host, path = _string_field(m, "scheme"), _string_field(m, "host"), _string_field(m, "path")
    query, opaque, frag = _string_field(m, "query"), _string_field(m, "opaque"), _string_field(m, "fragment")
    user = _string_field(m, "userinfo")
    out = ""
    if scheme:
        out += scheme + ":"
    if opaque:
        out += opaque
    else:
        if scheme or host or user:
            if host or path or user:
                out += "//"
            if user:
                out += user + "@"
            out += host
        escaped = quote(path, safe="$&+,/:;=@-_.~") if path else ""
        if escaped and not escaped.startswith("/") and host:
            out += "/"
        if not out and ":" in escaped.split("/", 1)[0]:
            out += "./"
        out += escaped
    if query:
        out += "?" + query
    if frag:
        out += "#" + quote(frag, safe="$&+,/:;=?@-_.~!()*")
    return out


def get_host_by_name(name: Any) -> str:
    host = as_str(name)
    if host.lower() in ("localhost", "localhost.localdomain", "ip6-localhost") or host.lower().endswith(".localhost"):
        return "127.0.0.1"
    # A real lookup would leave the machine; this library does no network I/O.
    raise FuncError(f"getHostByName: refusing to resolve {host!r} (no network lookups)")


FUNCS: dict[str, Any] = {"urlParse": url_parse, "urlJoin": url_join, "getHostByName": get_host_by_name}
