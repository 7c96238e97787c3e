"""Short-lived uploads of PDFs to verify (files too large for one Lambda request).

- `S3VerificationUploads`: a separate bucket (no object lock, expires everything after a day,
  infra/template.py). The client gets a presigned POST whose policy fixes the key and the content
  type and bounds the size (`content-length-range`), so S3 itself refuses a larger file.
- `LocalVerificationUploads`: the local stage's folder (the same one as the material files, area
  `verifications/`); the POST goes to `POST /verification-uploads/{token}` (multipart form, as to
  S3), an HMAC-signed token carrying the key, the size bound and the expiry.

Both answer `fetch` with the bytes and the upload time, refuse to read more than the bound, and
`delete` once the file has been verified.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import email.parser
import email.policy
import hashlib
import hmac
import json
import os
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from chalicelib.config import Settings, get_settings
from chalicelib.storage.blobs import blob_settings, local_secret

CONTENT_TYPE = "application/pdf"
_KEY = re.compile(r"verifications/[0-9a-f]{32}/[a-z2-7]{26}")
_TOKEN_CONTEXT = b"uap-verification-upload-v1\x00"
_TOKEN_MAX_CHARS = 1024

# Refusals of the local upload route (S3 answers its own XML errors).
TOKEN_INVALID = "UPLOAD_TOKEN_INVALID"
EXPIRED = "UPLOAD_EXPIRED"
TOO_LARGE = "UPLOAD_TOO_LARGE"
INVALID = "UPLOAD_INVALID"


class UploadRefused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class TooLarge(Exception):
    """The stored file is larger than the bound (only possible if the bound was lowered)."""


@dataclass(frozen=True)
class PostTarget:
    """Where the client POSTs the file: a multipart form with `fields` first, then `file`."""

    url: str
    fields: dict[str, str]
    expires_at: datetime
    max_bytes: int


@dataclass(frozen=True)
class Fetched:
    data: bytes
    uploaded_at: datetime


class VerificationUploads(Protocol):
    def post_target(self, key: str, max_bytes: int, expires_in: int) -> PostTarget: ...

    def fetch(self, key: str, max_bytes: int) -> Fetched | None: ...

    def delete(self, key: str) -> None: ...


def _check_key(key: str) -> str:
    if not _KEY.fullmatch(key):
        raise ValueError(f"not a verification upload key: {key!r}")
    return key


def _status(error: Exception) -> tuple[str, int]:
    response: dict[str, Any] = getattr(error, "response", {}) or {}
    code = str(response.get("Error", {}).get("Code", ""))
    return code, int(response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)


class S3VerificationUploads:
    def __init__(
        self,
        bucket: str,
        *,
        region: str,
        endpoint_url: str | None = None,
        client: Any = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.bucket = bucket
        self.region = region
        self.endpoint_url = endpoint_url
        self._client = client
        self._clock = clock

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3
            from botocore.config import Config

            self._client = boto3.client(
                "s3",
                region_name=self.region,
                endpoint_url=self.endpoint_url,
                config=Config(signature_version="s3v4", retries={"mode": "standard"}),
            )
        return self._client

    def post_target(self, key: str, max_bytes: int, expires_in: int) -> PostTarget:
        post = self.client.generate_presigned_post(
            self.bucket,
            _check_key(key),
            Fields={"Content-Type": CONTENT_TYPE},
            Conditions=[["content-length-range", 1, max_bytes], {"Content-Type": CONTENT_TYPE}],
            ExpiresIn=expires_in,
        )
        expires = datetime.fromtimestamp(int(self._clock()) + expires_in, UTC)
        return PostTarget(url=post["url"], fields=dict(post["fields"]), expires_at=expires, max_bytes=max_bytes)

    def fetch(self, key: str, max_bytes: int) -> Fetched | None:
        """One GetObject; the size is checked from its header before the body is read."""
        try:
            obj = self.client.get_object(Bucket=self.bucket, Key=_check_key(key))
        except Exception as error:
            code, status = _status(error)
            if status in (403, 404) or code in ("NoSuchKey", "NotFound", "AccessDenied"):
                return None  # without s3:ListBucket a missing key answers 403
            raise
        if int(obj.get("ContentLength") or 0) > max_bytes:
            obj["Body"].close()
            raise TooLarge(key)
        data: bytes = obj["Body"].read(max_bytes + 1)
        if len(data) > max_bytes:
            raise TooLarge(key)
        return Fetched(data, obj["LastModified"])

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=_check_key(key))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class LocalVerificationUploads:
    """The local stage: files under `<root>/verifications/`, uploaded by a multipart POST."""

    def __init__(
        self, root: Path | str, secret: str | bytes, *, base_url: str, clock: Callable[[], float] = time.time
    ) -> None:
        self.root = Path(root)
        self.base_url = base_url.rstrip("/")
        self._secret = secret.encode() if isinstance(secret, str) else secret
        self._clock = clock

    def _mac(self, payload: str) -> str:
        return _b64(hmac.new(self._secret, _TOKEN_CONTEXT + payload.encode("ascii"), hashlib.sha256).digest())

    def post_target(self, key: str, max_bytes: int, expires_in: int) -> PostTarget:
        expires = int(self._clock()) + expires_in
        body = {"k": _check_key(key), "n": max_bytes, "e": expires}
        payload = _b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode())
        return PostTarget(
            url=f"{self.base_url}/verification-uploads/{payload}.{self._mac(payload)}",
            fields={"Content-Type": CONTENT_TYPE},
            expires_at=datetime.fromtimestamp(expires, UTC),
            max_bytes=max_bytes,
        )

    def _grant(self, token: str) -> tuple[str, int]:
        invalid = UploadRefused(TOKEN_INVALID, "上传凭证无效或已被篡改")
        if not isinstance(token, str) or len(token) > _TOKEN_MAX_CHARS or token.count(".") != 1:
            raise invalid
        payload, mac = token.split(".")
        if not hmac.compare_digest(mac.encode("ascii", "replace"), self._mac(payload).encode("ascii")):
            raise invalid
        try:
            body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            key, limit, expires = _check_key(body["k"]), int(body["n"]), int(body["e"])
        except (ValueError, KeyError, TypeError, binascii.Error):
            raise invalid from None
        if self._clock() > expires:
            raise UploadRefused(EXPIRED, "上传凭证已过期,请重新申请上传")
        return key, limit

    def receive(self, token: str, body: bytes, content_type: str) -> None:
        """Store the `file` part of a multipart form POSTed to the token's URL."""
        key, limit = self._grant(token)
        if len(body) > limit + 64 * 1024:  # the form's own overhead is small
            raise UploadRefused(TOO_LARGE, f"文件不能超过{limit // 1048576} MiB")
        fields, data = _parse_form(body, content_type)
        if fields.get("Content-Type") != CONTENT_TYPE:
            raise UploadRefused(INVALID, "表单须包含 Content-Type: application/pdf")
        if data is None or not data:
            raise UploadRefused(INVALID, "表单中缺少文件(字段 file)")
        if len(data) > limit:
            raise UploadRefused(TOO_LARGE, f"文件不能超过{limit // 1048576} MiB")
        path = self.root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)  # S3 too replaces an object POSTed twice
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)

    def fetch(self, key: str, max_bytes: int) -> Fetched | None:
        path = self.root / _check_key(key)
        try:
            stat = path.stat()
            if stat.st_size > max_bytes:
                raise TooLarge(key)
            return Fetched(path.read_bytes(), datetime.fromtimestamp(stat.st_mtime, UTC))
        except FileNotFoundError:
            return None

    def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.root / _check_key(key)).unlink()


