"""Oversight `userErrors`: English codes (one enum) and Chinese messages."""

from __future__ import annotations

import strawberry

from chalicelib.api.errors import INVALID_ID
from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.user_errors import catcher, code_enum
from chalicelib.domain.oversight import OversightCode

HeadOversightErrorCode = code_enum(
    "HeadOversightErrorCode",
    [v for k, v in vars(OversightCode).items() if k.isupper()] + [INVALID_ID],
    "Why a case could not be put under the head's personal oversight.",
)


@visible_to(AUTHENTICATED)
@strawberry.type
class HeadOversightError:
    field: str | None = strawberry.field(description="Input path of the offending value, if any.")
    code: HeadOversightErrorCode  # type: ignore[valid-type]
    message: str = strawberry.field(description="Chinese explanation for the user.")


catch = catcher(HeadOversightError, HeadOversightErrorCode)
