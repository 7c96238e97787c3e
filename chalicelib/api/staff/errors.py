"""Staff `userErrors`: English codes (one enum) and Chinese messages."""

from __future__ import annotations

import strawberry

from chalicelib.api.errors import INVALID_ID
from chalicelib.api.permissions import PUBLIC, visible_to
from chalicelib.api.user_errors import catcher, code_enum
from chalicelib.domain.staff import StaffCode

StaffErrorCode = code_enum(
    "StaffErrorCode",
    [v for k, v in vars(StaffCode).items() if k.isupper()]
    + [INVALID_ID, "OUT_OF_RANGE", "TEXT_REQUIRED", "NOTE_REQUIRED", "ALREADY_RESOLVED"],
    "Why a staff or window-post command was refused.",
)


@visible_to(PUBLIC)
@strawberry.type
class StaffError:
    field: str | None = strawberry.field(description="Input path of the offending value, if any.")
    code: StaffErrorCode  # type: ignore[valid-type]
    message: str = strawberry.field(description="Chinese explanation for the user.")


catch = catcher(StaffError, StaffErrorCode)
