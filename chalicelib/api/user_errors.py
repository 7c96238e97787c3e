"""Shared plumbing for `userErrors`: each domain gets its own code enum and error type, and one
`catch` that turns rule violations into those errors instead of exceptions."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import Enum
from typing import Any, Protocol, TypeVar

import strawberry

from chalicelib.api.errors import ApiError
from chalicelib.domain.errors import DomainError
from chalicelib.domain.text import INVALID_CHARACTERS

T = TypeVar("T")


class UserErrorType(Protocol):
    def __call__(self, *, field: str | None, code: Any, message: str) -> Any: ...


def code_enum(name: str, codes: Iterable[str], description: str) -> Any:
    """A GraphQL enum of English error codes (the API's contract for clients). Every enum also
    holds INVALID_CHARACTERS: the shared text rules (chalicelib/domain/text.py) apply to any input
    a person reads, whichever domain takes it."""
    members = {c: c for c in sorted({*codes, INVALID_CHARACTERS})}
    return strawberry.enum(Enum(name, members), description=description)  # type: ignore[call-overload]


def catcher(error_type: UserErrorType, codes: Any) -> Callable[[Callable[[], T]], tuple[T | None, list[Any]]]:
    """`catch(action)` -> (result, []) or (None, [error...]) for violations the enum knows."""

    def catch(action: Callable[[], T]) -> tuple[T | None, list[Any]]:
        try:
            return action(), []
        except DomainError as error:
            return None, [error_type(field=v.field, code=codes[v.code], message=v.message) for v in error.violations]
        except ApiError as error:
            if error.code not in codes.__members__:
                raise
            return None, [error_type(field=error.extra.get("field"), code=codes[error.code], message=str(error))]

    return catch
