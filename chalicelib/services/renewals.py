"""Renewal use cases (延续, Administrative Licensing Law art. 50): apply, read, and the sweep that
deems an undecided renewal granted when the licence ends and issues the renewed licence.

Applying is an ordinary filing of the licence's item (`ApplicationService.file`, through a
`FilingExtension`): the same materials, form, idempotency key, routing and one transaction, plus
the renewal recorded on the case and the licence's renewal pointer (create-only or revision
guarded: one open renewal per licence, whatever the race). Review and decision are the case's
own; a granted renewal is issued by the bureau through `certificateIssue` (services/certificates.py
continues the validity and links both licences in the issuing transaction).

Deemed grant: the sweep reads `DUE#renewal` (one Query, never a Scan) for renewals whose licence's
last valid day has passed. For each case still in review it records the system's decision
(legal basis art. 50, audited, the applicant notified through the outbox, one transaction), then
issues the renewed licence as the system on behalf of the bureau that issued the previous one
(its own seal). If issuing fails (no seal, storage down) the case stays approved-awaiting-issue
and keeps its `DUE#renewal` row, so the next run issues it; once issued the row goes with the
issuing transaction, so a second run finds nothing to do.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import replace
from datetime import datetime

from chalicelib.domain import application as da
from chalicelib.domain import renewal as dr
from chalicelib.domain.application import Application
from chalicelib.domain.certificate import CertCode, Certificate
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.notification import Message, MessageKind, make_message
from chalicelib.domain.working_days import WorkingDayCalendar
from chalicelib.services.applications import ApplicationService, FilingExtension, MaterialRef
from chalicelib.services.budget import UNLIMITED, Budget
from chalicelib.services.certificates import CertificateService
from chalicelib.services.outbox import Relay
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.certificate_repository import CertificateRepository
from chalicelib.storage.outbox_repository import OutboxRepository
from chalicelib.storage.renewal_repository import RenewalRepository
from chalicelib.storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

OPERATION = "renewalApply"
MAX_PER_RUN = 1000
# Waiting, not failing: the certificate follows once the pledged materials are in (seed 002 容缺办理).
_WAITING = frozenset({CertCode.PLEDGE_OUTSTANDING, CertCode.MATERIALS_INCOMPLETE})


class RenewalService:
    def __init__(
        self,
        applications: ApplicationService,
        certificates: CertificateRepository,
        repo: RenewalRepository | None = None,
    ) -> None:
        self.applications = applications
        self.certificates = certificates
        self.repo = repo or RenewalRepository()

    # --- command ---------------------------------------------------------------------------------

    def apply(
        self,
        principal: Principal,
        certificate_id: str,
        centre_id: str,
        materials: list[MaterialRef],
        channel: da.Channel,
        key: str | None,
        form_data: dict[str, object] | None = None,
    ) -> Application:
        """File the renewal of a licence as a case of its item. Unknown and hidden licences look
        the same (NOT_FOUND); the art. 50 rules are checked when the case is built, after a
        retried call with the same idempotency key has been answered with the first case."""
        found = self.certificates.get(certificate_id) if certificate_id else None
        cert = found[0] if found else None
        agent_for_holder = cert is not None and self._authorised_agent(principal, cert.holder_account)
        if cert is None or not (
            agent_for_holder or principal.has_any(Role.CLERK) or CertificateService.may_see(cert, principal)
        ):
            raise DomainError.one(dr.RenewalCode.NOT_FOUND, "证照不存在", "certificateId")
        dr.check_applicant(cert, principal, agent_for_holder)
        applicant = da.Applicant(cert.holder_account, cert.holder_name, cert.holder_identifier)
        pointer: list[int | None] = [None]

        def attach(case: Application) -> Application:
            latest = self.repo.latest_of(cert.id)
            earlier = self.applications.applications.get(latest[0]) if latest else None
            pointer[0] = latest[1] if latest else None
            issues = case.item.elements.certificate_type
            dr.check_renewable(
                cert,
                da.china_date(self.applications.now()),
                issues is not None and issues.code == cert.type_code,
                earlier[0] if earlier else None,
            )
            return replace(case, renewal=dr.renewal_of(cert))

        def stage(uow: UnitOfWork, case: Application) -> None:
            self.repo.stage_latest(uow, cert.id, case.id, pointer[0])

        extension = FilingExtension(OPERATION, attach, stage)
        try:
            return self.applications.file(
                principal, cert.item_code, centre_id, applicant, materials, channel, key, form_data, extension=extension
            )
        except DomainError as error:
            if error.violations[0].code == da.Code.CONFLICT:  # another renewal of this licence won the race
                raise DomainError.one(
                    dr.RenewalCode.RENEWAL_ALREADY_OPEN, "该证照已有办理中的延续申请,不能重复申请", "certificateId"
                ) from error
            raise

    def _authorised_agent(self, principal: Principal, holder: str) -> bool:
        """代办: an agent acting under the holder's authorisation, valid today."""
        if not principal.has_any(Role.AGENT) or principal.subject is None or principal.subject == holder:
            return False
        grant = self.applications.applications.authorisation(holder, principal.subject)
        return grant is not None and grant.valid_until >= da.china_date(self.applications.now())

    # --- reads -----------------------------------------------------------------------------------

    def read_renewal_case(self, certificate_id: str, principal: Principal) -> Application | None:
        """The licence's latest renewal case, if the caller may see it (two GetItems)."""
        latest = self.repo.latest_of(certificate_id)
        if latest is None:
            return None
        try:
            return self.applications.load(latest[0], principal)[0]
        except DomainError:
            return None

    def read_linked(self, certificate_id: str | None, principal: Principal) -> Certificate | None:
        """A licence linked by renewal (previous or renewed), if the caller may see it (one GetItem)."""
        found = self.certificates.get(certificate_id) if certificate_id else None
        if found is None or not CertificateService.may_see(found[0], principal):
            return None
        return found[0]


