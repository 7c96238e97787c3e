"""Supervision queries: statistics, warnings, the violation ledger, notification feeds."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

import strawberry
from strawberry.types import Info

from chalicelib.api.permissions import AUTHENTICATED, STAFF, field
from chalicelib.api.relay import Connection, decode_id, page_size, to_connection
from chalicelib.api.supervision.types import (
    Notification,
    Statistics,
    StatisticsScopeKind,
    SupervisionWarning,
    Violation,
)
from chalicelib.domain import supervision as ds

_SCOPE_ID_TYPE = {
    StatisticsScopeKind.CENTRE: "Centre",
    StatisticsScopeKind.DEPARTMENT: "Department",
    StatisticsScopeKind.ITEM: "ServiceItem",
}


@strawberry.input
class StatisticsScopeInput:
    kind: StatisticsScopeKind
    id: strawberry.ID = strawberry.field(description="Global ID of the centre/department/item, or a staff id.")


@strawberry.enum(description="Whose notifications: the caller's own, or their department's shared feed.")
class NotificationFeed(StrEnum):
    PERSONAL = "personal"
    DEPARTMENT = "department"


def _scope_id(scope: StatisticsScopeInput) -> str:
    kind = StatisticsScopeKind(scope.kind)
    if kind is StatisticsScopeKind.STAFF:
        return str(scope.id)
    return decode_id(scope.id, _SCOPE_ID_TYPE[kind], "scope.id")


def _department_arg(department_id: strawberry.ID | None) -> str | None:
    return decode_id(department_id, "Department", "departmentId") if department_id else None


@strawberry.type
class SupervisionQuery:
    @field(
        access=STAFF,
        description="效能统计 of a centre, department, item or staff member over [from, to] (at most 366 days).",
    )
    def statistics(
        self,
        info: Info,
        scope: StatisticsScopeInput,
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
    ) -> Statistics:
        ctx = info.context
        figures = ctx.supervision.statistics_of(ctx.principal, scope.kind.value, _scope_id(scope), from_, to)
        return Statistics.from_domain(figures)

    @field(access=STAFF, description="A department's warnings, newest first (supervisors name any department).")
    def warnings(
        self,
        info: Info,
        department_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[SupervisionWarning]:
        ctx = info.context
        page = ctx.supervision.warnings(ctx.principal, _department_arg(department_id), page_size(first), after)
        info.context.departments.want(w.department_id for w, _ in page.items if w.department_id)
        cases = (w.subject_id for w, _ in page.items if w.subject_kind is ds.WarningSubjectKind.APPLICATION)
        info.context.oversights.want(cases)  # 一把手督办, only if asked
        return to_connection(page, SupervisionWarning.from_domain)

    @field(
        access=STAFF,
        description="违规台帐 of a year (seed 004): one department's, or every department's for supervisors.",
    )
    def violation_ledger(
        self,
        info: Info,
        year: int,
        department_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Violation]:
        ctx = info.context
        page = ctx.supervision.ledger(ctx.principal, year, _department_arg(department_id), page_size(first), after)
        info.context.departments.want(v.department_id for v, _ in page.items)
        return to_connection(page, Violation.from_domain)

    @field(access=AUTHENTICATED, description="Delivered notifications, newest first.")
    def notifications(
        self,
        info: Info,
        feed: NotificationFeed = NotificationFeed.PERSONAL,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Notification]:
        ctx = info.context
        page = ctx.supervision.feed(ctx.principal, feed is NotificationFeed.DEPARTMENT, page_size(first), after)
        return to_connection(page, Notification.from_domain)
