"""What all catalogue mutation payloads share: the resulting item and userErrors."""

from __future__ import annotations

import strawberry

from chalicelib.api.catalogue.errors import CatalogueError
from chalicelib.api.catalogue.types import ServiceItem
from chalicelib.api.permissions import PUBLIC, visible_to
from chalicelib.domain import catalogue as dc


@visible_to(PUBLIC)
@strawberry.type
class ServiceItemPayload:
    service_item: ServiceItem | None
    user_errors: list[CatalogueError]


def payload(
    cls: type[ServiceItemPayload], item: dc.ServiceItem | None, errors: list[CatalogueError]
) -> ServiceItemPayload:
    return cls(service_item=ServiceItem.from_domain(item) if item else None, user_errors=errors)
