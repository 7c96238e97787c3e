"""Application use cases: load the case, let the domain decide, commit case + event + projections.

Every command is one transaction. The case head is replaced at the revision it was read at and
the event is created at the next sequence number, so of two conflicting commands exactly one
wins and the other gets CONFLICT. A command given an idempotency key returns the first call's
result when retried.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime

from chalicelib.domain import application as da
from chalicelib.domain import consultation, record_retention
from chalicelib.domain import credit as dcr
from chalicelib.domain import identity_binding as dib
from chalicelib.domain import organisation as org
from chalicelib.domain import verified_identity as dvi
from chalicelib.domain.application import Application, Code, Transition
from chalicelib.domain.audit import Event
from chalicelib.domain.catalogue import ServiceItem, SpecialStepKind
from chalicelib.domain.certificate import Certificate, CertificateStatus
from chalicelib.domain.deficiency_policy import DeficiencyMode
from chalicelib.domain.errors import DomainError, Violation
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.working_days import WorkingDayCalendar
from chalicelib.services import clock
from chalicelib.services.credit import check_agent
from chalicelib.services.reference_cache import centre_hierarchy
from chalicelib.storage.application_repository import ApplicationRepository, Authorisation
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.consultation_repository import ConsultationRepository
from chalicelib.storage.idempotency import IdempotencyRepository
from chalicelib.storage.identity_repository import IdentityRepository
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
# A domain-event handler of a transition: stages what the event owes in the transition's transaction
# and returns what to do once that transaction has committed (None: nothing). Follow-ups never run
# for a refused or failed command, and a failing follow-up must leave its work to a retry (the sweep).
AfterCommit = Callable[[], None]
TransitionHandler = Callable[[UnitOfWork, Transition], AfterCommit | None]


@dataclass(frozen=True)
class FilingExtension:
    """What another concept adds to an ordinary filing (延续: the licence renewed and its pointer,
    services/renewals.py): the case it files is shaped by `attach`, `stage` adds its records to
    the filing's one transaction, and `operation` names the idempotency keys it remembers."""

    operation: str
    attach: Callable[[Application], Application]
    stage: Callable[[UnitOfWork, Application], None]


_PAST_INTAKE = frozenset(
    {da.State.IN_REVIEW, da.State.REJECTION_REPORTED, da.State.APPROVED, da.State.REJECTED, da.State.REVOKED}
)
# The bureau of the handling centre sees a case once it is approved, and after a revocation of that
# approval (告知承诺 found false before issuance) so it knows why no certificate follows.
_BUREAU_STATES = frozenset({da.State.APPROVED, da.State.REVOKED})


def visible_to(case: Application, principal: Principal) -> bool:
    """Applicants see their own cases; clerks the cases of their centre; supervisors the cases of
    their centre's subtree (seed 000: a district oversees its townships, the city the whole
    network), recorded on the case at filing so the check costs no request; reviewers and
    approvers only cases that have work for their department: a review task, or for the lead
    department of an immediate item (no tasks, decided at once) the accepted case awaiting or past
    its decision. A case still at intake (SUBMITTED, NOTICE_ISSUED) and its applicant's personal
    data stay with the window."""
    if not principal.subject:
        return False
    if principal.subject in {case.applicant.id, case.filed_by}:  # no account (""): filed to the identity
        return True
    if principal.has_any(Role.SUPERVISOR) and supervises(case, principal):
        return True
    if principal.has_any(Role.CLERK) and principal.centre_id == case.centre_id:
        return True
    departments = {task.department_id for task in case.tasks}
    if not case.tasks and case.state in _PAST_INTAKE:
        departments.add(case.lead_department_id)
    if principal.has_any(Role.REVIEWER, Role.APPROVER) and principal.department_id in departments:
        return True
    # 否认报备: the unit leader of a clerk who refused the case at intake rules on the objection.
    if principal.has_any(Role.APPROVER) and any(
        r.department_id == principal.department_id for r in case.intake_refusals
    ):
        return True
    return (
        principal.has_any(Role.BUREAU)
        and case.state in _BUREAU_STATES
        and principal.centre_id == case.handling_centre_id
    )


