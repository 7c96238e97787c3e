"""The GraphQL schema: every domain's queries and mutations, plus the protective extensions."""

from __future__ import annotations

from functools import lru_cache

import strawberry
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

from chalicelib.api.catalogue.mutations.service_item_cancel import ServiceItemCancelPayload, service_item_cancel
from chalicelib.api.catalogue.mutations.service_item_change import ServiceItemChangePayload, service_item_change
from chalicelib.api.catalogue.mutations.service_item_create import ServiceItemCreatePayload, service_item_create
from chalicelib.api.catalogue.mutations.service_item_delegate import (
    ServiceItemDelegatePayload,
    service_item_delegate,
)
from chalicelib.api.catalogue.mutations.service_item_merge import ServiceItemMergePayload, service_item_merge
from chalicelib.api.catalogue.mutations.service_item_transfer import (
    ServiceItemTransferPayload,
    service_item_transfer,
)
from chalicelib.api.catalogue.queries import CatalogueQuery
from chalicelib.api.catalogue.types import Centre, Department, ServiceItem, ServiceItemVersion
from chalicelib.api.errors import DomainErrorCodes, should_mask_error
from chalicelib.api.identity.types import IdentityQuery
from chalicelib.api.node import NodeQuery
from chalicelib.api.permissions import ADMIN, mutation
from chalicelib.config import Settings


@strawberry.type
class Query(CatalogueQuery, IdentityQuery, NodeQuery):
    pass


@strawberry.type
class Mutation:
    service_item_create: ServiceItemCreatePayload = mutation(service_item_create, access=ADMIN)
    service_item_change: ServiceItemChangePayload = mutation(service_item_change, access=ADMIN)
    service_item_cancel: ServiceItemCancelPayload = mutation(service_item_cancel, access=ADMIN)
    service_item_transfer: ServiceItemTransferPayload = mutation(service_item_transfer, access=ADMIN)
    service_item_delegate: ServiceItemDelegatePayload = mutation(service_item_delegate, access=ADMIN)
    service_item_merge: ServiceItemMergePayload = mutation(service_item_merge, access=ADMIN)


def _extensions(settings: Settings) -> list[object]:
    """Limits and caches; introspection is only for the local stage (GraphiQL).

    The limit rules are built once per schema: strawberry's limiter extensions would make new
    rule classes per request, which defeats the ValidationCache (its key includes the rules).
    """
    from graphql.validation import ASTValidationRule, NoSchemaIntrospectionCustomRule
    from strawberry.extensions.max_aliases import create_validator as alias_rule
    from strawberry.extensions.query_depth_limiter import create_validator as depth_rule

    rules: list[type[ASTValidationRule]] = [
        depth_rule(settings.max_query_depth, None),
        alias_rule(settings.max_aliases),
    ]
    if not settings.is_local:
        rules.append(NoSchemaIntrospectionCustomRule)
    return [
        lambda: AddValidationRules(rules),
        lambda: MaxTokensLimiter(max_token_count=settings.max_query_tokens),
        DomainErrorCodes,
        lambda: MaskErrors(should_mask_error=should_mask_error, error_message="服务内部错误,请稍后重试"),
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
    ]


@lru_cache(maxsize=4)
def build_schema(settings: Settings) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=[Centre, Department, ServiceItem, ServiceItemVersion],
        extensions=_extensions(settings),  # type: ignore[arg-type]
        config=StrawberryConfig(disable_field_suggestions=not settings.is_local),
    )
