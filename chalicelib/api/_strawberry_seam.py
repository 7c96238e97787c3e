"""The one place that reaches into strawberry's private names (checked against strawberry-graphql 0.341.2).

Why it exists: a document with several operations and no `operationName` must be refused with a
clear error (`request_errors.RequestErrorCodes`). strawberry's public
`ExecutionContext.operation_name` cannot tell "the client named none" from "the client named the
first one": it falls back to the document's first operation. The name the request actually
carried is kept only in the private `ExecutionContext._provided_operation_name` (set from the
`provided_operation_name` init argument).

A per-domain part of the schema (`api/schema_parts.py`) validates a document against the part
before it answers it; strawberry has no public accessor for the graphql-core schema it built, which
it keeps in `Schema._schema`.

`tests/unit/test_library_seams.py` fails with a clear message when the installed strawberry is not
the pinned one or one of these attributes changed shape.
"""

from __future__ import annotations

from graphql import GraphQLSchema
from strawberry import Schema
from strawberry.types import ExecutionContext

__all__ = ["CHECKED_VERSION", "graphql_schema", "requested_operation_name"]

#: The strawberry-graphql release this was read from (requirements.txt pins it).
CHECKED_VERSION = "0.341.2"


def requested_operation_name(context: ExecutionContext) -> str | None:
    """The `operationName` the request carried (None when it named none)."""
    return context._provided_operation_name  # type: ignore[no-any-return]


def graphql_schema(schema: Schema) -> GraphQLSchema:
    """The graphql-core schema strawberry built (what it validates and executes documents against)."""
    built: GraphQLSchema = schema._schema
    return built
