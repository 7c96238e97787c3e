"""serviceItemCreate: publish a new item as version 1 (seed 003 新增)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.catalogue.errors import catch
from chalicelib.api.catalogue.inputs import ServiceItemElementsInput, to_elements
from chalicelib.api.catalogue.mutations.base import ServiceItemPayload, payload
from chalicelib.services.catalogue import CatalogueChange


@strawberry.input
class ServiceItemCreateInput:
    code: str
    elements: ServiceItemElementsInput
    reason: str
    idempotency_key: str | None = None


@strawberry.type
class ServiceItemCreatePayload(ServiceItemPayload):
    pass


def service_item_create(info: Info, input: ServiceItemCreateInput) -> ServiceItemCreatePayload:
    ctx = info.context
    item, errors = catch(
        lambda: ctx.catalogue.create_item(
            ctx.principal,
            input.code,
            to_elements(input.elements),
            CatalogueChange(input.reason, None, input.idempotency_key),
        )
    )
    return payload(ServiceItemCreatePayload, item, errors)  # type: ignore[return-value]