def supervises(case: Application, principal: Principal) -> bool:
    """A supervisor oversees a case taken or handled in their centre's subtree. Cases filed before
    the hierarchy was recorded on them (no oversight centres) stay with every supervisor."""
    if not case.oversight_centre_ids:
        return True
    return principal.centre_id in case.oversight_centre_ids


def request_target(subject: str, request: object) -> str:
    """What an idempotency key is remembered for: the subject and a digest of the whole input, so
    a retry that changed its input is refused (IDEMPOTENCY_KEY_REUSED), not answered with the first
    result. An empty input names the subject alone."""
    if request in ((), [], None):
        return subject
    digest = hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return f"{subject}#{digest}"


class ApplicationService:
    """The commands of the application lifecycle, bound to their repositories and clock."""

    # Stages person-level charges of a transition in its transaction (set by the API context).
    person_charges: Callable[[UnitOfWork, Application, Transition], None] | None = None
    # Keeps newly cited uploads as records before the change citing them commits (set by the API
    # context; see chalicelib/domain/record_retention.py). A commit that then fails leaves a kept
    # file nobody cites: harmless, unlike a committed case citing a file the lifecycle expires.
    retain_uploads: Callable[[list[str]], None] | None = None
    # Stages the first-contact charge of a filing that links an enquiry (set by the API context).
    first_contact_charges: Callable[[UnitOfWork, Application, consultation.Consultation], None] | None = None

    def __init__(
        self,
        applications: ApplicationRepository,
        catalogue: CatalogueRepository,
        blob_check: BlobCheck,
        now: Callable[[], datetime] | None = None,
        certificate_lookup: Callable[[str], Certificate | None] | None = None,
        consultations: ConsultationRepository | None = None,
    ) -> None:
        self.certificate_lookup = certificate_lookup or (lambda _id: None)
        self.consultations = consultations or ConsultationRepository()  # first contact (首问负责制)
        self.applications = applications
        self.catalogue = catalogue
        self.blob_check = blob_check
        self.now = now or (lambda: clock.utc_now())  # read at call time: tests move the clock
        self.idempotency = IdempotencyRepository()
        self.identities = IdentityRepository()
        # Handlers of every lifecycle transition, in order (registered by the API context): written
        # decisions (services/written_decisions.py) stage the document an event owes and seal it
        # after the commit.
        self.after_commit: list[TransitionHandler] = []
        # The centre hierarchy routing reads: per process, at most a minute old (reference_cache.py).
        self.centres: Callable[[], dict[str, org.Centre]] = centre_hierarchy

    # --- helpers ---------------------------------------------------------------------------------

    def load(self, application_id: str, principal: Principal) -> tuple[Application, int]:
        """The case if the caller may see it; unknown and hidden cases look the same."""
        found = self.applications.get(application_id)
        if found is None or not self._may_see(found[0], principal):
            raise DomainError.one(Code.NOT_FOUND, "办件不存在", "id")
        return found

    def load_with_events(self, application_id: str, principal: Principal) -> tuple[Application, int, list[Event]]:
        """`load`, with the case's audit trail read in the same Query (application detail shows both)."""
        found = self.applications.get_with_events(application_id)
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
        """The bureau above a centre that has no approval bureau of its own produces its
        certificates. A centre with its own bureau issues under its own name (同权审批)."""
        if not (principal.has_any(Role.BUREAU) and case.state is da.State.APPROVED and principal.centre_id):
            return False
        if not org.is_subordinate(case.handling_centre_id, principal.centre_id, self.catalogue.all_centres()):
            return False
        return self.catalogue.bureau_of(case.handling_centre_id) is None

    def _remembered(self, principal: Principal, operation: str, key: str | None, target: str) -> Application | None:
        """The first result of a retried call; the same key for another target is refused."""
        if not key or principal.subject is None:
            return None
        if len(key) > 100:
            raise DomainError.one(Code.OUT_OF_RANGE, "幂等键不能超过100个字符", "idempotencyKey")
        earlier = self.idempotency.remembered(principal.subject, operation, key)
        if earlier is None:
            return None
        recorded = str(earlier.get("target"))
        # Keys remembered before requests were fingerprinted name only the case: still a match.
        if recorded != target and not ("#" not in recorded and recorded == target.split("#", 1)[0]):
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
        request: object = (),
    ) -> Application:
        target = request_target(application_id, request)
        earlier = self._remembered(principal, operation, key, target)
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
        follow_ups = [f for f in (handle(uow, transition) for handle in self.after_commit) if f is not None]
        self._retain(case, transition.case)
        result = self._commit(uow, principal, operation, key, transition.case, target)
        for follow_up in follow_ups:  # only once the unit of work has committed
            follow_up()
        return result

    def _retain(self, before: Application | None, after: Application) -> None:
        cited = record_retention.newly_cited_uploads(before, after)
        if cited and self.retain_uploads is not None:
            self.retain_uploads(cited)

    def apply_transition(
        self,
        application_id: str,
        principal: Principal,
        operation: str,
        key: str | None,
        decide: Callable[[Application, datetime], Transition],
        request: object = (),
    ) -> Application:
        """Run a transition another concept decides (a referral, say) through the same command
        skeleton as the lifecycle's own: idempotency key, visibility, revision guard, one transaction.
        `request` is the caller's input: a retry under the same key with another input is refused."""
        return self._apply(application_id, principal, operation, key, decide, request)

    @property
    def calendar(self) -> WorkingDayCalendar:
        """The working-day calendar the case deadlines are counted on."""
        return self.applications.calendar

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

    def _filing_identity(
        self, principal: Principal, applicant: da.Applicant, binding_code: str | None = None
    ) -> tuple[str, dvi.VerifiedIdentity | None, tuple[dib.BindingCode, int] | None]:
        """The verified identifier the case is filed under, a verification to record (seed 001
        三(二)3 身份认证库) and the binding code it redeems: a clerk checks the document at the
        window (the account is linked only with its holder's binding code); an applicant filing for
        themself files under their real-name token's identifier (or the one their account was
        verified with); an agent under the identifier the applicant's account was verified with."""
        now = self.now()
        at = now.isoformat(timespec="seconds")
        if principal.has_any(Role.CLERK) and principal.subject != applicant.id:
            return self._window_identity(principal, applicant, binding_code, at)
        if principal.subject == applicant.id:
            if principal.identifier is None:
                return self._linked_identity(applicant), None, None
            identifier = dvi.filing_identity(applicant.identifier, principal.identifier)
            dvi.check_name(applicant.name, principal.name)  # the real-name token's verified name
            kind = dvi.classify(identifier)[1]
            verification = dvi.VerifiedIdentity(
                identifier, kind, applicant.name, applicant.id, dvi.Verification.REAL_NAME, at
            )
            return identifier, verification, None
        return self._linked_identity(applicant), None, None

    def _window_identity(
        self, principal: Principal, applicant: da.Applicant, binding_code: str | None, at: str
    ) -> tuple[str, dvi.VerifiedIdentity | None, tuple[dib.BindingCode, int] | None]:
        """A clerk checked the identity document in person. The case goes to the named account only
        if that account is linked to this identity, or with the account holder's binding code (which
        links it); without an account it is filed to the identity alone. Anything else is refused
        before a write (`ACCOUNT_NOT_LINKED`): an unknown account, a staff member's and an unlinked
        applicant's get the same answer, so the window cannot probe which accounts exist."""
        now = self.now()
        identifier, kind = dvi.classify(applicant.identifier)
        if not applicant.id:  # a walk-in without an account: the case belongs to the identity
            if binding_code:
                raise DomainError.one(Code.OUT_OF_RANGE, "绑定码须与申请人账号一起填写", "applicant.bindingCode")
            known = self.identities.identity(identifier)
            dvi.check_name(applicant.name, known.name if known else None)
            return identifier, None, None
        if not dib.plausible_account(applicant.id):
            raise dib.invalid() if binding_code else dib.not_linked()
        # One BatchGetItem: the account's link, its binding code, the identity checked, and whether
        # the account is a staff member's (never an applicant account, whatever records it has).
        linked, binding, known, (staff,) = self.identities.window_filing(
            applicant.id, identifier, bool(binding_code), (CatalogueRepository.staff_ref(applicant.id),)
        )
        if staff is not None:
            linked, binding = None, None
        if linked is not None:  # an account verified before keeps its identity (and its name)
            verified = dvi.filing_identity(identifier, linked[0])
            dvi.check_name(applicant.name, linked[1])
            return verified, None, None
        # An identity verified before (online or at a window) keeps its name, whoever files.
        dvi.check_name(applicant.name, known.name if known else None)
        if not binding_code:  # the account is not this person's as far as we know: not attached
            raise dib.not_linked()
        if binding is None or not dib.matches(binding[0], applicant.id, binding_code, now):
            if binding is not None and binding[0].live(now):  # a wrong try counts (five kill it)
                uow = UnitOfWork()
                self.identities.stage_binding(uow, dib.missed(binding[0]), binding[1])
                uow.commit()
            raise dib.invalid()
        seen = dvi.VerifiedIdentity(
            identifier, kind, applicant.name, principal.subject or "", dvi.Verification.WINDOW, at
        )
        return identifier, seen, (dib.redeemed(binding[0]), binding[1])

    def _linked_identity(self, applicant: da.Applicant) -> str:
        """The identity the applicant's account was verified with; the declared number and name must
        be the verified ones."""
        found = self.identities.account_verification(applicant.id)
        identifier = dvi.filing_identity(applicant.identifier, found[0] if found else None)
        dvi.check_name(applicant.name, found[1] if found else None)
        return identifier

    def route(self, item: ServiceItem, intake_centre_id: str) -> tuple[str, tuple[str, ...]]:
        """在地受理、按职权内部流转 (seed 000 三(一)2): the competent centre for a case taken at
        `intake_centre_id` (the nearest centre up the hierarchy holding the power), and every centre
        whose supervisors oversee it. The hierarchy is this process's copy (no request when warm, one
        Query at most once a minute: services/reference_cache.py), whatever the depth."""
        centres = self.centres()
        competent = org.competent_centre(intake_centre_id, set(item.centre_ids), centres)
        return competent, org.oversight_centres(intake_centre_id, competent, centres)

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
        form_data: dict[str, object] | None = None,
        binding_code: str | None = None,
        extension: FilingExtension | None = None,
    ) -> Application:
        operation = extension.operation if extension is not None else "applicationFile"
        # The whole request, not only what it targets: a retry that changed its input is refused
        # (IDEMPOTENCY_KEY_REUSED) rather than silently answered with the first case.
        target = request_target(
            f"{item_code}@{centre_id}:{applicant.id}",
            [repr(applicant), [repr(m) for m in materials], str(channel), form_data],
        )
        earlier = self._remembered(principal, operation, key, target)
        if earlier is not None:
            return earlier
        da.check_window_centre(principal, centre_id)  # before any read about the applicant
        found = self.catalogue.get_item(item_code)
        if found is None:
            raise DomainError.one(Code.NOT_FOUND, "事项不存在", "itemId")
        authorised = False
        if principal.has_any(Role.AGENT) and principal.subject and applicant.id != principal.subject:
            authorised = self._authorised(applicant.id, principal.subject)
        verification = None
        binding = None
        agent_identifier = None
        if authorised:  # 代办: the agent's own verified identity goes on the case
            linked = None if principal.identifier else self.identities.account_identity(principal.subject or "")
            agent_identifier = dvi.agent_identity(principal.identifier, linked)
        if authorised or principal.subject == applicant.id or principal.has_any(Role.CLERK):
            # (anyone else filing for another is refused by the domain: FORBIDDEN, not an identity error)
            identifier, verification, binding = self._filing_identity(principal, applicant, binding_code)
            applicant = replace(applicant, identifier=identifier)
        competent, oversight = self.route(found[0], centre_id)
        now = self.now()
        # Seed 003 二(五)1: at a receiving centre the case is filed under the centre's tuned version.
        from chalicelib.services.local_tuning import effective_for

        item = effective_for(found[0], competent)  # the tuning of the centre exercising the power
        submitted = self._materials({principal.subject or "", applicant.id} - {""}, materials, 1)
        enquiry = self._consulted(applicant.identifier, centre_id, now)
        transition = da.file(
            application_id=secrets.token_hex(10),
            tracking_code=new_tracking_code(),
            item=item,
            applicant=applicant,
            actor=principal,
            channel=channel,
            centre_id=centre_id,
            materials=submitted,
            now=now,
            agent_authorised=authorised,
            form_data=form_data,
            first_contact=(enquiry.id, enquiry.recorded_by) if enquiry else None,
            competent_centre_id=competent,
            oversight_centre_ids=oversight,
        )
        if agent_identifier is not None:
            transition = replace(transition, case=replace(transition.case, agent_identifier=agent_identifier))
        if extension is not None:
            transition = replace(transition, case=extension.attach(transition.case))
        uow = UnitOfWork()
        self.applications.stage_new(uow, transition.case, transition.event, da.china_date(now))
        if extension is not None:
            extension.stage(uow, transition.case)
        if enquiry is not None and self.first_contact_charges is not None:  # 首问负责制, same transaction
            self.first_contact_charges(uow, transition.case, enquiry)
        if verification is not None:
            self.identities.stage_link(uow, verification, applicant.id)
        if binding is not None:  # single use: a second window redeeming it at once gets CONFLICT
            self.identities.stage_binding(uow, binding[0], binding[1])
        self._retain(None, transition.case)
        return self._commit(uow, principal, operation, key, transition.case, target)

    def _consulted(self, identifier: str, centre_id: str, now: datetime) -> consultation.Consultation | None:
        """The person's latest consultation at this centre (one Query)."""
        return consultation.link_for(
            self.consultations.recent_of(consultation.normalise_identifier(identifier)), centre_id, now
        )

    def accept(self, principal: Principal, application_id: str, key: str | None = None) -> Application:
        return self._apply(
            application_id, principal, "applicationAccept", key, lambda c, now: da.accept(c, principal, now)
        )

    def accept_with_deficiency(
        self,
        principal: Principal,
        application_id: str,
        missing: list[str],
        pledge_due: date,
        key: str | None = None,
        mode: DeficiencyMode = DeficiencyMode.WAIT,
    ) -> Application:
        def decide(case: Application, now: datetime) -> Transition:
            # 一处违法、处处受限: a record of the applicant's verified identity, from any account.
            records = self.identities.credit_records(case.applicant.identifier)
            in_force = dcr.barred(records, da.china_date(now))
            check_agent(case, da.china_date(now))  # the agent who filed signs the pledge
            return da.accept_with_deficiency(
                case, principal, now, tuple(missing), pledge_due, in_force, self.applications.calendar, mode
            )

        request = [sorted(missing), str(pledge_due), str(mode)]
        return self._apply(application_id, principal, "applicationAcceptWithDeficiency", key, decide, request)

    def issue_notice(
        self,
        principal: Principal,
        application_id: str,
        entries: list[da.NoticeEntry],
        procedure: str,
        key: str | None = None,
        admit_omission: bool = False,
    ) -> Application:
        return self._apply(
            application_id,
            principal,
            "applicationNoticeIssue",
            key,
            lambda c, now: da.issue_notice(c, principal, now, tuple(entries), procedure, admit_omission),
            [[repr(e) for e in entries], procedure, admit_omission],
        )

    def supplement(
        self,
        principal: Principal,
        application_id: str,
        materials: list[MaterialRef],
        key: str | None = None,
        form_data: dict[str, object] | None = None,
    ) -> Application:
        def decide(case: Application, now: datetime) -> Transition:
            owners = {principal.subject or "", case.applicant.id, case.filed_by} - {""}
            cited = self._materials(owners, materials, case.round)
            return da.supplement(case, principal, now, cited, form_data)

        request = [[repr(m) for m in materials], form_data]
        return self._apply(application_id, principal, "applicationSupplement", key, decide, request)

    def withdraw(self, principal: Principal, application_id: str, reason: str, key: str | None = None) -> Application:
        return self._apply(
            application_id,
            principal,
            "applicationWithdraw",
            key,
            lambda c, now: da.withdraw(c, principal, now, reason),
            [reason],
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
            [str(opinion), text],
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
            [str(kind), note],
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
            [str(kind), note],
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
            [str(kind), str(held_on), [repr(o) for o in opinions]],
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
            [days, reason],
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
            [str(outcome), reason, legal_basis],
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
            [note],
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
            [note],
        )

    def authorise_agent(self, principal: Principal, agent_id: str, valid_until: date) -> Authorisation:
        """An applicant authorises a proxy agent (代办) to file and supplement for them."""
        if not principal.has_any(Role.APPLICANT) or principal.subject is None:
            raise DomainError.one(Code.FORBIDDEN, "只有申请人本人可以授权代办")
        today = da.china_date(self.now())
        problems = []
        if not today < valid_until <= date(today.year + 1, today.month, min(today.day, 28)):
            problems.append(Violation(Code.OUT_OF_RANGE, "授权有效期须在今天之后且不超过一年", "validUntil"))
        agent_id = agent_id.strip()
        eligible = False
        if dib.plausible_account(agent_id) and agent_id != principal.subject:
            # One BatchGetItem: the agent account's verification and whether the id is a staff member's.
            verified, (staff,) = self.identities.account_standing(agent_id, (CatalogueRepository.staff_ref(agent_id),))
            eligible = dib.agent_eligible(agent_id, principal.subject, verified is not None, staff is not None)
        if not eligible:
            problems.extend(dib.agent_refused().violations)
        if problems:
            raise DomainError(problems)
        grant = Authorisation(principal.subject, agent_id, valid_until, self.now().isoformat(timespec="seconds"))
        uow = UnitOfWork()
        self.applications.stage_authorisation(uow, grant)
        if principal.identifier:  # the agent will file under the identity the applicant verified
            identifier, kind = dvi.classify(principal.identifier, "identifier")
            seen = dvi.VerifiedIdentity(
                identifier, kind, principal.name, principal.subject, dvi.Verification.REAL_NAME, grant.granted_at
            )
            self.identities.stage_link(uow, seen, principal.subject)
        uow.commit()
        return grant

    def revoke_agent(self, principal: Principal, agent_id: str) -> Authorisation:
        """The applicant withdraws an agent's authorisation: from now on the agent can neither see
        nor act on the applicant's cases (checked on every use)."""
        if not principal.has_any(Role.APPLICANT) or principal.subject is None:
            raise DomainError.one(Code.FORBIDDEN, "只有申请人本人可以撤销代办授权")
        # An empty id is no key DynamoDB accepts (found by the fuzzing run, issue 16): unknown.
        grant = self.applications.authorisation(principal.subject, agent_id.strip()) if agent_id.strip() else None
        if grant is None:
            raise DomainError.one(Code.NOT_FOUND, "未找到该代办授权", "agentId")
        uow = UnitOfWork()
        self.applications.stage_authorisation_removal(uow, principal.subject, grant.agent_id)
        uow.commit()
        return grant
