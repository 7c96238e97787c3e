"""Approval on pledge (告知承诺制): the use cases around `domain/approval_on_pledge.py`.

The notice and the pledge are plain transitions of the case. Verifying a pledge as false is one
transaction of everything it causes: the case's event, the certificate's revocation (its public
status changes at once) with the result pushed to the supervising department, and the serious
credit record that bars the applicant from 告知承诺 and 容缺受理 for the item's period.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from chalicelib.domain import application as da
from chalicelib.domain import certificate as dcert
from chalicelib.domain import credit as dcr
from chalicelib.domain import decision_revocation
from chalicelib.domain.application import Application, Transition
from chalicelib.domain.approval_on_pledge import PledgeApprovalStatus
from chalicelib.domain.identity import Principal
from chalicelib.domain.notification import Message, MessageKind, make_message
from chalicelib.domain.result_push import PushAction, result_push, supervising_department
from chalicelib.domain.supervision import department_feed
from chalicelib.services.applications import ApplicationService
from chalicelib.services.credit import check_agent
from chalicelib.services.outbox import Relay
from chalicelib.storage.application_repository import ApplicationRepository
from chalicelib.storage.certificate_repository import CertificateRepository
from chalicelib.storage.identity_repository import IdentityRepository
from chalicelib.storage.outbox_repository import OutboxRepository
from chalicelib.storage.unit_of_work import UnitOfWork


def credit_barred(repo: ApplicationRepository, applicant: da.Applicant, today: date) -> bool:
    """Whether a credit record of the applicant's verified identity bars the fast tracks (告知承诺,
    容缺) everywhere (一处违法、处处受限, seed 002 四(十一))."""
    from chalicelib.services.credit import is_barred

    return is_barred(applicant.identifier, today)


class ApprovalOnPledgeService:
    def __init__(
        self, applications: ApplicationService, certificates: CertificateRepository, relay: Relay | None = None
    ) -> None:
        self.applications = applications
        self.certificates = certificates
        self.relay = relay

    @property
    def repo(self) -> ApplicationRepository:
        return self.applications.applications

    def notify(self, principal: Principal, application_id: str, key: str | None = None) -> Application:
        def decide(case: Application, now: datetime) -> Transition:
            barred = credit_barred(self.repo, case.applicant, da.china_date(now))
            check_agent(case, da.china_date(now))  # an agent who filed pledges in the applicant's name
            return da.issue_pledge_notice(case, principal, now, barred)

        return self.applications.apply_transition(
            application_id, principal, "applicationPledgeNoticeIssue", key, decide
        )

    def pledge(self, principal: Principal, application_id: str, key: str | None = None) -> Application:
        def decide(case: Application, now: datetime) -> Transition:
            barred = credit_barred(self.repo, case.applicant, da.china_date(now))
            check_agent(case, da.china_date(now))  # an agent who filed pledges in the applicant's name
            return da.sign_pledge(case, principal, now, barred)

        return self.applications.apply_transition(application_id, principal, "applicationPledgeSign", key, decide)

    def verify(
        self, principal: Principal, application_id: str, truthful: bool, findings: str, key: str | None = None
    ) -> Application:
        operation = "applicationPledgeVerify"
        earlier = self.applications._remembered(principal, operation, key, application_id)
        if earlier is not None:
            return earlier
        case, rev = self.applications.load(application_id, principal)
        now = self.applications.now()
        today = da.china_date(now)
        # A false pledge found before issuance revokes the approval decision (domain/decision_revocation.py).
        transition = decision_revocation.verify(case, principal, now, truthful, findings)
        uow = UnitOfWork()
        self.repo.stage_change(uow, case, transition.case, rev, transition.event, today)
        pushes = []
        approval = transition.case.pledge_approval
        if approval is not None and approval.status is PledgeApprovalStatus.FALSE:
            detail = f"serious: false pledge (告知承诺) for {case.item.code}"
            record = dcr.CreditRecord(
                case.applicant.identifier,
                dcr.Severity.SERIOUS,  # 严重失信: on the 失信名单 of the centre
                case.id,
                case.centre_id,
                detail,
                transition.event.at,
                today + timedelta(days=approval.bar_days),
                case.applicant.name,
            )
            IdentityRepository().stage_credit(uow, record)
            found = self.certificates.get(case.certificate_id) if case.certificate_id else None
            if found is not None and found[0].status is dcert.CertificateStatus.VALID:
                cert, cert_rev = found
                revoked = dcert.withdraw(  # 撤销: the grant itself is undone (seven-status model)
                    cert, f"告知承诺核查不实,依法撤销:{approval.findings}"[:500], now, approval.verified_by or ""
                )
                self.certificates.stage_update(uow, revoked, cert_rev)
                pushes.append(
                    result_push(revoked, PushAction.REVOKED, supervising_department(revoked, case), transition.event.at)
                )
            if transition.case.decision_revocation is not None:
                pushes.append(_revocation_notice(transition.case))
            outbox = OutboxRepository()
            for message in pushes:
                outbox.stage(uow, message)
        result = self.applications._commit(uow, principal, operation, key, transition.case, application_id)
        (self.relay or Relay()).deliver_soon(pushes)
        return result


def _revocation_notice(case: Application) -> Message:
    """The applicant (and the agent who filed) is told in writing that the approval was revoked, with
    the reason and the legal basis; the supervising department's feed learns it too (审管联动)."""
    revocation = case.decision_revocation
    assert revocation is not None
    supervising = case.item.elements.effective_supervising_department_id
    return make_message(
        MessageKind.DECISION_REVOKED,
        (case.id, revocation.revoked_at),
        (case.applicant.id, case.filed_by if case.filed_by_agent else "", department_feed(supervising)),
        f"准予许可决定已依法撤销:{case.item.elements.name}",
        case.id,
        revocation.revoked_at,
        {"trackingCode": case.tracking_code, "reason": revocation.reason, "legalBasis": revocation.legal_basis},
    )
