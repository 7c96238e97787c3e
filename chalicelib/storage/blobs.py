"""Material files (申请材料) and other blobs: S3 in AWS, a local folder on the local stage and in tests.

Files never travel through GraphQL. A mutation asks `BlobStore.upload_target` for a short-lived
PUT target bound to the file's SHA-256, size and content type, the client uploads there, and the
application later records the file only after `stat` has confirmed size and hash from what is
actually stored: a client's claim is never trusted.

- `S3BlobStore`: a presigned PUT whose signed headers include `Content-Length`, `Content-Type`
  and `x-amz-checksum-sha256`, so S3 itself refuses a body of another length or digest.
- `LocalBlobStore`: an HMAC-signed token carrying the same facts, redeemed at `PUT /uploads/{token}`
  (`chalicelib/api/uploads.py`), which enforces them before writing atomically.

Records and abandoned uploads (S3): an upload lands tagged `uap-upload=pending` (the tag is a
signed header of the presigned PUT, so the client cannot drop it) and the bucket's lifecycle rule
expires pending objects after `PENDING_UPLOAD_DAYS`. When a change cites the file, `retain` puts
object-lock retention on the exact version that was checked, then retags it `cited`; files the
system writes (`put`: certificates) are locked as they are written. The bucket has object lock
but no default retention, which would keep every abandoned upload for years
(see `chalicelib/domain/record_retention.py`).

Settings come from `UAP_BLOB_*` environment variables (`blob_settings`), with defaults per stage.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import errno
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from chalicelib.config import Settings, get_settings
from chalicelib.domain.record_retention import RETENTION_YEARS, retain_until

# The codes, the error and the read models live in the domain (the API maps them without storage).
from chalicelib.domain.uploads import (
    BLOB_EXISTS,
    BLOB_KEY_INVALID,
    UPLOAD_CONTENT_TYPE_MISMATCH,
    UPLOAD_CONTENT_TYPES,
    UPLOAD_EXPIRED,
    UPLOAD_HASH_MISMATCH,
    UPLOAD_INVALID,
    UPLOAD_MISSING,
    UPLOAD_SIZE_MISMATCH,
    UPLOAD_TOKEN_INVALID,
    UPLOAD_TOO_LARGE,
    BlobError,
    BlobInfo,
    UploadTarget,
)

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_EXPIRES_IN = 900
MAX_EXPIRES_IN = 3600
SECRET_FILE = ".upload-secret"
_CHUNK = 1024 * 1024

# Keys are `<area>/<owner>/<name>`: no `..`, no absolute paths, nothing a filesystem or S3
# console could read differently, so a key maps to exactly one file under the local root.
_KEY = re.compile(r"(materials|certificates)/[A-Za-z0-9_-]{1,128}/[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_OWNER = re.compile(r"[A-Za-z0-9_-]{1,128}")
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_TOKEN_MAX_CHARS = 2048
_TOKEN_CONTEXT = b"uap-upload-v1\x00"  # domain separation: the secret signs nothing else

# The tag the lifecycle rule of the materials bucket expires (infra/template.py), and its value
# once a change cited the file.
UPLOAD_TAG = "uap-upload"
PENDING = "pending"
CITED = "cited"
RETENTION_MODE = "GOVERNANCE"


class BlobStore(Protocol):
    """The storage both backends offer; callers never need to know which one they have."""

    max_bytes: int

    def upload_target(
        self, key: str, *, sha256_hex: str, size: int, content_type: str, expires_in: int = DEFAULT_EXPIRES_IN
    ) -> UploadTarget: ...

    def stat(self, key: str) -> BlobInfo | None: ...

    def put(self, key: str, data: bytes, content_type: str) -> BlobInfo: ...

    def get(self, key: str) -> bytes | None: ...

    def retain(self, key: str, version: str | None = None) -> None: ...


# --- keys and arguments ----------------------------------------------------------------------


def validate_key(key: str) -> str:
    """Refuse any key that is not `<materials|certificates>/<owner>/<name>` (no traversal)."""
    if not isinstance(key, str) or ".." in key or not _KEY.fullmatch(key):
        raise BlobError(BLOB_KEY_INVALID, "文件存储键不合法")
    return key


def material_key(owner: str, upload_id: str | None = None) -> str:
    """A fresh key `materials/<owner>/<uuid>` for one applicant's material file."""
    if not _OWNER.fullmatch(owner or ""):
        raise BlobError(BLOB_KEY_INVALID, "申请人标识不能用作文件存储键")
    return validate_key(f"materials/{owner}/{upload_id or uuid.uuid4()}")


