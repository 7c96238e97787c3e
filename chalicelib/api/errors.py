"""How errors leave the API.

Two kinds only:
- expected errors (`ApiError`): bad input, missing permission, unknown IDs. They carry an
  English `code` in `extensions` and a Chinese message, and are never masked;
- anything else is a bug: `MaskErrors` replaces its message with a neutral one (the traceback
  goes to the log), so internals never leak to callers.
Mutations report rule violations as `userErrors` in their payload instead (see each domain's
`errors.py`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from chalicelib.domain.errors import DomainError


class ApiError(Exception):
    """An expected error with a stable code for clients."""

    def __init__(self, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.code = code
        self.extra = extra

    @property
    def extensions(self) -> dict[str, Any]:
        return {"code": self.code, **self.extra}


# Error codes of the transport and permission layer (not tied to one domain).
UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
NOT_FOUND = "NOT_FOUND"
BAD_REQUEST = "BAD_REQUEST"
INVALID_ID = "INVALID_ID"
PAGE_LIMIT = "PAGE_LIMIT"


def is_expected(error: GraphQLError) -> bool:
    """Validation/parse errors (no original error), ApiErrors and DomainErrors are shown, and so
    are variable-coercion errors: graphql-core wraps the GraphQLError that describes the bad value
    (wrong type, missing required variable, unknown input field), which is the caller's mistake."""
    original = error.original_error
    return original is None or isinstance(original, ApiError | DomainError | GraphQLError)


class DomainErrorCodes(SchemaExtension):
    """A rule violation raised in a query resolver (e.g. INVALID_CURSOR from a page read) gets the
    same `extensions.code` an ApiError has, so clients see one error shape."""

    def on_execute(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        for error in (result.errors if result else None) or []:
            original = error.original_error
            if isinstance(original, DomainError) and not error.extensions:
                first = original.violations[0]
                error.extensions = {"code": first.code, "field": first.field}
                error.message = "；".join(v.message for v in original.violations)  # the code is in extensions


def should_mask_error(error: GraphQLError) -> bool:
    return not is_expected(error)
