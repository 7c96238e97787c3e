"""The one place that reaches into strawberry's private names (checked against strawberry-graphql 0.341.2).

Why it exists: a document with several operations and no `operationName` must be refused with a
clear error (`request_errors.RequestErrorCodes`). strawberry's public
`ExecutionContext.operation_name` cannot tell "the client named none" from "the client named the
first one": it falls back to the document's first operation. The name the request actually
carried is kept only in the private `ExecutionContext._provided_operation_name` (set from the
`provided_operation_name` init argument).

A per-domain part of the schema (`api/schema_parts.py`) validates a document against the part
before it answers it; strawberry has no public accessor for the graphql-core schema it built, which
it keeps in `Schema._schema`. `cached_parse` and `cached_validation` parse and validate as
strawberry's `ParserCache` and `ValidationCache` extensions do (with `MaxTokensLimiter` and
`AddValidationRules`), through their module-level caches (`_get_parse_cache`,
`_get_validate_cache`) with the same keys, so the request that follows finds the document parsed
and validated instead of doing both again.

Two start-up costs strawberry adds without need (issue 14 point 2, bench/README.md `cold_start`):

- **String annotations** (every types module has `from __future__ import annotations`).
  `StrawberryAnnotation.evaluate` turns each one into a `typing.ForwardRef` (a `compile`), then
  `strawberry.utils.typing.eval_type` parses it with `ast`, walks the tree for `strawberry.lazy`
  references, unparses it and makes a second `ForwardRef` (another `compile`) before
  `typing._eval_type` evaluates it. A field whose type is declared further down its module is
  evaluated like that again on every look-up until the type exists. That was ~35% of declaring
  the types. `fast_annotation_evaluation` evaluates an annotation that names no lazy type with
  one `ForwardRef` per distinct text (compiled once) and the same `typing._eval_type` call, so
  the result is the same object strawberry would get; anything that could involve
  `strawberry.lazy` (`Annotated` or `lazy` in the text, or a name bound to an `Annotated` alias)
  takes strawberry's own path. `python -m infra.schema_export --check` and the seam tests hold the
  schema and the results to be unchanged.
- **The federation check**: `Schema.__init__` calls `_warn_for_federation_directives`, which
  imports strawberry's federation package only to warn if a federation directive is used; we
  use none. `WithoutFederationCheck` skips it, as strawberry's own `federation.Schema` does.

`tests/unit/test_library_seams.py` fails with a clear message when the installed strawberry is not
the pinned one or one of these attributes changed shape.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Callable
from functools import cache
from types import ModuleType
from typing import Annotated, Any, ForwardRef, get_origin

from graphql import DocumentNode, GraphQLError, GraphQLSchema
from graphql.validation import ASTValidationRule, specified_rules
from strawberry import Schema
from strawberry.annotation import StrawberryAnnotation
from strawberry.types import ExecutionContext

__all__ = [
    "CHECKED_VERSION",
    "WithoutFederationCheck",
    "cached_parse",
    "cached_validation",
    "fast_annotation_evaluation",
    "graphql_schema",
    "requested_operation_name",
]

#: The strawberry-graphql release this was read from (requirements.txt pins it).
CHECKED_VERSION = "0.341.2"


def requested_operation_name(context: ExecutionContext) -> str | None:
    """The `operationName` the request carried (None when it named none)."""
    return context._provided_operation_name  # type: ignore[no-any-return]


def graphql_schema(schema: Schema) -> GraphQLSchema:
    """The graphql-core schema strawberry built (what it validates and executes documents against)."""
    built: GraphQLSchema = schema._schema
    return built


def cached_parse(query: str, max_tokens: int, cache_size: int) -> DocumentNode:
    """The document, as a request with `MaxTokensLimiter(max_tokens)` and `ParserCache(cache_size)`
    parses it, through the same cache. Raises the parser's GraphQLError (syntax, too many tokens)."""
    from strawberry.extensions.parser_cache import _get_parse_cache

    document: DocumentNode = _get_parse_cache(cache_size)(query, max_tokens=max_tokens)
    return document


def cached_validation(
    schema: Schema, document: DocumentNode, rules: tuple[type[ASTValidationRule], ...], cache_size: int
) -> list[GraphQLError]:
    """The validation errors a request to `schema` with `AddValidationRules(rules)` and
    `ValidationCache(cache_size)` gets for the document, through the same cache."""
    from strawberry.extensions.validation_cache import _get_validate_cache

    errors: list[GraphQLError] = _get_validate_cache(cache_size)(
        graphql_schema(schema), document, (*specified_rules, *rules)
    )
    return errors


class WithoutFederationCheck:
    """Mixed into a `strawberry.Schema` subclass: no federation directive check (we use none)."""

    def _warn_for_federation_directives(self) -> None:
        """strawberry's own `federation.Schema` skips the check the same way."""


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@cache
def _forward_ref(text: str) -> ForwardRef:
    """One ForwardRef per annotation text: it compiles the text once. Safe to share: with no
    local namespace `ForwardRef._evaluate` evaluates again in each caller's namespace."""
    return ForwardRef(text)


@cache
def _names(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_NAME.findall(text)))


def _names_no_lazy_type(text: str, namespace: dict[str, Any]) -> bool:
    """Whether strawberry's `ast` walk would find nothing to add for this annotation text."""
    if "Annotated" in text or "lazy" in text:
        return False
    for name in _names(text):
        value = namespace.get(name)
        if value is None or isinstance(value, type | ModuleType):
            continue  # a class or a module is never an `Annotated` alias
        if get_origin(value) is Annotated:
            return False
    return True


def fast_annotation_evaluation() -> None:
    """Install the short path for string annotations (once; chalicelib/api/__init__.py)."""
    current = StrawberryAnnotation.evaluate
    if getattr(current, "fast_path", False):
        return
    original: Callable[[StrawberryAnnotation], type] = current

    def evaluate(self: StrawberryAnnotation) -> type:
        annotation = self.raw_annotation
        if isinstance(annotation, str):
            namespace = self.namespace or {}
            if _names_no_lazy_type(annotation, namespace):
                evaluated: type = typing._eval_type(_forward_ref(annotation), namespace, None)  # type: ignore[attr-defined]
                return evaluated
        return original(self)

    evaluate.fast_path = True  # type: ignore[attr-defined]
    evaluate.original = original  # type: ignore[attr-defined]
    StrawberryAnnotation.evaluate = evaluate  # type: ignore[method-assign]