def _too_large(max_bytes: int) -> BlobError:
    return BlobError(UPLOAD_TOO_LARGE, f"单个文件不能超过{max_bytes}字节({max_bytes / 1048576:g} MiB)")


def _check_request(key: str, sha256_hex: str, size: int, content_type: str, expires_in: int, max_bytes: int) -> str:
    """Validate what a client declares before anything is signed; returns the lower-case hash."""
    validate_key(key)
    digest = (sha256_hex or "").lower()
    if not _SHA256_HEX.fullmatch(digest):
        raise BlobError(UPLOAD_INVALID, "SHA-256 摘要须为64位十六进制字符串")
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise BlobError(UPLOAD_INVALID, "文件大小须为正整数")
    if size > max_bytes:
        raise _too_large(max_bytes)
    if content_type not in UPLOAD_CONTENT_TYPES:
        raise BlobError(UPLOAD_INVALID, "文件类型仅限 PDF、JPEG、PNG 或二进制文件")
    if not 1 <= expires_in <= MAX_EXPIRES_IN:
        raise BlobError(UPLOAD_INVALID, f"上传有效期须在1至{MAX_EXPIRES_IN}秒之间")
    return digest


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(int(epoch), UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _info(key: str, data: bytes) -> BlobInfo:
    return BlobInfo(key=key, size=len(data), sha256=hashlib.sha256(data).hexdigest())


def confirm(store: BlobStore, key: str, *, sha256_hex: str, size: int) -> BlobInfo:
    """The stored file under `key`, if it matches what the client declared; else a coded BlobError.

    What a mutation recording a material should call: it checks the stored bytes, not the claim.
    """
    info = store.stat(key)
    if info is None:
        raise BlobError(UPLOAD_MISSING, "文件尚未上传或已失效")
    if info.size > store.max_bytes:
        raise _too_large(store.max_bytes)
    if info.size != size:
        raise BlobError(UPLOAD_SIZE_MISMATCH, "已上传文件的大小与申报的不一致")
    if not hmac.compare_digest(info.sha256, (sha256_hex or "").lower()):
        raise BlobError(UPLOAD_HASH_MISMATCH, "已上传文件的SHA-256摘要与申报的不一致")
    return info


# --- local folder ----------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadGrant:
    """The facts a verified upload token binds."""

    key: str
    sha256: str
    size: int
    content_type: str
    expires: int


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class LocalBlobStore:
    """Blobs as files under one folder; uploads through HMAC-signed tokens to `PUT /uploads/{token}`.

    Writes are atomic (temp file, then a hard link that fails if the name exists), so a reader
    never sees half a file and an existing key is never replaced by other content.
    """

    def __init__(
        self,
        root: Path | str,
        secret: str | bytes,
        *,
        base_url: str = "http://127.0.0.1:8000",
        max_bytes: int = DEFAULT_MAX_BYTES,
        clock: Callable[[], float] = time.time,
    ) -> None:
        secret_bytes = secret.encode() if isinstance(secret, str) else secret
        if len(secret_bytes) < 16:
            raise ValueError("the upload token secret must be at least 16 bytes")
        self.root = Path(root)
        self.base_url = base_url.rstrip("/")
        self.max_bytes = max_bytes
        self._secret = secret_bytes
        self._clock = clock

    # tokens

    def _mac(self, payload: str) -> str:
        return _b64(hmac.new(self._secret, _TOKEN_CONTEXT + payload.encode("ascii"), hashlib.sha256).digest())

    def make_token(self, grant: UploadGrant) -> str:
        body = {"v": 1, "k": grant.key, "h": grant.sha256, "n": grant.size, "t": grant.content_type, "e": grant.expires}
        payload = _b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode())
        return f"{payload}.{self._mac(payload)}"

    def verify_token(self, token: str) -> UploadGrant:
        """The grant a token carries, if this store signed it and it has not expired."""
        invalid = BlobError(UPLOAD_TOKEN_INVALID, "上传凭证无效或已被篡改")
        if not isinstance(token, str) or len(token) > _TOKEN_MAX_CHARS or token.count(".") != 1:
            raise invalid
        payload, mac = token.split(".")
        if not hmac.compare_digest(mac.encode("ascii", "replace"), self._mac(payload).encode("ascii")):
            raise invalid
        try:
            body: Any = json.loads(_unb64(payload))
            grant = UploadGrant(
                key=validate_key(body["k"]),
                sha256=str(body["h"]),
                size=int(body["n"]),
                content_type=str(body["t"]),
                expires=int(body["e"]),
            )
        except (ValueError, KeyError, TypeError, BlobError, binascii.Error):
            raise invalid from None
        if body.get("v") != 1:
            raise invalid
        if self._clock() > grant.expires:
            raise BlobError(UPLOAD_EXPIRED, "上传凭证已过期,请重新申请上传")
        return grant

    # BlobStore

    def upload_target(
        self, key: str, *, sha256_hex: str, size: int, content_type: str, expires_in: int = DEFAULT_EXPIRES_IN
    ) -> UploadTarget:
        digest = _check_request(key, sha256_hex, size, content_type, expires_in, self.max_bytes)
        expires = int(self._clock()) + expires_in
        token = self.make_token(UploadGrant(key, digest, size, content_type, expires))
        return UploadTarget(
            url=f"{self.base_url}/uploads/{token}",
            method="PUT",
            headers={"Content-Type": content_type},
            key=key,
            expires_at=_iso(expires),
            max_bytes=self.max_bytes,
        )

    def receive(self, token: str, body: bytes, content_type: str | None) -> tuple[BlobInfo, bool]:
        """Redeem an upload token: enforce everything it binds, then store. Returns (info, created)."""
        grant = self.verify_token(token)
        media_type = (content_type or "").split(";")[0].strip().lower()
        if media_type != grant.content_type:
            raise BlobError(UPLOAD_CONTENT_TYPE_MISMATCH, "文件类型与申请上传时声明的不一致")
        if len(body) > self.max_bytes or grant.size > self.max_bytes:
            raise _too_large(self.max_bytes)
        if len(body) != grant.size:
            raise BlobError(UPLOAD_SIZE_MISMATCH, "文件大小与申请上传时声明的不一致")
        info = _info(grant.key, body)
        if not hmac.compare_digest(info.sha256, grant.sha256):
            raise BlobError(UPLOAD_HASH_MISMATCH, "文件内容的SHA-256摘要与申请上传时声明的不一致")
        return info, self._write(grant.key, body, info)

    def _path(self, key: str) -> Path:
        path = self.root / validate_key(key)
        if not path.resolve().is_relative_to(self.root.resolve()):  # defence in depth (symlinks)
            raise BlobError(BLOB_KEY_INVALID, "文件存储键不合法")
        return path

    def _write(self, key: str, data: bytes, info: BlobInfo) -> bool:
        """Atomically create `key`; True if written, False if identical content was already there."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(tmp, path)  # atomic and refuses to replace an existing name
            except FileExistsError:
                existing = self.stat(key)
                if existing is not None and existing.sha256 == info.sha256:
                    return False
                raise BlobError(BLOB_EXISTS, "该文件已存在且内容不同,不能覆盖") from None
            except OSError as error:  # a filesystem without hard links: check, then rename
                if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
                    raise
                if path.exists():
                    existing = self.stat(key)
                    if existing is not None and existing.sha256 == info.sha256:
                        return False
                    raise BlobError(BLOB_EXISTS, "该文件已存在且内容不同,不能覆盖") from None
                os.replace(tmp, path)
            return True
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)

    def stat(self, key: str) -> BlobInfo | None:
        path = self._path(key)
        digest = hashlib.sha256()
        size = 0
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(_CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
        except FileNotFoundError:
            return None
        return BlobInfo(key=key, size=size, sha256=digest.hexdigest())

    def put(self, key: str, data: bytes, content_type: str) -> BlobInfo:
        info = _info(validate_key(key), data)
        self._write(key, data, info)
        return info

    def get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None

    def retain(self, key: str, version: str | None = None) -> None:
        """Nothing to do: a local folder expires nothing, so every file is kept already."""
        validate_key(key)


def local_secret(root: Path) -> str:
    """The folder's own token secret, created once (0600) so tokens survive chalice's autoreload."""
    path = root / SECRET_FILE
    if not path.exists():
        root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=root)  # mode 0600
        try:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(secrets.token_urlsafe(32))
            with contextlib.suppress(FileExistsError):  # another process won the race: use theirs
                os.link(tmp, path)
        finally:
            os.unlink(tmp)
    return path.read_text(encoding="ascii").strip()


# --- S3 --------------------------------------------------------------------------------------


def _client_error_code(error: Exception) -> tuple[str, int]:
    response: dict[str, Any] = getattr(error, "response", {}) or {}
    code = str(response.get("Error", {}).get("Code", ""))
    status = int(response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
    return code, status


class S3BlobStore:
    """Blobs in one S3 bucket; uploads go straight to S3 through presigned PUT URLs.

    The presigned URL signs `Content-Length`, `Content-Type` and `x-amz-checksum-sha256` as
    headers (not query parameters), so S3 refuses a body of another length (signature mismatch)
    or digest (BadDigest). `stat` reads S3's own stored SHA-256 (which S3 verified on upload) and
    falls back to downloading and hashing when the object has none.
    """

    def __init__(
        self,
        bucket: str,
        *,
        region: str,
        endpoint_url: str | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        client: Any = None,
        clock: Callable[[], float] = time.time,
        retention_years: int = 0,
    ) -> None:
        self.bucket = bucket
        self.region = region
        self.endpoint_url = endpoint_url
        self.max_bytes = max_bytes
        self.retention_years = retention_years  # 0: a bucket without object lock (tests, dev tools)
        self._client = client
        self._clock = clock

    @property
    def client(self) -> Any:
        """Created on first use: boto3 is imported only when S3 is really needed (cold start)."""
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

    def upload_target(
        self, key: str, *, sha256_hex: str, size: int, content_type: str, expires_in: int = DEFAULT_EXPIRES_IN
    ) -> UploadTarget:
        digest = _check_request(key, sha256_hex, size, content_type, expires_in, self.max_bytes)
        checksum = base64.b64encode(bytes.fromhex(digest)).decode("ascii")
        expires = int(self._clock()) + expires_in
        url = self.client.generate_presigned_url(
            "put_object",
            Params={
                "Bucket": self.bucket,
                "Key": key,
                "ContentType": content_type,
                "ContentLength": size,
                "ChecksumSHA256": checksum,
                "Tagging": f"{UPLOAD_TAG}={PENDING}",  # signed: the lifecycle rule sees every upload
                "IfNoneMatch": "*",  # signed: a second PUT cannot stack a new version on a cited one
            },
            ExpiresIn=expires_in,
            HttpMethod="PUT",
        )
        return UploadTarget(
            url=url,
            method="PUT",
            headers={
                "Content-Type": content_type,
                "x-amz-checksum-sha256": checksum,
                "x-amz-tagging": f"{UPLOAD_TAG}={PENDING}",
                "If-None-Match": "*",
            },
            key=key,
            expires_at=_iso(expires),
            max_bytes=self.max_bytes,
        )

    def stat(self, key: str) -> BlobInfo | None:
        validate_key(key)
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
        except Exception as error:
            code, status = _client_error_code(error)
            if status == 404 or code in ("404", "NoSuchKey", "NotFound"):
                return None
            if status == 403:
                # Without s3:ListBucket, S3 answers a missing key with 403, not 404.
                log.warning("HeadObject %s/%s answered 403: treating it as missing", self.bucket, key)
                return None
            raise
        stored = head.get("ChecksumSHA256")
        version = head.get("VersionId")
        if stored and "-" not in stored and head.get("ChecksumType", "FULL_OBJECT") == "FULL_OBJECT":
            digest = base64.b64decode(stored).hex()
            return BlobInfo(key=key, size=int(head["ContentLength"]), sha256=digest, version=version)
        return self._hash_download(key, version)

    def _hash_download(self, key: str, version: str | None = None) -> BlobInfo | None:
        """Hash the object's bytes ourselves (objects stored without a full-object SHA-256)."""
        try:
            extra = {"VersionId": version} if version else {}
            obj = self.client.get_object(Bucket=self.bucket, Key=key, **extra)
        except Exception as error:
            code, status = _client_error_code(error)
            if status in (403, 404) or code in ("NoSuchKey", "NotFound"):
                return None
            raise
        digest = hashlib.sha256()
        size = 0
        for chunk in obj["Body"].iter_chunks(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
        return BlobInfo(key=key, size=size, sha256=digest.hexdigest(), version=obj.get("VersionId") or version)

    def _retention(self) -> dict[str, Any]:
        until = retain_until(datetime.fromtimestamp(self._clock(), UTC), self.retention_years)
        return {"Mode": RETENTION_MODE, "RetainUntilDate": until}

    def put(self, key: str, data: bytes, content_type: str) -> BlobInfo:
        """A record the system writes (a sealed certificate): locked as it is written. Encrypted
        by the bucket's default (KMS): no per-request encryption header that would override it."""
        info = _info(validate_key(key), data)
        lock: dict[str, Any] = {}
        if self.retention_years:
            retention = self._retention()
            lock = {"ObjectLockMode": retention["Mode"], "ObjectLockRetainUntilDate": retention["RetainUntilDate"]}
        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=data,
                ContentType=content_type,
                ChecksumAlgorithm="SHA256",
                ChecksumSHA256=base64.b64encode(bytes.fromhex(info.sha256)).decode("ascii"),
                IfNoneMatch="*",  # never replace an existing object
                **lock,
            )
        except Exception as error:
            code, status = _client_error_code(error)
            if status != 412 and code != "PreconditionFailed":
                raise
            existing = self.stat(key)
            if existing is None or existing.sha256 != info.sha256:
                raise BlobError(BLOB_EXISTS, "该文件已存在且内容不同,不能覆盖") from None
        return info

    def get(self, key: str) -> bytes | None:
        validate_key(key)
        try:
            obj = self.client.get_object(Bucket=self.bucket, Key=key)
        except Exception as error:
            code, status = _client_error_code(error)
            if status in (403, 404) or code in ("NoSuchKey", "NotFound"):
                return None
            raise
        body: bytes = obj["Body"].read()
        return body

    def retain(self, key: str, version: str | None = None) -> None:
        """Keep a cited upload as a record: retention on `version` (the one `stat` checked), then
        the tag `cited`, so the lifecycle rule for pending uploads no longer applies.

        In this order, a crash in between leaves a locked object still tagged pending: the rule
        then only hides it behind a delete marker and removes it once the retention ends; the
        caller commits the change citing it only after both calls succeeded. Two S3 requests.
        """
        validate_key(key)
        target: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
        if version:
            target["VersionId"] = version
        if self.retention_years:
            self.client.put_object_retention(**target, Retention=self._retention())
        self.client.put_object_tagging(**target, Tagging={"TagSet": [{"Key": UPLOAD_TAG, "Value": CITED}]})


