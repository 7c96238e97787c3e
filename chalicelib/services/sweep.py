"""The scheduled deadline sweep (Chalice `@app.schedule`).

It reads the `DUE#<kind>` partitions (one Query per page, never a Scan), and for each passed
deadline applies the rule: 5 working days without a notice -> accepted; a silent co-reviewer ->
deemed consent; the promised limit -> the item's timeout rule; a pledge -> credit default.
Each case changes in its own transaction, which also removes the due record, so running the
sweep twice changes nothing the second time. A deadline that moved later (a special step paused
the clock) is re-filed under its new date instead.

Electronic supervision rides on the same pass (domain/supervision.py): `DUE#warning` holds the
day each open deadline gets its yellow warning; a passed deadline gets a red one, and a yellow
warning nobody acknowledged becomes an "ignored warning" violation. Warnings are stored once
and their notifications go through the outbox in the same transaction.

Rectifications of bad ratings (好差评整改) have their own due partitions (`DUE#rect_warning`,
`DUE#rectification`, see `sweep_rectifications`): one rating per transaction, the same shape.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta

from chalicelib import observability
from chalicelib.domain import application as da
from chalicelib.domain import rating as dr
from chalicelib.domain import supervision as ds
from chalicelib.domain.application import Application, Effect, State, TaskStatus, Transition
from chalicelib.domain.approval_on_pledge import is_open_verification, verification_due
from chalicelib.domain.errors import DomainError
from chalicelib.domain.notification import Message, MessageKind, make_message
from chalicelib.domain.statistics import Delta, ScopeKind, scope, supervision_deltas
from chalicelib.domain.supervision import Deadline, DeadlineKind, SupervisionWarning, WarningLevel
from chalicelib.domain.working_days import WorkingDayCalendar
from chalicelib.services import clock
from chalicelib.services.budget import UNLIMITED, Budget
from chalicelib.services.outbox import Relay
from chalicelib.storage.application_repository import ApplicationRepository, DueEntry
from chalicelib.storage.certificate_repository import CertificateRepository
from chalicelib.storage.outbox_repository import OutboxRepository
from chalicelib.storage.rating_repository import DUE_RED, DUE_YELLOW, RatingRepository
from chalicelib.storage.statistics_repository import StatisticsRepository
from chalicelib.storage.supervision_repository import SupervisionRepository
from chalicelib.storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

KINDS = ("intake", "co_review", "promised", "pledge", "pledge_verification", "warning")
MAX_PER_KIND = 1000  # one run's budget per kind; the next run continues
# Stop taking new cases with this much of the invocation left: one case is one transaction of a
# few hundred milliseconds, and the run still writes its metrics and log line.
SWEEP_RESERVE_MS = 15_000
# The deadline each passed-deadline transition enforces (for its red warning).
_ENFORCES = {
    "deem_consent": DeadlineKind.CO_REVIEW,
    "deemed_approval": DeadlineKind.PROMISED,
    "escalate": DeadlineKind.PROMISED,
    "pledge_broken": DeadlineKind.PLEDGE,
    "pledge_verification_overdue": DeadlineKind.PLEDGE_VERIFICATION,
}
Heads = Callable[[str], dict[str, str]]


def department_heads() -> Heads:
    """Department id -> head staff id, read once per sweep run (one BatchGetItem per call)."""
    from chalicelib.storage.catalogue_repository import CatalogueRepository

    catalogue = CatalogueRepository()
    cache: dict[str, str] = {}

    def heads(department_id: str) -> dict[str, str]:
        if department_id and department_id not in cache:
            found = catalogue.departments_by_id([department_id]).get(department_id)
            cache[department_id] = (found.head_staff_id or "") if found else ""
        return {k: v for k, v in cache.items() if v}

    return heads


class WindowPosts:
    """Per sweep run: the window post a clerk sits at, and each post (who holds it on a day); each
    read once per run (one GetItem a person, one a post), only for warnings about window work."""

    def __init__(self) -> None:
        from chalicelib.storage.staff_repository import StaffRepository

        self.repo = StaffRepository()
        self._seat: dict[str, str] = {}
        self._posts: dict[str, object] = {}

    def seat_of(self, staff_id: str) -> str:
        if staff_id not in self._seat:
            found = self.repo.get(staff_id)
            self._seat[staff_id] = (found[0].post_ref or found[0].backup_ref or "") if found else ""
        return self._seat[staff_id]

    def holder(self, post_ref: str, day: date) -> str:
        if post_ref not in self._posts:
            found = self.repo.get_post(post_ref)
            self._posts[post_ref] = found[0] if found else None
        post = self._posts[post_ref]
        from chalicelib.domain.staff import WindowPost

        return post.holder_on(day) if isinstance(post, WindowPost) else ""


def _window_post(case: Application, deadline: Deadline, posts: WindowPosts) -> str:
    """The window post a deadline's work sits at: a credit pledge (容缺受理) is taken and followed
    up at the window whose clerk accepted the case. Other deadlines sit with departments."""
    if deadline.kind is DeadlineKind.PLEDGE and case.accepted_by:
        return posts.seat_of(case.accepted_by)
    return ""


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
    verifying = case.pledge_approval
    if entry.kind == "pledge_verification" and verifying and not verifying.verification_overdue:
        due = verification_due(verifying, calendar) if is_open_verification(verifying) else None
        if due is not None and due < today:
            return da.pledge_verification_overdue(case, now)
    return None


def sweep(
    repo: ApplicationRepository,
    now: Callable[[], datetime] | None = None,
    heads: Heads | None = None,
    relay: Relay | None = None,
    budget: Budget = UNLIMITED,
) -> Counter[str]:
    """Apply every passed deadline and raise due warnings; returns counts by outcome. With the
    budget spent it stops between cases (`stopped_early`): the next run takes the rest."""
    moment = now() if now else clock.utc_now()
    today: date = da.china_date(moment)
    heads = heads or department_heads()
    relay = relay or Relay()
    posts = WindowPosts()
    done: Counter[str] = Counter()
    for kind in KINDS:
        # Deadlines act the day after they pass; a yellow warning is raised on its day.
        before = today + timedelta(days=1) if kind == "warning" else today
        handled: set[tuple[str, str]] = set()
        while len(handled) < MAX_PER_KIND:
            batch = [e for e in repo.due(kind, before) if (e.application_id, e.ref) not in handled]
            if not batch:
                break
            for entry in batch:
                if budget.exhausted():
                    return _stopped(done, "deadline sweep", today)
                handled.add((entry.application_id, entry.ref))
                done[_isolated(entry, _apply, repo, moment, today, heads, relay, posts)] += 1
    log.info("deadline sweep %s: %s", today.isoformat(), dict(done))
    return done


def _stopped(done: Counter[str], what: str, today: date) -> Counter[str]:
    done["stopped_early"] += 1
    log.warning("%s %s stopped before the timeout, the rest is left for the next run: %s", what, today, dict(done))
    return done


def _isolated(entry: DueEntry, step: Callable[..., str], *args: object) -> str:
    """One case's step; a failure of one case (a bug, an oversized change) is logged and left
    for the next run, and never stops the sweep for every other case."""
    try:
        return step(entry, *args)
    except Exception:
        log.exception("sweep failed on %s %s (%s): left for the next run", entry.kind, entry.application_id, entry.ref)
        return "failed"


def _warning(
    case: Application,
    deadline: Deadline,
    level: WarningLevel,
    at: str,
    posts: WindowPosts | None = None,
    today: date | None = None,
) -> SupervisionWarning:
    """A warning of a case's deadline; one about work at a window post is addressed to the post and
    reaches whoever holds it today (the AB backup while A is on leave)."""
    post_ref = _window_post(case, deadline, posts) if posts is not None else ""
    recipients = deadline.recipients
    holder = posts.holder(post_ref, today) if posts is not None and post_ref and today else ""
    if holder and holder not in recipients:
        recipients = (*recipients, holder)
    return SupervisionWarning(
        case.id,
        case.tracking_code,
        case.item.elements.name,
        deadline.kind,
        deadline.ref,
        level,
        deadline.due_on,
        deadline.department_id,
        recipients,
        at,
        post_ref=post_ref,
    )


def _stage_warning(
    uow: UnitOfWork,
    supervision: SupervisionRepository,
    statistics: StatisticsRepository,
    warning: SupervisionWarning,
    deltas: Callable[[date, str], list[Delta]],
) -> Message:
    """The warning (create-only), its outbox message and its counter, in the caller's transaction;
    `deltas(day, counter)` says which scopes count it (a case's, or a rating's)."""
    supervision.stage_warning(uow, warning)
    if warning.post_ref and warning.level is WarningLevel.YELLOW:  # into the post's worklist
        from chalicelib.services.staff import post_work_for_warning
        from chalicelib.storage.staff_repository import StaffRepository

        StaffRepository().stage_work(uow, post_work_for_warning(warning))
    message = make_message(
        MessageKind.WARNING,
        (warning.subject_id, warning.key),
        warning.recipients,
        warning.title,
        warning.subject_id,
        warning.raised_at,
        {"level": warning.level.value, "deadline": warning.kind.value, "dueOn": warning.due_on.isoformat()},
    )
    OutboxRepository().stage(uow, message)
    day = da.china_date(datetime.fromisoformat(warning.raised_at))
    statistics.stage(uow, deltas(day, f"warnings_{warning.level.value}"), warning.subject_id)
    return message


def stage_case_warning(
    uow: UnitOfWork, repo: ApplicationRepository, case: Application, warning: SupervisionWarning
) -> Message:
    """Stage a warning raised on a case: stored once, counted, copied to the delegating city
    department of a delegated power, and sent (the referral sweep raises its warnings this way too)."""
    from chalicelib.domain.counterpart import delegating_department
    from chalicelib.storage.counterpart_repository import warning_copy

    counterpart = delegating_department(case)
    if counterpart:  # seed 003 二(五)3: the delegating department watches its powers' cases
        warning_copy(uow, counterpart, warning)
    return _stage_warning(
        uow,
        repo.supervision,
        repo.statistics,
        warning,
        lambda day, counter: supervision_deltas(case, warning.department_id, day, counter),
    )


def _red(
    entry: DueEntry,
    case: Application,
    transition: Transition,
    repo: ApplicationRepository,
    today: date,
    heads: Heads,
    at: str,
    posts: WindowPosts | None = None,
) -> tuple[SupervisionWarning | None, tuple[Effect, ...], tuple[SupervisionWarning, int] | None]:
    """The red warning of the deadline a sweep transition enforces, and an ignored-warning
    violation if its yellow warning was never acknowledged (with that yellow warning at the
    revision read, which the caller's transaction guards: an acknowledgement racing the sweep
    makes it retry instead of charging an ignored warning)."""
    kind = _ENFORCES.get(transition.event.action)
    if kind is None:
        return None, (), None
    ref = entry.ref if kind is DeadlineKind.CO_REVIEW else "-"
    deadlines = [
        d
        for d in ds.case_deadlines(case, repo.calendar, today - timedelta(days=1), _heads_for(case, heads))
        if d.kind is kind and d.ref == ref
    ]
    if not deadlines:
        return None, (), None
    deadline = deadlines[0]
    red = _warning(case, deadline, WarningLevel.RED, at, posts, today)
    yellow = repo.supervision.warning(case.id, f"{deadline.key}:{WarningLevel.YELLOW.value}")
    if yellow and yellow[0].acknowledged_by is None and (deadline.department_id or yellow[0].post_ref):
        if not deadline.department_id:  # ignored at a window post: a person's lapse, no unit's
            return red, (), yellow
        ignored = Effect("violation", deadline.department_id, ds.ViolationKind.WARNING_IGNORED.value)
        return red, (ignored,), yellow
    return red, (), None


def _heads_for(case: Application, heads: Heads) -> dict[str, str]:
    out: dict[str, str] = {}
    for department in {case.lead_department_id, *(t.department_id for t in case.tasks)}:
        out.update(heads(department))
    return out


def _raise_yellow(
    entry: DueEntry,
    case: Application,
    rev: int,
    repo: ApplicationRepository,
    today: date,
    heads: Heads,
    at: str,
    posts: WindowPosts | None = None,
) -> tuple[UnitOfWork, str, list[Message]]:
    uow = UnitOfWork()
    deadline = next(
        (d for d in ds.case_deadlines(case, repo.calendar, today, _heads_for(case, heads)) if d.key == entry.ref), None
    )
    if deadline is None or deadline.key in case.warned:
        repo.stage_refresh(uow, case, rev, today)  # settled or moved: the projection says where it is now
        return uow, "refiled", []
    if ds.warn_on(deadline.due_on, repo.warning_lead_days, repo.calendar) > today:
        repo.stage_refresh(uow, case, rev, today)
        return uow, "refiled", []
    repo.stage_refresh(uow, replace(case, warned=(*case.warned, deadline.key)), rev, today)
    if deadline.due_on < today:
        return uow, "warning_skipped", []  # already passed: the red warning says it all
    warning = _warning(case, deadline, WarningLevel.YELLOW, at, posts, today)
    message = stage_case_warning(uow, repo, case, warning)
    return uow, "warning_yellow", [message]


def _apply(
    entry: DueEntry,
    repo: ApplicationRepository,
    moment: datetime,
    today: date,
    heads: Heads,
    relay: Relay,
    posts: WindowPosts | None = None,
) -> str:
    found = repo.get(entry.application_id)
    if found is None:
        return "missing"
    case, rev = found
    at = moment.isoformat(timespec="seconds")
    messages: list[Message] = []
    if entry.kind == "warning":
        uow, outcome, messages = _raise_yellow(entry, case, rev, repo, today, heads, at, posts)
    else:
        transition = _decide(entry, case, repo, moment)
        uow = UnitOfWork()
        if transition is None:
            # Not due (paused, or already settled): rewrite the projections from the case as it is.
            repo.stage_refresh(uow, case, rev, today)
            outcome = "refiled"
        else:
            red, extra, guard = _red(entry, case, transition, repo, today, heads, at, posts)
            effects = (*transition.effects, *extra)
            repo.stage_change(uow, case, transition.case, rev, transition.event, today, effects)
            if guard is not None:
                repo.supervision.stage_warning_update(uow, *guard)
                if guard[0].post_ref and posts is not None:
                    messages.extend(_charge_ignored_at_post(uow, guard[0], posts, at))
            if red is not None and repo.supervision.warning(case.id, red.key) is None:
                messages.append(stage_case_warning(uow, repo, case, red))
            if transition.case.revocation_review is not None and case.revocation_review is None:
                messages.append(_stage_revocation_review(uow, transition.case, at))
            outcome = transition.event.action
    try:
        uow.commit()
    except DomainError as error:
        log.warning("sweep skipped %s (%s): retried next run", entry.application_id, error)
        return "conflict"
    relay.deliver_soon(messages)
    return outcome


def _charge_ignored_at_post(uow: UnitOfWork, yellow: SupervisionWarning, posts: WindowPosts, at: str) -> list[Message]:
    """Seed 004 四.2: a yellow warning addressed to a window post, unacknowledged when its deadline
    passed, is the lapse of whoever held the post on the deadline (the backup while A was on
    leave); charged in the transaction that raises the red warning, and its worklist item goes."""
    from chalicelib.services.conduct import ConductService
    from chalicelib.services.staff import post_work_for_warning
    from chalicelib.storage.catalogue_repository import CatalogueRepository

    posts.repo.stage_work_gone(uow, post_work_for_warning(yellow))
    holder = posts.holder(yellow.post_ref, yellow.due_on)
    if not holder:
        return []
    message = ConductService(CatalogueRepository()).charge_ignored_warning(uow, yellow, holder, at)
    return [message] if message else []


def _stage_revocation_review(uow: UnitOfWork, case: Application, at: str) -> Message:
    """容缺后补 pledge lapsed after issuance (seed 002): the issuing bureau's and the lead department's
    feeds and the holder are told, in the transaction that opens the review."""
    review = case.revocation_review
    assert review is not None
    found = CertificateRepository().get(review.certificate_id)
    issuer = found[0].issuer_department_id if found else ""
    feeds = (ds.department_feed(issuer) if issuer else "", ds.department_feed(case.lead_department_id))
    message = make_message(
        MessageKind.REVOCATION_REVIEW,
        (case.id, review.certificate_id),
        (case.applicant.id, *feeds),
        f"容缺后补承诺未履行,证照转入撤销审查:{case.item.elements.name}",
        case.id,
        at,
        {"trackingCode": case.tracking_code, "certificateId": review.certificate_id, "reason": review.reason},
    )
    OutboxRepository().stage(uow, message)
    return message


class ScheduledRunFailed(Exception):
    """Raised at the end of a scheduled run that had failures, after everything else ran, so
    Lambda's Errors metric (and the alarm on it) sees the run that caught them."""


