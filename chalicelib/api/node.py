"""`node(id:)`: fetch any public node by its global ID (Relay object identification)."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from chalicelib.api.catalogue.types import Centre, Department, ServiceItem, ServiceItemVersion
from chalicelib.api.errors import INVALID_ID, NOT_FOUND, ApiError
from chalicelib.api.permissions import PUBLIC, field


def _resolve(info: Info, gid: relay.GlobalID) -> relay.Node | None:
    reads = info.context.catalogue_reads
    kind, key = gid.type_name, gid.node_id
    if kind == "Centre":
        centre = reads.read_centre(key)
        return Centre.from_domain(centre) if centre else None
    if kind == "Department":
        department = reads.read_department(key)
        return Department.from_domain(department) if department else None
    if kind == "ServiceItem":
        item = reads.read_item(key)
        return ServiceItem.from_domain(item) if item else None
    if kind == "ServiceItemVersion":
        code, _, number = key.rpartition(":")
        valid = number.isascii() and number.isdigit() and len(number) <= 7
        version = reads.read_item_version(code, int(number)) if valid else None
        return ServiceItemVersion.from_domain(version) if version else None
    if kind == "Application":
        from chalicelib.api.applications.types import Application
        from chalicelib.domain.application import china_date
        from chalicelib.domain.errors import DomainError
        from chalicelib.services import clock

        try:
            case, _ = info.context.applications.load(key, info.context.principal)
        except DomainError:
            return None  # unknown and not-yours look the same
        return Application.from_domain(case, china_date(clock.utc_now()), info)
    if kind == "Certificate":
        from chalicelib.api.certificates.types import Certificate

        cert = info.context.certificate_reads.read_certificate(key)
        if cert is None or not info.context.certificates.may_see(cert, info.context.principal):
            return None
        return Certificate.from_domain(cert)
    raise ApiError(INVALID_ID, "ID类型未知", field="id")


@strawberry.type
class NodeQuery:
    @field(access=PUBLIC, description="Any public node by global ID.")
    def node(self, info: Info, id: strawberry.ID) -> relay.Node:
        try:
            gid = relay.GlobalID.from_id(id)
        except (ValueError, TypeError):
            raise ApiError(INVALID_ID, "ID格式无效", field="id") from None
        found = _resolve(info, gid)
        if found is None:
            raise ApiError(NOT_FOUND, "对象不存在", field="id")
        return found
