"""Certificate type `userErrors`: English codes (one enum) and Chinese messages."""

from __future__ import annotations

import strawberry

from chalicelib.api.errors import INVALID_ID
from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.user_errors import catcher, code_enum
from chalicelib.domain.certificate_type import CertificateTypeCode
from chalicelib.domain.errors import CONFLICT

CertificateTypeErrorCode = code_enum(
    "CertificateTypeErrorCode",
    [v for k, v in vars(CertificateTypeCode).items() if k.isupper()] + [INVALID_ID, CONFLICT],
    "Why a certificate type command was refused.",
)


@visible_to(AUTHENTICATED)
@strawberry.type
class CertificateTypeError:
    field: str | None = strawberry.field(description="Input path of the offending value, if any.")
    code: CertificateTypeErrorCode  # type: ignore[valid-type]
    message: str = strawberry.field(description="Chinese explanation for the user.")


catch = catcher(CertificateTypeError, CertificateTypeErrorCode)
