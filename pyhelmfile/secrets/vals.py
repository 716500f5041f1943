"""vals `ref+BACKEND://...` references, as helmfile 0.166.0 evaluates them (github.com/helmfile/vals v0.37.3).

A reference is `ref+SCHEME://HOST/PATH?QUERY#/FRAGMENT` (or `secretref+...`), found in strings
with vals' regular expression; a string may hold several (`x-ref+echo://a/b+-y`). Without a
fragment the backend's text is the value. With one, the fetched text is parsed as YAML (JSON
too) and the fragment's keys are walked: the value is the string found there, and "" when the
path is missing or ends at something that is not a string (vals' FailOnMissingKeyInMap is off
in helmfile). A map key that is a reference, with a map value, is replaced by the keys of the
YAML the reference gives (vals' ModifyStringValues).

Backends: echo, file, envsubst, sops (the sops binary; plaintext in memory only), awsssm,
awssecrets and s3 (boto3 with the standard AWS configuration chain; AWS_ENDPOINT_URL and the
per-service endpoint variables select another server). Query parameters as vals reads them:
given in the reference, else from the environment variable VALS_<NAME>. Each distinct
reference is fetched once per process (vals caches too). Errors never contain a fetched value.

Long because: the reference grammar, the fragment walk and seven small backends; each backend is a short function.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, unquote_plus

from pyhelmfile.errors import SecretsError

REF = re.compile(r"((secret)?ref)\+([^\+:]*://[^\+\n ]+[^\+\n \",])\+?")

# vals has these too; pyhelmfile says so instead of vals' "no provider registered".
# fmt: off
_UNSUPPORTED = frozenset({
    "vault", "gcs", "gitlab", "awskms", "gcpsecrets", "googlesheets", "tfstate", "tfstategs", "tfstates3",
    "tfstateazurerm", "tfstateremote", "azurekeyvault", "op", "onepasswordconnect", "doppler", "pulumistateapi",
    "gkms", "k8s", "conjur", "hcpvaultsecrets", "httpjson", "bw",
})
# fmt: on
_PATH_BACKENDS = frozenset({"file", "sops"})  # their locations are paths, relative to the working directory
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")
_PORT = re.compile(r":[0-9]*")


class ValsError(SecretsError):
    """A reference that could not be resolved (the message names it, never a value)."""


@dataclass(frozen=True)
class Ref:
    """A reference, parsed as Go's url.Parse parses it (the part of it vals uses)."""

    key: str  # as found after `ref+`: SCHEME://...
    scheme: str
    host: str
    path: str
    query: Mapping[str, str]
    fragment: str

    @property
    def location(self) -> str:
        """What the backend is asked for: host and path joined (vals' `components`)."""
        path = self.path.removeprefix("/") if self.host else self.path
        return "/".join(p for p in (self.host, path) if p)

    @property
    def keys(self) -> list[str]:
        """The fragment's keys (`#/a/b` -> [a, b]); [] when there is no fragment."""
        fragment = self.fragment.removeprefix("#").removeprefix("/")
        return fragment.split("/") if fragment else []

    @property
    def document_key(self) -> str:
        """The reference without its fragment: what a fragment is looked up in."""
        return self.key.partition("#")[0]


def parse_ref(key: str) -> Ref:
    """Go's url.Parse of `SCHEME://AUTHORITY/PATH?QUERY#FRAGMENT`, with its errors."""
    rest, _, raw_fragment = key.partition("#")
    scheme, _, rest = rest.partition(":")
    if not scheme:
        raise ValsError(f'parse "{key}": missing protocol scheme')
    if not _SCHEME.fullmatch(scheme):
        raise ValsError(f'parse "{key}": first path segment in URL cannot contain colon')
    rest, _, raw_query = rest.partition("?")
    authority, slash, path = rest.removeprefix("//").partition("/")
    host = authority.rpartition("@")[2]
    if ":" in host and not host.startswith("[") and not _PORT.fullmatch(host[host.rindex(":") :]):
        raise ValsError(f'parse "{key}": invalid port "{host[host.rindex(":") :]}" after host')
    query: dict[str, str] = {}
    for part in raw_query.split("&"):
        if not part or ";" in part:  # Go drops pairs with a semicolon
            continue
        name, _, value = part.partition("=")
        query.setdefault(unquote_plus(name), unquote_plus(value))
    return Ref(key, scheme.lower(), unquote(host), unquote(slash + path), query, unquote(raw_fragment))


