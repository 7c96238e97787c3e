"""What operators see of each GraphQL operation: log fields, metrics, and error ids.

- `OperationObservability` (a schema extension) adds the caller's `subject` and `roles` and the
  `operation` name to every log line of the request, ends it with one INFO line (duration,
  errors), and emits the EMF metrics `Requests`, `Errors` (unexpected, masked) and
  `ClientErrors` (bad input, permissions) under the dimension `operation`. That dimension is
  `<query|mutation>:<first root field>` (bounded by the schema), never the client's free-text
  operation name, which would let any caller create billed metrics.
- `report_unexpected` gives each unexpected error an id and logs it with its traceback;
  `MaskErrorsWithId` shows callers only the neutral message, `code: INTERNAL_ERROR` and that
  `errorId`, which a user can quote and an operator can search the logs for.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator

from graphql import GraphQLError, OperationDefinitionNode
from strawberry.extensions import MaskErrors, SchemaExtension

from chalicelib import observability
from chalicelib.api._strawberry_seam import PlainMaskingCheck
from chalicelib.api.errors import should_mask_error

log = logging.getLogger(__name__)

INTERNAL_ERROR = "INTERNAL_ERROR"
MASKED_MESSAGE = "服务内部错误,请稍后重试"


def report_unexpected(errors: list[GraphQLError]) -> None:
    """Log each unexpected error once, with its traceback and a fresh `error_id` that the masked
    answer carries (`extensions.errorId`)."""
    for error in errors:
        error_id = uuid.uuid4().hex
        error.extensions = {**(error.extensions or {}), "errorId": error_id}
        original = error.original_error or error
        log.error(
            "unexpected error %s at %s: %s",
            error_id,
            ".".join(str(p) for p in error.path or ()) or "-",
            type(original).__name__,
            exc_info=(type(original), original, original.__traceback__),
            extra={"error_id": error_id},
        )


class MaskErrorsWithId(PlainMaskingCheck, MaskErrors):
    """strawberry's masking, keeping the error id (and a stable code) in the masked error."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=should_mask_error, error_message=MASKED_MESSAGE)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        error_id = (error.extensions or {}).get("errorId") or uuid.uuid4().hex
        masked.extensions = {"code": INTERNAL_ERROR, "errorId": error_id}
        return masked


class OperationObservability(SchemaExtension):
    """Listed after `MaskErrorsWithId`, so its end runs before the masking (it still tells
    unexpected errors from expected ones)."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        principal = getattr(context.context, "principal", None)
        if principal is not None:
            observability.append_keys(
                subject=principal.subject or "anonymous", roles=sorted(r.value for r in principal.roles)
            )
        started = time.perf_counter()
        yield
        label = _label(context)
        observability.append_keys(operation=context.operation_name or label)
        result = context.result
        errors = list((result.errors if result is not None else None) or context.pre_execution_errors or [])
        unexpected = sum(
            1 for e in errors if should_mask_error(e) or (e.extensions or {}).get("code") == INTERNAL_ERROR
        )
        observability.emit(
            {"operation": label},
            {"Requests": 1, "Errors": unexpected, "ClientErrors": len(errors) - unexpected},
        )
        log.info(
            "graphql %s done",
            label,
            extra={
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "errors": len(errors),
                "unexpected_errors": unexpected,
            },
        )


def _label(context: object) -> str:
    """`query:serviceItems`, `mutation:applicationFile`; `invalid` for a document that did not
    parse or names a field the schema does not have."""
    document = getattr(context, "graphql_document", None)
    if document is None:
        return "invalid"
    name = getattr(context, "operation_name", None)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = next((d for d in operations if name and d.name and d.name.value == name), None)
    if chosen is None:
        chosen = operations[0] if len(operations) == 1 else None
    if chosen is None or not chosen.selection_set.selections:
        return "invalid"
    kind = chosen.operation.value
    first = chosen.selection_set.selections[0]
    field = getattr(getattr(first, "name", None), "value", None)
    schema = getattr(getattr(context, "schema", None), "_schema", None)
    root = schema.get_root_type(chosen.operation) if schema is not None else None
    if not field or root is None or field not in root.fields:
        return f"{kind}:invalid"
    return f"{kind}:{field}"
