"""`POST /verification-uploads/{token}`: the local stand-in for S3's presigned POST.

Only where verification uploads live in a folder (the local stage, and the tests) the form a client would POST
to S3 (the target's `fields`, then the PDF as `file`) is POSTed here, and the token's key, size
bound and expiry are enforced before the file is written. With S3 (every deployed stage) the
route answers 404: clients POST to the bucket. Answers 204 on success, like S3.
"""

from __future__ import annotations

import json

from chalice.app import Request, Response

from chalicelib.config import Settings, get_settings
from chalicelib.domain.errors import DomainError
from chalicelib.services.verification_uploads import LOCAL_UPLOAD_STATUS, receive_local_upload

HEADERS: dict[str, str | list[str]] = {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}


def _error(status: int, code: str, message: str) -> Response:
    body = json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False)
    return Response(body, status_code=status, headers=dict(HEADERS))


def handle_verification_upload(request: Request, token: str, settings: Settings | None = None) -> Response:
    raw = request.raw_body or b""
    body = raw.encode("utf-8") if isinstance(raw, str) else raw
    try:
        local = receive_local_upload(settings or get_settings(), token, body, request.headers.get("content-type", ""))
    except DomainError as error:
        refusal = error.violations[0]
        return _error(LOCAL_UPLOAD_STATUS.get(refusal.code, 400), refusal.code, refusal.message)
    if not local:  # S3: clients POST to the bucket
        return _error(404, "NOT_FOUND", "未找到该地址")
    return Response("", status_code=204, headers={"Cache-Control": "no-store"})
