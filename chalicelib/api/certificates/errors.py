"""Certificate `userErrors`: English codes and Chinese messages."""

from __future__ import annotations

import strawberry

from chalicelib.api.errors import INVALID_ID
from chalicelib.api.permissions import AUTHENTICATED, PUBLIC, visible_to
from chalicelib.api.user_errors import catcher, code_enum
from chalicelib.domain.application import Code
from chalicelib.domain.certificate import CertCode
from chalicelib.domain.certificate_type import ISSUANCE_CODES
from chalicelib.domain.verification_upload import VerificationUploadCode

CertificateErrorCode = code_enum(
    "CertificateErrorCode",
    [v for k, v in vars(CertCode).items() if k.isupper()] + [INVALID_ID, Code.ILLEGAL_TRANSITION, *ISSUANCE_CODES],
    "Why a certificate command was refused.",
)


@visible_to(AUTHENTICATED)
@strawberry.type
class CertificateError:
    field: str | None
    code: CertificateErrorCode  # type: ignore[valid-type]
    message: str


catch = catcher(CertificateError, CertificateErrorCode)


# Public verification of an uploaded file (certificateVerificationUpload*): its own short list.
CertificateVerificationUploadErrorCode = code_enum(
    "CertificateVerificationUploadErrorCode",
    [
        VerificationUploadCode.NOT_FOUND,
        VerificationUploadCode.RATE_LIMITED,
        CertCode.PDF_TOO_LARGE,
        CertCode.INVALID_PDF,
    ],
    "Why a verification upload was refused (unknown, expired and other callers' uploads are all NOT_FOUND).",
)


@visible_to(PUBLIC)
@strawberry.type
class CertificateVerificationUploadError:
    field: str | None
    code: CertificateVerificationUploadErrorCode  # type: ignore[valid-type]
    message: str


catch_verification_upload = catcher(CertificateVerificationUploadError, CertificateVerificationUploadErrorCode)
