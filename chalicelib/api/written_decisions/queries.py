"""Written decision queries: the case's documents (its applicant, staff who may see the case) and
public verification of an uploaded file."""

from __future__ import annotations

import base64
import binascii

import strawberry
from strawberry.types import Info

from chalicelib.api.certificates.queries import _count
from chalicelib.api.certificates.types import VerificationReport
from chalicelib.api.errors import BAD_REQUEST, NOT_FOUND, ApiError
from chalicelib.api.permissions import AUTHENTICATED, PUBLIC, field
from chalicelib.api.relay import Connection, decode_id, page_size, to_connection
from chalicelib.api.written_decisions.types import (
    PublicWrittenDecision,
    WrittenDecisionDocument,
    WrittenDecisionVerification,
)
from chalicelib.domain.errors import INVALID_CURSOR, DomainError
from chalicelib.services.written_decisions import MAX_PDF_BYTES


@strawberry.type
class WrittenDecisionQuery:
    @field(
        access=AUTHENTICATED,
        description="The written decisions of a case in the order they were owed (its applicant, staff who see it).",
    )
    def written_decisions(
        self, info: Info, application_id: strawberry.ID, first: int | None = None, after: str | None = None
    ) -> Connection[WrittenDecisionDocument]:
        case_id = decode_id(application_id, "Application", "applicationId")
        try:
            page = info.context.written_decisions.page_of_case(info.context.principal, case_id, page_size(first), after)
        except DomainError as error:
            first_problem = error.violations[0]
            if first_problem.code == INVALID_CURSOR:  # as every connection answers a cursor it did not make
                raise ApiError(INVALID_CURSOR, first_problem.message, field="after") from None
            raise ApiError(NOT_FOUND, "办件不存在", field="applicationId") from error
        return to_connection(page, WrittenDecisionDocument.from_domain)

    @field(access=AUTHENTICATED, description="One written decision (its case's applicant, staff who see the case).")
    def written_decision(self, info: Info, id: strawberry.ID) -> WrittenDecisionDocument:
        try:
            doc = info.context.written_decisions.read_document(
                info.context.principal, decode_id(id, "WrittenDecisionDocument")
            )
        except DomainError as error:
            raise ApiError(NOT_FOUND, error.violations[0].message, field="id") from error
        return WrittenDecisionDocument.from_domain(doc)

    @field(
        access=PUBLIC,
        description="Verify a written decision PDF (base64, at most 10 MiB): the seal pinned to the sealing "
        "bureau's registered seal, and the file identical to a registered written decision.",
    )
    def written_decision_verify_upload(self, info: Info, pdf_base64: str) -> WrittenDecisionVerification:
        _count(info, "verify-pdf", "pdfBase64")
        if len(pdf_base64) > (MAX_PDF_BYTES * 4) // 3 + 4:
            raise ApiError("PDF_TOO_LARGE", "文件过大", field="pdfBase64")
        try:
            pdf = base64.b64decode(pdf_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(BAD_REQUEST, "pdfBase64 不是有效的 Base64", field="pdfBase64") from None
        try:
            check = info.context.written_decisions.verify_upload(pdf)
        except DomainError as error:
            raise ApiError(error.violations[0].code, error.violations[0].message, field="pdfBase64") from None
        return WrittenDecisionVerification(
            valid=check.valid,
            seal_valid=check.report.passed,
            registry_match=check.registry_match,
            document=PublicWrittenDecision.from_domain(check.document) if check.document else None,
            report=VerificationReport.from_report(check.report),
        )
