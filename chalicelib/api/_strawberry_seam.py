"""The one place that reaches into strawberry's private names (checked against strawberry-graphql 0.341.2).

Why it exists: a document with several operations and no `operationName` must be refused with a
clear error (`request_errors.RequestErrorCodes`). strawberry's public
`ExecutionContext.operation_name` cannot tell "the client named none" from "the client named the
first one": it falls back to the document's first operation. The name the request actually
carried is kept only in the private `ExecutionContext._provided_operation_name` (set from the
`provided_operation_name` init argument). `tests/unit/test_library_seams.py` fails with a clear
message when the installed strawberry is not the pinned one or that attribute changed shape.
"""

from __future__ import annotations

from strawberry.types import ExecutionContext

__all__ = ["CHECKED_VERSION", "requested_operation_name"]

#: The strawberry-graphql release this was read from (requirements.txt pins it).
CHECKED_VERSION = "0.341.2"


def requested_operation_name(context: ExecutionContext) -> str | None:
    """The `operationName` the request carried (None when it named none)."""
    return context._provided_operation_name  # type: ignore[no-any-return]
