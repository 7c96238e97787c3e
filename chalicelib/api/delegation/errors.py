"""Delegation `userErrors`: English codes (one enum) and Chinese messages."""

from __future__ import annotations

import strawberry

from chalicelib.api.errors import INVALID_ID
from chalicelib.api.permissions import AUTHENTICATED, visible_to
from chalicelib.api.user_errors import catcher, code_enum
from chalicelib.domain.catalogue import CatalogueCode
from chalicelib.domain.delegation import DelegationCode

DelegationErrorCode = code_enum(
    "DelegationErrorCode",
    [v for k, v in vars(DelegationCode).items() if k.isupper()]
    + [INVALID_ID, CatalogueCode.STALE_VERSION, CatalogueCode.UNKNOWN_CENTRE, CatalogueCode.REASON_REQUIRED],
    "Why a delegation-lifecycle command was refused.",
)


@visible_to(AUTHENTICATED)
@strawberry.type
class DelegationError:
    field: str | None = strawberry.field(description="Input path of the offending value, if any.")
    code: DelegationErrorCode  # type: ignore[valid-type]
    message: str = strawberry.field(description="Chinese explanation for the user.")


catch = catcher(DelegationError, DelegationErrorCode)
