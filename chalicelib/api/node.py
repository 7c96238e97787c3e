"""`node(id:)`: fetch any node by its global ID (Relay object identification).

Every type that implements `Node` has one resolver here, and each resolver applies the same access
rule as the type's own query: a node the caller may not see is answered exactly like an unknown one
(`NOT_FOUND`), so `node` cannot be used to probe. `tests/e2e/test_node.py` fails when a type in the
schema implements `Node` without a resolver in `RESOLVERS`.
"""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from strawberry import relay
from strawberry.types import Info

from chalicelib.api.errors import INVALID_ID, NOT_FOUND, ApiError
from chalicelib.api.permissions import PUBLIC, field
from chalicelib.domain.errors import DomainError

Resolver = Callable[[Info, str], relay.Node | None]


def _centre(info: Info, key: str) -> relay.Node | None:
    from chalicelib.api.catalogue.types import Centre

    centre = info.context.catalogue_reads.read_centre(key)
    return Centre.from_domain(centre) if centre else None


def _department(info: Info, key: str) -> relay.Node | None:
    from chalicelib.api.catalogue.types import Department

    department = info.context.catalogue_reads.read_department(key)
    return Department.from_domain(department) if department else None


def _item(info: Info, key: str) -> relay.Node | None:
    from chalicelib.api.catalogue.types import ServiceItem

    item = info.context.catalogue_reads.read_item(key)
    return ServiceItem.from_domain(item) if item else None


def _item_version(info: Info, key: str) -> relay.Node | None:
    from chalicelib.api.catalogue.types import ServiceItemVersion

    code, _, number = key.rpartition(":")
    valid = number.isascii() and number.isdigit() and len(number) <= 7
    version = info.context.catalogue_reads.read_item_version(code, int(number)) if valid else None
    return ServiceItemVersion.from_domain(version) if version else None


def _application(info: Info, key: str) -> relay.Node | None:
    from chalicelib.api.applications.types import Application
    from chalicelib.domain.application import china_date
    from chalicelib.services import clock

    try:
        case, _ = info.context.applications.load(key, info.context.principal)
    except DomainError:
        return None  # unknown and not-yours look the same
    return Application.from_domain(case, china_date(clock.utc_now()), info)


def _certificate(info: Info, key: str) -> relay.Node | None:
    from chalicelib.api.certificates.types import Certificate

    cert = info.context.certificate_reads.read_certificate(key)
    if cert is None or not info.context.certificates.may_see(cert, info.context.principal):
        return None
    return Certificate.from_domain(cert)


def _memo(info: Info, key: str) -> relay.Node | None:
    from chalicelib.api.delegation.types import AdjustmentMemo

    memo = info.context.delegation.memo(key)  # published: public, as `adjustmentMemo`
    return AdjustmentMemo.from_domain(memo) if memo else None


def _adjustment_request(info: Info, key: str) -> relay.Node | None:
    from chalicelib.api.delegation.types import AdjustmentRequest

    try:
        return AdjustmentRequest.from_domain(info.context.delegation.request(info.context.principal, key))
    except DomainError:
        return None


def _inspection(info: Info, key: str) -> relay.Node | None:
    from chalicelib.api.counterpart.types import OversightInspection

    try:
        found, _ = info.context.counterpart.load(info.context.principal, key)
    except DomainError:
        return None
    return OversightInspection.from_domain(found)


def _handover(info: Info, key: str) -> relay.Node | None:
    from chalicelib.api.handover.types import Handover

    try:
        found, _ = info.context.handovers.load(info.context.principal, key)
    except DomainError:
        return None
    return Handover.from_domain(found)


def _written_decision(info: Info, key: str) -> relay.Node | None:
    from chalicelib.api.written_decisions.types import WrittenDecisionDocument

    try:
        return WrittenDecisionDocument.from_domain(
            info.context.written_decisions.read_document(info.context.principal, key)
        )
    except DomainError:
        return None


RESOLVERS: dict[str, Resolver] = {
    "Centre": _centre,
    "Department": _department,
    "ServiceItem": _item,
    "ServiceItemVersion": _item_version,
    "Application": _application,
    "Certificate": _certificate,
    "AdjustmentMemo": _memo,
    "AdjustmentRequest": _adjustment_request,
    "OversightInspection": _inspection,
    "Handover": _handover,
    "WrittenDecisionDocument": _written_decision,
}


@strawberry.type
class NodeQuery:
    @field(
        access=PUBLIC,
        description="Any node by global ID, with the access rule of the type's own query (not yours == unknown).",
    )
    def node(self, info: Info, id: strawberry.ID) -> relay.Node:
        try:
            gid = relay.GlobalID.from_id(id)
        except (ValueError, TypeError):
            raise ApiError(INVALID_ID, "ID格式无效", field="id") from None
        resolve = RESOLVERS.get(gid.type_name)
        if resolve is None:
            raise ApiError(INVALID_ID, "ID类型未知", field="id")
        found = resolve(info, gid.node_id)
        if found is None:
            raise ApiError(NOT_FOUND, "对象不存在", field="id")
        return found
