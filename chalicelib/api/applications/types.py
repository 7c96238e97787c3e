"""GraphQL types of the application lifecycle.

An `Application` is only ever returned by resolvers that checked the caller may see the case
(`services.applications.visible_to`), so its plain fields inherit AUTHENTICATED; fields that
only staff may read (who accepted, reviewer identities) carry their own STAFF rule.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Annotated, cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON
from strawberry.types import Info

from chalicelib.api.approval_on_pledge.types import PledgeApproval
from chalicelib.api.catalogue.deficiency_types import DeficiencyMode
from chalicelib.api.catalogue.types import (
    Centre,
    Department,
    MaterialForm,
    ServiceItem,
    SpecialStepKind,
    referenced_departments,
)
from chalicelib.api.consultations.types import Consultation
from chalicelib.api.credit.types import CreditRecord
from chalicelib.api.emergency_handling.types import EmergencyAuthorisation
from chalicelib.api.identity.types import Role
from chalicelib.api.intake_refusals.types import IntakeRefusal
from chalicelib.api.permissions import AUTHENTICATED, STAFF, field, visible_to
from chalicelib.api.referrals.types import Referral
from chalicelib.api.relay import Connection, global_id, page_size, to_connection
from chalicelib.api.renewals.types import ApplicationKind, Renewal
from chalicelib.api.scalars import DateTime
from chalicelib.domain import application as da
from chalicelib.domain import deficiency_policy as dd
from chalicelib.domain.audit import Event
from chalicelib.domain.audit import EventAction as DomainEventAction
from chalicelib.domain.certificate import mask_identifier
from chalicelib.domain.deadline_recompute import deadline_provisional
from chalicelib.domain.identity import Role as DomainRole
from chalicelib.domain.worklist import InboxEntry as InboxRecord
from chalicelib.domain.worklist import LedgerEntry as LedgerRecord

if TYPE_CHECKING:
    from chalicelib.api.applications.queries import InboxQueue

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
EventAction = strawberry.enum(DomainEventAction, name="ApplicationEventAction")
_ROLE_VALUES = frozenset(r.value for r in DomainRole)


@strawberry.enum(description="Where a refusal in the rejection ledger came from.")
class RejectionOrigin(StrEnum):
    REVIEW = "review"  # an approver's refusal after review, confirmed or corrected by a supervisor
    WINDOW = "window"  # 不予受理 at the window, confirmed or corrected by the clerk's unit leader


def _department(info: Info, department_id: str) -> Department | None:
    found = info.context.departments.get(department_id)
    return Department.from_domain(found) if found else None


@visible_to(AUTHENTICATED)
@strawberry.type
class ApplicantInfo:
    account_id: str | None = strawberry.field(
        description="The applicant's account; null for a case a window filed to the identity alone (no account)."
    )
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
    form: MaterialForm  # type: ignore[valid-type]


@visible_to(AUTHENTICATED)
@strawberry.type(description="一次性告知书: every defect of one submission, at once (seeds 002, 004).")
class OneTimeNotice:
    round: int
    entries: list[NoticeEntry]
    procedure: str
    issued_at: DateTime
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
    pledged_at: DateTime
    settled_at: DateTime | None
    mode: DeficiencyMode = strawberry.field(  # type: ignore[valid-type]
        description="WAIT 容缺办理 (the certificate waits) or SAME_DAY 容缺后补 (issued at once)."
    )


ReviewOutcome = strawberry.enum(dd.ReviewOutcome, name="RevocationReviewOutcome")


@visible_to(AUTHENTICATED)
@strawberry.type(
    description="容缺后补 pledge lapsed after the certificate was issued: the certificate is under review for "
    "revocation until the bureau revokes it (or the materials arrive late; the credit default stays)."
)
class RevocationReview:
    opened_at: DateTime
    reason: str
    closed_at: DateTime | None
    outcome: ReviewOutcome | None  # type: ignore[valid-type]
    note: str = strawberry.field(description="Why the bureau kept the certificate (outcome KEPT).")
    certificate: strawberry.Private[str]
    closer: strawberry.Private[str | None]

    @field(access=STAFF, description="Who closed the review keeping the certificate (staff only).")
    def closed_by(self) -> str | None:
        return self.closer

    @field(access=AUTHENTICATED, description="Global ID of the certificate under review.")
    def certificate_id(self) -> strawberry.ID:
        return global_id("Certificate", self.certificate)


@visible_to(AUTHENTICATED)
@strawberry.type(description="申请表 answers as they were before a 补正 supplement corrected them.")
class FormRevision:
    round: int = strawberry.field(description="The submission round whose answers these were.")
    answers: JSON
    replaced_at: DateTime


@visible_to(AUTHENTICATED)
@strawberry.type(
    description="撤销准予许可决定: a false 告知承诺 found before any certificate was issued (行政许可法 art. 69)."
)
class DecisionRevocation:
    reason: str
    legal_basis: str
    revoked_at: DateTime
    revoker: strawberry.Private[str]

    @field(access=STAFF, description="Who verified the pledge as false and so revoked the decision (staff only).")
    def revoked_by(self) -> str:
        return self.revoker


@visible_to(AUTHENTICATED)
@strawberry.type
class ReviewTask:
    role: TaskRole  # type: ignore[valid-type]
    limit_days: int
    status: TaskStatus  # type: ignore[valid-type]
    opinion: str
    concluded_at: DateTime | None
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
    kind: SpecialStepKind  # type: ignore[valid-type]
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
    granted_at: DateTime


@visible_to(AUTHENTICATED)
@strawberry.type(description="否认报备 (seed 004): a refusal and the supervisor's confirmation or correction.")
class RejectionReport:
    reason: str
    legal_basis: str
    reported_at: DateTime
    status: ReportStatus  # type: ignore[valid-type]
    supervisor_note: str
    resolved_at: DateTime | None


@visible_to(AUTHENTICATED)
@strawberry.type
class Decision:
    outcome: Outcome  # type: ignore[valid-type]
    decided_at: DateTime
    reason: str
    legal_basis: str
    deemed: bool = strawberry.field(description="超时默认: approved because the promised limit passed.")
    authority: str = strawberry.field(
        default="", description="Decided at the window under a post's approval authority (seed 004 三(三)): which."
    )


@visible_to(AUTHENTICATED)
@strawberry.type(
    description="One audit event; each carries the hash of the previous one. Applicants see staff as a "
    "role and no unconfirmed refusal; `historyVerification` checks the stored events."
)
class ApplicationEvent:
    seq: int
    at: DateTime
    action: EventAction  # type: ignore[valid-type]
    actor: str
    role: str = strawberry.field(
        deprecation_reason="Use `roles` (and `bySystem`): this is the stored comma-joined text the hash covers."
    )
    from_state: ApplicationState | None  # type: ignore[valid-type]
    to_state: ApplicationState  # type: ignore[valid-type]
    reason: str
    prev_hash: str
    hash: str
    post: str = strawberry.field(
        default="", description="The window post the actor acted from (`<centre>/<post>`; staff only, else empty)."
    )
    acting_as: strawberry.Private[str] = ""
    # Plain values set by `from_domain` (a timeline reads them on every event: a resolver each costs
    # strawberry's per-field resolver path); declared here so the field order stays as it was.
    acting_as_backup: bool = strawberry.field(
        default=False,
        description="True when the actor acted as the AB backup (顶岗) of `post` while its A was away (seed 004 三(二)).",
    )
    own_post: str = strawberry.field(
        default="",
        description="While acting as AB backup: the backup's own window post (`<centre>/<post>`; empty when they "
        "hold none as A).",
    )

    @strawberry.field(description="The roles the actor acted in (empty when the system acted).")
    def roles(self) -> list[Role]:  # type: ignore[valid-type]
        return [] if self.by_system else [Role(r) for r in self.role.split(",") if r in _ROLE_VALUES]

    @strawberry.field(description="True for steps the system took itself (deadlines, the sweep).")
    def by_system(self) -> bool:
        return self.role == da.SYSTEM

    @classmethod
    def from_domain(cls, e: Event) -> ApplicationEvent:
        return cls(
            seq=e.seq,
            at=e.at,
            action=EventAction(e.action),
            actor=e.actor,
            role=e.role,
            from_state=da.State(e.from_state) if e.from_state else None,
            to_state=da.State(e.to_state),
            reason=e.reason,
            prev_hash=e.prev_hash,
            hash=e.hash,
            post=e.post,
            acting_as=e.acting_as,
            acting_as_backup=bool(e.acting_as),
            own_post="" if e.acting_as in ("", "-") else e.acting_as,
        )


#: Timeline nodes remembered per process (application detail shows a case's whole trail on every
#: request; ~1 KB each).
EVENT_NODES = 2048


@lru_cache(maxsize=EVENT_NODES)
def _event_node(
    event: Event, staff: bool, viewer: str | None, parties: tuple[tuple[str, str], ...]
) -> ApplicationEvent:
    """The timeline node of `event` as this kind of viewer sees it (`da.shown_event`: a
    `dataclasses.replace` per event for applicants, then `from_domain`). A pure function of its
    arguments, which are everything `shown_event` reads: the event itself (a frozen dataclass,
    compared in full on a hit, so a node is never older than the event the request has just read),
    whether the viewer is staff, and for an applicant their subject and the case's party labels. So
    a hit is what building it again gives; no caller gets a view made for another kind of caller.
    Nodes are only read by the executor (their fields are plain values and pure resolvers)."""
    return ApplicationEvent.from_domain(da.shown_event(event, staff, viewer, dict(parties)))


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
    submitted_at: DateTime
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
    deadline_provisional: bool = strawberry.field(
        description="An open deadline was counted on the computed statutory holidays of a year whose "
        "State Council arrangement is not loaded yet: it may still move (issue 12)."
    )
    domain: strawberry.Private[da.Application]
    # The materials that apply to this case, worked out once (conditions, the applicant's identifier
    # checked): `missingMaterialCodes` and `requiredMaterialCodes` both derive from it.
    required_codes: strawberry.Private[tuple[str, ...]]

    @classmethod
    def from_domain(cls, case: da.Application, today: date, info: Info) -> Application:
        calendar = info.context.calendar
        staff = info.context.principal.is_staff
        # Everything this case references loads in one BatchGetItem per kind, for a whole page.
        info.context.departments.want(
            [*referenced_departments(case.item), *(o.department_id for m in case.meetings for o in m.opinions)]
        )
        info.context.centres.want([case.centre_id, case.handling_centre_id])
        info.context.departments.want([case.lead_department_id, *(c.department_id for c in case.co_reviewers)])
        # Applicants learn of a refusal only once a supervisor confirmed it (seed 004).
        reports = [r for r in case.reports if staff or r.status is da.ReportStatus.CONFIRMED]
        required = tuple(m.code for m in case.required_materials())
        present = case.material_codes()
        return cls(
            application_id=case.id,
            tracking_code=case.tracking_code,
            state=da.shown_state(case.state, staff),
            channel=case.channel,
            applicant=ApplicantInfo(
                account_id=case.applicant.id or None, name=case.applicant.name, identifier=case.applicant.identifier
            ),
            submitted_at=case.submitted_at,
            submitted_on=case.submitted_on,
            round=case.round,
            accepted_on=case.accepted_on,
            deemed_accepted=case.deemed_accepted,
            materials=[SubmittedMaterial(**m.__dict__) for m in case.materials],
            missing_material_codes=[c for c in required if c not in present],  # as case.missing_materials()
            notices=[
                OneTimeNotice(
                    round=n.round,
                    entries=[NoticeEntry(**{**e.__dict__, "form": MaterialForm(e.form)}) for e in n.entries],
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
                    kind=s.kind,
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
                    authority=case.decision.authority,
                )
                if case.decision
                else None
            ),
            red_flag=case.red_flag,
            deadline=da.promised_deadline(case, calendar, today) if case.is_open else None,
            working_days_left=da.working_days_left(case, calendar, today),
            deadline_provisional=deadline_provisional(case, calendar, today),
            domain=case,
            required_codes=required,
        )

    @field(access=AUTHENTICATED, description="上报件 (seed 004 三级联动): steps referred to a higher authority.")
    def referrals(self) -> list[Referral]:
        return [Referral.from_domain(r) for r in self.domain.referrals]

    @field(access=AUTHENTICATED, description="NEW, or RENEWAL (延续, art. 50) of a licence the applicant holds.")
    def kind(self) -> ApplicationKind:  # type: ignore[valid-type]
        return self.domain.kind

    @field(access=AUTHENTICATED, description="延续: the licence this case renews (RENEWAL cases only).")
    def renewal(self) -> Renewal | None:
        return Renewal.from_case(self.domain)

    @field(access=AUTHENTICATED, description="The item version the case was filed under.")
    def item(self) -> ServiceItem:
        return ServiceItem.from_domain(self.domain.item)

    @field(access=AUTHENTICATED, description="The window centre that took the case; results are delivered there.")
    def centre(self, info: Info) -> Centre | None:
        found = info.context.centres.get(self.domain.centre_id)
        return Centre.from_domain(found) if found else None

    @field(
        access=AUTHENTICATED,
        description="在地受理、内部流转 / 同权审批 (seed 000): the centre that holds the power and reviews, decides "
        "and issues, fixed at filing (the intake centre itself, a centre above it, or a receiving centre).",
    )
    def competent_centre(self, info: Info) -> Centre | None:
        found = info.context.centres.get(self.domain.handling_centre_id)
        return Centre.from_domain(found) if found else None

    @field(access=AUTHENTICATED, description="The department that leads review and decides, as exercised.")
    def lead_department(self, info: Info) -> Department | None:
        return _department(info, self.domain.lead_department_id)

    @field(access=AUTHENTICATED, description="The co-reviewing departments as exercised at the competent centre.")
    def co_reviewing_departments(self, info: Info) -> list[Department]:
        found = (_department(info, c.department_id) for c in self.domain.co_reviewers)
        return [d for d in found if d is not None]

    @field(
        access=AUTHENTICATED,
        description="首问负责人: the first clerk who handled the case. Staff ids are shown to staff only "
        "(null for applicants, who see the window by its staff; seed 004).",
    )
    def first_contact_officer(self, info: Info) -> str | None:
        return self.domain.first_contact_officer if info.context.principal.is_staff else None

    @field(
        access=AUTHENTICATED,
        description="申请表 answers as filed (normalised), keyed by the form field keys of `item.form`: "
        "the applicant and staff who may see the case.",
    )
    def form_data(self) -> JSON:
        return cast(JSON, dict(self.domain.form_data))

    @field(
        access=AUTHENTICATED,
        description="申请表 answers replaced by 补正 supplements, oldest first (who may see formData sees them).",
    )
    def form_history(self) -> list[FormRevision]:
        return [
            FormRevision(round=r.round, answers=cast(JSON, dict(r.answers)), replaced_at=r.replaced_at)
            for r in self.domain.form_history
        ]

    @field(
        access=AUTHENTICATED,
        description="The item's materials that apply to this application (conditional materials whose "
        "conditions do not hold are left out); intake and the one-time notice demand only these.",
    )
    def required_material_codes(self) -> list[str]:
        return list(self.required_codes)

    @field(access=AUTHENTICATED, description="容缺后补: the certificate's revocation review after a lapsed pledge.")
    def revocation_review(self) -> RevocationReview | None:
        review = self.domain.revocation_review
        if review is None:
            return None
        return RevocationReview(
            opened_at=review.opened_at,
            reason=review.reason,
            closed_at=review.closed_at,
            outcome=review.outcome,
            note=review.note,
            certificate=review.certificate_id,
            closer=review.closed_by,
        )

    @field(
        access=STAFF,
        description="The consultation that was the applicant's first contact at this centre (staff only; seed 004).",
    )
    def first_contact_consultation(self, info: Info) -> Consultation | None:
        if not self.domain.consultation_id:
            return None
        found = info.context.consultations.get(self.domain.consultation_id)
        return Consultation.from_domain(found) if found else None

    @field(
        access=AUTHENTICATED,
        description="代办: the verified identity of the agent who filed (null: no agent). Staff and the agent see "
        "it in full; the applicant sees it masked.",
    )
    def agent_identifier(self, info: Info) -> str | None:
        identifier = self.domain.agent_identifier
        principal = info.context.principal
        if identifier is None or principal.is_staff or principal.subject == self.domain.filed_by:
            return identifier
        return mask_identifier(identifier)

    @field(access=STAFF, description="Who accepted the case (staff only; 受理人).")
    def accepted_by(self) -> str | None:
        return self.domain.accepted_by

    @field(
        access=AUTHENTICATED,
        description="The applicant's verified identity has a credit record in force (一处违法、处处受限, "
        "seed 002 四(十一)): fast tracks on the applicant's word (deficiency acceptance) are closed. "
        "One Query; meant for the case screen at filing and intake, not for lists.",
    )
    def applicant_credit_restricted(self, info: Info) -> bool:
        return bool(info.context.credit.is_barred(self.domain.applicant.identifier))

    @field(access=STAFF, description="The applicant's credit records in force, from any account (staff only).")
    def applicant_credit_records(self, info: Info) -> list[CreditRecord]:
        records = info.context.credit.records_in_force(self.domain.applicant.identifier)
        return [CreditRecord.from_domain(r) for r in records]

    @field(
        access=AUTHENTICATED,
        description="先予办理: the supervisor's authorisation and the follow-up due (null if none).",
    )
    def emergency(self) -> EmergencyAuthorisation | None:
        return EmergencyAuthorisation.from_domain(self.domain.emergency)

    @field(access=AUTHENTICATED, description="告知承诺制: the notice, the pledge and its verification (null if none).")
    def pledge_approval(self, info: Info) -> PledgeApproval | None:
        return PledgeApproval.of_case(self.domain, info)

    @field(
        access=AUTHENTICATED,
        description="告知承诺 found false before issuance: the approval decision was revoked, with the reason and "
        "legal basis the applicant is told (state REVOKED); null otherwise.",
    )
    def decision_revocation(self) -> DecisionRevocation | None:
        revocation = self.domain.decision_revocation
        if revocation is None:
            return None
        return DecisionRevocation(
            reason=revocation.reason,
            legal_basis=revocation.legal_basis,
            revoked_at=revocation.revoked_at,
            revoker=revocation.revoked_by,
        )

    @field(access=AUTHENTICATED, description="不予受理 at the window, each with its written decision (oldest first).")
    def intake_refusals(self) -> list[IntakeRefusal]:
        return IntakeRefusal.of_case(self.domain)

    @field(
        access=STAFF, description="一把手督办 (seed 004 三(一)): a major project the lead department's head oversees."
    )
    def head_oversight(self, info: Info) -> bool:
        return info.context.oversights.get(self.domain.id) is not None

    @field(access=AUTHENTICATED, description="Audit trail, oldest first.")
    def timeline(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[ApplicationEvent]:
        page = info.context.application_reads.page_events(self.domain.id, page_size(first), after)
        principal = info.context.principal
        staff = principal.is_staff
        # Exactly what `shown_event` reads besides the event: staff see every event as stored, whoever
        # they are; an applicant's view depends on who they are and who the case's parties are.
        viewer, parties = (None, ()) if staff else (principal.subject, tuple(da.party_labels(self.domain).items()))
        return to_connection(page, lambda e: _event_node(e, staff, viewer, parties))

    @field(access=AUTHENTICATED, description="Recompute the hash chain of the whole history.")
    def history_verification(self, info: Info) -> HistoryVerification:
        check = info.context.application_reads.verify_history(self.domain.id, self.domain.last_hash)
        return HistoryVerification(
            intact=check.intact, events=check.events, broken_at=check.broken_at, head_hash=check.head_hash
        )


@cache
def _inbox_queue(value: str) -> InboxQueue:
    """The queue enum member of a stored worklist value (once per value: a page has 50 rows)."""
    from chalicelib.api.applications.queries import InboxQueue

    return InboxQueue(value)


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
    queue: Annotated[InboxQueue, strawberry.lazy("chalicelib.api.applications.queries")]
    red_flag: bool

    @field(access=STAFF, description="Global ID of the case, for `application(id:)`.")
    def application_id(self) -> strawberry.ID:
        return _case_gid(self.case_id)

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
            queue=_inbox_queue(r.queue),
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
    origin: RejectionOrigin
    department_id: strawberry.Private[str]

    @classmethod
    def from_record(cls, r: LedgerRecord) -> LedgerEntry:
        report = r.report
        return cls(
            origin=RejectionOrigin(r.origin),
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
        return _case_gid(self.case_id)


#: Worklist nodes and case IDs remembered per process (an inbox page shows 50 rows per request).
INBOX_NODES = 4096


@lru_cache(maxsize=INBOX_NODES)
def _case_gid(case_id: str) -> strawberry.ID:
    """The global ID of a case: a pure function of the case id (each row's `applicationId`)."""
    return global_id("Application", case_id)


@lru_cache(maxsize=INBOX_NODES)
def inbox_node(record: InboxRecord) -> InboxEntry:
    """`InboxEntry.from_record`, once per exact row: a worklist row is a frozen dataclass compared in
    full on a hit (every field: a changed row is another key, so a node is never older than the row
    the request's own Query returned), and the node depends on nothing else (who may read which
    worklist is decided before the Query; every field shows the row as stored). Nodes are only read."""
    return InboxEntry.from_record(record)
