"""Referral `userErrors`: the application's codes plus the referral's own (one enum)."""

from __future__ import annotations

import strawberry

from chalicelib.api.errors import INVALID_ID
from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.user_errors import catcher, code_enum
from chalicelib.domain.application import Code
from chalicelib.domain.referral import ReferralCode

ReferralErrorCode = code_enum(
    "ReferralErrorCode",
    [v for k, v in vars(Code).items() if k.isupper()]
    + [v for k, v in vars(ReferralCode).items() if k.isupper()]
    + [INVALID_ID],
    "Why a referral command was refused.",
)


@visible_to(AUTHENTICATED)
@strawberry.type
class ReferralError:
    field: str | None = strawberry.field(description="Input path of the offending value, if any.")
    code: ReferralErrorCode  # type: ignore[valid-type]
    message: str = strawberry.field(description="Chinese explanation for the user.")


catch = catcher(ReferralError, ReferralErrorCode)