def _go_key(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return key if isinstance(key, str) else str(key)


@functools.cache
def _yaml_v3_loader() -> type:
    """goyaml's yaml.v2 loader with yaml.v3's booleans (vals decodes with yaml.v3): `yes`, `on`, `y` are strings."""
    from pyhelmfile.golang import goyaml

    class Loader(goyaml.GoLoader):
        pass

    booleans = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}

    def construct_bool(loader: Any, node: Any) -> Any:
        text = str(loader.construct_scalar(node))
        return booleans.get(text, text)

    Loader.add_constructor("tag:yaml.org,2002:bool", construct_bool)
    return Loader


def _load_yaml(text: str) -> Any:
    """yaml.Unmarshal (yaml.v3) of the first document into interface{}."""
    loader = _yaml_v3_loader()(text)
    try:
        return loader.get_data() if loader.check_data() else None
    finally:
        loader.dispose()


def _load_map(text: str, what: str) -> dict[str, Any]:
    """yaml.Unmarshal into map[string]interface{}; the message never quotes the text (it is a secret)."""
    from pyhelmfile.golang import goyaml

    try:
        data = _load_yaml(text)
    except goyaml.YAMLError as exc:
        raise ValsError(f"{what}{goyaml.error_message(exc)}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValsError(f"{what}yaml: unmarshal errors: cannot unmarshal the text into map[string]interface {{}}")
    return {_go_key(k): v for k, v in data.items()}


def _os_error(op: str, path: str, err: OSError) -> str:
    return f"{op} {path}: {(err.strerror or str(err)).lower()}"


# --- envsubst (github.com/a8m/envsubst) ------------------------------------------------------

_ENVSUBST = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=+?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")


def envsubst(text: str, env: Mapping[str, str]) -> str:
    def sub(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(4)
        op, arg = m.group(2), m.group(3) or ""
        value = env.get(name)
        if op in (":-", ":="):
            return value if value else arg
        if op in ("-", "="):
            return value if value is not None else arg
        if op == ":+":
            return arg if value else ""
        if op == "+":
            return arg if value is not None else ""
        if op in ("?", ":?") and not value:
            raise ValsError(f"variable {name}: {arg or 'not set'}")
        return value or ""

    return _ENVSUBST.sub(sub, text)


# --- the runtime -----------------------------------------------------------------------------


class Vals:
    """vals' Runtime: evaluates references, caching fetched strings and documents for its lifetime."""

    def __init__(self, env: Mapping[str, str] | None = None, *, sops_binary: str = "sops") -> None:
        self.env: Mapping[str, str] = os.environ if env is None else env
        self.sops_binary = sops_binary
        self._strings: dict[tuple[str, str], str] = {}
        self._documents: dict[tuple[str, str], dict[str, Any]] = {}
        self._clients: dict[tuple[str, str, str, str], Any] = {}
        self._lock = threading.RLock()

    # -- expansion (vals' ExpandRegexMatch and ModifyStringValues) --

    def expand(self, text: str, workdir: str = ".") -> str:
        """Every reference in a string replaced by its value."""
        out: list[str] = []
        while m := REF.search(text):
            key = m.group(3)
            try:
                value = self.lookup(key, workdir)
            except ValsError as exc:
                raise ValsError(f"expand {key}: {exc.message}") from None
            out += [text[: m.start()], value]
            text = text[m.end() :]
        return "".join(out) + text

    def eval(self, value: Any, workdir: str = ".") -> Any:
        """A copy of the value with the references in its strings (and in map keys) expanded."""
        if isinstance(value, str):
            return self.expand(value, workdir)
        if isinstance(value, dict):
            result: dict[Any, Any] = {}
            extends: dict[str, Any] = {}
            for k, v in value.items():
                key = _go_key(k)
                if isinstance(v, dict):
                    expanded = self.expand(key, workdir)
                    if expanded != key:
                        extends.update(_load_map(expanded, ""))
                        continue
                result[key] = self.eval(v, workdir)
            result.update(extends)
            return result
        if isinstance(value, list | tuple):
            return [self.eval(v, workdir) for v in value]
        return value

    def evaluator(self, workdir: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
        """vals' Eval for one working directory (what helmfile's template functions call)."""

        def evaluate(values: dict[str, Any]) -> dict[str, Any]:
            result: dict[str, Any] = self.eval(values, workdir)
            return result

        return evaluate

    def lookup(self, key: str, workdir: str = ".") -> str:
        """One reference's value (vals' Lookup): the backend's string, or the string at the fragment."""
        ref = parse_ref(key)
        scope = os.path.abspath(workdir) if ref.scheme in _PATH_BACKENDS else ""
        keys = ref.keys
        with self._lock:
            if not keys:
                cached = self._strings.get((scope, key))
                if cached is None:
                    cached = self._strings[(scope, key)] = self._backend(ref, workdir).get_string(ref.location)
                return cached
            document = self._documents.get((scope, ref.document_key))
            if document is None:
                document = self._documents[(scope, ref.document_key)] = self._backend(ref, workdir).get_map(
                    ref.location
                )
        obj: Any = document
        for i, k in enumerate(keys):
            child = obj.get(k) if isinstance(obj, dict) else None
            if isinstance(child, str):
                if i != len(keys) - 1:
                    raise ValsError(
                        f"unexpected type of value for key at {i}={k} in [{' '.join(keys)}]: "
                        "expected map[string]interface{}, got string"
                    )
                return child
            obj = {_go_key(ck): cv for ck, cv in child.items()} if isinstance(child, dict) else {}
        return ""

    def _backend(self, ref: Ref, workdir: str) -> Backend:
        factory = _BACKENDS.get(ref.scheme)
        if factory is None:
            if ref.scheme in _UNSUPPORTED:
                raise ValsError(f'the "{ref.scheme}" vals backend is not supported by pyhelmfile')
            raise ValsError(f'no provider registered for scheme "{ref.scheme}"')
        return factory(self, ref, workdir)

    # -- AWS --

    def aws_client(self, service: str, ref: Ref) -> Any:
        """A boto3 client as vals' awsclicompat session: region/profile/role_arn parameters over the AWS chain."""
        region, profile, role_arn = (param(self.env, ref, name) for name in ("region", "profile", "role_arn"))
        if not profile and self.env.get("FORCE_AWS_PROFILE") == "true":
            profile = self.env.get("AWS_PROFILE", "")
        cache_key = (service, region, profile, role_arn)
        with self._lock:
            client = self._clients.get(cache_key)
            if client is None:
                client = self._clients[cache_key] = _new_client(service, region, profile, role_arn, self.env)
            return client


def param(env: Mapping[str, str], ref: Ref, name: str) -> str:
    """A query parameter, else VALS_<NAME> (vals' MapConfig with its FallbackFunc)."""
    if name in ref.query:
        return ref.query[name]
    return env.get(f"VALS_{name.upper()}", "")


def _new_client(service: str, region: str, profile: str, role_arn: str, env: Mapping[str, str]) -> Any:
    import boto3
    from botocore.config import Config

    retries: dict[str, Any] = {"mode": env.get("AWS_RETRY_MODE") or "standard"}
    if not env.get("AWS_MAX_ATTEMPTS"):
        retries["max_attempts"] = 3
    config = Config(retries=retries, connect_timeout=10, read_timeout=60)
    # The Go SDK reads AWS_REGION, which botocore does not (it reads AWS_DEFAULT_REGION and the profile).
    region_name = region or env.get("AWS_REGION") or None
    try:
        session = boto3.session.Session(profile_name=profile or None, region_name=region_name)
        if role_arn:
            import time

            sts = session.client("sts", config=config)
            creds = sts.assume_role(RoleArn=role_arn, RoleSessionName=str(time.time_ns()))["Credentials"]
            session = boto3.session.Session(
                aws_access_key_id=creds["AccessKeyId"],
                aws_secret_access_key=creds["SecretAccessKey"],
                aws_session_token=creds["SessionToken"],
                region_name=session.region_name,
            )
        return session.client(service, config=config)
    except Exception as exc:
        raise ValsError(_aws_error(exc)) from None


def _aws_error(exc: Exception) -> str:
    """A botocore failure as one line: `Code: Message` for API errors, botocore's sentence otherwise."""
    from botocore.exceptions import ClientError, NoCredentialsError, NoRegionError

    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return f"{error.get('Code', 'Error')}: {error.get('Message', '')}".rstrip(": ")
    if isinstance(exc, NoCredentialsError):
        return "NoCredentialProviders: no valid AWS credentials found"
    if isinstance(exc, NoRegionError):
        return "MissingRegion: could not find region configuration (set ?region=, AWS_REGION or a profile's region)"
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _aws_call(what: str, call: Callable[[], Any]) -> Any:
    try:
        return call()
    except ValsError:
        raise
    except Exception as exc:
        raise ValsError(f"{what}: {_aws_error(exc)}") from None


# --- backends (vals' providers: GetString and GetStringMap) ----------------------------------


class Backend:
    def __init__(self, vals: Vals, ref: Ref, workdir: str) -> None:
        self.vals = vals
        self.ref = ref
        self.workdir = workdir

    def param(self, name: str) -> str:
        return param(self.vals.env, self.ref, name)

    def get_string(self, key: str) -> str:
        raise NotImplementedError

    def get_map(self, key: str) -> dict[str, Any]:
        return _load_map(self.get_string(key), "")


class Echo(Backend):
    def get_string(self, key: str) -> str:
        return key.rstrip("/")

    def get_map(self, key: str) -> dict[str, Any]:
        keys = key.split("/")
        if len(keys) < 2:
            raise ValsError(f'key must have two or more components separated by "/": got "{key}"')
        result: dict[str, Any] = {}
        current = result
        for i, k in enumerate(keys[:-1]):
            if i == len(keys) - 2:
                current[k] = keys[i + 1]
            else:
                current[k] = current = {}
        return result


class File(Backend):
    def _read(self, key: str) -> bytes:
        name = key.removesuffix("/")
        try:
            with open(os.path.join(self.workdir, name), "rb") as fh:
                return fh.read()
        except OSError as exc:
            raise ValsError(_os_error("open", name, exc)) from None

    def get_string(self, key: str) -> str:
        encode = self.param("encode") or "raw"
        if encode == "base64":
            import base64

            return base64.b64encode(self._read(key)).decode()
        if encode != "raw":
            raise ValsError(f"Unsupported encode parameter: '{encode}'.")
        return _text(self._read(key), "file")

    def get_map(self, key: str) -> dict[str, Any]:
        return _load_map(_text(self._read(key), "file"), "")


class EnvSubst(Backend):
    def get_string(self, key: str) -> str:
        return envsubst(key.removesuffix("/").strip(), self.vals.env)


class Sops(Backend):
    """The sops binary decrypts into memory: the file's own format for a fragment (yaml), else binary."""

    def _decrypt(self, key: str, default_format: str) -> str:
        from pyhelmfile.secrets.sops import decrypt

        fmt = self.param("format") or default_format
        key_type = self.param("key_type") or "filepath"
        if key_type not in ("filepath", "base64"):
            raise ValsError(f'unsupported key type "{key_type}". It must be one "base64" or "filepath"')
        path, data = os.path.join(self.workdir, key), None
        if key_type == "base64":
            import base64
            import binascii

            try:
                path, data = "/dev/stdin", base64.urlsafe_b64decode(key.encode())
            except (binascii.Error, ValueError):
                raise ValsError("illegal base64 data") from None
        try:
            return _text(decrypt(path, self.vals.sops_binary, fmt, data=data), "the decrypted data")
        except SecretsError as exc:
            raise ValsError(exc.message) from None

    def get_string(self, key: str) -> str:
        return self._decrypt(key, "binary")

    def get_map(self, key: str) -> dict[str, Any]:
        return _load_map(self._decrypt(key, "yaml"), "")


class SSM(Backend):
    """SSM Parameter Store: GetParameter (with decryption), or a path's parameters as a map for a fragment."""

    def get_string(self, key: str) -> str:
        name = key if not key or key.startswith("/") else "/" + key
        client = self.vals.aws_client("ssm", self.ref)
        version = self.param("version")
        if version:
            try:
                wanted = int(version, 10)
            except ValueError:
                raise ValsError("version can't be converted to Int") from None
            pages = client.get_paginator("get_parameter_history").paginate(Name=name, WithDecryption=True)
            for page in _aws_call("get parameter history", lambda: list(pages)):
                for history in page.get("Parameters", []):
                    if history.get("Version", 0) == wanted and history.get("Value"):
                        return str(history["Value"])
            raise ValsError("datasource.ssm.Get() out.Parameter.Value is nil")
        out = _aws_call("get parameter", lambda: client.get_parameter(Name=name, WithDecryption=True))
        value = (out.get("Parameter") or {}).get("Value")
        if value is None:
            raise ValsError("datasource.ssm.Get() out.Parameter.Value is nil")
        return str(value)

    def get_map(self, key: str) -> dict[str, Any]:
        path = key if not key or key.startswith("/") else "/" + key
        if self.param("mode") == "singleparam":
            return _load_map(self.get_string(path), "")
        recursive = self.param("recursive") == "true"
        client = self.vals.aws_client("ssm", self.ref)

        def fetch() -> list[dict[str, Any]]:
            params: list[dict[str, Any]] = []
            paginator = client.get_paginator("get_parameters_by_path")
            for page in paginator.paginate(Path=path, Recursive=recursive, WithDecryption=True):
                if not page.get("Parameters"):
                    break  # vals stops at the first empty page
                params += page["Parameters"]
            return params

        params = _aws_call("ssm: get parameters by path", fetch)
        if not params:
            raise ValsError("ssm: out.Parameters is empty")
        result: dict[str, Any] = {}
        for p in params:
            full = str(p["Name"])
            name = full.removeprefix(path)
            if not name.startswith("/"):
                raise ValsError(f"bug: unexpected format of parameter: {name} in {full} must start with a slash(/)")
            parts = name[1:].split("/")
            current = result
            for i, part in enumerate(parts):
                if i == len(parts) - 1:
                    current[part] = str(p.get("Value", ""))
                    continue
                if part in current and not isinstance(current[part], dict):
                    if not recursive:
                        raise ValsError(f"bug: unexpected type of value found at {i} in [{' '.join(parts)}]")
                    current[part] = {}
                current = current.setdefault(part, {})
        return result


class SecretsManager(Backend):
    """Secrets Manager: GetSecretValue's SecretString, else SecretBinary's bytes as text."""

    def get_string(self, key: str) -> str:
        client = self.vals.aws_client("secretsmanager", self.ref)
        kwargs: dict[str, str] = {"SecretId": key}
        if stage := self.param("version_stage"):
            kwargs["VersionStage"] = stage
        if version_id := self.param("version_id"):
            kwargs["VersionId"] = version_id
        out = _aws_call("get parameter", lambda: client.get_secret_value(**kwargs))
        if out.get("SecretString") is not None:
            return str(out["SecretString"])
        if out.get("SecretBinary") is not None:
            return _text(bytes(out["SecretBinary"]), "awssecrets: SecretBinary")
        raise ValsError("awssecrets: get secret value: no SecretString nor SecretBinary is set")

    def get_map(self, key: str) -> dict[str, Any]:
        try:
            text = self.get_string(key)
        except ValsError:
            # vals' fallback: KEY/meta lists (under "github.com/helmfile/vals") the secrets KEY/SUFFIX to read.
            meta = _load_map(self.get_string(key.rstrip("/") + "/meta"), "")
            field = "github.com/helmfile/vals"
            if field not in meta:
                raise ValsError(f'"{field}" not found') from None
            suffixes = meta[field]
            if not isinstance(suffixes, list):
                raise ValsError(f'"{field}" was not a kind of array') from None
            result: dict[str, Any] = {}
            for suffix in suffixes:
                name = _go_key(suffix).lstrip("/")
                result[name] = self.get_string(key.rstrip("/") + "/" + name)
            return result
        return _load_map(text, f'error while parsing secret for key "{key}" as yaml: ')


class S3(Backend):
    """S3: GetObject of BUCKET/KEY (a version with ?version= or ?version_id=)."""

    def get_string(self, key: str) -> str:
        bucket, slash, object_key = key.partition("/")
        if not slash or not bucket:
            raise ValsError("getting s3 object: the reference needs a bucket and a key (s3://BUCKET/KEY)")
        kwargs = {"Bucket": bucket, "Key": object_key}
        if version := self.param("version") or self.param("version_id"):
            kwargs["VersionId"] = version
        client = self.vals.aws_client("s3", self.ref)
        body = _aws_call("getting s3 object", lambda: client.get_object(**kwargs)["Body"].read())
        return _text(bytes(body), "s3 object")


def _text(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValsError(f"{what} is not UTF-8 text (pyhelmfile cannot pass binary data on)") from None


_BACKENDS: dict[str, Callable[[Vals, Ref, str], Backend]] = {
    "echo": Echo,
    "file": File,
    "envsubst": EnvSubst,
    "sops": Sops,
    "awsssm": SSM,
    "awssecrets": SecretsManager,
    "s3": S3,
}


@functools.cache
def runtime() -> Vals:
    """The process's vals runtime (helmfile has one per run too), reading os.environ live."""
    return Vals()
