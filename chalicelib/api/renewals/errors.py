"""Renewal `userErrors`: every code an ordinary filing can give, plus the renewal's own (one enum)."""

from __future__ import annotations

import strawberry

from chalicelib.api.applications.errors import ApplicationErrorCode
from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.user_errors import catcher, code_enum
from chalicelib.domain.renewal import RenewalCode

RenewalErrorCode = code_enum(
    "RenewalErrorCode",
    list(
        dict.fromkeys(
            [m.value for m in ApplicationErrorCode] + [v for k, v in vars(RenewalCode).items() if k.isupper()]
        )
    ),
    "Why a renewal application was refused.",
)


@visible_to(AUTHENTICATED)
@strawberry.type
class RenewalError:
    field: str | None = strawberry.field(description="Input path of the offending value, if any.")
    code: RenewalErrorCode  # type: ignore[valid-type]
    message: str = strawberry.field(description="Chinese explanation for the user.")


catch = catcher(RenewalError, RenewalErrorCode)