def run_phases(budget: Budget = UNLIMITED) -> dict[str, Counter[str]]:
    """Every phase of the hourly run, each on its own: one failing never skips the others (its
    `failed` outcome is set). A phase reached with the budget spent is `deferred`."""
    from chalicelib.services.calendar import CALENDAR_CACHE
    from chalicelib.services.calendar_recompute import recompute_deadlines
    from chalicelib.services.certificates import apply_due_status_changes
    from chalicelib.storage.calendar_repository import CalendarRepository
    from chalicelib.storage.certificate_repository import CertificateRepository

    moment = clock.utc_now()
    CALENDAR_CACHE.invalidate()
    calendar = CALENDAR_CACHE.current()
    phases: list[tuple[str, Callable[[], Counter[str] | int]]] = [
        # Deadlines a newly loaded arrangement moved are re-filed first, so the deadline phase
        # below acts (and warns) on their new dates.
        ("calendar", lambda: recompute_deadlines(ApplicationRepository(calendar), CalendarRepository(), moment)),
        # 延续 (art. 50) before the deadlines: a renewal undecided when its licence ended is
        # granted by law, whatever the item's own timeout rule would do with it the same run.
        ("renewals", lambda: _renewal_sweep(calendar, moment, budget)),
        ("deadlines", lambda: sweep(ApplicationRepository(calendar), budget=budget)),
        (
            "rectifications",
            lambda: sweep_rectifications(
                RatingRepository(calendar), da.china_date(moment), moment, Relay(), budget=budget
            ),
        ),
        # Scheduled status changes first: a licence suspended from today is still suspended when
        # it expires below.
        (
            "certificate_status",
            lambda: apply_due_status_changes(CertificateRepository(), ApplicationRepository(calendar), moment, budget),
        ),
        ("certificate_expired", lambda: expire_certificates(CertificateRepository(), budget)),
        ("certificate_retimestamped", lambda: _retimestamp_sweep(calendar, moment, budget)),
        ("oversight", lambda: _oversight_sweep(moment)),
        ("referrals", lambda: _referral_sweep(moment)),
        ("handovers", lambda: _handover_sweep(moment)),
        ("written_decisions", lambda: _written_decision_sweep(budget)),
        ("outbox_delivered", lambda: Relay().run(budget=budget)),
    ]
    results: dict[str, Counter[str]] = {}
    for name, phase in phases:
        if budget.exhausted():
            results[name] = Counter(deferred=1)
            continue
        try:
            result = phase()
        except Exception:
            log.exception("scheduled %s failed; the next run tries again", name)
            results[name] = Counter(phase_failed=1)
            continue
        results[name] = Counter({name: result}) if isinstance(result, int) else result
    return results


