"""Certificate queries: public verification by number/code or uploaded PDF; holders' certificates."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

import strawberry
from strawberry.types import Info

from chalicelib.api.certificates.types import (
    Certificate,
    CertificateVerification,
    PublicCertificate,
    UploadVerification,
    VerificationReport,
)
from chalicelib.api.errors import BAD_REQUEST, NOT_FOUND, ApiError
from chalicelib.api.permissions import AUTHENTICATED, PUBLIC, AnyRole, field
from chalicelib.api.relay import Connection, decode_id, page_size, to_connection
from chalicelib.domain import licence_identifier as dli
from chalicelib.domain.application import china_date
from chalicelib.domain.certificate import CertCode, CertificateStatus, VerificationChannel, holder_named
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Role
from chalicelib.domain.offline_kit import check_reason_for_use, needs_reason_for_use
from chalicelib.services import clock
from chalicelib.services.certificates import MAX_PDF_BYTES


def caller(info: Info) -> str:
    return info.context.principal.subject or "anonymous"


def _count(info: Info, scope: str, field_: str) -> None:
    """Public verification counts against the caller's per-minute limit (numbers are sequential
    and holder names guessable; each verification runs the seal check)."""
    try:
        info.context.public_limit.count(scope, info.context.caller_key)
    except DomainError as error:
        raise ApiError(error.violations[0].code, error.violations[0].message, field=field_) from None


def _reason(value: str | None, *, required: bool) -> str:
    """用证事由 checked before anything is looked up (every problem in one error's `problems`)."""
    try:
        return check_reason_for_use(value, required=required)
    except DomainError as error:
        first = error.violations[0]
        problems = [{"code": v.code, "message": v.message} for v in error.violations]
        raise ApiError(first.code, first.message, field="reasonForUse", problems=problems) from None


@strawberry.type
class CertificateQuery:
    @field(
        access=PUBLIC,
        description="Look a certificate up by number or verification code: registry status plus a fresh "
        "verification of the stored sealed PDF. Holder data masked. Each lookup is logged.",
    )
    def certificate_verify(
        self,
        info: Info,
        number: str | None = None,
        verification_code: str | None = None,
        holder_name: str | None = None,
        identifier: Annotated[
            str | None,
            strawberry.argument(
                description="GB/T 36904 licence identifier (with holderName); its check character is validated "
                "before anything is read (INVALID_IDENTIFIER)."
            ),
        ] = None,
        reason_for_use: Annotated[
            str | None,
            strawberry.argument(
                description="用证事由: why the licence is looked up (at most 200 characters); required of "
                "third parties (anyone but the holder and staff), logged with the verification, shown to the holder."
            ),
        ] = None,
    ) -> CertificateVerification:
        """By the QR code's verification code, or by number or licence identifier together with the
        holder's full name: numbers and serials are sequential, so either alone would let anyone
        walk the whole registry (an unknown identifier and a wrong name get the same NOT_FOUND)."""
        principal = info.context.principal
        reason = _reason(reason_for_use, required=principal.subject is None)
        if sum(bool(v) for v in (number, verification_code, identifier)) != 1:
            raise ApiError(BAD_REQUEST, "请提供证照编号、验证码或电子证照标识之一", field="number")
        if identifier:
            try:  # before the rate limit and the registry: a mistyped identifier costs no request
                identifier = str(dli.parse(identifier))
            except dli.IdentifierError as error:
                raise ApiError(CertCode.INVALID_IDENTIFIER, str(error), field="identifier") from None
        if len(number or verification_code or "") > 64 or len(holder_name or "") > 100:
            raise ApiError(BAD_REQUEST, "编号、验证码或持证人名称过长", field="number")
        if (number or identifier) and not (holder_name or "").strip():
            raise ApiError(BAD_REQUEST, "按证照编号或电子证照标识查验须同时提供持证人名称", field="holderName")
        _count(info, "verify-lookup", "identifier" if identifier else "number")
        service = info.context.certificates
        cert = service.lookup(number=number, code=verification_code, identifier=identifier)
        if cert is None or ((number or identifier) and not holder_named(cert, holder_name or "")):
            raise ApiError(NOT_FOUND, "未找到该证照", field="identifier" if identifier else "number")
        if not reason and needs_reason_for_use(principal, cert.holder_account):
            _reason(None, required=True)
        report = service.verify_registered(cert, VerificationChannel.GRAPHQL_LOOKUP, caller(info), reason)
        status = cert.current_status(china_date(clock.utc_now()))
        stored_matches = report.file_sha256 == cert.sha256  # the stored file is the registered one
        return CertificateVerification(
            certificate=PublicCertificate.from_domain(cert),
            report=VerificationReport.from_report(report),
            valid=report.passed and stored_matches and status is CertificateStatus.VALID,
        )

    @field(
        access=PUBLIC,
        description="Verify a PDF (base64, at most 10 MiB) against the seal, the registry and the status.",
    )
    def certificate_verify_upload(self, info: Info, pdf_base64: str) -> UploadVerification:
        _count(info, "verify-pdf", "pdfBase64")
        if len(pdf_base64) > (MAX_PDF_BYTES * 4) // 3 + 4:
            raise ApiError("PDF_TOO_LARGE", "文件过大", field="pdfBase64")
        try:
            pdf = base64.b64decode(pdf_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(BAD_REQUEST, "pdfBase64 不是有效的 Base64", field="pdfBase64") from None
        try:
            check = info.context.certificates.verify_upload(pdf, VerificationChannel.GRAPHQL_UPLOAD, caller(info))
        except DomainError as error:
            raise ApiError(error.violations[0].code, error.violations[0].message, field="pdfBase64") from None
        return UploadVerification(
            valid=check.valid,
            seal_valid=check.report.passed,
            registry_match=check.registry_match,
            status=check.status,
            certificate=PublicCertificate.from_domain(check.certificate) if check.certificate else None,
            report=VerificationReport.from_report(check.report),
        )

    @field(access=AnyRole(Role.APPLICANT, Role.AGENT), description="Certificates issued to the caller, newest first.")
    def my_certificates(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Certificate]:
        page = info.context.certificate_reads.page_of_holder(info.context.principal.subject, page_size(first), after)
        return to_connection(page, Certificate.from_domain)

    @field(access=AUTHENTICATED, description="The full registry record (the holder or staff).")
    def certificate(self, info: Info, id: strawberry.ID) -> Certificate:
        found = info.context.certificate_reads.read_certificate(decode_id(id, "Certificate"))
        if found is None or not info.context.certificates.may_see(found, info.context.principal):
            raise ApiError(NOT_FOUND, "证照不存在", field="id")
        return Certificate.from_domain(found)
