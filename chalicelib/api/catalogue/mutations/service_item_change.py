"""serviceItemChange: publish edited elements as the next version (seed 003 变更)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.catalogue.errors import catch
from chalicelib.api.catalogue.inputs import ServiceItemElementsInput, to_elements
from chalicelib.api.catalogue.mutations.base import ServiceItemPayload, payload
from chalicelib.api.relay import decode_id
from chalicelib.services.catalogue import CatalogueChange


@strawberry.input
class ServiceItemChangeInput:
    id: strawberry.ID
    expected_version: int
    elements: ServiceItemElementsInput
    reason: str
    idempotency_key: str | None = None


@strawberry.type
class ServiceItemChangePayload(ServiceItemPayload):
    pass


def service_item_change(info: Info, input: ServiceItemChangeInput) -> ServiceItemChangePayload:
    ctx = info.context
    item, errors = catch(
        lambda: ctx.catalogue.change_item(
            ctx.principal,
            decode_id(input.id, "ServiceItem"),
            to_elements(input.elements),
            CatalogueChange(input.reason, input.expected_version, input.idempotency_key),
        )
    )
    return payload(ServiceItemChangePayload, item, errors)  # type: ignore[return-value]