def _written_decision_sweep(budget: Budget) -> Counter[str]:
    """Written decisions still PENDING (sealing or storing failed right after their event):
    produced now (services/written_decisions.py)."""
    from chalicelib.services.written_decisions import producer

    return producer().produce_pending(budget)


def run_sweep(budget: Budget = UNLIMITED) -> dict[str, int]:
    """The phases' outcomes in one mapping (`<phase>_failed` for a phase that raised,
    `<phase>_deferred` for one the budget did not reach); what the local scheduler prints."""
    return _flatten(run_phases(budget))


def _flatten(results: dict[str, Counter[str]]) -> dict[str, int]:
    """Outcomes of all phases together; a phase's own failure or deferral is named after it."""
    named = {"phase_failed": "failed", "deferred": "deferred"}
    done: Counter[str] = Counter()
    for name, outcomes in results.items():
        for outcome, count in outcomes.items():
            done[f"{name}_{named[outcome]}" if outcome in named else outcome] += count
    return dict(done)


def scheduled_sweep(context: object) -> dict[str, int]:
    """The `deadline_sweep` Lambda: run every phase within the invocation's remaining time, put
    each phase's outcomes into metrics (dimension `phase`), then fail the invocation if a phase
    or a case failed."""
    budget = Budget.of(context, SWEEP_RESERVE_MS)
    results = run_phases(budget)
    failures: list[str] = []
    for name, outcomes in results.items():
        counts = {_metric_name(k): float(v) for k, v in outcomes.items() if k not in ("phase_failed", "failed")}
        counts["PhaseFailed"] = float(outcomes.get("phase_failed", 0))
        counts["CasesFailed"] = float(outcomes.get("failed", 0))
        observability.emit({"phase": name}, counts)
        if outcomes.get("phase_failed") or outcomes.get("failed"):
            failures.append(name)
    done = _flatten(results)
    log.info("scheduled sweep done", extra={"outcomes": done, "failed_phases": failures})
    if failures:
        raise ScheduledRunFailed(f"sweep phases with failures: {', '.join(failures)} (see the log lines before)")
    return done


