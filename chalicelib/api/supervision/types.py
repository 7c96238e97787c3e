"""Supervision types: statistics, warnings, violation ledger entries and notifications."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import strawberry
from strawberry.types import Info

from chalicelib.api.catalogue.types import Department
from chalicelib.api.permissions import AUTHENTICATED, STAFF, visible_to
from chalicelib.api.relay import global_id
from chalicelib.api.scalars import DateTime
from chalicelib.domain import notification as dn
from chalicelib.domain import statistics as dstat
from chalicelib.domain import supervision as ds

WarningLevel = strawberry.enum(ds.WarningLevel, description="Yellow: the deadline is near; red: it passed.")
DeadlineKind = strawberry.enum(ds.DeadlineKind, description="Which deadline a warning is about.")
ViolationKind = strawberry.enum(ds.ViolationKind, description="What the violation ledger records (seed 004).")
Escalation = strawberry.enum(
    ds.Escalation, description="Seed 004: the first violation in a year is a notice, later ones flag the evaluation."
)
MessageKind = strawberry.enum(dn.MessageKind, description="What a notification is about.")
WarningSubjectKind = strawberry.enum(
    ds.WarningSubjectKind,
    description="What a warning is about: `subjectId` is then an `Application`, `OversightInspection` or `Handover` ID.",
)
_SUBJECT_TYPE = {
    ds.WarningSubjectKind.APPLICATION: "Application",
    ds.WarningSubjectKind.OVERSIGHT_INSPECTION: "OversightInspection",
    ds.WarningSubjectKind.HANDOVER: "Handover",
}


@strawberry.enum(description="What a statistics figure is aggregated over.")
class StatisticsScopeKind(StrEnum):
    CENTRE = dstat.ScopeKind.CENTRE
    DEPARTMENT = dstat.ScopeKind.DEPARTMENT
    ITEM = dstat.ScopeKind.ITEM
    STAFF = dstat.ScopeKind.STAFF


def _department(info: Info, department_id: str) -> Department | None:
    found = info.context.departments.get(department_id) if department_id else None
    return Department.from_domain(found) if found else None


@visible_to(STAFF)
@strawberry.type
class RatingCount:
    level: int = strawberry.field(description="5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意.")
    count: int


@visible_to(STAFF)
@strawberry.type(description="效能统计: one scope's figures over a date range, summed from day counters.")
class Statistics:
    received: int
    accepted: int
    immediate_share: float | None = strawberry.field(description="Share of received cases that are immediate items.")
    decided: int
    decided_on_time: int
    decided_overdue: int
    on_time_rate: float | None
    average_working_days: float | None = strawberry.field(description="From the start of review to the decision.")
    p90_working_days: int | None = strawberry.field(description="90th percentile (nearest rank), exact.")
    deficiency_acceptances: int
    pledge_defaults: int
    notices_issued: int
    rejections_confirmed: int
    rejections_corrected: int
    warnings_yellow: int
    warnings_red: int
    violations: int
    ratings: list[RatingCount]

    @classmethod
    def from_domain(cls, s: dstat.Statistics) -> Statistics:
        return cls(
            received=s["received"],
            accepted=s["accepted"],
            immediate_share=s.immediate_share,
            decided=s["decided"],
            decided_on_time=s["decided_on_time"],
            decided_overdue=s["decided_overdue"],
            on_time_rate=s.on_time_rate,
            average_working_days=s.average_working_days,
            p90_working_days=s.p90_working_days,
            deficiency_acceptances=s["deficiency_accepted"],
            pledge_defaults=s["pledge_defaults"],
            notices_issued=s["notices"],
            rejections_confirmed=s["rejections_confirmed"],
            rejections_corrected=s["rejections_corrected"],
            warnings_yellow=s["warnings_yellow"],
            warnings_red=s["warnings_red"],
            violations=s["violations"],
            ratings=[RatingCount(level=k, count=v) for k, v in sorted(s.ratings().items(), reverse=True)],
        )


@visible_to(STAFF)
@strawberry.type(description="电子监察 warning, stored once per deadline and level.")
class SupervisionWarning:
    subject_ref: strawberry.Private[str]
    subject: strawberry.Private[ds.WarningSubjectKind]
    key: strawberry.Private[str]
    department_id: strawberry.Private[str]
    level: WarningLevel  # type: ignore[valid-type]
    deadline: DeadlineKind  # type: ignore[valid-type]
    due_on: date
    title: str
    tracking_code: str
    item_name: str
    raised_at: DateTime
    acknowledged_by: str | None
    acknowledged_at: DateTime | None
    post_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The window post the work sits at, if it sits at one: its holder today (the AB backup while "
        "A is on leave) receives and acknowledges the warning (seed 004 三(二)).",
    )

    @strawberry.field(description="Opaque ID for `warningAcknowledge`.")
    def id(self) -> strawberry.ID:
        return global_id("SupervisionWarning", f"{self.subject_ref}|{self.key}")

    @strawberry.field(description="What the warning is about (the type of `subjectId`).")
    def subject_kind(self) -> WarningSubjectKind:  # type: ignore[valid-type]
        return self.subject

    @strawberry.field(
        description="Global ID of what the warning is about: an `Application` (for `application(id:)`), an "
        "`OversightInspection` (for `oversightInspection(id:)`) or a `Handover` (in `handovers`), per `subjectKind`."
    )
    def subject_id(self) -> strawberry.ID:
        return global_id(_SUBJECT_TYPE[self.subject], self.subject_ref)

    @strawberry.field(
        description="The case concerned, for a warning about a case; null for an inspection's or a handover's.",
        deprecation_reason="Use `subjectId` with `subjectKind`: a warning is not always about a case.",
    )
    def application_id(self) -> strawberry.ID | None:
        if self.subject is not ds.WarningSubjectKind.APPLICATION:
            return None
        return global_id("Application", self.subject_ref)

    @strawberry.field(description="The department answering for the deadline (none for an applicant's pledge).")
    def department(self, info: Info) -> Department | None:
        return _department(info, self.department_id)

    @strawberry.field(description="一把手督办: the case is a major project the lead department's head oversees.")
    def head_oversight(self, info: Info) -> bool:
        if self.subject is not ds.WarningSubjectKind.APPLICATION:
            return False
        return info.context.oversights.get(self.subject_ref) is not None

    @classmethod
    def from_domain(cls, w: ds.SupervisionWarning) -> SupervisionWarning:
        return cls(
            subject_ref=w.subject_id,
            subject=w.subject_kind,
            key=w.key,
            department_id=w.department_id,
            level=w.level,
            deadline=w.kind,
            due_on=w.due_on,
            title=w.title,
            tracking_code=w.tracking_code,
            item_name=w.item_name,
            raised_at=w.raised_at,
            acknowledged_by=w.acknowledged_by,
            acknowledged_at=w.acknowledged_at,
            post_id=global_id("WindowPost", w.post_ref) if w.post_ref else None,
        )


@visible_to(STAFF)
@strawberry.type
class Annotation:
    by: str
    at: DateTime
    note: str


@visible_to(STAFF)
@strawberry.type(description="违规台帐: one violation, numbered within its department's year.")
class Violation:
    department_id: strawberry.Private[str]
    sk: strawberry.Private[str]
    case_id: strawberry.Private[str]
    kind: ViolationKind  # type: ignore[valid-type]
    at: DateTime
    ordinal: int = strawberry.field(description="1 for the department's first violation of the year, and so on.")
    escalation: Escalation  # type: ignore[valid-type]
    annotations: list[Annotation]

    @strawberry.field(description="Opaque ID for `violationAnnotate`.")
    def id(self) -> strawberry.ID:
        return global_id("Violation", f"{self.department_id}|{self.sk}")

    @strawberry.field
    def application_id(self) -> strawberry.ID:
        return global_id("Application", self.case_id)

    @strawberry.field(description="The department charged (null when the centre's window was charged).")
    def department(self, info: Info) -> Department | None:
        return _department(info, self.department_id)

    @strawberry.field(description="The department or centre id charged, as stored.")
    def charged_to(self) -> str:
        return self.department_id

    @classmethod
    def from_domain(cls, v: ds.Violation) -> Violation:
        from chalicelib.services.supervision import violation_ref

        return cls(
            department_id=v.department_id,
            sk=violation_ref(v),
            case_id=v.application_id,
            kind=ds.ViolationKind(v.kind),
            at=v.at,
            ordinal=v.ordinal,
            escalation=v.escalation,
            annotations=[Annotation(by=a.by, at=a.at, note=a.note) for a in v.annotations],
        )


@visible_to(AUTHENTICATED)
@strawberry.type
class NotificationDatum:
    key: str
    value: str


@visible_to(AUTHENTICATED)
@strawberry.type(description="A delivered notification (warning, result push, rectification task...).")
class Notification:
    id: strawberry.ID
    kind: MessageKind  # type: ignore[valid-type]
    title: str
    created_at: DateTime
    data: list[NotificationDatum]

    @classmethod
    def from_domain(cls, m: dn.Message) -> Notification:
        return cls(
            id=global_id("Notification", m.id),
            kind=m.kind,
            title=m.title,
            created_at=m.created_at,
            data=[NotificationDatum(key=k, value=v) for k, v in sorted(m.data.items())],
        )
