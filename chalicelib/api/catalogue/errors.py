"""Catalogue `userErrors`: an English code enum and Chinese messages (Saleor-style)."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import TypeVar

import strawberry

from chalicelib.api.errors import FORBIDDEN, INVALID_ID, ApiError
from chalicelib.api.permissions import PUBLIC, visible_to
from chalicelib.domain.catalogue import CatalogueCode
from chalicelib.domain.errors import DomainError
from chalicelib.storage.pagination import INVALID_CURSOR
from chalicelib.storage.unit_of_work import CONFLICT

T = TypeVar("T")

_CODES = sorted(
    {v for k, v in vars(CatalogueCode).items() if k.isupper()} | {CONFLICT, FORBIDDEN, INVALID_ID, INVALID_CURSOR}
)
CatalogueErrorCode = strawberry.enum(
    Enum("CatalogueErrorCode", {c: c for c in _CODES}),  # type: ignore[misc]
    description="Why a catalogue mutation was refused.",
)  # type: ignore[call-overload]


@visible_to(PUBLIC)
@strawberry.type
class CatalogueError:
    field: str | None = strawberry.field(description="Input path of the offending value, if any.")
    code: CatalogueErrorCode  # type: ignore[valid-type]
    message: str = strawberry.field(description="Chinese explanation for the user.")


def catch(action: Callable[[], T]) -> tuple[T | None, list[CatalogueError]]:
    """Run a use case; rule violations become userErrors, never exceptions."""
    try:
        return action(), []
    except DomainError as error:
        return None, [
            CatalogueError(field=v.field, code=CatalogueErrorCode[v.code], message=v.message)  # type: ignore[misc]
            for v in error.violations
        ]
    except ApiError as error:
        if error.code not in CatalogueErrorCode.__members__:  # type: ignore[attr-defined]
            raise
        field = error.extra.get("field")
        return None, [CatalogueError(field=field, code=CatalogueErrorCode[error.code], message=str(error))]  # type: ignore[misc]
