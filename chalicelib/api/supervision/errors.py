"""Supervision `userErrors`: English codes (one enum) and Chinese messages."""

from __future__ import annotations

import strawberry

from chalicelib.api.errors import INVALID_ID
from chalicelib.api.permissions import STAFF, visible_to
from chalicelib.api.user_errors import catcher, code_enum
from chalicelib.domain.errors import CONFLICT

SupervisionErrorCode = code_enum(
    "SupervisionErrorCode",
    [
        "NOT_FOUND",
        "ALREADY_ACKNOWLEDGED",
        "NOT_ACKNOWLEDGEABLE",
        "NOTE_REQUIRED",
        "OUT_OF_RANGE",
        "SCOPE_FORBIDDEN",
        CONFLICT,
        INVALID_ID,
    ],
    "Why a supervision command was refused.",
)


@visible_to(STAFF)
@strawberry.type
class SupervisionError:
    field: str | None = strawberry.field(description="Input path of the offending value, if any.")
    code: SupervisionErrorCode  # type: ignore[valid-type]
    message: str = strawberry.field(description="Chinese explanation for the user.")


catch = catcher(SupervisionError, SupervisionErrorCode)
