"""`POST /verify` (Content-Type: application/pdf): third parties check a certificate file.
With Content-Type application/json and `{"identifier", "holderName"}` it looks a licence up by its
GB/T 36904 identifier instead (`handle_identifier_lookup`).

The same three checks as the GraphQL field `certificateVerifyUpload` — seal valid, file identical
to a registered certificate, certificate currently valid — answered as JSON, never a 500. A file
that is a registered written decision instead (`writtenDecisionVerifyUpload`) is answered with
`writtenDecision` set and its seal pinned to the bureau that sealed it.

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
from chalicelib.domain import licence_identifier as dli
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
    """What anyone may see of a certificate: holder name and identifier masked; the status
    spelled as everywhere else (VALID, SUSPENDED, …) with its Chinese label."""
    status = cert.current_status(china_date(clock.utc_now()))
    return {
        "number": cert.number,
        "typeName": cert.type_name,
        "holderName": dcert.mask_name(cert.holder_name),
        "holderIdentifier": dcert.mask_identifier(cert.holder_identifier),
        "authorityName": cert.authority_name,
        "itemName": cert.item_name,
        "issuedOn": cert.issued_on.isoformat(),
        "validUntil": cert.valid_until.isoformat() if cert.valid_until else None,
        "identifier": cert.identifier or None,
        "status": status.value,
        "statusLabel": dcert.STATUS_LABELS[status],
    }


def _error(status: int, code: str, message: str, field: str | None = None) -> Response:
    return _json(status, {"error": {"code": code, "message": message, **({"field": field} if field else {})}})


def _reason_refused(error: DomainError) -> Response:
    """A missing or bad 用证事由: every problem at once, nothing read."""
    first = error.violations[0]
    problems = [{"code": v.code, "message": v.message} for v in error.violations]
    return _json(400, {"error": {"code": first.code, "message": first.message, "problems": problems}})


def handle_identifier_lookup(request: Request, settings: Settings | None = None) -> Response:
    """`POST /verify` with a JSON body `{"identifier": …, "holderName": …, "reasonForUse": …}`
    (用证事由 required, as for a file): the registry status
    and a fresh check of the stored sealed PDF. The identifier's check character is validated
    before anything is read (400 INVALID_IDENTIFIER); an unknown identifier and a wrong holder
    name get the same 404 (no probing); the answer masks the holder."""
    try:
        body = json.loads(request.raw_body or b"{}")
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("identifier"), str):
        return _error(400, "BAD_REQUEST", "请提供电子证照标识(identifier)和持证人名称(holderName)", "identifier")
    try:
        identifier = str(dli.parse(body["identifier"]))
    except dli.IdentifierError as error:
        return _error(400, dcert.CertCode.INVALID_IDENTIFIER, str(error), "identifier")
    holder = body.get("holderName")
    if not isinstance(holder, str) or not holder.strip() or len(holder) > 100:
        return _error(400, "BAD_REQUEST", "按电子证照标识查验须同时提供持证人名称", "holderName")
    stated = body.get("reasonForUse", _query(request).get("reasonForUse"))
    try:  # 用证事由, as for a file
        reason = check_reason_for_use(stated if isinstance(stated, str) else None, required=True)
    except DomainError as error:
        return _reason_refused(error)
    source = (request.context or {}).get("identity", {}).get("sourceIp") or "unknown"
    context = RequestContext(principal=ANONYMOUS, settings=settings or get_settings(), caller_key=f"ip:{source}")
    try:
        context.public_limit.count("verify-lookup", context.caller_key)
    except DomainError as error:
        first = error.violations[0]
        return _error(429, first.code, first.message)
    service = context.certificates
    cert = service.lookup(number=None, code=None, identifier=identifier)
    if cert is None or not dcert.holder_named(cert, holder):
        return _error(404, "NOT_FOUND", "未找到该证照", "identifier")
    report = service.verify_registered(cert, dcert.VerificationChannel.REST_LOOKUP, source, reason)
    status = cert.current_status(china_date(clock.utc_now()))
    valid = report.passed and report.file_sha256 == cert.sha256 and status is dcert.CertificateStatus.VALID
    return _json(
        200,
        {
            "valid": valid,
            "sealValid": report.passed,
            "status": status.value,
            "certificate": public_view(cert),
            "report": report.to_dict(),
        },
    )


def handle_verify(request: Request, settings: Settings | None = None) -> Response:
    headers: Any = request.headers or {}  # Chalice's case-insensitive mapping
    content_type = str(headers.get("content-type", "")).lower()
    if content_type.startswith("application/json"):
        return handle_identifier_lookup(request, settings)
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
        return _reason_refused(error)
    source = (request.context or {}).get("identity", {}).get("sourceIp") or "unknown"
    context = RequestContext(principal=ANONYMOUS, settings=settings or get_settings(), caller_key=f"ip:{source}")
    try:
        context.public_limit.count("verify-pdf", context.caller_key)
    except DomainError as error:
        first = error.violations[0]
        return _json(429, {"error": {"code": first.code, "message": first.message}})
    try:
        check = context.certificates.verify_upload(pdf, dcert.VerificationChannel.REST_UPLOAD, source, reason)
    except DomainError as error:
        first = error.violations[0]
        return _json(400, {"error": {"code": first.code, "message": first.message}})
    if check.certificate is None:  # not a certificate: perhaps a sealed written decision (issue 13)
        decision = _written_decision(context, pdf)
        if decision is not None:
            return _json(200, decision)
    return _json(
        200,
        {
            "valid": check.valid,
            "sealValid": check.report.passed,
            "registryMatch": check.registry_match,
            "status": check.status.value if check.status else None,
            "certificate": public_view(check.certificate) if check.certificate else None,
            "report": check.report.to_dict(),
            "writtenDecision": None,
        },
    )


def _written_decision(context: RequestContext, pdf: bytes) -> dict[str, Any] | None:
    """A registered written decision (一次性告知书, 不予受理/不予许可决定书), its seal pinned to the
    sealing bureau's registered seal; None when the file is none (one GetItem)."""
    service = context.written_decisions
    document = service.match(pdf)
    if document is None:
        return None
    check = service.verify_upload(pdf, document)
    return {
        "valid": check.valid,
        "sealValid": check.report.passed,
        "registryMatch": True,
        "status": None,
        "certificate": None,
        "report": check.report.to_dict(),
        "writtenDecision": {
            "kind": document.kind.name,
            "number": document.number,
            "title": document.title,
            "issuer": document.issuer,
            "authorityName": document.authority_name,
            "issuedOn": document.issued_on.isoformat(),
        },
    }


__all__ = ["handle_identifier_lookup", "handle_verify", "public_view"]