def _metric_name(outcome: str) -> str:
    """`deemed_approval` -> `DeemedApproval` (CloudWatch metric names, bounded: our outcome codes)."""
    return "".join(part.capitalize() for part in outcome.split("_"))


# --- rectification of bad ratings (好差评整改) ------------------------------------------------------


def sweep_rectifications(
    repo: RatingRepository,
    today: date,
    now: datetime,
    relay: Relay,
    heads: Heads | None = None,
    budget: Budget = UNLIMITED,
) -> Counter[str]:
    """Yellow warnings on `DUE#rect_warning` days; on a passed `DUE#rectification` the task turns
    OVERDUE with its red warning and violations. Each rating changes in its own transaction,
    which also removes the due record, so a second run changes nothing."""
    heads = heads or department_heads()
    at = now.isoformat(timespec="seconds")
    done: Counter[str] = Counter()
    # A yellow warning is raised on its day; a due date acts the day after it passes.
    for kind, before in ((DUE_YELLOW, today + timedelta(days=1)), (DUE_RED, today)):
        handled: set[str] = set()
        while len(handled) < MAX_PER_KIND:
            batch = [e for e in repo.due(kind, before) if e.application_id not in handled]
            if not batch:
                break
            for entry in batch:
                if budget.exhausted():
                    return _stopped(done, "rectification sweep", today)
                handled.add(entry.application_id)
                done[_isolated(entry, _rectification_step, repo, today, at, heads, relay)] += 1
    log.info("rectification sweep %s: %s", today.isoformat(), dict(done))
    return done


