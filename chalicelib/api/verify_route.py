"""`POST /verify` (Content-Type: application/pdf): third parties check a certificate file.

The same three checks as the GraphQL field `certificateVerifyUpload` — seal valid, file identical
to a registered certificate, certificate currently valid — answered as JSON, never a 500.

At most 4 MiB (`DIRECT_MAX_BYTES`): API Gateway passes a PDF to Lambda base64-encoded inside a
request payload of at most 6 MB. A larger file (up to 10 MiB) gets a 413 `USE_PRESIGNED_UPLOAD`
naming `certificateVerificationUploadCreate`, the upload-then-verify path.

用证事由 (issue 13): the caller states why in the query string, `POST /verify?reasonForUse=…`
(URL-encoded, at most 200 characters); it is required (the caller is a third party) and logged
with the verification, where the holder sees it.
"""

from __future__ import annotations

import json
from typing import Any

from chalice.app import Request, Response

from chalicelib.api.context import RequestContext
from chalicelib.api.request_query import query as _query
from chalicelib.config import Settings, get_settings
from chalicelib.domain import certificate as dcert
from chalicelib.domain import verification_upload as dvu
from chalicelib.domain.application import china_date
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import ANONYMOUS
from chalicelib.domain.offline_kit import check_reason_for_use
from chalicelib.services import clock

HEADERS: dict[str, str | list[str]] = {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}


def _json(status: int, body: dict[str, Any]) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status_code=status, headers=dict(HEADERS))


def public_view(cert: dcert.Certificate) -> dict[str, Any]:
    """What anyone may see of a certificate: holder name and identifier masked."""
    return {
        "number": cert.number,
        "typeName": cert.type_name,
        "holderName": dcert.mask_name(cert.holder_name),
        "holderIdentifier": dcert.mask_identifier(cert.holder_identifier),
        "authorityName": cert.authority_name,
        "itemName": cert.item_name,
        "issuedOn": cert.issued_on.isoformat(),
        "validUntil": cert.valid_until.isoformat() if cert.valid_until else None,
        "status": cert.current_status(china_date(clock.utc_now())).value,
    }


def handle_verify(request: Request, settings: Settings | None = None) -> Response:
    raw = request.raw_body or b""
    pdf = raw.encode("latin-1") if isinstance(raw, str) else bytes(raw)
    if not pdf:
        return _json(400, {"error": {"code": "EMPTY_BODY", "message": "请上传 PDF 文件"}})
    if len(pdf) > dvu.DIRECT_MAX_BYTES:  # what fits Lambda's request payload; larger: presigned upload
        code = dvu.VerificationUploadCode.USE_PRESIGNED_UPLOAD
        body = {"code": code, "message": dvu.USE_PRESIGNED_MESSAGE, "maxBytes": dvu.DIRECT_MAX_BYTES}
        return _json(413, {"error": {**body, "presignedUpload": "certificateVerificationUploadCreate"}})
    try:
        reason = check_reason_for_use(_query(request).get("reasonForUse"), required=True)
    except DomainError as error:
        first = error.violations[0]
        problems = [{"code": v.code, "message": v.message} for v in error.violations]
        return _json(400, {"error": {"code": first.code, "message": first.message, "problems": problems}})
    source = (request.context or {}).get("identity", {}).get("sourceIp") or "unknown"
    context = RequestContext(principal=ANONYMOUS, settings=settings or get_settings(), caller_key=f"ip:{source}")
    try:
        context.public_limit.count("verify-pdf", context.caller_key)
    except DomainError as error:
        first = error.violations[0]
        return _json(429, {"error": {"code": first.code, "message": first.message}})
    try:
        check = context.certificates.verify_upload(pdf, "rest-upload", source, reason)
    except DomainError as error:
        first = error.violations[0]
        return _json(400, {"error": {"code": first.code, "message": first.message}})
    return _json(
        200,
        {
            "valid": check.valid,
            "sealValid": check.report.passed,
            "registryMatch": check.registry_match,
            "status": check.status.value if check.status else None,
            "certificate": public_view(check.certificate) if check.certificate else None,
            "report": check.report.to_dict(),
        },
    )


__all__ = ["handle_verify", "public_view"]
