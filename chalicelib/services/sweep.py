"""The scheduled deadline sweep (Chalice `@app.schedule`).

It reads the `DUE#<kind>` partitions (one Query per page, never a Scan), and for each passed
deadline applies the rule: 5 working days without a notice -> accepted; a silent co-reviewer ->
deemed consent; the promised limit -> the item's timeout rule; a pledge -> credit default.
Each case changes in its own transaction, which also removes the due record, so running the
sweep twice changes nothing the second time. A deadline that moved later (a special step paused
the clock) is re-filed under its new date instead.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime

from chalicelib.domain import application as da
from chalicelib.domain.application import Application, State, TaskStatus, Transition
from chalicelib.domain.errors import DomainError
from chalicelib.services import clock
from chalicelib.storage.application_repository import ApplicationRepository, DueEntry
from chalicelib.storage.certificate_repository import CertificateRepository
from chalicelib.storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

KINDS = ("intake", "co_review", "promised", "pledge")
MAX_PER_KIND = 1000  # one run's budget per kind; the next run continues


def _decide(entry: DueEntry, case: Application, repo: ApplicationRepository, now: datetime) -> Transition | None:
    """The transition a passed deadline triggers, or None if it is not (or no longer) due."""
    today = da.china_date(now)
    calendar = repo.calendar
    if entry.kind == "intake" and case.state is State.SUBMITTED and da.intake_deadline(case, calendar) < today:
        return da.auto_accept(case, now)
    if entry.kind == "co_review" and case.state is State.IN_REVIEW:
        task = next((t for t in case.tasks if t.department_id == entry.ref and t.status is TaskStatus.OPEN), None)
        due = da.task_deadline(case, task, calendar, today) if task else None
        if due is not None and due < today:
            return da.deem_consent(case, entry.ref, now)
    if entry.kind == "promised" and case.state is State.IN_REVIEW and not case.red_flag:
        due = da.promised_deadline(case, calendar, today)
        if due is not None and due < today:
            return da.apply_timeout(case, now)
    if (
        entry.kind == "pledge"
        and case.pledge
        and case.pledge.status is da.PledgeStatus.OPEN
        and case.pledge.due_on < today
    ):
        return da.break_pledge(case, now)
    return None


def sweep(repo: ApplicationRepository, now: Callable[[], datetime] | None = None) -> Counter[str]:
    """Apply every passed deadline; returns counts by outcome for the log and the tests."""
    moment = now() if now else clock.utc_now()
    today: date = da.china_date(moment)
    done: Counter[str] = Counter()
    for kind in KINDS:
        handled: set[tuple[str, str]] = set()
        while len(handled) < MAX_PER_KIND:
            batch = [e for e in repo.due(kind, today) if (e.application_id, e.ref) not in handled]
            if not batch:
                break
            for entry in batch:
                handled.add((entry.application_id, entry.ref))
                done[_apply(entry, repo, moment, today)] += 1
    log.info("deadline sweep %s: %s", today.isoformat(), dict(done))
    return done


def _apply(entry: DueEntry, repo: ApplicationRepository, moment: datetime, today: date) -> str:
    found = repo.get(entry.application_id)
    if found is None:
        return "missing"
    case, rev = found
    transition = _decide(entry, case, repo, moment)
    uow = UnitOfWork()
    if transition is None:
        # Not due (paused, or already settled): rewrite the projections from the case as it is.
        repo.stage_refresh(uow, case, rev, today)
        outcome = "refiled"
    else:
        repo.stage_change(uow, case, transition.case, rev, transition.event, today, transition.effects)
        outcome = transition.event.action
    try:
        uow.commit()
    except DomainError as error:
        log.warning("sweep skipped %s (%s): retried next run", entry.application_id, error)
        return "conflict"
    return outcome


def run_sweep() -> dict[str, int]:
    """Entry point of the scheduled Lambda: the default calendar and the wall clock."""
    from chalicelib.domain.working_days import DEFAULT_CALENDAR
    from chalicelib.storage.certificate_repository import CertificateRepository

    done = sweep(ApplicationRepository(DEFAULT_CALENDAR))
    done["certificate_expired"] = expire_certificates(CertificateRepository())
    return dict(done)


def expire_certificates(repo: CertificateRepository) -> int:
    """Record the expiry of certificates past their validity (DUE#cert_expiry, one Query)."""
    from chalicelib.domain import certificate as dcert
    from chalicelib.domain.certificate import CertificateStatus

    now = clock.utc_now()
    count = 0
    for certificate_id in repo.expiring_before(da.china_date(now)):
        found = repo.get(certificate_id)
        if found is None or found[0].status is not CertificateStatus.VALID:
            continue
        uow = UnitOfWork()
        repo.stage_update(uow, dcert.expire(found[0], now), found[1])
        try:
            uow.commit()
        except DomainError:
            continue  # changed meanwhile: the next run looks again
        count += 1
    return count
