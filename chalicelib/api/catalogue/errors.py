"""Catalogue `userErrors`: an English code enum and Chinese messages (Saleor-style)."""

from __future__ import annotations

import strawberry

from chalicelib.api.errors import FORBIDDEN, INVALID_ID
from chalicelib.api.permissions import PUBLIC, visible_to
from chalicelib.api.user_errors import catcher, code_enum
from chalicelib.domain.catalogue import CATALOGUE_CODES
from chalicelib.domain.errors import CONFLICT, INVALID_CURSOR

CatalogueErrorCode = code_enum(
    "CatalogueErrorCode",
    [*CATALOGUE_CODES, CONFLICT, FORBIDDEN, INVALID_ID, INVALID_CURSOR],
    "Why a catalogue mutation was refused.",
)


@visible_to(PUBLIC)
@strawberry.type
class CatalogueError:
    field: str | None = strawberry.field(description="Input path of the offending value, if any.")
    code: CatalogueErrorCode  # type: ignore[valid-type]
    message: str = strawberry.field(description="Chinese explanation for the user.")


catch = catcher(CatalogueError, CatalogueErrorCode)