# --- configuration ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BlobSettings:
    """The `UAP_BLOB_*` settings (candidates for `chalicelib.config.Settings`)."""

    backend: str
    bucket: str
    directory: Path
    secret: str
    base_url: str
    max_bytes: int
    endpoint_url: str | None
    region: str
    retention_years: int = RETENTION_YEARS


def blob_settings(settings: Settings) -> BlobSettings:
    """Read `UAP_BLOB_*` from the environment; the defaults follow the stage.

    local: a folder `.local/blobs` served at http://127.0.0.1:8000; any other stage: S3 bucket
    `uap-<stage>-materials`.
    """
    env = os.environ
    local = settings.is_local
    directory = Path(env.get("UAP_BLOB_DIR") or ".local/blobs")
    return BlobSettings(
        backend=(env.get("UAP_BLOB_BACKEND") or ("local" if local else "s3")).lower(),
        bucket=env.get("UAP_BLOB_BUCKET") or f"uap-{settings.stage}-materials",
        directory=directory if directory.is_absolute() else ROOT / directory,
        secret=env.get("UAP_BLOB_SECRET", ""),
        base_url=env.get("UAP_BLOB_BASE_URL") or "http://127.0.0.1:8000",
        max_bytes=int(env.get("UAP_BLOB_MAX_BYTES") or DEFAULT_MAX_BYTES),
        endpoint_url=env.get("UAP_BLOB_ENDPOINT") or None,
        region=settings.region,
        retention_years=int(env.get("UAP_BLOB_RETENTION_YEARS") or RETENTION_YEARS),
    )


@lru_cache(maxsize=8)
def _store(config: BlobSettings) -> BlobStore:
    if config.backend == "s3":
        return S3BlobStore(
            config.bucket,
            region=config.region,
            endpoint_url=config.endpoint_url,
            max_bytes=config.max_bytes,
            retention_years=config.retention_years,
        )
    if config.backend == "local":
        secret = config.secret or local_secret(config.directory)
        return LocalBlobStore(config.directory, secret, base_url=config.base_url, max_bytes=config.max_bytes)
    raise ValueError(f"UAP_BLOB_BACKEND must be 's3' or 'local', not {config.backend!r}")


def blob_store_from_config(settings: Settings | None = None) -> BlobStore:
    """The configured store, one per process and settings (Lambda reuses it across requests)."""
    return _store(blob_settings(settings or get_settings()))
