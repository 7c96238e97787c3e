"""GraphQL types of the application lifecycle.

An `Application` is only ever returned by resolvers that checked the caller may see the case
(`services.applications.visible_to`), so its plain fields inherit AUTHENTICATED; fields that
only staff may read (who accepted, reviewer identities) carry their own STAFF rule.
"""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay
from strawberry.types import Info

from chalicelib.api.catalogue.types import Centre, Department, ServiceItem, referenced_departments
from chalicelib.api.permissions import AUTHENTICATED, STAFF, field, visible_to
from chalicelib.api.relay import Connection, global_id, page_size, to_connection
from chalicelib.domain import application as da
from chalicelib.domain.audit import verify_chain
from chalicelib.storage.application_repository import InboxEntry as InboxRecord
from chalicelib.storage.application_repository import LedgerEntry as LedgerRecord

ApplicationState = strawberry.enum(da.State, name="ApplicationState")
Channel = strawberry.enum(da.Channel, name="ApplicationChannel")
TaskRole = strawberry.enum(da.TaskRole, name="ReviewTaskRole")
TaskStatus = strawberry.enum(da.TaskStatus, name="ReviewTaskStatus")
Opinion = strawberry.enum(da.Opinion, name="ReviewOpinion")
Problem = strawberry.enum(da.Problem, name="NoticeProblem")
PledgeStatus = strawberry.enum(da.PledgeStatus, name="PledgeStatus")
ReportStatus = strawberry.enum(da.ReportStatus, name="RejectionReportStatus")
Outcome = strawberry.enum(da.Outcome, name="DecisionOutcome")
MeetingKind = strawberry.enum(da.MeetingKind, name="MeetingKind")


def _department(info: Info, department_id: str) -> Department | None:
    found = info.context.departments.get(department_id)
    return Department.from_domain(found) if found else None


@visible_to(AUTHENTICATED)
@strawberry.type
class ApplicantInfo:
    account_id: str
    name: str
    identifier: str


@visible_to(AUTHENTICATED)
@strawberry.type
class SubmittedMaterial:
    code: str
    file_name: str
    blob_key: str
    sha256: str
    size: int
    round: int


@visible_to(AUTHENTICATED)
@strawberry.type
class NoticeEntry:
    material_code: str
    problem: Problem  # type: ignore[valid-type]
    description: str
    legal_basis: str
    form: str


@visible_to(AUTHENTICATED)
@strawberry.type(description="一次性告知书: every defect of one submission, at once (seeds 002, 004).")
class OneTimeNotice:
    round: int
    entries: list[NoticeEntry]
    procedure: str
    issued_at: str
    issuer: strawberry.Private[str]

    @field(access=AUTHENTICATED, description="Staff id of the clerk who issued the notice (null for applicants).")
    def issued_by(self, info: Info) -> str | None:
        return self.issuer if info.context.principal.is_staff else None


@visible_to(AUTHENTICATED)
@strawberry.type(description="信用承诺书 under which secondary materials were accepted missing.")
class CreditPledge:
    material_codes: list[str]
    due_on: date
    status: PledgeStatus  # type: ignore[valid-type]
    pledged_at: str
    settled_at: str | None


@visible_to(AUTHENTICATED)
@strawberry.type
class ReviewTask:
    role: TaskRole  # type: ignore[valid-type]
    limit_days: int
    status: TaskStatus  # type: ignore[valid-type]
    opinion: str
    concluded_at: str | None
    due_on: date | None
    department_id: strawberry.Private[str]
    reviewer: strawberry.Private[str | None]

    @field(access=AUTHENTICATED)
    def department(self, info: Info) -> Department | None:
        return _department(info, self.department_id)

    @field(access=STAFF, description="Staff id of the reviewer (staff only).")
    def reviewer_id(self) -> str | None:
        return self.reviewer


@visible_to(AUTHENTICATED)
@strawberry.type
class SpecialStepRun:
    kind: str
    name: str
    counts_toward_limit: bool
    started_on: date
    ended_on: date | None
    note: str


@visible_to(AUTHENTICATED)
@strawberry.type
class DepartmentOpinion:
    opinion: str
    department_id: strawberry.Private[str]

    @field(access=AUTHENTICATED)
    def department(self, info: Info) -> Department | None:
        return _department(info, self.department_id)


@visible_to(AUTHENTICATED)
@strawberry.type(description="联合踏勘 / 联合会审 with each department's opinion.")
class Meeting:
    kind: MeetingKind  # type: ignore[valid-type]
    held_on: date
    opinions: list[DepartmentOpinion]


@visible_to(AUTHENTICATED)
@strawberry.type
class Extension:
    days: int
    reason: str
    granted_at: str


