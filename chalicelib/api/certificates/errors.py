"""Certificate `userErrors`: English codes and Chinese messages."""

from __future__ import annotations

import strawberry

from chalicelib.api.errors import INVALID_ID
from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.user_errors import catcher, code_enum
from chalicelib.domain.application import Code
from chalicelib.domain.certificate import CertCode

CertificateErrorCode = code_enum(
    "CertificateErrorCode",
    [v for k, v in vars(CertCode).items() if k.isupper()] + [INVALID_ID, Code.ILLEGAL_TRANSITION],
    "Why a certificate command was refused.",
)


@visible_to(AUTHENTICATED)
@strawberry.type
class CertificateError:
    field: str | None
    code: CertificateErrorCode  # type: ignore[valid-type]
    message: str


catch = catcher(CertificateError, CertificateErrorCode)