def _parse_form(body: bytes, content_type: str) -> tuple[dict[str, str], bytes | None]:
    """The text fields and the `file` part of a multipart/form-data body (stdlib email parser)."""
    if not content_type.lower().startswith("multipart/form-data") or "boundary=" not in content_type:
        raise UploadRefused(INVALID, "须以 multipart/form-data 表单上传")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    if not message.is_multipart():
        raise UploadRefused(INVALID, "表单格式不正确")
    fields: dict[str, str] = {}
    data: bytes | None = None
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if not isinstance(name, str) or not isinstance(payload, bytes):
            continue
        if name == "file":
            data = payload
        else:
            fields[name] = payload.decode("utf-8", "replace")
    return fields, data


@lru_cache(maxsize=8)
def _uploads(backend: str, bucket: str, region: str, endpoint: str | None, root: Path, secret: str, base: str) -> Any:
    if backend == "s3":
        return S3VerificationUploads(bucket, region=region, endpoint_url=endpoint)
    return LocalVerificationUploads(root, secret or local_secret(root), base_url=base)


def verification_uploads_from_config(settings: Settings | None = None) -> VerificationUploads:
    """The configured store: the material files' backend, with its own bucket `UAP_VERIFY_BUCKET`
    (default `uap-<stage>-verification-uploads`) on S3."""
    settings = settings or get_settings()
    blobs = blob_settings(settings)
    bucket = os.environ.get("UAP_VERIFY_BUCKET") or f"uap-{settings.stage}-verification-uploads"
    store: VerificationUploads = _uploads(
        blobs.backend, bucket, blobs.region, blobs.endpoint_url, blobs.directory, blobs.secret, blobs.base_url
    )
    return store