@visible_to(AUTHENTICATED)
@strawberry.type(description="否认报备 (seed 004): a refusal and the supervisor's confirmation or correction.")
class RejectionReport:
    reason: str
    legal_basis: str
    reported_at: str
    status: ReportStatus  # type: ignore[valid-type]
    supervisor_note: str
    resolved_at: str | None


@visible_to(AUTHENTICATED)
@strawberry.type
class Decision:
    outcome: Outcome  # type: ignore[valid-type]
    decided_at: str
    reason: str
    legal_basis: str
    deemed: bool = strawberry.field(description="超时默认: approved because the promised limit passed.")


@visible_to(AUTHENTICATED)
@strawberry.type(
    description="One audit event; each carries the hash of the previous one. Applicants see staff as a "
    "role and no unconfirmed refusal; `historyVerification` checks the stored events."
)
class ApplicationEvent:
    seq: int
    at: str
    action: str
    actor: str
    role: str
    from_state: str | None
    to_state: str
    reason: str
    prev_hash: str
    hash: str
    post: str = strawberry.field(
        default="", description="The window post the actor acted from (`<centre>/<post>`; staff only, else empty)."
    )


@visible_to(AUTHENTICATED)
@strawberry.type
class HistoryVerification:
    intact: bool
    events: int
    broken_at: int | None = strawberry.field(description="Sequence number of the first event that does not verify.")
    head_hash: str


