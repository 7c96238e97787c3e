"""Handover `userErrors`: English codes (one enum) and Chinese messages."""

from __future__ import annotations

import strawberry

from chalicelib.api.errors import INVALID_ID
from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.user_errors import catcher, code_enum
from chalicelib.domain.handover import HandoverCode

HandoverErrorCode = code_enum(
    "HandoverErrorCode",
    [v for k, v in vars(HandoverCode).items() if k.isupper()] + [INVALID_ID],
    "Why a handover command was refused.",
)


@visible_to(AUTHENTICATED)
@strawberry.type
class HandoverError:
    field: str | None = strawberry.field(description="Input path of the offending value, if any.")
    code: HandoverErrorCode  # type: ignore[valid-type]
    message: str = strawberry.field(description="Chinese explanation for the user.")


catch = catcher(HandoverError, HandoverErrorCode)
