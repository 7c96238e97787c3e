"""The staff conduct ledger (seed 004 四.2): supervisors' entries and the system's automatic ones.

One transaction per incident: the numbered entry, the person's return to the unit on the second
incident of the year (posting ends; the post is held by its backup, who gets its open work), the
通报 bulletin and its outbox message to the unit's feed, the leadership group's feed and the person.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime

from chalicelib.domain import application as da
from chalicelib.domain import conduct as dc
from chalicelib.domain import staff as ds
from chalicelib.domain.bulletin import LEADERSHIP_FEED, Bulletin, BulletinKind
from chalicelib.domain.conduct import ConductCode, ConductKind, Consequence, StaffViolation
from chalicelib.domain.consultation import Consultation
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.notification import Message, MessageKind, make_message
from chalicelib.domain.staff import Staff, StaffVersion
from chalicelib.domain.supervision import SupervisionWarning, department_feed
from chalicelib.services import clock
from chalicelib.services.outbox import Relay
from chalicelib.services.staff import StaffService, cached_record, forget, serves_every_department
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.conduct_repository import ConductRepository
from chalicelib.storage.outbox_repository import OutboxRepository
from chalicelib.storage.pagination import Page
from chalicelib.storage.staff_repository import StaffRepository
from chalicelib.storage.unit_of_work import CONFLICT, UnitOfWork

SYSTEM = "system"


class ConductService:
    def __init__(
        self,
        catalogue: CatalogueRepository,
        staff: StaffRepository | None = None,
        conduct: ConductRepository | None = None,
        now: Callable[[], datetime] | None = None,
        relay: Relay | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.staff = staff or StaffRepository()
        self.conduct = conduct or ConductRepository()
        self.now = now or (lambda: clock.utc_now())
        self.relay = relay
        self.outbox = OutboxRepository()

    def record(
        self, principal: Principal, staff_id: str, kind: ConductKind, evidence: str, application_id: str | None
    ) -> StaffViolation:
        """A supervisor enters a lapse (四条禁令, conduct rules, 擅自离岗, …) with its evidence."""
        if not principal.has_any(Role.SUPERVISOR):
            raise DomainError.one("FORBIDDEN", "只有监察人员可以记录违规")
        text = dc.check_manual(kind, evidence)
        found = self.staff.get(staff_id)
        if found is None:
            raise DomainError.one(ConductCode.NOT_FOUND, "工作人员不存在", "staffId")
        staff, rev = found
        uow = UnitOfWork()
        at = self.now().isoformat(timespec="seconds")
        violation, message = self.stage_charge(
            uow, staff, rev, kind, text, principal.subject or "", at, application_id or "", ""
        )
        try:
            uow.commit()
        except DomainError as error:
            if error.violations[0].code == CONFLICT:
                raise DomainError.one("CONFLICT", "记录已被他人修改,请重试") from error
            raise
        forget(staff.id)
        (self.relay or Relay()).deliver_soon([message])
        return violation

    def stage_charge(
        self,
        uow: UnitOfWork,
        staff: Staff,
        rev: int,
        kind: ConductKind,
        evidence: str,
        by: str,
        at: str,
        application_id: str,
        unit_violation: str,
        charge_key: str = "",
    ) -> tuple[StaffViolation, Message]:
        """Stage one numbered incident and its consequence; the caller commits. An automatic charge
        names what proves it (`charge_key`): its id derives from it and a create-only key record
        makes a retry or a second sweep unable to charge it twice."""
        if charge_key:
            self.conduct.stage_charge_key(uow, charge_key, dc.charge_id(charge_key))
        draft = StaffViolation(
            dc.charge_id(charge_key) if charge_key else secrets.token_hex(8),
            staff.id,
            staff.department_id,
            kind,
            at,
            evidence,
            by,
            application_id=application_id,
            unit_violation=unit_violation,
        )
        violation = self.conduct.stage(uow, draft)
        returns = violation.consequence is Consequence.RETURN_TO_UNIT and staff.status is not ds.StaffStatus.RETURNED
        if returns:
            reason = f"本年度第{violation.ordinal}次违反效能建设规定({violation.label}),退回原单位"
            after = ds.returned(staff, reason)
            StaffService(self.catalogue, self.staff).stage_unposting(uow, staff)
            self.staff.stage_update(uow, StaffVersion(after, "return", by, at, reason), rev)
            forget(staff.id)  # harmless if the commit fails: the next request reads the record again
        department = self.catalogue.get_department(staff.department_id)
        unit = department.name if department else staff.department_id
        text = dc.bulletin_text(violation, staff.name, unit)
        title = text.split(":", 1)[0]
        bulletin = Bulletin(
            violation.id,
            BulletinKind.PERSON_RETURN if returns else BulletinKind.PERSON_NOTICE,
            staff.centre_id,
            staff.department_id,
            title,
            text,
            at,
            f"conduct:{violation.id}",
        )
        self.conduct.stage_bulletin(uow, bulletin)
        recipients = (department_feed(staff.department_id), LEADERSHIP_FEED, staff.id)
        data = {"bulletin": bulletin.kind.value, "consequence": violation.consequence.value}
        message = make_message(
            MessageKind.BULLETIN, ("conduct", violation.id), recipients, title, violation.id, at, data
        )
        self.outbox.stage(uow, message)
        return violation, message

    # --- automatic entries ------------------------------------------------------------------------

    def charge_transition(self, uow: UnitOfWork, before: da.Application, transition: da.Transition) -> None:
        """Hooked where a case change writes its unit violations: a refusal corrected on review is
        also charged to the person who refused (否认报备 found wrong); a notice asking for what an
        earlier one left out is charged to that earlier notice's issuer (一次告知制)."""
        self.charge_notice_lapses(uow, before, transition)
        for effect in transition.effects:
            if effect.kind != "violation" or effect.detail != "rejection_corrected":
                continue
            report = before.pending_report()
            if report is None:
                continue
            found = self.staff.get(report.reported_by)
            if found is None:
                continue
            at = transition.event.at
            note = next((r.supervisor_note for r in reversed(transition.case.reports) if r.resolved_at == at), "")
            evidence = f"办件{before.tracking_code}({before.item.elements.name})的不予许可决定经监察纠正:{note}"
            unit = f"{effect.subject}/{at}#{before.id}#{effect.detail}"
            self.stage_charge(
                uow, found[0], found[1], ConductKind.REJECTION_CORRECTED, evidence, SYSTEM, at, before.id, unit
            )

    def _auto(
        self,
        uow: UnitOfWork,
        staff_id: str,
        kind: ConductKind,
        evidence: str,
        at: str,
        application_id: str,
        charge_key: str,
    ) -> Message | None:
        """An automatic charge of a recorded person, once per proof (skipped when already written)."""
        found = self.staff.get(staff_id)
        if found is None or found[0].status is ds.StaffStatus.RETURNED or self.conduct.charged(charge_key):
            return None
        _, message = self.stage_charge(
            uow, found[0], found[1], kind, evidence, SYSTEM, at, application_id, "", charge_key
        )
        return message

    def charge_notice_lapses(self, uow: UnitOfWork, before: da.Application, transition: da.Transition) -> None:
        """一次告知制 (seed 004 二(五), 四.2): a later notice that asks for a material an earlier notice
        could have listed charges that earlier notice's issuer, in the notice's own transaction."""
        if transition.event.action != "issue_notice" or not before.notices:
            return
        notice = transition.case.notices[-1]
        earlier = tuple(
            (n.round, n.issued_by, n.issued_at, frozenset(e.material_code for e in n.entries)) for n in before.notices
        )
        rounds = {m.code: m.round for m in before.materials}
        demanded = tuple(e.material_code for e in notice.entries)
        for lapse in dc.notice_lapses(earlier, rounds, demanded):
            codes = "、".join(lapse.material_codes)
            evidence = (
                f"办件{before.tracking_code}({before.item.elements.name})第{lapse.notice_round}次提交的一次性告知"
                f"({lapse.issued_at[:10]})未列明{codes},第{notice.round}次提交时再次要求补正({notice.issued_at[:10]},"
                f"{notice.issued_by})"
            )
            key = f"notice:{before.id}:{lapse.notice_round}"
            self._auto(uow, lapse.issued_by, ConductKind.NOTICE_INCOMPLETE, evidence, notice.issued_at, before.id, key)

    def charge_first_contact(self, uow: UnitOfWork, case: da.Application, enquiry: Consultation) -> None:
        """首问负责制 (seed 004 二(五)): the enquiry a case links was answered, not referred, by someone
        whose remit does not cover the case's matter; charged in the filing's transaction, once per
        enquiry. The remit is judged on the cached staff record and post (no request when warm)."""
        if enquiry.referred_post_id or not enquiry.answer:
            return
        officer = cached_record(enquiry.recorded_by, self.staff)
        if officer is None:
            return
        departments = {case.lead_department_id, *(c.department_id for c in case.co_reviewers)}
        comprehensive = serves_every_department(officer, case.centre_id, self.staff)
        if not dc.outside_remit(officer.department_id, comprehensive, departments):
            return
        evidence = (
            f"{enquiry.at[:10]}受理{enquiry.person_name}关于“{enquiry.topic}”的咨询,该事项({case.item.elements.name})"
            f"不属其职责范围,未引导至承办窗口而自行答复;其后该申请人提交办件{case.tracking_code}"
        )
        at = case.submitted_at
        self._auto(uow, enquiry.recorded_by, ConductKind.NOT_REFERRED, evidence, at, case.id, f"consult:{enquiry.id}")

    def charge_ignored_warning(
        self, uow: UnitOfWork, warning: SupervisionWarning, holder: str, at: str
    ) -> Message | None:
        """A yellow warning addressed to a window post that nobody acknowledged before its deadline
        passed: charged to whoever held the post then (the backup while A was on leave)."""
        evidence = f"预警“{warning.title}”发至窗口{warning.post_ref},至{warning.due_on.isoformat()}期限届满仍未确认处理"
        key = f"warning:{warning.subject_id}:{warning.key}"
        return self._auto(uow, holder, ConductKind.WARNING_IGNORED, evidence, at, warning.subject_id, key)

    # --- reads -------------------------------------------------------------------------------------

    def of_staff(self, staff_id: str, first: int, after: str | None) -> Page[StaffViolation]:
        return self.conduct.of_staff(staff_id, first, after)

    def of_year(self, year: int, first: int, after: str | None) -> Page[StaffViolation]:
        return self.conduct.of_year(year, first, after)

    def bulletins(self, centre_id: str | None, first: int, after: str | None) -> Page[Bulletin]:
        return self.conduct.bulletins(centre_id, first, after)
