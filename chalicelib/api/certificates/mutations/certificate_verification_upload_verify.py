"""certificateVerificationUploadVerify: the report of a file uploaded through
certificateVerificationUploadCreate, the same as `certificateVerifyUpload` and `POST /verify`
give (seal, registry match, status; PDF_TOO_COMPLEX and the other bounds). The file is deleted
once verified, so each upload is verified once. A mutation, not a query: it consumes the upload.
"""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.certificates.errors import CertificateVerificationUploadError, catch_verification_upload
from chalicelib.api.certificates.queries import caller
from chalicelib.api.certificates.types import PublicCertificate, UploadVerification, VerificationReport
from chalicelib.api.permissions import PUBLIC, visible_to


@strawberry.input
class CertificateVerificationUploadVerifyInput:
    upload_id: str = strawberry.field(description="From certificateVerificationUploadCreate, after the POST.")


@visible_to(PUBLIC)
@strawberry.type
class CertificateVerificationUploadVerifyPayload:
    verification: UploadVerification | None
    user_errors: list[CertificateVerificationUploadError]


def certificate_verification_upload_verify(
    info: Info, input: CertificateVerificationUploadVerifyInput
) -> CertificateVerificationUploadVerifyPayload:
    ctx = info.context

    def action() -> UploadVerification:
        check = ctx.verification_uploads.verify(input.upload_id, ctx.caller_key, caller(info))
        return UploadVerification(
            valid=check.valid,
            seal_valid=check.report.passed,
            registry_match=check.registry_match,
            status=check.status,
            certificate=PublicCertificate.from_domain(check.certificate) if check.certificate else None,
            report=VerificationReport.from_report(check.report),
        )

    verification, errors = catch_verification_upload(action)
    return CertificateVerificationUploadVerifyPayload(verification=verification, user_errors=errors)
