"""Application use cases: load the case, let the domain decide, commit case + event + projections.

Every command is one transaction. The case head is replaced at the revision it was read at and
the event is created at the next sequence number, so of two conflicting commands exactly one
wins and the other gets CONFLICT. A command given an idempotency key returns the first call's
result when retried.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from chalicelib.domain import application as da
from chalicelib.domain.application import Application, Code, Transition
from chalicelib.domain.catalogue import SpecialStepKind
from chalicelib.domain.certificate import Certificate, CertificateStatus
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal, Role
from chalicelib.services import clock
from chalicelib.storage.application_repository import ApplicationRepository, Authorisation
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.idempotency import IdempotencyRepository
from chalicelib.storage.unit_of_work import CONFLICT, UnitOfWork

TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out over the phone


def new_tracking_code() -> str:
    """Unguessable (50 bits) so public progress lookups cannot be enumerated."""
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(10))


@dataclass(frozen=True)
class MaterialRef:
    """A material as the client names it: an uploaded file it says has this hash and size, or a
    certificate already issued to the applicant (seed 000 批文入库、资料共享: never re-uploaded)."""

    code: str
    file_name: str = ""
    blob_key: str = ""
    sha256: str = ""
    size: int = 0
    certificate_id: str | None = None


BlobCheck = Callable[[str], tuple[int, str] | None]  # blob key -> (size, sha256) as stored


def visible_to(case: Application, principal: Principal) -> bool:
    """Applicants see their own cases; staff the cases of their centre or department."""
    if principal.subject is None:
        return False
    if principal.subject in {case.applicant.id, case.filed_by}:
        return True
    if principal.has_any(Role.SUPERVISOR):
        return True
    if principal.has_any(Role.CLERK) and principal.centre_id == case.centre_id:
        return True
    departments = {case.lead_department_id, *(t.department_id for t in case.tasks)}
    if principal.has_any(Role.REVIEWER, Role.APPROVER) and principal.department_id in departments:
        return True
    return principal.has_any(Role.BUREAU) and case.state is da.State.APPROVED and principal.centre_id == case.centre_id


class ApplicationService:
    """The commands of the application lifecycle, bound to their repositories and clock."""

    # Stages person-level charges of a transition in its transaction (set by the API context).
    person_charges: Callable[[UnitOfWork, Application, Transition], None] | None = None

    def __init__(
        self,
        applications: ApplicationRepository,
        catalogue: CatalogueRepository,
        blob_check: BlobCheck,
        now: Callable[[], datetime] | None = None,
        certificate_lookup: Callable[[str], Certificate | None] | None = None,
    ) -> None:
        self.certificate_lookup = certificate_lookup or (lambda _id: None)
        self.applications = applications
        self.catalogue = catalogue
        self.blob_check = blob_check
        self.now = now or (lambda: clock.utc_now())  # read at call time: tests move the clock
        self.idempotency = IdempotencyRepository()

    # --- helpers ---------------------------------------------------------------------------------

    def load(self, application_id: str, principal: Principal) -> tuple[Application, int]:
        """The case if the caller may see it; unknown and hidden cases look the same."""
        found = self.applications.get(application_id)
        if found is None or not self._may_see(found[0], principal):
            raise DomainError.one(Code.NOT_FOUND, "办件不存在", "id")
        return found

    def _may_see(self, case: Application, principal: Principal) -> bool:
        if not visible_to(case, principal):
            return self._bureau_of_parent_centre(case, principal)
        acting_as_agent = (
            principal.has_any(Role.AGENT)
            and principal.subject == case.filed_by
            and principal.subject != case.applicant.id
        )
        # An agent acts only while the applicant's authorisation lasts (checked on every use).
        return not acting_as_agent or self._authorised(case.applicant.id, principal.subject or "")

    def _authorised(self, applicant_id: str, agent_id: str) -> bool:
        grant = self.applications.authorisation(applicant_id, agent_id)
        return grant is not None and grant.valid_until >= da.china_date(self.now())

    def _bureau_of_parent_centre(self, case: Application, principal: Principal) -> bool:
        """The bureau of a city centre also produces certificates for its district/zone centres."""
        if not (principal.has_any(Role.BUREAU) and case.state is da.State.APPROVED and principal.centre_id):
            return False
        from chalicelib.domain.catalogue import is_subordinate

        return is_subordinate(case.centre_id, principal.centre_id, self.catalogue.all_centres())

    def _remembered(self, principal: Principal, operation: str, key: str | None, target: str) -> Application | None:
        """The first result of a retried call; the same key for another target is refused."""
        if not key or principal.subject is None:
            return None
        if len(key) > 100:
            raise DomainError.one(Code.OUT_OF_RANGE, "幂等键不能超过100个字符", "idempotencyKey")
        earlier = self.idempotency.remembered(principal.subject, operation, key)
        if earlier is None:
            return None
        if earlier.get("target") != target:
            raise DomainError.one(
                Code.IDEMPOTENCY_KEY_REUSED, "该幂等键已用于另一请求,请换用新的幂等键", "idempotencyKey"
            )
        found = self.applications.get(str(earlier["id"]))
        return found[0] if found else None

    def _commit(
        self, uow: UnitOfWork, principal: Principal, operation: str, key: str | None, case: Application, target: str
    ) -> Application:
        if key and principal.subject:
            self.idempotency.remember(uow, principal.subject, operation, key, {"id": case.id, "target": target})
        try:
            uow.commit()
        except DomainError as error:
            if key and error.violations[0].code == CONFLICT:
                again = self._remembered(principal, operation, key, target)
                if again is not None:
                    return again
            raise
        return case

    def _apply(
        self,
        application_id: str,
        principal: Principal,
        operation: str,
        key: str | None,
        decide: Callable[[Application, datetime], Transition],
    ) -> Application:
        earlier = self._remembered(principal, operation, key, application_id)
        if earlier is not None:
            return earlier
        case, rev = self.load(application_id, principal)
        now = self.now()
        transition = decide(case, now)
        uow = UnitOfWork()
        self.applications.stage_change(
            uow, case, transition.case, rev, transition.event, da.china_date(now), transition.effects
        )
        if self.person_charges is not None:  # staff conduct ledger (seed 004 四.2), same transaction
            self.person_charges(uow, case, transition)
        return self._commit(uow, principal, operation, key, transition.case, application_id)

    def _materials(self, owners: set[str], refs: list[MaterialRef], round_: int) -> tuple[da.SubmittedMaterial, ...]:
        """Each cited file must be one the filer or applicant uploaded, stored with the hash and
        size claimed (the store is asked; the client's word is not taken)."""
        out = []
        for i, ref in enumerate(refs):
            if ref.certificate_id:
                out.append(self._cited(ref, owners, round_, i))
                continue
            parts = ref.blob_key.split("/")
            ours = len(parts) == 3 and parts[0] == "materials" and parts[1] in owners
            stored = self.blob_check(ref.blob_key) if ours else None
            if stored is None or stored != (ref.size, ref.sha256.lower()):
                raise DomainError.one(
                    Code.MATERIAL_FILE_MISSING, f"材料{ref.code}的文件未上传或内容不符", f"materials[{i}].blobKey"
                )
            if not ref.file_name.strip() or len(ref.file_name) > 200:
                raise DomainError.one(Code.OUT_OF_RANGE, "文件名不能为空且不超过200个字符", f"materials[{i}].fileName")
            out.append(
                da.SubmittedMaterial(
                    ref.code, ref.file_name.strip(), ref.blob_key, ref.sha256.lower(), ref.size, round_
                )
            )
        return tuple(out)

    def _cited(self, ref: MaterialRef, owners: set[str], round_: int, index: int) -> da.SubmittedMaterial:
        """A certificate from the shared library: the holder's own and currently valid."""
        cert = self.certificate_lookup(ref.certificate_id or "")
        today = da.china_date(self.now())
        if cert is None or cert.holder_account not in owners:
            raise DomainError.one(
                Code.CERTIFICATE_UNAVAILABLE, "引用的证照不存在或不属于申请人", f"materials[{index}].certificateId"
            )
        if cert.current_status(today) is not CertificateStatus.VALID:
            raise DomainError.one(Code.CERTIFICATE_UNAVAILABLE, "引用的证照已失效", f"materials[{index}].certificateId")
        name = f"{cert.type_name}{cert.number}.pdf"
        return da.SubmittedMaterial(ref.code, name, cert.blob_key, cert.sha256, cert.size, round_)

    # --- commands ----------------------------------------------------------------------------------

    def file(
        self,
        principal: Principal,
        item_code: str,
        centre_id: str,
        applicant: da.Applicant,
        materials: list[MaterialRef],
        channel: da.Channel,
        key: str | None,
    ) -> Application:
        target = f"{item_code}@{centre_id}:{applicant.id}"
        earlier = self._remembered(principal, "applicationFile", key, target)
        if earlier is not None:
            return earlier
        found = self.catalogue.get_item(item_code)
        if found is None:
            raise DomainError.one(Code.NOT_FOUND, "事项不存在", "itemId")
        authorised = False
        if principal.has_any(Role.AGENT) and principal.subject and applicant.id != principal.subject:
            authorised = self._authorised(applicant.id, principal.subject)
        now = self.now()
        transition = da.file(
            application_id=secrets.token_hex(10),
            tracking_code=new_tracking_code(),
            item=found[0],
            applicant=applicant,
            actor=principal,
            channel=channel,
            centre_id=centre_id,
            materials=self._materials({principal.subject or "", applicant.id}, materials, 1),
            now=now,
            agent_authorised=authorised,
        )
        uow = UnitOfWork()
        self.applications.stage_new(uow, transition.case, transition.event, da.china_date(now))
        return self._commit(uow, principal, "applicationFile", key, transition.case, target)

    def accept(self, principal: Principal, application_id: str, key: str | None = None) -> Application:
        return self._apply(
            application_id, principal, "applicationAccept", key, lambda c, now: da.accept(c, principal, now)
        )

    def accept_with_deficiency(
        self, principal: Principal, application_id: str, missing: list[str], pledge_due: date, key: str | None = None
    ) -> Application:
        def decide(case: Application, now: datetime) -> Transition:
            in_force = self.applications.credit_default_in_force(case.applicant.id, da.china_date(now))
            return da.accept_with_deficiency(
                case, principal, now, tuple(missing), pledge_due, in_force, self.applications.calendar
            )

        return self._apply(application_id, principal, "applicationAcceptWithDeficiency", key, decide)

    def issue_notice(
        self,
        principal: Principal,
        application_id: str,
        entries: list[da.NoticeEntry],
        procedure: str,
        key: str | None = None,
    ) -> Application:
        return self._apply(
            application_id,
            principal,
            "applicationNoticeIssue",
            key,
            lambda c, now: da.issue_notice(c, principal, now, tuple(entries), procedure),
        )

    def supplement(
        self, principal: Principal, application_id: str, materials: list[MaterialRef], key: str | None = None
    ) -> Application:
        def decide(case: Application, now: datetime) -> Transition:
            owners = {principal.subject or "", case.applicant.id, case.filed_by}
            return da.supplement(case, principal, now, self._materials(owners, materials, case.round))

        return self._apply(application_id, principal, "applicationSupplement", key, decide)

    def withdraw(self, principal: Principal, application_id: str, reason: str, key: str | None = None) -> Application:
        return self._apply(
            application_id, principal, "applicationWithdraw", key, lambda c, now: da.withdraw(c, principal, now, reason)
        )

    def review(
        self, principal: Principal, application_id: str, opinion: da.Opinion, text: str, key: str | None = None
    ) -> Application:
        return self._apply(
            application_id,
            principal,
            "applicationReview",
            key,
            lambda c, now: da.review(c, principal, now, opinion, text),
        )

    def start_special_step(
        self, principal: Principal, application_id: str, kind: SpecialStepKind, note: str, key: str | None = None
    ) -> Application:
        return self._apply(
            application_id,
            principal,
            "applicationSpecialStepStart",
            key,
            lambda c, now: da.start_special_step(c, principal, now, kind, note),
        )

    def end_special_step(
        self, principal: Principal, application_id: str, kind: SpecialStepKind, note: str, key: str | None = None
    ) -> Application:
        return self._apply(
            application_id,
            principal,
            "applicationSpecialStepEnd",
            key,
            lambda c, now: da.end_special_step(c, principal, now, kind, note),
        )

    def record_meeting(
        self,
        principal: Principal,
        application_id: str,
        kind: da.MeetingKind,
        held_on: date,
        opinions: list[da.DepartmentOpinion],
        key: str | None = None,
    ) -> Application:
        return self._apply(
            application_id,
            principal,
            "applicationMeetingRecord",
            key,
            lambda c, now: da.record_meeting(c, principal, now, kind, held_on, tuple(opinions)),
        )

    def grant_extension(
        self, principal: Principal, application_id: str, days: int, reason: str, key: str | None = None
    ) -> Application:
        return self._apply(
            application_id,
            principal,
            "applicationExtensionGrant",
            key,
            lambda c, now: da.grant_extension(c, principal, now, days, reason),
        )

    def decide(
        self,
        principal: Principal,
        application_id: str,
        outcome: da.Outcome,
        reason: str,
        legal_basis: str,
        key: str | None = None,
    ) -> Application:
        return self._apply(
            application_id,
            principal,
            "applicationDecide",
            key,
            lambda c, now: da.decide(c, principal, now, outcome, reason, legal_basis),
        )

    def confirm_rejection(
        self, principal: Principal, application_id: str, note: str, key: str | None = None
    ) -> Application:
        return self._apply(
            application_id,
            principal,
            "rejectionReportConfirm",
            key,
            lambda c, now: da.confirm_rejection(c, principal, now, note),
        )

    def correct_rejection(
        self, principal: Principal, application_id: str, note: str, key: str | None = None
    ) -> Application:
        return self._apply(
            application_id,
            principal,
            "rejectionReportCorrect",
            key,
            lambda c, now: da.correct_rejection(c, principal, now, note),
        )

    def authorise_agent(self, principal: Principal, agent_id: str, valid_until: date) -> Authorisation:
        """An applicant authorises a proxy agent (代办) to file and supplement for them."""
        if not principal.has_any(Role.APPLICANT) or principal.subject is None:
            raise DomainError.one(Code.FORBIDDEN, "只有申请人本人可以授权代办")
        today = da.china_date(self.now())
        if not today < valid_until <= date(today.year + 1, today.month, min(today.day, 28)):
            raise DomainError.one(Code.OUT_OF_RANGE, "授权有效期须在今天之后且不超过一年", "validUntil")
        if not agent_id.strip() or agent_id == principal.subject:
            raise DomainError.one(Code.OUT_OF_RANGE, "代办员账号无效", "agentId")
        grant = Authorisation(
            principal.subject, agent_id.strip(), valid_until, self.now().isoformat(timespec="seconds")
        )
        uow = UnitOfWork()
        self.applications.stage_authorisation(uow, grant)
        uow.commit()
        return grant

    def revoke_agent(self, principal: Principal, agent_id: str) -> Authorisation:
        """The applicant withdraws an agent's authorisation: from now on the agent can neither see
        nor act on the applicant's cases (checked on every use)."""
        if not principal.has_any(Role.APPLICANT) or principal.subject is None:
            raise DomainError.one(Code.FORBIDDEN, "只有申请人本人可以撤销代办授权")
        grant = self.applications.authorisation(principal.subject, agent_id.strip())
        if grant is None:
            raise DomainError.one(Code.NOT_FOUND, "未找到该代办授权", "agentId")
        uow = UnitOfWork()
        self.applications.stage_authorisation_removal(uow, principal.subject, grant.agent_id)
        uow.commit()
        return grant
