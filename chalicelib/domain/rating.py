"""Ratings (好差评) and the rectification a bad rating opens.

The national 好差评 rules grade a finished case on five levels, 非常满意 (5) to 非常不满意 (1),
with four indicators (efficiency, accuracy of the guide, convenience, attitude). 不满意 and
非常不满意 are bad ratings (差评): the case's lead department must follow up and rectify within
15 working days; the follow-up is recorded once, and a late one is marked late. The sweep warns
before the due date and records a violation after it (domain/supervision.py).

A case is rated once, after it ended, by its applicant or the agent who filed it for them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import IntEnum, StrEnum

from chalicelib.domain import application as da
from chalicelib.domain.application import Application, State
from chalicelib.domain.errors import DomainError, Violation
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.intake_refusal import objection_open
from chalicelib.domain.statistics import Delta, scoped_deltas
from chalicelib.domain.working_days import WorkingDayCalendar

RECTIFICATION_WORKING_DAYS = 15
MAX_COMMENT = 500
MAX_FOLLOW_UP = 1000
ENDED_STATES = frozenset({State.APPROVED, State.REJECTED, State.WITHDRAWN, State.REVOKED})


def rateable(case: Application, today: date) -> bool:
    """好差评 applies to every outcome of a service: an ended case, and also a refusal at the
    window (不予受理) once it is final — confirmed by the unit leader after 否认报备 (seed 004 二(五)),
    or no longer open to objection. A refusal the applicant may still object to is not final yet."""
    if case.state in ENDED_STATES:
        return True
    if case.state is not State.INTAKE_REFUSED or not case.intake_refusals:
        return False
    return not objection_open(case.intake_refusals[-1], today)


def answerable(case: Application) -> tuple[str, str | None]:
    """Who answers for the rated service (department, staff member): for a refusal at the window the
    refusing clerk's department and the clerk; otherwise the lead department and whoever decided."""
    if case.state is State.INTAKE_REFUSED and case.intake_refusals:
        refusal = case.intake_refusals[-1]
        return refusal.department_id or case.lead_department_id, refusal.refused_by
    return case.lead_department_id, case.decision.decided_by if case.decision else None


class RatingCode:
    """English error codes of ratings and rectifications."""

    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    CONFLICT = "CONFLICT"
    CASE_OPEN = "CASE_OPEN"
    ALREADY_RATED = "ALREADY_RATED"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    FOLLOW_UP_REQUIRED = "FOLLOW_UP_REQUIRED"
    ALREADY_RECORDED = "ALREADY_RECORDED"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"


class RatingLevel(IntEnum):
    VERY_SATISFIED = 5  # 非常满意
    SATISFIED = 4  # 满意
    BASICALLY_SATISFIED = 3  # 基本满意
    DISSATISFIED = 2  # 不满意 (差评)
    VERY_DISSATISFIED = 1  # 非常不满意 (差评)


LEVEL_LABEL = {
    RatingLevel.VERY_SATISFIED: "非常满意",
    RatingLevel.SATISFIED: "满意",
    RatingLevel.BASICALLY_SATISFIED: "基本满意",
    RatingLevel.DISSATISFIED: "不满意",
    RatingLevel.VERY_DISSATISFIED: "非常不满意",
}
BAD_LEVELS = frozenset({RatingLevel.DISSATISFIED, RatingLevel.VERY_DISSATISFIED})


class RectificationStatus(StrEnum):
    OPEN = "open"  # waiting for the department's follow-up
    DONE = "done"  # followed up by the due date
    DONE_LATE = "done_late"  # followed up after the due date
    OVERDUE = "overdue"  # the due date passed without a follow-up (a violation was recorded)


OPEN_RECTIFICATION = frozenset({RectificationStatus.OPEN, RectificationStatus.OVERDUE})


@dataclass(frozen=True)
class Indicators:
    """The four graded aspects of the service, each 1..5."""

    efficiency: int
    guide_accuracy: int
    convenience: int
    attitude: int


@dataclass(frozen=True)
class Rectification:
    """整改: what the lead department owes for a bad rating."""

    due_on: date
    status: RectificationStatus = RectificationStatus.OPEN
    warned: bool = False  # the yellow warning was raised (or skipped because the day passed)
    follow_up: str = ""
    recorded_by: str | None = None
    recorded_at: str | None = None
    overdue_at: str | None = None


@dataclass(frozen=True)
class Rating:
    application_id: str
    tracking_code: str
    item_code: str
    item_name: str
    department_id: str  # the case's lead department (a window refusal: the clerk's) answers for it
    centre_id: str
    level: RatingLevel
    indicators: Indicators
    comment: str
    rated_by: str
    rated_at: str
    rectification: Rectification | None = None

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS

    @property
    def open_rectification(self) -> bool:
        return self.rectification is not None and self.rectification.status in OPEN_RECTIFICATION


def _fail(code: str, message: str, field: str | None = None) -> DomainError:
    return DomainError.one(code, message, field)


