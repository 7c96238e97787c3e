"""Organisation `userErrors`: an English code enum and Chinese messages (Saleor-style)."""

from __future__ import annotations

import strawberry

from chalicelib.api.errors import FORBIDDEN, INVALID_ID
from chalicelib.api.permissions import PUBLIC, visible_to
from chalicelib.api.user_errors import catcher, code_enum
from chalicelib.domain.errors import CONFLICT
from chalicelib.domain.organisation import OrgCode

OrganisationErrorCode = code_enum(
    "OrganisationErrorCode",
    [v for k, v in vars(OrgCode).items() if k.isupper()] + [CONFLICT, FORBIDDEN, INVALID_ID],
    "Why a centre or department change was refused.",
)


@visible_to(PUBLIC)
@strawberry.type
class OrganisationError:
    field: str | None = strawberry.field(description="Input path of the offending value, if any.")
    code: OrganisationErrorCode  # type: ignore[valid-type]
    message: str = strawberry.field(description="Chinese explanation for the user.")


catch = catcher(OrganisationError, OrganisationErrorCode)
