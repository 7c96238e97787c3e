"""Inspection `userErrors`: English codes and Chinese messages."""

from __future__ import annotations

import strawberry

from chalicelib.api.errors import INVALID_ID
from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.user_errors import catcher, code_enum
from chalicelib.domain.errors import CONFLICT
from chalicelib.domain.inspection import InspectionCode
from chalicelib.services.inspections import KEY_REUSED

InspectionErrorCode = code_enum(
    "InspectionErrorCode",
    [v for k, v in vars(InspectionCode).items() if k.isupper()] + [INVALID_ID, KEY_REUSED, CONFLICT],
    "Why an inspection command was refused.",
)


@visible_to(AUTHENTICATED)
@strawberry.type
class InspectionError:
    field: str | None = strawberry.field(description="Input path of the offending value, if any.")
    code: InspectionErrorCode  # type: ignore[valid-type]
    message: str = strawberry.field(description="Chinese explanation for the user.")


catch = catcher(InspectionError, InspectionErrorCode)
