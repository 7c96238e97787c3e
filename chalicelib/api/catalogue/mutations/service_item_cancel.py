"""serviceItemCancel: withdraw an item from the published catalogue (seed 003 取消)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.catalogue.errors import catch
from chalicelib.api.catalogue.mutations.base import ServiceItemPayload, payload
from chalicelib.api.relay import decode_id
from chalicelib.services.catalogue import CatalogueChange


@strawberry.input
class ServiceItemCancelInput:
    id: strawberry.ID
    expected_version: int
    reason: str
    idempotency_key: str | None = None


@strawberry.type
class ServiceItemCancelPayload(ServiceItemPayload):
    pass


def service_item_cancel(info: Info, input: ServiceItemCancelInput) -> ServiceItemCancelPayload:
    ctx = info.context
    item, errors = catch(
        lambda: ctx.catalogue.cancel_item(
            ctx.principal,
            decode_id(input.id, "ServiceItem"),
            CatalogueChange(input.reason, input.expected_version, input.idempotency_key),
        )
    )
    return payload(ServiceItemCancelPayload, item, errors)  # type: ignore[return-value]
