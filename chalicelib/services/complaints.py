"""Complaint use cases: file (applicant or agent), resolve (supervisor), list.

Each is one transaction: the complaint, its counters (`complaints`, `complaints_substantiated`)
for the department concerned and its centre, and a notice in the outbox (to the department's
feed when filed; to the filer and the department when resolved).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime

from chalicelib.domain import application as da
from chalicelib.domain import complaint as dc
from chalicelib.domain.complaint import Complaint, ComplaintCode, ComplaintOutcome, ComplaintStatus, Target, TargetKind
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal
from chalicelib.domain.notification import Message, MessageKind, make_message
from chalicelib.domain.statistics import Delta, ScopeKind, scope
from chalicelib.domain.supervision import department_feed
from chalicelib.services import clock
from chalicelib.services.applications import ApplicationService
from chalicelib.services.outbox import Relay
from chalicelib.services.own_case import load_own_case
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.complaint_repository import ComplaintRepository
from chalicelib.storage.idempotency import IdempotencyRepository
from chalicelib.storage.outbox_repository import OutboxRepository
from chalicelib.storage.pagination import Page
from chalicelib.storage.statistics_repository import StatisticsRepository
from chalicelib.storage.unit_of_work import CONFLICT, UnitOfWork

MAX_KEY = 100
OUTCOME_LABEL = {ComplaintOutcome.SUBSTANTIATED: "属实", ComplaintOutcome.UNSUBSTANTIATED: "不属实"}


def window_post_ref(centre_id: str, post_id: str) -> str:
    """A window post is named by its centre and its id (the id printed at the window)."""
    return f"{centre_id}/{post_id}"


def complaint_deltas(complaint: Complaint, at: str, counter: str) -> list[Delta]:
    day = da.china_date(datetime.fromisoformat(at))
    keys = {
        scope(ScopeKind.DEPARTMENT, complaint.target.department_id),
        scope(ScopeKind.CENTRE, complaint.target.centre_id),
    }
    return [Delta(key, day, {counter: 1}) for key in sorted(keys)]


class ComplaintService:
    def __init__(
        self,
        applications: ApplicationService,
        complaints: ComplaintRepository,
        catalogue: CatalogueRepository,
        now: Callable[[], datetime] | None = None,
        relay: Relay | None = None,
    ) -> None:
        self.applications = applications
        self.complaints = complaints
        self.catalogue = catalogue
        self.now = now or (lambda: clock.utc_now())
        self.relay = relay
        self.idempotency = IdempotencyRepository()
        self.outbox = OutboxRepository()
        self.statistics = StatisticsRepository()

    # --- commands --------------------------------------------------------------------------------

    def file(
        self,
        principal: Principal,
        application_id: str | None,
        window_post: tuple[str, str] | None,
        text: str,
        key: str | None = None,
    ) -> Complaint:
        """Exactly one target: one of the caller's own cases, or a window post (centre, post id)."""
        if (application_id is None) == (window_post is None):
            raise DomainError.one(ComplaintCode.TARGET_REQUIRED, "请指定投诉的办件或窗口(二者选一)", "applicationId")
        dc.check_text(text)  # before any lookup: a blank complaint costs nothing
        if window_post is not None:
            fingerprint = window_post_ref(*window_post)
        else:
            assert application_id is not None
            fingerprint = application_id
        earlier = self._remembered(principal, key, fingerprint)
        if earlier is not None:
            return earlier
        target = self._post_target(window_post) if window_post else self._case_target(principal, fingerprint)
        now = self.now()
        complaint = dc.file(secrets.token_hex(10), target, principal, text, now)
        uow = UnitOfWork()
        self.complaints.stage_new(uow, complaint)
        self.statistics.stage(uow, complaint_deltas(complaint, complaint.filed_at, "complaints"), complaint.id)
        message = self._notice(complaint, "filed", f"投诉:{target.label}", (department_feed(target.department_id),))
        self.outbox.stage(uow, message)
        self._route_to_post(uow, complaint)
        if key and principal.subject:
            self.idempotency.remember(
                uow, principal.subject, "complaintFile", key, {"id": complaint.id, "target": fingerprint}
            )
        try:
            uow.commit()
        except DomainError as error:
            again = self._remembered(principal, key, fingerprint) if error.violations[0].code == CONFLICT else None
            if again is None:
                raise
            return again
        self._deliver([message])
        return complaint

    def file_public(self, window_post: tuple[str, str], text: str, caller_key: str, per_minute: int) -> Complaint:
        """Seed 001 三(四)3: the feedback form on a window's public supervision card (anyone,
        rate-limited per caller like other public answers)."""
        from chalicelib.domain import public_progress as dp
        from chalicelib.storage.rate_limit_repository import RateLimitRepository

        dc.check_text(text)
        now = self.now()
        if (
            RateLimitRepository().hit(f"feedback:{caller_key}", dp.rate_window(now), now + dp.RATE_RECORD_LIFETIME)
            > per_minute
        ):
            raise DomainError.one(ComplaintCode.OUT_OF_RANGE, "提交过于频繁,请一分钟后再试", "text")
        target = self._post_target(window_post)
        complaint = dc.file_public(secrets.token_hex(10), target, text, now)
        uow = UnitOfWork()
        self.complaints.stage_new(uow, complaint)
        self.statistics.stage(uow, complaint_deltas(complaint, complaint.filed_at, "complaints"), complaint.id)
        message = self._notice(complaint, "filed", f"投诉:{target.label}", (department_feed(target.department_id),))
        self.outbox.stage(uow, message)
        self._route_to_post(uow, complaint)
        uow.commit()
        self._deliver([message])
        return complaint

    def _route_to_post(self, uow: UnitOfWork, complaint: Complaint) -> None:
        """A complaint about a window goes into the post's worklist: whoever holds the post that
        day (A, or B while A is on leave) answers it (AB岗, seed 004)."""
        if complaint.target.kind is TargetKind.WINDOW_POST:
            from chalicelib.services.staff import post_work_for
            from chalicelib.storage.staff_repository import StaffRepository

            StaffRepository().stage_work(uow, post_work_for(complaint))

    def resolve(self, principal: Principal, complaint_id: str, outcome: ComplaintOutcome, note: str) -> Complaint:
        found = self.complaints.get(complaint_id)
        if found is None:
            raise DomainError.one(ComplaintCode.NOT_FOUND, "投诉不存在", "id")
        before, rev = found
        after = dc.resolve(before, principal, outcome, note, self.now())
        at = after.history[-1].at
        uow = UnitOfWork()
        self.complaints.stage_update(uow, after, rev)
        if after.target.kind is TargetKind.WINDOW_POST:  # settled: off the post's worklist
            from chalicelib.services.staff import post_work_for
            from chalicelib.storage.staff_repository import StaffRepository

            StaffRepository().stage_work_gone(uow, post_work_for(after))
        if outcome is ComplaintOutcome.SUBSTANTIATED:
            self.statistics.stage(uow, complaint_deltas(after, at, "complaints_substantiated"), after.id)
        filer = () if after.filed_by == dc.PUBLIC_FILER else (after.filed_by,)  # anonymous feedback: no feed
        recipients = (*filer, department_feed(after.target.department_id))
        title = f"投诉处理结果:{after.target.label},经核查{OUTCOME_LABEL[outcome]}"
        message = self._notice(after, "resolved", title, recipients)
        self.outbox.stage(uow, message)
        try:
            uow.commit()
        except DomainError as error:
            if error.violations[0].code == CONFLICT:
                raise DomainError.one(ComplaintCode.ALREADY_RESOLVED, "该投诉已处理", "id") from error
            raise
        self._deliver([message])
        return after

    # --- queries ---------------------------------------------------------------------------------

    def by_status(self, status: ComplaintStatus, first: int, after: str | None) -> Page[Complaint]:
        return self.complaints.by_status(status, first, after)

    def mine(self, principal: Principal, first: int, after: str | None) -> Page[Complaint]:
        return self.complaints.of_filer(principal.subject or "-", first, after)

    # --- helpers ---------------------------------------------------------------------------------

    def _case_target(self, principal: Principal, application_id: str) -> Target:
        case, _ = load_own_case(self.applications, principal, application_id)
        label = f"{case.item.elements.name}({case.tracking_code})"
        return Target(TargetKind.APPLICATION, case.id, label, case.lead_department_id, case.centre_id)

    def _post_target(self, window_post: tuple[str, str]) -> Target:
        """The post's own department, or (a comprehensive window) the department staffing it."""
        centre_id, post_id = window_post
        post = next((p for p in self.catalogue.posts_of_centre(centre_id) if p.id == post_id), None)
        if post is None:
            raise DomainError.one(ComplaintCode.NOT_FOUND, "窗口不存在", "windowPostId")
        department_id = post.department_id
        if not department_id:
            staff = self.catalogue.get_staff(post.staff_id)
            department_id = staff.department_id if staff else ""
        if not department_id:
            raise DomainError.one(ComplaintCode.NOT_FOUND, "窗口不存在", "windowPostId")
        return Target(TargetKind.WINDOW_POST, window_post_ref(centre_id, post_id), post.name, department_id, centre_id)

    def _notice(self, complaint: Complaint, step: str, title: str, recipients: tuple[str, ...]) -> Message:
        at = complaint.history[-1].at
        data = {"status": complaint.status.value, "step": step}
        return make_message(MessageKind.COMPLAINT, (complaint.id, step), recipients, title, complaint.id, at, data)

    def _deliver(self, messages: list[Message]) -> None:
        (self.relay or Relay()).deliver_soon(messages)

    def _remembered(self, principal: Principal, key: str | None, fingerprint: str) -> Complaint | None:
        if not key or principal.subject is None:
            return None
        if len(key) > MAX_KEY:
            raise DomainError.one(ComplaintCode.OUT_OF_RANGE, f"幂等键不能超过{MAX_KEY}个字符", "idempotencyKey")
        earlier = self.idempotency.remembered(principal.subject, "complaintFile", key)
        if earlier is None:
            return None
        if earlier.get("target") != fingerprint:
            raise DomainError.one(
                ComplaintCode.IDEMPOTENCY_KEY_REUSED, "该幂等键已用于另一请求,请换用新的幂等键", "idempotencyKey"
            )
        found = self.complaints.get(str(earlier["id"]))
        return found[0] if found else None
