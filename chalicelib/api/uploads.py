"""`PUT /uploads/{token}`: the local stand-in for S3's presigned uploads.

Only the local stage stores files in a folder; there the token from `LocalBlobStore.upload_target`
is redeemed here and every fact it binds (key, size, SHA-256, content type, expiry) is enforced
before the file is written. On any other stage the route answers 404: clients upload to S3.
"""

from __future__ import annotations

import json

from chalice.app import Request, Response

from chalicelib.config import Settings, get_settings
from chalicelib.domain import uploads as du
from chalicelib.domain.uploads import UPLOAD_CONTENT_TYPES, BlobError
from chalicelib.services.uploads import receive_local_upload

__all__ = ["UPLOAD_CONTENT_TYPES", "handle_upload"]

JSON_HEADERS: dict[str, str | list[str]] = {
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "no-store",
}

# HTTP status per refusal; expired and invalid tokens are 403 like S3's presigned URLs.
STATUS = {
    du.UPLOAD_TOKEN_INVALID: 403,
    du.UPLOAD_EXPIRED: 403,
    du.UPLOAD_TOO_LARGE: 413,
    du.UPLOAD_SIZE_MISMATCH: 400,
    du.UPLOAD_HASH_MISMATCH: 400,
    du.UPLOAD_CONTENT_TYPE_MISMATCH: 415,
    du.BLOB_KEY_INVALID: 400,
    du.BLOB_EXISTS: 409,
}


def _json(status: int, body: object) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status_code=status, headers=dict(JSON_HEADERS))


def _error(status: int, code: str, message: str) -> Response:
    return _json(status, {"error": {"code": code, "message": message}})


def handle_upload(request: Request, token: str, settings: Settings | None = None) -> Response:
    """Store the request body under the token's key: 201 `{key, size, sha256}` or a coded 4xx."""
    settings = settings or get_settings()
    raw = request.raw_body or b""
    body = raw.encode("utf-8") if isinstance(raw, str) else raw
    try:
        received = receive_local_upload(settings, token, body, request.headers.get("content-type"))
    except BlobError as error:
        return _error(STATUS.get(error.code, 400), error.code, error.message)
    if received is None:  # not the local stage: files go to S3
        return _error(404, "NOT_FOUND", "未找到该地址")
    info, created = received
    return _json(201 if created else 200, {"key": info.key, "size": info.size, "sha256": info.sha256})
