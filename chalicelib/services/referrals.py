"""Referral use cases (上报件, seed 004 三级联动): refer a step upward, record the result, list the
tracker's referrals, and warn when a referral exceeds its expected duration.

Referring and recording the result are case transitions: one transaction each with the case, its
audit event and its projections (the tracker's worklist row and the sweep's warning day), through
the application service's command skeleton (idempotency keys, revision guard). The result's
document is an uploaded file checked like a material: uploaded by the recorder, stored with the
hash and size claimed.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import replace
from datetime import datetime

from chalicelib.domain import application as da
from chalicelib.domain import referral as dr
from chalicelib.domain.application import Application, Transition
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal
from chalicelib.domain.notification import Message
from chalicelib.domain.referral import ReferralCode, ReferralDocument, ReferralEntry, ReferralOutcome
from chalicelib.domain.supervision import DeadlineKind, SupervisionWarning, WarningLevel, department_feed
from chalicelib.services.applications import ApplicationService, MaterialRef
from chalicelib.services.outbox import Relay
from chalicelib.storage.application_repository import ApplicationRepository
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.pagination import Page
from chalicelib.storage.referral_repository import DUE_KIND, ReferralRepository
from chalicelib.storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
MAX_PER_RUN = 1000


class ReferralService:
    def __init__(
        self, applications: ApplicationService, catalogue: CatalogueRepository, repo: ReferralRepository | None = None
    ) -> None:
        self.applications = applications
        self.catalogue = catalogue
        self.repo = repo or ReferralRepository()

    def refer(
        self,
        principal: Principal,
        application_id: str,
        authority: str,
        reference_number: str,
        tracker_id: str | None,
        expected_days: int | None,
        note: str,
        key: str | None = None,
    ) -> Application:
        tracker = (tracker_id or principal.subject or "").strip()
        staff = self.catalogue.get_staff(tracker) if tracker else None
        calendar = self.applications.calendar

        def decide(case: Application, now: datetime) -> Transition:
            department = staff.department_id if staff else None
            return dr.refer(
                case, principal, now, authority, reference_number, tracker, department, expected_days, note, calendar
            )

        request = [authority, reference_number, tracker, expected_days, note]
        return self.applications.apply_transition(
            application_id, principal, "applicationReferralStart", key, decide, request
        )

    def record_result(
        self,
        principal: Principal,
        application_id: str,
        outcome: ReferralOutcome,
        result_reference: str,
        document: MaterialRef,
        key: str | None = None,
    ) -> Application:
        def decide(case: Application, now: datetime) -> Transition:
            checked = self._document(principal, document) if dr.pending(case) is not None else None
            return dr.record_result(case, principal, now, outcome, result_reference, checked)

        return self.applications.apply_transition(
            application_id,
            principal,
            "applicationReferralResultRecord",
            key,
            decide,
            [str(outcome), result_reference, repr(document)],
        )

    def _document(self, principal: Principal, ref: MaterialRef) -> ReferralDocument:
        """The recorder's own upload, stored with the hash and size claimed (the store is asked)."""
        parts = ref.blob_key.split("/")
        ours = len(parts) == 3 and parts[0] == "materials" and parts[1] == principal.subject
        stored = self.applications.blob_check(ref.blob_key) if ours else None
        if stored is None or stored != (ref.size, ref.sha256.lower()):
            raise DomainError.one(ReferralCode.DOCUMENT_MISSING, "批复文件未上传或内容不符", "document.blobKey")
        name = ref.file_name.strip()
        if not name or len(name) > 200:
            raise DomainError.one(ReferralCode.REQUIRED, "文件名不能为空且不超过200个字符", "document.fileName")
        return ReferralDocument(name, ref.blob_key, ref.sha256.lower(), ref.size)

    def worklist(self, principal: Principal, first: int, after: str | None) -> Page[ReferralEntry]:
        """The caller's own referrals to follow up (上报件跟踪), soonest expected first."""
        return self.repo.worklist(principal.subject or "", first, after)


# --- the sweep -----------------------------------------------------------------------------------


def sweep_referrals(repo: ApplicationRepository, now: datetime, relay: Relay) -> Counter[str]:
    """A referral past its expected duration gets one red warning to its tracker and the window
    unit (stored once; the case remembers it so the due row goes away)."""
    from chalicelib.services.sweep import stage_case_warning

    today = da.china_date(now)
    at = now.isoformat(timespec="seconds")
    done: Counter[str] = Counter()
    handled: set[tuple[str, str]] = set()
    while len(handled) < MAX_PER_RUN:
        batch = [e for e in repo.due(DUE_KIND, today) if (e.application_id, e.ref) not in handled]
        if not batch:
            break
        for entry in batch:
            handled.add((entry.application_id, entry.ref))
            found = repo.get(entry.application_id)
            if found is None:
                done["missing"] += 1
                continue
            case, rev = found
            referral = next((r for r in case.referrals if r.key == entry.ref), None)
            uow = UnitOfWork()
            messages: list[Message] = []
            if referral is None or referral.status is not dr.ReferralStatus.PENDING or referral.key in case.warned:
                repo.stage_refresh(uow, case, rev, today)
                outcome = "referral_settled"
            else:
                repo.stage_refresh(uow, replace(case, warned=(*case.warned, referral.key)), rev, today)
                warning = SupervisionWarning(
                    case.id,
                    case.tracking_code,
                    case.item.elements.name,
                    DeadlineKind.REFERRAL,
                    str(referral.seq),
                    WarningLevel.RED,
                    referral.expected_by,
                    referral.department_id,
                    (referral.tracker_id, department_feed(referral.department_id)),
                    at,
                )
                messages.append(stage_case_warning(uow, repo, case, warning))
                outcome = "referral_overdue"
            try:
                uow.commit()
            except DomainError as error:
                log.warning("referral sweep skipped %s (%s): retried next run", case.id, error)
                done["conflict"] += 1
                continue
            relay.deliver_soon(messages)
            done[outcome] += 1
    return done
