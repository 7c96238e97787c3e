"""Inspection queries: per certificate (supervising department, issuing bureau, supervisors) and
per supervising department."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.errors import BAD_REQUEST, ApiError
from chalicelib.api.inspections.types import Inspection
from chalicelib.api.permissions import STAFF, field
from chalicelib.api.relay import Connection, decode_id, page_size, to_connection
from chalicelib.domain import inspection as din
from chalicelib.domain.pages import Page


def _connection(info: Info, page: Page[din.Inspection]) -> Connection[Inspection]:
    info.context.departments.want(i.supervising_department_id for i, _ in page.items)  # one batch
    return to_connection(page, Inspection.from_domain)


@strawberry.type
class InspectionQuery:
    @field(
        access=STAFF,
        description="Inspections, newest first: of one certificate (staff of its supervising department, "
        "of the issuing bureau, supervisors) or of one supervising department (its staff, supervisors). "
        "Give exactly one of certificateId and departmentId.",
    )
    def inspections(
        self,
        info: Info,
        certificate_id: strawberry.ID | None = None,
        department_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Inspection]:
        if (certificate_id is None) == (department_id is None):
            raise ApiError(BAD_REQUEST, "请提供证照或部门之一", field="certificateId")
        ctx = info.context
        size = page_size(first)
        if certificate_id is not None:
            cert = decode_id(certificate_id, "Certificate", "certificateId")
            return _connection(info, ctx.inspections.of_certificate(ctx.principal, cert, size, after))
        assert department_id is not None
        department = decode_id(department_id, "Department", "departmentId")
        return _connection(info, ctx.inspections.of_department(ctx.principal, department, size, after))
