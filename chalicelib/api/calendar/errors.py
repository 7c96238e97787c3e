"""Calendar `userErrors`: English codes (one enum) and Chinese messages."""

from __future__ import annotations

import strawberry

from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.user_errors import catcher, code_enum
from chalicelib.domain.holiday_arrangement import ArrangementCode

CalendarErrorCode = code_enum(
    "CalendarErrorCode",
    [c.value for c in ArrangementCode] + ["FORBIDDEN", "STALE_VERSION", "CONFLICT", "IDEMPOTENCY_KEY_REUSED"],
    "Why a holiday arrangement was refused.",
)


@visible_to(AUTHENTICATED)
@strawberry.type
class CalendarError:
    field: str | None = strawberry.field(description="Input path of the offending value, if any.")
    code: CalendarErrorCode  # type: ignore[valid-type]
    message: str = strawberry.field(description="Chinese explanation for the user.")


catch = catcher(CalendarError, CalendarErrorCode)
