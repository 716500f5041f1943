"""S3 chart repositories (the helm-s3 plugin's layout), read and written natively with boto3.

`s3://bucket/prefix` holds `prefix/index.yaml` and the chart archives beside it. boto3 is
imported only when an s3:// repository is used. Credentials, region and endpoint come from
the standard AWS environment (AWS_ACCESS_KEY_ID, AWS_PROFILE, AWS_REGION/AWS_DEFAULT_REGION, ...);
AWS_ENDPOINT_URL (or AWS_ENDPOINT_URL_S3) selects an S3-compatible server.

Writes of the index are conditional (If-Match on the ETag that was read, If-None-Match: *
when there was none), so two pushes at once cannot lose each other's entry: the loser gets
412 PreconditionFailed and re-reads.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pyhelmfile.errors import HelmError

if TYPE_CHECKING:
    from collections.abc import Iterator


class PreconditionFailed(Exception):
    """A conditional write lost: the object changed (or appeared) since it was read."""


@dataclass(frozen=True)
class S3Location:
    bucket: str
    prefix: str  # without leading or trailing "/"

    @classmethod
    def parse(cls, url: str) -> S3Location:
        if not url.startswith("s3://"):
            raise HelmError(f"not an s3:// URL: {url}")
        rest = url[len("s3://") :]
        bucket, _, prefix = rest.partition("/")
        if not bucket:
            raise HelmError(f"s3 URL has no bucket: {url}")
        return cls(bucket, prefix.strip("/"))

    def key(self, name: str) -> str:
        return f"{self.prefix}/{name}" if self.prefix else name

    def url(self, name: str | None = None) -> str:
        base = f"s3://{self.bucket}" + (f"/{self.prefix}" if self.prefix else "")
        return f"{base}/{name}" if name else base


_client_cache: dict[tuple[str | None, str | None], Any] = {}


def client() -> Any:
    """A boto3 S3 client configured from the environment (one per endpoint/region per process)."""
    try:
        import boto3
        from botocore.config import Config
    except ImportError:  # pragma: no cover - boto3 is a dependency
        raise HelmError("s3:// repositories need boto3 (pip install boto3)") from None
    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL") or None
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or None
    cached = _client_cache.get((endpoint, region))
    if cached is None:
        retries: dict[str, Any] = {"mode": os.environ.get("AWS_RETRY_MODE") or "standard"}
        if not os.environ.get("AWS_MAX_ATTEMPTS"):
            retries["max_attempts"] = 3
        config = Config(retries=retries, connect_timeout=10, read_timeout=60)
        cached = boto3.session.Session().client("s3", endpoint_url=endpoint, region_name=region, config=config)
        _client_cache[(endpoint, region)] = cached
    return cached


def _error_code(exc: Exception) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def _http_status(exc: Exception) -> int:
    response = getattr(exc, "response", None) or {}
    return int(response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)


def _describe(exc: Exception, url: str) -> HelmError:
    from botocore.exceptions import (
        ClientError,
        EndpointConnectionError,
        NoCredentialsError,
        NoRegionError,
    )

    if isinstance(exc, EndpointConnectionError):
        return HelmError(f"cannot reach chart repository {url}: connection to {exc.kwargs.get('endpoint_url')} failed")
    if isinstance(exc, NoCredentialsError):
        return HelmError(f"cannot read chart repository {url}: no AWS credentials")
    if isinstance(exc, NoRegionError):
        return HelmError(f"cannot use chart repository {url}: no AWS region (set AWS_REGION)")
    if isinstance(exc, ClientError):
        code = _error_code(exc)
        if code == "NoSuchBucket":
            return HelmError(f"chart repository {url}: bucket does not exist")
        if code in ("AccessDenied", "403", "InvalidAccessKeyId", "SignatureDoesNotMatch"):
            return HelmError(f"chart repository {url}: access denied ({code})")
        message = exc.response.get("Error", {}).get("Message", "")
        return HelmError(f"chart repository {url}: {code or 'error'} {message}".strip())
    text = str(exc).strip().splitlines()
    return HelmError(f"chart repository {url}: {text[0] if text else type(exc).__name__}")


def get_object(location: S3Location, name: str) -> tuple[bytes, str] | None:
    """The object's body and ETag, or None when it does not exist."""
    from botocore.exceptions import BotoCoreError, ClientError

    url = location.url()
    try:
        response = client().get_object(Bucket=location.bucket, Key=location.key(name))
        return response["Body"].read(), str(response.get("ETag", ""))
    except ClientError as exc:
        if _error_code(exc) in ("NoSuchKey", "404", "NotFound"):
            return None
        raise _describe(exc, url) from None
    except BotoCoreError as exc:
        raise _describe(exc, url) from None


def put_object(
    location: S3Location,
    name: str,
    body: bytes,
    *,
    if_match: str | None = None,
    if_none_match: bool = False,
    content_type: str = "application/octet-stream",
) -> str:
    """Write an object, conditionally when asked; returns the new ETag.

    Raises PreconditionFailed when the condition does not hold (HTTP 412, or 409
    ConditionalRequestConflict when S3 saw two conditional writes at once).
    """
    from botocore.exceptions import BotoCoreError, ClientError

    kwargs: dict[str, Any] = {
        "Bucket": location.bucket,
        "Key": location.key(name),
        "Body": body,
        "ContentType": content_type,
    }
    if if_match is not None:
        kwargs["IfMatch"] = if_match
    if if_none_match:
        kwargs["IfNoneMatch"] = "*"
    try:
        response = client().put_object(**kwargs)
    except ClientError as exc:
        if _http_status(exc) in (409, 412) or _error_code(exc) in ("PreconditionFailed", "ConditionalRequestConflict"):
            raise PreconditionFailed(location.key(name)) from None
        if if_match is not None and _error_code(exc) in ("NoSuchKey", "404"):
            raise PreconditionFailed(location.key(name)) from None  # deleted since it was read
        raise _describe(exc, location.url()) from None
    except BotoCoreError as exc:
        raise _describe(exc, location.url()) from None
    return str(response.get("ETag", ""))


def list_names(location: S3Location) -> Iterator[str]:
    """Object names directly under the prefix (for diagnostics and tests)."""
    from botocore.exceptions import BotoCoreError, ClientError

    prefix = f"{location.prefix}/" if location.prefix else ""
    try:
        for page in client().get_paginator("list_objects_v2").paginate(Bucket=location.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                yield str(item["Key"])[len(prefix) :]
    except (ClientError, BotoCoreError) as exc:
        raise _describe(exc, location.url()) from None