def is_party(case: Application, actor: Principal) -> bool:
    """The case's own applicant, or the agent who filed it (never staff, even a filing clerk)."""
    if actor.subject is None or actor.is_staff:
        return False
    if actor.subject == case.applicant.id:
        return True
    return actor.has_any(Role.AGENT) and actor.subject == case.filed_by


def _check_range(indicators: Indicators) -> list[Violation]:
    out = []
    for name, value in (
        ("efficiency", indicators.efficiency),
        ("guideAccuracy", indicators.guide_accuracy),
        ("convenience", indicators.convenience),
        ("attitude", indicators.attitude),
    ):
        if not 1 <= value <= 5:
            out.append(Violation(RatingCode.OUT_OF_RANGE, "评价指标应为1至5分", f"indicators.{name}"))
    return out


def rate(
    case: Application,
    actor: Principal,
    level: RatingLevel,
    indicators: Indicators,
    comment: str,
    now: datetime,
    already_rated: bool,
    calendar: WorkingDayCalendar,
) -> Rating:
    """The rating of an ended case; a bad one opens a rectification due in 15 working days."""
    if not is_party(case, actor):
        raise _fail(RatingCode.NOT_FOUND, "办件不存在", "applicationId")
    if not rateable(case, da.china_date(now)):
        raise _fail(RatingCode.CASE_OPEN, "办件办结(或不予受理决定确定)后方可评价", "applicationId")
    if already_rated:
        raise _fail(RatingCode.ALREADY_RATED, "该办件已评价,每件只能评价一次", "applicationId")
    problems = _check_range(indicators)
    if int(level) not in {m.value for m in RatingLevel}:
        problems.insert(0, Violation(RatingCode.OUT_OF_RANGE, "评价等级应为1至5级", "level"))
    text = comment.strip()
    if len(text) > MAX_COMMENT:
        problems.append(Violation(RatingCode.OUT_OF_RANGE, f"评价内容不能超过{MAX_COMMENT}个字符", "comment"))
    if problems:
        raise DomainError(problems)
    level = RatingLevel(level)
    rating = Rating(
        application_id=case.id,
        tracking_code=case.tracking_code,
        item_code=case.item.code,
        item_name=case.item.elements.name,
        department_id=answerable(case)[0],
        centre_id=case.centre_id,
        level=level,
        indicators=indicators,
        comment=text,
        rated_by=actor.subject or "",
        rated_at=now.isoformat(timespec="seconds"),
    )
    if not rating.is_bad:
        return rating
    due = calendar.add_working_days(da.china_date(now), RECTIFICATION_WORKING_DAYS)
    return replace(rating, rectification=Rectification(due_on=due))


def may_follow_up(rating: Rating, actor: Principal) -> bool:
    """Reviewers and approvers of the responsible department."""
    return actor.has_any(Role.REVIEWER, Role.APPROVER) and actor.department_id == rating.department_id


def record_follow_up(rating: Rating, actor: Principal, follow_up: str, now: datetime) -> Rating:
    """Close the rectification: DONE by the due date, DONE_LATE after it (also once OVERDUE)."""
    if not may_follow_up(rating, actor) or rating.rectification is None:
        raise _fail(RatingCode.NOT_FOUND, "没有该办件的差评整改任务", "applicationId")
    task = rating.rectification
    if task.status not in OPEN_RECTIFICATION:
        raise _fail(RatingCode.ALREADY_RECORDED, "该差评的整改情况已记录", "applicationId")
    text = follow_up.strip()
    if not text:
        raise _fail(RatingCode.FOLLOW_UP_REQUIRED, "请填写回访整改情况", "followUp")
    if len(text) > MAX_FOLLOW_UP:
        raise _fail(RatingCode.OUT_OF_RANGE, f"整改情况不能超过{MAX_FOLLOW_UP}个字符", "followUp")
    late = task.status is RectificationStatus.OVERDUE or da.china_date(now) > task.due_on
    closed = replace(
        task,
        status=RectificationStatus.DONE_LATE if late else RectificationStatus.DONE,
        follow_up=text,
        recorded_by=actor.subject,
        recorded_at=now.isoformat(timespec="seconds"),
    )
    return replace(rating, rectification=closed)


def mark_warned(rating: Rating) -> Rating:
    assert rating.rectification is not None
    return replace(rating, rectification=replace(rating.rectification, warned=True))


def mark_overdue(rating: Rating, at: str) -> Rating:
    """The sweep found the due date passed without a follow-up."""
    assert rating.rectification is not None and rating.rectification.status is RectificationStatus.OPEN
    task = replace(rating.rectification, status=RectificationStatus.OVERDUE, warned=True, overdue_at=at)
    return replace(rating, rectification=task)


def rating_deltas(rating: Rating, day: date, counter: str) -> list[Delta]:
    """A rectification event counted like `supervision_deltas` counts a case's: for the centre,
    the item and the responsible department (the rating carries all three)."""
    return scoped_deltas(rating.centre_id, rating.item_code, rating.department_id, day, counter)
