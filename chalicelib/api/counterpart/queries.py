"""Counterpart oversight queries: the delegating department's monitoring view and inspections."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.counterpart.types import CounterpartCase, OversightInspection
from chalicelib.api.permissions import AnyRole, field
from chalicelib.api.relay import Connection, decode_id, page_size, to_connection
from chalicelib.api.supervision.types import SupervisionWarning
from chalicelib.domain.identity import Role

OVERSEERS = AnyRole(Role.REVIEWER, Role.APPROVER, Role.SUPERVISOR, Role.ADMIN)


@strawberry.type
class CounterpartQuery:
    @field(
        access=OVERSEERS,
        description="市直对口部门 monitoring (seed 003 二(五)3): the open cases of the department's delegated "
        "powers at the receiving centres, soonest deadline first. Its reviewers and approvers, or supervisors.",
    )
    def counterpart_cases(
        self, info: Info, department_id: strawberry.ID, first: int | None = None, after: str | None = None
    ) -> Connection[CounterpartCase]:
        ctx = info.context
        department = decode_id(department_id, "Department", "departmentId")
        page = ctx.counterpart.cases(ctx.principal, department, page_size(first), after)
        ctx.centres.want(e.centre_id for e, _ in page.items)
        return to_connection(page, CounterpartCase.from_domain)

    @field(
        access=OVERSEERS,
        description="Warnings on the department's delegated powers at the receiving centres and on its "
        "rectification demands, newest first.",
    )
    def counterpart_warnings(
        self, info: Info, department_id: strawberry.ID, first: int | None = None, after: str | None = None
    ) -> Connection[SupervisionWarning]:
        ctx = info.context
        department = decode_id(department_id, "Department", "departmentId")
        page = ctx.counterpart.warnings(ctx.principal, department, page_size(first), after)
        ctx.departments.want(w.department_id for w, _ in page.items if w.department_id)
        return to_connection(page, SupervisionWarning.from_domain)

    @field(
        access=OVERSEERS,
        description="Supervision inspections of delegated powers, newest first: a delegating department's "
        "(receiving = false) or a receiving department's (receiving = true). Its own staff, or supervisors.",
    )
    def oversight_inspections(
        self,
        info: Info,
        department_id: strawberry.ID,
        receiving: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[OversightInspection]:
        ctx = info.context
        department = decode_id(department_id, "Department", "departmentId")
        page = ctx.counterpart.inspections(ctx.principal, department, receiving, page_size(first), after)
        ctx.centres.want(i.centre_id for i, _ in page.items)
        ctx.departments.want(d for i, _ in page.items for d in (i.department_id, i.receiving_department_id))
        return to_connection(page, OversightInspection.from_domain)

    @field(access=OVERSEERS, description="One inspection (the departments and centre concerned, supervisors).")
    def oversight_inspection(self, info: Info, id: strawberry.ID) -> OversightInspection:
        ctx = info.context
        found, _ = ctx.counterpart.load(ctx.principal, decode_id(id, "OversightInspection"))
        return OversightInspection.from_domain(found)