@visible_to(AUTHENTICATED)
@strawberry.type
class Application(relay.Node):
    """办件: one applicant's case for one item version, with its deadline and full history."""

    application_id: relay.NodeID[str]
    tracking_code: str
    state: ApplicationState  # type: ignore[valid-type]
    channel: Channel  # type: ignore[valid-type]
    applicant: ApplicantInfo
    submitted_at: str
    submitted_on: date
    round: int
    accepted_on: date | None
    deemed_accepted: bool
    materials: list[SubmittedMaterial]
    missing_material_codes: list[str]
    notices: list[OneTimeNotice]
    pledge: CreditPledge | None
    tasks: list[ReviewTask]
    special_steps: list[SpecialStepRun]
    meetings: list[Meeting]
    extensions: list[Extension]
    rejection_reports: list[RejectionReport]
    decision: Decision | None
    red_flag: bool
    deadline: date | None = strawberry.field(description="Promised limit, with extensions and paused days.")
    working_days_left: int | None
    domain: strawberry.Private[da.Application]

    @classmethod
    def from_domain(cls, case: da.Application, today: date, info: Info) -> Application:
        calendar = info.context.calendar
        staff = info.context.principal.is_staff
        # Everything this case references loads in one BatchGetItem per kind, for a whole page.
        info.context.departments.want(
            [*referenced_departments(case.item), *(o.department_id for m in case.meetings for o in m.opinions)]
        )
        info.context.centres.want([case.centre_id])
        # Applicants learn of a refusal only once a supervisor confirmed it (seed 004).
        reports = [r for r in case.reports if staff or r.status is da.ReportStatus.CONFIRMED]
        return cls(
            application_id=case.id,
            tracking_code=case.tracking_code,
            state=da.shown_state(case.state, staff),
            channel=case.channel,
            applicant=ApplicantInfo(
                account_id=case.applicant.id, name=case.applicant.name, identifier=case.applicant.identifier
            ),
            submitted_at=case.submitted_at,
            submitted_on=case.submitted_on,
            round=case.round,
            accepted_on=case.accepted_on,
            deemed_accepted=case.deemed_accepted,
            materials=[SubmittedMaterial(**m.__dict__) for m in case.materials],
            missing_material_codes=case.missing_materials(),
            notices=[
                OneTimeNotice(
                    round=n.round,
                    entries=[NoticeEntry(**e.__dict__) for e in n.entries],
                    procedure=n.procedure,
                    issuer=n.issued_by,
                    issued_at=n.issued_at,
                )
                for n in case.notices
            ],
            pledge=CreditPledge(**{**case.pledge.__dict__, "material_codes": list(case.pledge.material_codes)})
            if case.pledge
            else None,
            tasks=[
                ReviewTask(
                    role=t.role,
                    limit_days=t.limit_days,
                    status=t.status,
                    opinion=t.opinion,
                    concluded_at=t.concluded_at,
                    due_on=da.task_deadline(case, t, calendar, today),
                    department_id=t.department_id,
                    reviewer=t.reviewer_id,
                )
                for t in case.tasks
            ],
            special_steps=[
                SpecialStepRun(
                    kind=s.kind.value,
                    name=s.name,
                    counts_toward_limit=s.counts_toward_limit,
                    started_on=s.started_on,
                    ended_on=s.ended_on,
                    note=s.note,
                )
                for s in case.special_steps
            ],
            meetings=[
                Meeting(
                    kind=m.kind,
                    held_on=m.held_on,
                    opinions=[DepartmentOpinion(opinion=o.opinion, department_id=o.department_id) for o in m.opinions],
                )
                for m in case.meetings
            ],
            extensions=[Extension(days=e.days, reason=e.reason, granted_at=e.granted_at) for e in case.extensions],
            rejection_reports=[
                RejectionReport(
                    reason=r.reason,
                    legal_basis=r.legal_basis,
                    reported_at=r.reported_at,
                    status=r.status,
                    supervisor_note=r.supervisor_note,
                    resolved_at=r.resolved_at,
                )
                for r in reports
            ],
            decision=(
                Decision(
                    outcome=case.decision.outcome,
                    decided_at=case.decision.decided_at,
                    reason=case.decision.reason,
                    legal_basis=case.decision.legal_basis,
                    deemed=case.decision.deemed,
                )
                if case.decision
                else None
            ),
            red_flag=case.red_flag,
            deadline=da.promised_deadline(case, calendar, today) if case.is_open else None,
            working_days_left=da.working_days_left(case, calendar, today),
            domain=case,
        )

    @field(access=AUTHENTICATED, description="The item version the case was filed under.")
    def item(self) -> ServiceItem:
        return ServiceItem.from_domain(self.domain.item)

    @field(access=AUTHENTICATED)
    def centre(self, info: Info) -> Centre | None:
        found = info.context.centres.get(self.domain.centre_id)
        return Centre.from_domain(found) if found else None

    @field(
        access=AUTHENTICATED,
        description="首问负责人: the first clerk who handled the case. Staff ids are shown to staff only "
        "(null for applicants, who see the window by its staff; seed 004).",
    )
    def first_contact_officer(self, info: Info) -> str | None:
        return self.domain.first_contact_officer if info.context.principal.is_staff else None

    @field(access=STAFF, description="Who accepted the case (staff only; 受理人).")
    def accepted_by(self) -> str | None:
        return self.domain.accepted_by

    @field(
        access=STAFF, description="一把手督办 (seed 004 三(一)): a major project the lead department's head oversees."
    )
    def head_oversight(self, info: Info) -> bool:
        return info.context.oversights.get(self.domain.id) is not None

    @field(access=AUTHENTICATED, description="Audit trail, oldest first.")
    def timeline(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[ApplicationEvent]:
        page = info.context.application_repository.events_page(self.domain.id, page_size(first), after)
        principal = info.context.principal
        return to_connection(
            page, lambda e: ApplicationEvent(**da.shown_event(e, principal.is_staff, principal.subject).__dict__)
        )

    @field(access=AUTHENTICATED, description="Recompute the hash chain of the whole history.")
    def history_verification(self, info: Info) -> HistoryVerification:
        events = info.context.application_repository.events(self.domain.id)
        check = verify_chain(events, expected_head=self.domain.last_hash)
        return HistoryVerification(
            intact=check.intact, events=check.events, broken_at=check.broken_at, head_hash=check.head_hash
        )


@visible_to(STAFF)
@strawberry.type
class InboxEntry:
    """One worklist row, sorted by deadline (no case is loaded to list it)."""

    case_id: strawberry.Private[str]
    tracking_code: str
    item_code: str
    item_name: str
    applicant_name: str
    state: ApplicationState  # type: ignore[valid-type]
    due_on: date
    queue: str
    red_flag: bool

    @field(access=STAFF, description="Global ID of the case, for `application(id:)`.")
    def application_id(self) -> strawberry.ID:
        return global_id("Application", self.case_id)

    @classmethod
    def from_record(cls, r: InboxRecord) -> InboxEntry:
        return cls(
            case_id=r.application_id,
            tracking_code=r.tracking_code,
            item_code=r.item_code,
            item_name=r.item_name,
            applicant_name=r.applicant_name,
            state=r.state,
            due_on=r.due_on,
            queue=r.queue,
            red_flag=r.red_flag,
        )


@visible_to(STAFF)
@strawberry.type
class LedgerEntry:
    """否认报备台帐: one rejection report in the ledger."""

    case_id: strawberry.Private[str]
    tracking_code: str
    item_name: str
    report: RejectionReport
    department_id: strawberry.Private[str]

    @classmethod
    def from_record(cls, r: LedgerRecord) -> LedgerEntry:
        report = r.report
        return cls(
            case_id=r.application_id,
            tracking_code=r.tracking_code,
            item_name=r.item_name,
            department_id=r.department_id,
            report=RejectionReport(
                reason=report.reason,
                legal_basis=report.legal_basis,
                reported_at=report.reported_at,
                status=report.status,
                supervisor_note=report.supervisor_note,
                resolved_at=report.resolved_at,
            ),
        )

    @field(access=STAFF)
    def department(self, info: Info) -> Department | None:
        return _department(info, self.department_id)

    @field(access=STAFF, description="Global ID of the case, for `application(id:)`.")
    def application_id(self) -> strawberry.ID:
        return global_id("Application", self.case_id)