def _rectification_warning(rating: dr.Rating, level: WarningLevel, heads: Heads, at: str) -> SupervisionWarning:
    assert rating.rectification is not None
    department = rating.department_id
    head = heads(department).get(department, "")
    recipients = tuple(r for r in (ds.department_feed(department), head) if r)
    return SupervisionWarning(
        rating.application_id,
        rating.tracking_code,
        rating.item_name,
        DeadlineKind.RECTIFICATION,
        "-",
        level,
        rating.rectification.due_on,
        department,
        recipients,
        at,
    )


def _stage_rectification_warning(
    uow: UnitOfWork, repo: RatingRepository, rating: dr.Rating, warning: SupervisionWarning
) -> Message:
    return _stage_warning(
        uow, repo.supervision, repo.statistics, warning, lambda day, counter: dr.rating_deltas(rating, day, counter)
    )


def _rectification_step(
    entry: DueEntry, repo: RatingRepository, today: date, at: str, heads: Heads, relay: Relay
) -> str:
    found = repo.get(entry.application_id)
    if found is None:
        return "missing"
    rating, rev = found
    task = rating.rectification
    if task is None or task.status is not dr.RectificationStatus.OPEN:
        return "rectification_settled"  # its projections went with the change that settled it
    uow = UnitOfWork()
    messages: list[Message] = []
    if entry.kind == DUE_YELLOW:
        repo.stage_update(uow, rating, dr.mark_warned(rating), rev)
        if task.due_on < today:
            outcome = "rectification_warning_skipped"  # already passed: the red warning says it all
        else:
            warning = _rectification_warning(rating, WarningLevel.YELLOW, heads, at)
            messages.append(_stage_rectification_warning(uow, repo, rating, warning))
            outcome = "rectification_warning_yellow"
    else:
        if task.due_on >= today:
            return "rectification_not_due"
        repo.stage_update(uow, rating, dr.mark_overdue(rating, at), rev)
        red = _rectification_warning(rating, WarningLevel.RED, heads, at)
        if repo.supervision.warning(rating.application_id, red.key) is None:
            messages.append(_stage_rectification_warning(uow, repo, rating, red))
        kinds = [ds.ViolationKind.RECTIFICATION_OVERDUE]
        yellow_key = red.key.rsplit(":", 1)[0] + f":{WarningLevel.YELLOW.value}"
        yellow = repo.supervision.warning(rating.application_id, yellow_key)
        if yellow is not None and yellow[0].acknowledged_by is None:
            kinds.append(ds.ViolationKind.WARNING_IGNORED)
            repo.supervision.stage_warning_update(uow, *yellow)  # an acknowledgement racing us wins
        violations = [ds.Violation(rating.department_id, rating.application_id, k.value, at) for k in kinds]
        repo.supervision.stage_violations(uow, violations)
        deltas = dr.rating_deltas(rating, today, "rectifications_overdue")
        deltas.append(Delta(scope(ScopeKind.DEPARTMENT, rating.department_id), today, {"violations": len(kinds)}))
        repo.statistics.stage(uow, deltas, rating.application_id)
        outcome = "rectification_overdue"
    try:
        uow.commit()
    except DomainError as error:
        log.warning("rectification sweep skipped %s (%s): retried next run", entry.application_id, error)
        return "conflict"
    relay.deliver_soon(messages)
    return outcome


