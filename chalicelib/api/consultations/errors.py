"""Consultation `userErrors`: English codes (one enum) and Chinese messages."""

from __future__ import annotations

import strawberry

from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.user_errors import catcher, code_enum
from chalicelib.domain.consultation import ConsultationCode

ConsultationErrorCode = code_enum(
    "ConsultationErrorCode",
    [v for k, v in vars(ConsultationCode).items() if k.isupper()],
    "Why recording a consultation was refused.",
)


@visible_to(AUTHENTICATED)
@strawberry.type
class ConsultationError:
    field: str | None = strawberry.field(description="Input path of the offending value, if any.")
    code: ConsultationErrorCode  # type: ignore[valid-type]
    message: str = strawberry.field(description="Chinese explanation for the user.")


catch = catcher(ConsultationError, ConsultationErrorCode)
