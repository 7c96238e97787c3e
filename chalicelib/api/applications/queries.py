"""Application queries: one case, my applications, worklists by deadline, the rejection ledger."""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

import strawberry
from strawberry.types import Info
from strawberry.types.nodes import SelectedField

from chalicelib.api.applications.types import Application, InboxEntry, LedgerEntry, inbox_node
from chalicelib.api.errors import BAD_REQUEST, FORBIDDEN, NOT_FOUND, ApiError
from chalicelib.api.per_document import PerDocument
from chalicelib.api.permissions import AUTHENTICATED, STAFF, AnyRole, field
from chalicelib.api.relay import Connection, decode_id, page_size, to_connection
from chalicelib.domain import application as da
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Role
from chalicelib.domain.pages import Page
from chalicelib.services import clock

SUPERVISOR = AnyRole(Role.SUPERVISOR)


@strawberry.enum(description="Which worklist: each role sees its own, scoped to its centre or department.")
class InboxQueue(StrEnum):
    INTAKE = "intake"  # clerks: submissions at their centre, by the 5-day intake deadline
    REVIEW = "review"  # reviewers: open review tasks of their department
    DECISION = "decision"  # approvers: reviewed cases of their department, by promised limit
    REJECTION_REPORTS = "rejection"  # supervisors: refusals waiting for confirmation
    ISSUANCE = "issuance"  # bureau: approved cases of their centre awaiting a certificate
    REVOCATION_REVIEW = "revocation_review"  # bureau (their centre) and supervisors: 容缺后补 lapsed
    INTAKE_REFUSALS = "intake_refusal"  # unit leaders: their department's objected window refusals; supervisors: all


_QUEUE_ROLE = {
    InboxQueue.INTAKE: Role.CLERK,
    InboxQueue.REVIEW: Role.REVIEWER,
    InboxQueue.DECISION: Role.APPROVER,
    InboxQueue.REJECTION_REPORTS: Role.SUPERVISOR,
    InboxQueue.ISSUANCE: Role.BUREAU,
    InboxQueue.REVOCATION_REVIEW: Role.BUREAU,
    InboxQueue.INTAKE_REFUSALS: Role.APPROVER,
}


_HISTORY_FIELDS = frozenset({"timeline", "historyVerification"})
# Whether a document selects the history under one field, per document and path (api/per_document.py).
_selects_history: PerDocument[bool] = PerDocument(lambda info: _selects(info.selected_fields, _HISTORY_FIELDS))


def _selects(selections: Sequence[Any], names: frozenset[str]) -> bool:
    """Whether the query selects any of `names` right under these fields (through fragments)."""
    for selection in selections:
        for child in getattr(selection, "selections", ()):
            if isinstance(child, SelectedField):
                if child.name in names:
                    return True
            elif _selects([child], names):  # a fragment spread or an inline fragment: look inside
                return True
    return False


def _want_references(info: Info, case: da.Application) -> None:
    """Every centre and department one case may show, so the first one asked for loads them all in
    one BatchGetItem (nothing is read if no field asks)."""
    info.context.centres.want([case.centre_id, case.handling_centre_id])
    departments = {case.lead_department_id, *(c.department_id for c in case.co_reviewers)}
    departments.update(t.department_id for t in case.tasks)
    departments.update(o.department_id for m in case.meetings for o in m.opinions)
    info.context.departments.want(departments)


@strawberry.type
class ApplicationQuery:
    @field(access=AUTHENTICATED, description="One case the caller may see (own case, or staff in scope).")
    def application(self, info: Info, id: strawberry.ID) -> Application:
        case_id, principal = decode_id(id, "Application"), info.context.principal
        try:
            if _selects_history(info):
                # One Query for the head and its events; timeline and historyVerification reuse them.
                case, _, events = info.context.applications.load_with_events(case_id, principal)
                info.context.application_reads.remember_events(case.id, events)
            else:
                case, _ = info.context.applications.load(case_id, principal)
        except DomainError:
            raise ApiError(NOT_FOUND, "办件不存在", field="id") from None
        _want_references(info, case)
        return Application.from_domain(case, da.china_date(clock.utc_now()), info)

    @field(access=AnyRole(Role.APPLICANT, Role.AGENT), description="The caller's own cases, newest first.")
    def my_applications(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Application]:
        subject = info.context.principal.subject
        page = info.context.application_reads.page_of_applicant(subject, page_size(first), after)
        today = da.china_date(clock.utc_now())
        return to_connection(page, lambda case: Application.from_domain(case, today, info))

    @field(access=STAFF, description="A worklist sorted by deadline, soonest first.")
    def inbox(
        self, info: Info, queue: InboxQueue, first: int | None = None, after: str | None = None
    ) -> Connection[InboxEntry]:
        principal = info.context.principal
        # worklists supervisors also read: 容缺后补 revocation reviews, objected window refusals (否认报备)
        supervising = queue in (InboxQueue.REVOCATION_REVIEW, InboxQueue.INTAKE_REFUSALS) and principal.has_any(
            Role.SUPERVISOR
        )
        if not (principal.has_any(_QUEUE_ROLE[queue]) or supervising):
            raise ApiError(FORBIDDEN, "没有查看该工作队列的权限", field="queue")
        if supervising:
            scope = "supervision"
        elif queue in (InboxQueue.INTAKE, InboxQueue.ISSUANCE, InboxQueue.REVOCATION_REVIEW):
            scope = principal.centre_id
        elif queue is InboxQueue.REJECTION_REPORTS:
            # The city's supervisors see the whole network; others their centre's subtree.
            centre = info.context.centres.get(principal.centre_id) if principal.centre_id else None
            city = centre is not None and centre.parent_id is None
            scope = "supervision" if city else f"supervision#{principal.centre_id or '-'}"
        else:
            scope = principal.department_id
        page = info.context.application_reads.page_inbox(queue.value, scope or "-", page_size(first), after)
        return to_connection(page, inbox_node)

    @field(access=SUPERVISOR, description="否认报备台帐 (seed 004): every rejection report of a month (YYYY-MM).")
    def rejection_ledger(
        self, info: Info, month: str, first: int | None = None, after: str | None = None
    ) -> Connection[LedgerEntry]:
        if not re.fullmatch(r"20\d\d-(0[1-9]|1[0-2])", month):
            raise ApiError(BAD_REQUEST, "月份格式应为 YYYY-MM", field="month")
        page = info.context.application_reads.page_rejection_ledger(month, page_size(first), after)
        # A supervisor below the city sees the refusals of its subtree's departments only.
        allowed = info.context.supervision.departments_in_scope(info.context.principal)
        if allowed is not None:
            page = Page(
                [(e, c) for e, c in page.items if e.department_id in allowed], page.has_next_page, page.end_cursor
            )
        info.context.departments.want(entry.department_id for entry, _ in page.items)
        return to_connection(page, LedgerEntry.from_record)