# --- the sweep (art. 50: 逾期未作决定的,视为准予延续) --------------------------------------------------


def system_issuer(previous: Certificate | None, case: Application, catalogue: CatalogueRepository) -> Principal:
    """The system acting for the bureau that issued the previous licence (art. 50: the renewal is
    decided by the agency that granted it), sealing with that bureau's own seal. Records issued
    before the issuer was recorded fall back to the bureau of the case's handling centre."""
    department = previous.issuer_department_id if previous else ""
    centre = previous.issuer_centre_id if previous else ""
    if not department:
        bureau = catalogue.bureau_of(case.handling_centre_id)
        department, centre = (bureau.id, case.handling_centre_id) if bureau else ("", "")
    return Principal(
        subject=da.SYSTEM,
        roles=frozenset({Role.BUREAU}),
        name="系统(视为准予延续)",
        department_id=department or None,
        centre_id=centre or case.handling_centre_id,
    )


def sweep_renewals(
    certificates: CertificateService,
    moment: datetime,
    relay: Relay,
    repo: RenewalRepository | None = None,
    budget: Budget = UNLIMITED,
) -> Counter[str]:
    """Deem granted and issue every renewal whose licence ended undecided; counts by outcome."""
    repo = repo or RenewalRepository()
    today = da.china_date(moment)
    done: Counter[str] = Counter()
    handled: set[str] = set()
    while len(handled) < MAX_PER_RUN:
        batch = [c for c in repo.due(today) if c not in handled]
        if not batch:
            break
        for case_id in batch:
            if budget.exhausted():
                done["stopped_early"] += 1
                log.warning("renewal sweep %s stopped before the timeout: the rest next run", today)
                return done
            handled.add(case_id)
            try:
                done[_renewal_step(case_id, certificates, moment, relay)] += 1
            except Exception:  # one case's failure never stops the others: left for the next run
                log.exception("renewal sweep failed on %s: left for the next run", case_id)
                done["failed"] += 1
    log.info("renewal sweep %s: %s", today.isoformat(), dict(done))
    return done


def _renewal_step(case_id: str, certificates: CertificateService, moment: datetime, relay: Relay) -> str:
    cases = certificates.applications.applications
    found = cases.get(case_id)
    if found is None:
        return "missing"
    case, rev = found
    today = da.china_date(moment)
    outcome = "renewal_settled"
    if dr.deemable(case, today):
        transition = dr.deem_granted(case, moment)
        uow = UnitOfWork()
        cases.stage_change(uow, case, transition.case, rev, transition.event, today, transition.effects)
        message = _notice(transition.case, transition.event.at)
        OutboxRepository().stage(uow, message)
        try:
            uow.commit()
        except DomainError as error:
            log.warning("renewal sweep skipped %s (%s): retried next run", case_id, error)
            return "conflict"
        relay.deliver_soon([message])
        case, rev, outcome = transition.case, rev + 1, dr.DEEMED_ACTION
    if not dr.awaiting_deemed_issue(case):
        if outcome == "renewal_settled":  # decided or closed meanwhile: its projections say so now
            uow = UnitOfWork()
            cases.stage_refresh(uow, case, rev, today)
            try:
                uow.commit()
            except DomainError:
                return "conflict"  # changed meanwhile: that change rewrote the projections
        return outcome
    assert case.renewal is not None
    previous = certificates.certificates.get(case.renewal.certificate_id)
    issuer = system_issuer(previous[0] if previous else None, case, certificates.catalogue)
    try:
        certificates.issue_loaded(issuer, case, rev)
    except DomainError as error:
        code = error.violations[0].code
        if code in _WAITING:
            return "renewal_issue_waiting"
        # Counted as a failure (the scheduled run's alarm sees it); the deemed decision stays.
        log.error("renewed licence of %s not issued (%s): the next run retries", case_id, error)
        return "failed"
    return "renewal_issued" if outcome == "renewal_settled" else f"{outcome}_issued"


def _notice(case: Application, at: str) -> Message:
    """The applicant (and the agent who filed) learn of the deemed grant (same transaction)."""
    title, data = dr.applicant_notice(case)
    return make_message(
        MessageKind.RENEWAL_DEEMED_GRANTED,
        (case.id, dr.DEEMED_ACTION),
        (case.applicant.id, case.filed_by),
        title,
        case.id,
        at,
        data,
    )


def default_certificates(calendar: WorkingDayCalendar) -> CertificateService:
    """The certificate service the scheduled sweep issues with (the real renderer and seal)."""
    from chalicelib.services import certificate_parts
    from chalicelib.storage.application_repository import ApplicationRepository
    from chalicelib.storage.blobs import blob_store_from_config
    from chalicelib.storage.catalogue_repository import CatalogueRepository as Catalogue

    catalogue = Catalogue()
    applications = ApplicationService(ApplicationRepository(calendar), catalogue, lambda _key: None)
    return CertificateService(
        CertificateRepository(),
        applications,
        catalogue,
        blob_store_from_config(),
        certificate_parts.render,
        certificate_parts.seal,
        certificate_parts.verify,
    )
