"""Responsibility `userErrors`: English codes (one enum) and Chinese messages."""

from __future__ import annotations

import strawberry

from chalicelib.api.errors import INVALID_ID
from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.user_errors import catcher, code_enum
from chalicelib.domain.responsibility import ResponsibilityCode

ResponsibilityErrorCode = code_enum(
    "ResponsibilityErrorCode",
    [v for k, v in vars(ResponsibilityCode).items() if k.isupper()] + [INVALID_ID],
    "Why a responsibility matrix was refused.",
)


@visible_to(AUTHENTICATED)
@strawberry.type
class ResponsibilityError:
    field: str | None = strawberry.field(description="Input path of the offending value, if any.")
    code: ResponsibilityErrorCode  # type: ignore[valid-type]
    message: str = strawberry.field(description="Chinese explanation for the user.")


catch = catcher(ResponsibilityError, ResponsibilityErrorCode)
