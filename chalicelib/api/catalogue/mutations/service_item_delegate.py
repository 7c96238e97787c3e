"""serviceItemDelegate: let a subordinate centre exercise a power (seed 000/003 下放)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.catalogue.errors import catch
from chalicelib.api.catalogue.mutations.base import ServiceItemPayload, payload
from chalicelib.api.relay import decode_id
from chalicelib.services import catalogue as service
from chalicelib.services.catalogue import CatalogueChange


@strawberry.input
class ServiceItemDelegateInput:
    id: strawberry.ID
    centre_id: strawberry.ID
    expected_version: int
    reason: str
    idempotency_key: str | None = None


@strawberry.type
class ServiceItemDelegatePayload(ServiceItemPayload):
    pass


def service_item_delegate(info: Info, input: ServiceItemDelegateInput) -> ServiceItemDelegatePayload:
    ctx = info.context
    item, errors = catch(
        lambda: service.delegate_item(
            ctx.catalogue,
            ctx.principal,
            decode_id(input.id, "ServiceItem"),
            decode_id(input.centre_id, "Centre", "centreId"),
            CatalogueChange(input.reason, input.expected_version, input.idempotency_key),
        )
    )
    return payload(ServiceItemDelegatePayload, item, errors)  # type: ignore[return-value]
