"""Recounting open deadlines after a year's holiday arrangement was loaded (a sweep phase).

A load leaves a marker (storage/calendar_repository.py). Once every process has had time to see
the new calendar (services/calendar.py: `MAX_STALENESS_SECONDS`), the sweep reads the due records
of the calendar-counted deadlines (intake, co-review, promised) that fall in or after that year,
recounts each of those cases on the new calendar, re-files its worklist and due records (so
warnings and timeouts act on the new dates) and, where a deadline moved, appends an audit event
saying which deadline moved from when to when (domain/deadline_recompute.py). One case per
transaction; a case that fails or conflicts keeps the marker, and a second run changes nothing.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import date, datetime

from chalicelib.domain import application as da
from chalicelib.domain.deadline_recompute import recomputed
from chalicelib.domain.errors import DomainError
from chalicelib.services.calendar import MAX_STALENESS_SECONDS
from chalicelib.storage.application_repository import ApplicationRepository
from chalicelib.storage.calendar_repository import CalendarRepository, PendingRecompute
from chalicelib.storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

KINDS = ("intake", "co_review", "promised")
MAX_CASES = 1000  # one run's budget per loaded arrangement; the marker stays for the next run


def recompute_deadlines(
    repo: ApplicationRepository,
    calendars: CalendarRepository,
    moment: datetime,
    max_age: float = MAX_STALENESS_SECONDS,
) -> Counter[str]:
    """Recount the open deadlines of every arrangement loaded long enough ago; counts by outcome."""
    done: Counter[str] = Counter()
    for pending in calendars.pending():
        if (moment - datetime.fromisoformat(pending.loaded_at)).total_seconds() < max_age:
            done["calendar_waiting"] += 1  # another process may still count on the old calendar
            continue
        if _recompute_year(repo, pending, moment, done):
            uow = UnitOfWork()
            calendars.stage_recomputed(uow, pending)
            uow.commit()
            done["calendar_recomputed"] += 1
    return done


def _recompute_year(
    repo: ApplicationRepository, pending: PendingRecompute, moment: datetime, done: Counter[str]
) -> bool:
    """True when every affected case was handled in this run."""
    before: dict[str, dict[tuple[str, str], date]] = {}
    for kind in KINDS:
        for entry in repo.due_from(kind, date(pending.year, 1, 1), MAX_CASES + 1):
            before.setdefault(entry.application_id, {})[(entry.kind, entry.ref)] = entry.due_on
    complete = len(before) <= MAX_CASES
    today = da.china_date(moment)
    for application_id, deadlines in list(before.items())[:MAX_CASES]:
        try:
            outcome = _recompute_case(repo, application_id, deadlines, moment, today, pending)
        except DomainError as error:
            log.warning("deadline recount of %s skipped (%s): retried next run", application_id, error)
            outcome, complete = "calendar_conflict", False
        except Exception:
            log.exception("deadline recount of %s failed: retried next run", application_id)
            outcome, complete = "calendar_failed", False
        done[outcome] += 1
    return complete


def _recompute_case(
    repo: ApplicationRepository,
    application_id: str,
    deadlines: dict[tuple[str, str], date],
    moment: datetime,
    today: date,
    pending: PendingRecompute,
) -> str:
    found = repo.get(application_id)
    if found is None:
        return "calendar_missing"
    case, rev = found
    transition = recomputed(case, deadlines, repo.calendar, moment, pending.year, pending.version)
    uow = UnitOfWork()
    if transition is None:
        repo.stage_refresh(uow, case, rev, today)  # warning days may still have moved
        outcome = "calendar_unchanged"
    else:
        repo.stage_change(uow, case, transition.case, rev, transition.event, today)
        outcome = "deadline_recomputed"
    uow.commit()
    return outcome