def _oversight_sweep(moment: datetime) -> Counter[str]:
    """Rectification opinions and letters of the city counterparts (seed 003 二(六))."""
    from chalicelib.domain.working_days import DEFAULT_CALENDAR
    from chalicelib.services.counterpart import sweep_oversight
    from chalicelib.storage.counterpart_repository import CounterpartRepository

    return sweep_oversight(CounterpartRepository(DEFAULT_CALENDAR), moment, Relay())


def _referral_sweep(moment: datetime) -> Counter[str]:
    """Referrals upward past their expected duration (seed 004 三级联动)."""
    from chalicelib.domain.working_days import DEFAULT_CALENDAR
    from chalicelib.services.referrals import sweep_referrals

    return sweep_referrals(ApplicationRepository(DEFAULT_CALENDAR), moment, Relay())


def _renewal_sweep(calendar: WorkingDayCalendar, moment: datetime, budget: Budget) -> Counter[str]:
    """Renewals undecided when their licence ended: deemed granted, renewed licence issued (art. 50)."""
    from chalicelib.services.renewals import default_certificates, sweep_renewals

    return sweep_renewals(default_certificates(calendar), moment, Relay(), budget=budget)


def _handover_sweep(moment: datetime) -> Counter[str]:
    """Handovers of delegated powers not confirmed by their due date (seed 003 二(二)3)."""
    from chalicelib.services.handover import sweep_handovers
    from chalicelib.storage.handover_repository import HandoverRepository

    return sweep_handovers(HandoverRepository(), moment, Relay())


