"""Efficiency statistics (效能统计, seeds 001 and 004): what each event adds to which counters.

Statistics are never computed by reading cases. Every change adds to named counters of the
day it happened, per centre, department, item and staff member, in the same transaction as the
change (see `storage/statistics_repository.py`). A date range is then the sum of its days.

Working days to decision are kept as a histogram (one counter per whole number of days), so
the average and the 90th percentile are exact, not estimated, from counters alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from chalicelib.domain import application as da
from chalicelib.domain.application import Application, Effect
from chalicelib.domain.audit import Event
from chalicelib.domain.catalogue import ItemKind
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import STAFF_ROLES
from chalicelib.domain.working_days import WorkingDayCalendar

MAX_RANGE_DAYS = 366
HISTOGRAM_MAX = 60  # decisions taking longer share the last bucket
DECISIONS = frozenset({"approve", "deemed_approval", "deemed_renewal", "confirm_rejection", "decide_at_window"})
RATING_LEVELS = (1, 2, 3, 4, 5)


class ScopeKind:
    CENTRE = "centre"
    DEPARTMENT = "department"
    ITEM = "item"
    STAFF = "staff"


def scope(kind: str, ident: str) -> str:
    return f"{kind}:{ident}"


@dataclass(frozen=True)
class Delta:
    """Counters one change adds to one scope on one day."""

    scope: str
    day: date
    counts: Mapping[str, int]


def _day(at: str) -> date:
    return da.china_date(datetime.fromisoformat(at))


def decision_days(case: Application, calendar: WorkingDayCalendar, day: date) -> tuple[int, bool]:
    """Working days from the start of review to the decision (paused days excluded), and
    whether the decision came within the promised limit (extensions included)."""
    start = case.clock_start or case.submitted_on
    used = calendar.working_days_used(start, day, case.pauses(calendar, day))
    due = da.promised_deadline(case, calendar, day)
    return used, due is None or day <= due


def case_counts(case: Application, event: Event, calendar: WorkingDayCalendar) -> Counter[str]:
    """The case-level counters an event adds (the same for every scope of the case)."""
    counts: Counter[str] = Counter()
    action = event.action
    if action == "file":
        counts["received"] += 1
        if case.item.elements.kind is ItemKind.IMMEDIATE:
            counts["received_immediate"] += 1
    elif action in {"accept", "accept_with_deficiency", "deemed_accept", "accept_on_pledge", "accept_emergency"}:
        counts["accepted"] += 1
        if action == "accept_with_deficiency":
            counts["deficiency_accepted"] += 1
    elif action == "decide_at_window":  # accepted and decided in one step (seed 004 三(三))
        counts["accepted"] += 1
    elif action == "issue_notice":
        counts["notices"] += 1
    elif action == "pledge_broken":
        counts["pledge_defaults"] += 1
    elif action == "correct_rejection":
        counts["rejections_corrected"] += 1
    if action in DECISIONS:
        used, on_time = decision_days(case, calendar, _day(event.at))
        counts["decided"] += 1
        counts["decided_on_time" if on_time else "decided_overdue"] += 1
        counts["wd_sum"] += used
        counts[f"wd_{min(used, HISTOGRAM_MAX)}"] += 1
        if action == "confirm_rejection":
            counts["rejections_confirmed"] += 1
    return counts


def _is_staff(role: str) -> bool:
    return any(r.value in role.split(",") for r in STAFF_ROLES)


DECISION_COUNTS = frozenset({"decided", "decided_on_time", "decided_overdue", "wd_sum"})


def _staff_counts(case: Application, event: Event, counts: Counter[str]) -> dict[str, Counter[str]]:
    """Which staff member each counter belongs to: a decision is the decider's, even when a
    supervisor's confirmation of a refusal is what makes it final; anything else is the actor's."""
    out: dict[str, Counter[str]] = {}
    actor = event.actor if event.actor != da.SYSTEM and _is_staff(event.role) else None
    decider = case.decision.decided_by if case.decision and case.decision.decided_by != da.SYSTEM else None
    for name, value in counts.items():
        owner = decider if event.action in DECISIONS and (name in DECISION_COUNTS or name.startswith("wd_")) else actor
        if owner:
            out.setdefault(owner, Counter())[name] += value
    return out


def case_deltas(
    case: Application, event: Event, effects: Iterable[Effect], calendar: WorkingDayCalendar
) -> list[Delta]:
    """Everything an audited change of a case adds, by scope (the transaction writes these)."""
    day = _day(event.at)
    counts = case_counts(case, event, calendar)
    out: dict[str, Counter[str]] = {}

    def add(key: str, more: Mapping[str, int]) -> None:
        if any(more.values()):
            out.setdefault(key, Counter()).update(more)

    for key in (
        scope(ScopeKind.CENTRE, case.centre_id),
        scope(ScopeKind.DEPARTMENT, case.lead_department_id),
        scope(ScopeKind.ITEM, case.item.code),
    ):
        add(key, counts)
    for staff_id, staff_counts in _staff_counts(case, event, counts).items():
        add(scope(ScopeKind.STAFF, staff_id), staff_counts)
    for effect in effects:
        if effect.kind == "violation":
            kind = ScopeKind.CENTRE if effect.subject == case.centre_id else ScopeKind.DEPARTMENT
            add(scope(kind, effect.subject), {"violations": 1})
            if effect.detail == "intake_refusal_corrected" and case.intake_refusals:
                # 否认报备 corrected: the wrong refusal counts against the clerk who made it.
                add(scope(ScopeKind.STAFF, case.intake_refusals[-1].refused_by), {"violations": 1})
    return [Delta(key, day, value) for key, value in out.items()]


def supervision_deltas(
    case: Application, department_id: str, day: date, counter: str, staff_id: str | None = None
) -> list[Delta]:
    """A warning (or rating) counted for the case's centre and item, the department concerned
    (none for an applicant's own pledge) and, when given, the staff member concerned."""
    return scoped_deltas(case.centre_id, case.item.code, department_id, day, counter, staff_id)


def scoped_deltas(
    centre_id: str, item_code: str, department_id: str, day: date, counter: str, staff_id: str | None = None
) -> list[Delta]:
    """One counter added once for a centre, an item, a department (if any) and a staff member (if any)."""
    keys = {scope(ScopeKind.CENTRE, centre_id), scope(ScopeKind.ITEM, item_code)}
    if department_id:
        keys.add(scope(ScopeKind.DEPARTMENT, department_id))
    if staff_id and staff_id != da.SYSTEM:
        keys.add(scope(ScopeKind.STAFF, staff_id))
    return [Delta(key, day, {counter: 1}) for key in sorted(keys)]


def check_range(start: date, end: date) -> None:
    """Reversed or over-long ranges are refused (a year is the longest evaluation period)."""
    if end < start:
        raise DomainError.one("RANGE_REVERSED", "结束日期不能早于开始日期", "to")
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise DomainError.one("RANGE_TOO_LONG", f"统计区间不能超过{MAX_RANGE_DAYS}天", "to")


@dataclass(frozen=True)
class Statistics:
    """A scope's figures over a date range, from summed counters."""

    counts: Mapping[str, int]

    def __getitem__(self, name: str) -> int:
        return int(self.counts.get(name, 0))

    @property
    def immediate_share(self) -> float | None:
        return self["received_immediate"] / self["received"] if self["received"] else None

    @property
    def average_working_days(self) -> float | None:
        return self["wd_sum"] / self["decided"] if self["decided"] else None

    @property
    def p90_working_days(self) -> int | None:
        """The smallest day count that at least 90% of decisions did not exceed (nearest rank)."""
        total = sum(self[f"wd_{n}"] for n in range(HISTOGRAM_MAX + 1))
        if not total:
            return None
        rank = -(-9 * total // 10)  # ceil(0.9 * total)
        seen = 0
        for n in range(HISTOGRAM_MAX + 1):
            seen += self[f"wd_{n}"]
            if seen >= rank:
                return n
        return HISTOGRAM_MAX

    @property
    def on_time_rate(self) -> float | None:
        return self["decided_on_time"] / self["decided"] if self["decided"] else None

    def ratings(self) -> dict[int, int]:
        return {level: self[f"rating_{level}"] for level in RATING_LEVELS}


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]
