"""What every schema this API builds shares: the protective extensions, the config, error logging.

The full schema (`api/schema.py`) and the per-domain parts that answer a cold process's first
requests (`api/schema_parts.py`) are both made by `make_schema`, so a document gets the same
limits, caches, error codes, masking and logging whichever of them answers it. This module
imports no domain's GraphQL types: a part must not pay for the full schema's imports.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache

import strawberry
from graphql import GraphQLError
from graphql.validation import ASTValidationRule
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, ParserCache
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from chalicelib.api._strawberry_seam import (
    IdentityValidationCache,
    KnownHooks,
    WithoutFederationCheck,
    fast_enum_output,
    fast_is_type_of,
    fast_resolvers,
    graphql_schema,
)
from chalicelib.api.errors import DomainErrorCodes, should_mask_error
from chalicelib.api.observability import MaskErrorsWithId, OperationObservability, report_unexpected
from chalicelib.api.permissions import access_guard
from chalicelib.api.request_errors import RequestErrorCodes, guarded
from chalicelib.api.scalars import SCALAR_MAP
from chalicelib.config import Settings
from chalicelib.startup import collector_paused

__all__ = ["CACHE_SIZE", "ApiSchema", "make_schema", "validation_rules"]

log = logging.getLogger("chalicelib.api.schema")  # the name these lines always had

CACHE_SIZE = 256  # documents kept parsed and validated (ParserCache, ValidationCache)


@lru_cache(maxsize=4)
def validation_rules(settings: Settings) -> tuple[type[ASTValidationRule], ...]:
    """The limit rules, built once per settings: strawberry's limiter extensions would make new
    rule classes per request, which defeats the ValidationCache (its key includes the rules).
    Introspection is only for the local stage (GraphiQL)."""
    from graphql.validation import NoSchemaIntrospectionCustomRule
    from strawberry.extensions.max_aliases import create_validator as alias_rule
    from strawberry.extensions.query_depth_limiter import create_validator as depth_rule

    rules: list[type[ASTValidationRule]] = [
        guarded(depth_rule(settings.max_query_depth, None)),
        guarded(alias_rule(settings.max_aliases)),
    ]
    if not settings.is_local:
        rules.append(NoSchemaIntrospectionCustomRule)
    return tuple(rules)


def _extensions(settings: Settings) -> list[object]:
    """Limits and caches, in the order they run."""
    rules = list(validation_rules(settings))
    return [
        lambda: AddValidationRules(rules),
        lambda: MaxTokensLimiter(max_token_count=settings.max_query_tokens),
        DomainErrorCodes,
        RequestErrorCodes,
        MaskErrorsWithId,  # an error id users can quote, found in the log line of the error
        OperationObservability,  # after the masking: log fields and metrics per operation
        lambda: ParserCache(maxsize=CACHE_SIZE),
        lambda: IdentityValidationCache(maxsize=CACHE_SIZE),  # strawberry's, found by identity
    ]


class ApiSchema(KnownHooks, WithoutFederationCheck, strawberry.Schema):
    """Logs unexpected errors (bugs) with their traceback, as strawberry does; expected ones (bad
    input, permissions, unknown ids) are answers, not failures: one line at INFO, no traceback.
    No federation directive check (we use none; it imports strawberry's federation package).
    The extensions' hooks are found once per class, not per request (`KnownHooks`)."""

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        unexpected = [e for e in errors if should_mask_error(e)]
        report_unexpected(unexpected)  # logged once, with the id the masked answer carries
        for error in errors:
            if error not in unexpected:
                code = (error.extensions or {}).get("code") or getattr(error.original_error, "code", "GRAPHQL")
                log.info("graphql error %s at %s", code, ".".join(str(p) for p in error.path or ()))


def make_schema(settings: Settings, query: type, mutation: type | None = None, types: Sequence[type] = ()) -> ApiSchema:
    """A schema with this API's extensions and config (built once per process by its callers)."""
    with collector_paused():  # long-lived objects only (chalicelib/startup.py)
        schema = ApiSchema(
            query=query,
            mutation=mutation,
            types=list(types),
            extensions=_extensions(settings),  # type: ignore[arg-type]
            config=StrawberryConfig(disable_field_suggestions=not settings.is_local, scalar_map=SCALAR_MAP),
        )
    fast_enum_output(graphql_schema(schema))  # each enum member's name remembered (_strawberry_seam)
    fast_is_type_of(graphql_schema(schema))  # a node of exactly its type's class is one (_strawberry_seam)
    fast_resolvers(schema, access_guard)  # argument-free resolvers without strawberry's wrapper (_strawberry_seam)
    return schema