def _retimestamp_sweep(calendar: WorkingDayCalendar, moment: datetime, budget: Budget) -> Counter[str]:
    """Archival time-stamps renewed before their TSA certificates expire (services/archival_timestamps.py)."""
    from chalicelib.services.archival_timestamps import renew_archival_timestamps
    from chalicelib.storage.archival_timestamp_repository import ArchivalTimestampRepository
    from chalicelib.storage.blobs import blob_store_from_config

    return renew_archival_timestamps(
        ArchivalTimestampRepository(),
        CertificateRepository(),
        ApplicationRepository(calendar),
        blob_store_from_config(),
        moment,
        budget=budget,
    )


def expire_certificates(repo: CertificateRepository, budget: Budget = UNLIMITED) -> int:
    """Record the expiry of certificates past their validity (DUE#cert_expiry, one Query); the
    rest waits for the next run once the budget is spent."""
    from chalicelib.domain import certificate as dcert
    from chalicelib.domain.certificate import CertificateStatus

    now = clock.utc_now()
    count = 0
    for certificate_id in repo.expiring_before(da.china_date(now)):
        if budget.exhausted():
            log.warning("certificate expiry stopped before the timeout after %d: the rest next run", count)
            break
        found = repo.get(certificate_id)
        if found is None or found[0].status not in {CertificateStatus.VALID, CertificateStatus.SUSPENDED}:
            continue
        uow = UnitOfWork()
        repo.stage_update(uow, dcert.expire(found[0], now), found[1])
        try:
            uow.commit()
        except DomainError:
            continue  # changed meanwhile: the next run looks again
        count += 1
    return count
