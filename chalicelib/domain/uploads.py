"""Uploaded files (申请材料 and certificates as blobs): the refusal codes, the error the blob
stores raise, and the read models a service hands to the API.

Kept in the domain so the stores (storage) raise it and resolvers map it without importing storage.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The content types a material file may have (the upload route accepts exactly these).
UPLOAD_CONTENT_TYPES: tuple[str, ...] = ("application/octet-stream", "application/pdf", "image/jpeg", "image/png")

UPLOAD_TOKEN_INVALID = "UPLOAD_TOKEN_INVALID"
UPLOAD_EXPIRED = "UPLOAD_EXPIRED"
UPLOAD_TOO_LARGE = "UPLOAD_TOO_LARGE"
UPLOAD_HASH_MISMATCH = "UPLOAD_HASH_MISMATCH"
UPLOAD_SIZE_MISMATCH = "UPLOAD_SIZE_MISMATCH"
UPLOAD_CONTENT_TYPE_MISMATCH = "UPLOAD_CONTENT_TYPE_MISMATCH"
UPLOAD_INVALID = "UPLOAD_INVALID"
UPLOAD_MISSING = "UPLOAD_MISSING"
BLOB_KEY_INVALID = "BLOB_KEY_INVALID"
BLOB_EXISTS = "BLOB_EXISTS"


class BlobError(Exception):
    """A refused upload or blob operation: an English `code` and a Chinese message for the user."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class UploadTarget:
    """Where and how the client PUTs one file; `headers` must be sent exactly as given.

    `Content-Length` is not listed (browsers forbid setting it; every client sends it), but it
    must equal the declared size.
    """

    url: str
    method: str
    headers: dict[str, str]
    key: str
    expires_at: str
    max_bytes: int


@dataclass(frozen=True)
class BlobInfo:
    """What is really stored under `key`: byte size and hex SHA-256."""

    key: str
    size: int
    sha256: str
    version: str | None = field(default=None, compare=False)  # the S3 version that was read
