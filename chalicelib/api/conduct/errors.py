"""Conduct `userErrors`: English codes (one enum) and Chinese messages."""

from __future__ import annotations

import strawberry

from chalicelib.api.errors import INVALID_ID
from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.user_errors import catcher, code_enum
from chalicelib.domain.conduct import ConductCode

ConductErrorCode = code_enum(
    "ConductErrorCode",
    [v for k, v in vars(ConductCode).items() if k.isupper()] + [INVALID_ID, "FORBIDDEN", "CONFLICT"],
    "Why a conduct entry was refused.",
)


@visible_to(AUTHENTICATED)
@strawberry.type
class ConductError:
    field: str | None = strawberry.field(description="Input path of the offending value, if any.")
    code: ConductErrorCode  # type: ignore[valid-type]
    message: str = strawberry.field(description="Chinese explanation for the user.")


catch = catcher(ConductError, ConductErrorCode)
