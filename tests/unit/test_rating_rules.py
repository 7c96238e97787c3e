"""Rating, rectification and complaint rules (好差评 and the complaint channel of seeds 001/004),
without storage."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from chalicelib.domain import complaint as dc
from chalicelib.domain import rating as dr
from chalicelib.domain.application import Application, State
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.working_days import DEFAULT_CALENDAR
from tests.unit.test_application_rules import APPLICANT, CLERK, MONDAY, REVIEWER, filed

AGENT = Principal("agent-1", frozenset({Role.AGENT}))
SUPERVISOR = Principal("sup-1", frozenset({Role.SUPERVISOR}), department_id="office", centre_id="city")
FINE = dr.Indicators(5, 5, 4, 5)


def ended(state: State = State.WITHDRAWN, **changes: Any) -> Application:
    return replace(filed(), state=state, **changes)


def code_of(error: pytest.ExceptionInfo[DomainError]) -> list[str]:
    return [v.code for v in error.value.violations]


def rate(
    case: Application,
    level: dr.RatingLevel = dr.RatingLevel.SATISFIED,
    actor: Principal = APPLICANT,
    indicators: dr.Indicators = FINE,
    comment: str = "",
    rated: bool = False,
) -> dr.Rating:
    return dr.rate(case, actor, level, indicators, comment, MONDAY, rated, DEFAULT_CALENDAR)


@pytest.mark.parametrize("state", [State.APPROVED, State.REJECTED, State.WITHDRAWN])
def test_an_ended_case_is_rated_by_its_applicant(state: State) -> None:
    rating = rate(ended(state))
    assert (rating.level, rating.department_id, rating.rectification) == (dr.RatingLevel.SATISFIED, "nr", None)
    assert not rating.is_bad


@pytest.mark.parametrize("state", [State.SUBMITTED, State.IN_REVIEW, State.REJECTION_REPORTED])
def test_an_open_case_is_not_rated(state: State) -> None:
    with pytest.raises(DomainError) as error:
        rate(ended(state))
    assert code_of(error) == ["CASE_OPEN"]


def test_a_case_is_rated_once() -> None:
    with pytest.raises(DomainError) as error:
        rate(ended(), rated=True)
    assert code_of(error) == ["ALREADY_RATED"]


@pytest.mark.parametrize(
    ("actor", "filed_by"),
    [
        (Principal("applicant-2", frozenset({Role.APPLICANT})), "applicant-1"),  # someone else
        (CLERK, "clerk-1"),  # the clerk who filed at the window is staff, not a party
        (AGENT, "applicant-1"),  # an agent who did not file it
    ],
)
def test_only_the_applicant_or_filing_agent_may_rate(actor: Principal, filed_by: str) -> None:
    with pytest.raises(DomainError) as error:
        rate(ended(filed_by=filed_by), actor=actor)
    assert code_of(error) == ["NOT_FOUND"]


def test_the_filing_agent_may_rate() -> None:
    assert rate(ended(filed_by="agent-1"), actor=AGENT).rated_by == "agent-1"


def test_every_out_of_range_value_is_reported_at_once() -> None:
    with pytest.raises(DomainError) as error:
        rate(ended(), indicators=dr.Indicators(0, 6, 3, 3), comment="字" * 501)
    assert [v.field for v in error.value.violations] == ["indicators.efficiency", "indicators.guideAccuracy", "comment"]
    assert set(code_of(error)) == {"OUT_OF_RANGE"}


@pytest.mark.parametrize("level", [dr.RatingLevel.DISSATISFIED, dr.RatingLevel.VERY_DISSATISFIED])
def test_a_bad_rating_owes_a_rectification_in_15_working_days(level: dr.RatingLevel) -> None:
    rating = rate(ended(), level)
    assert rating.is_bad and rating.rectification is not None
    # Monday 2026-11-02 + 15 working days (no holiday in November 2026) = Monday 2026-11-23.
    assert rating.rectification.due_on == date(2026, 11, 23)
    assert rating.rectification.status is dr.RectificationStatus.OPEN


def test_follow_up_is_timely_late_or_refused() -> None:
    rating = rate(ended(), dr.RatingLevel.DISSATISFIED)
    on_due_day = datetime(2026, 11, 23, 9, tzinfo=UTC)
    done = dr.record_follow_up(rating, REVIEWER, "已回访", on_due_day)
    assert done.rectification and done.rectification.status is dr.RectificationStatus.DONE
    late = dr.record_follow_up(rating, REVIEWER, "已回访", on_due_day + timedelta(days=1))
    assert late.rectification and late.rectification.status is dr.RectificationStatus.DONE_LATE
    overdue = dr.mark_overdue(rating, "2026-11-24T00:00:00")
    again = dr.record_follow_up(overdue, REVIEWER, "已回访", MONDAY)  # once overdue, always late
    assert again.rectification and again.rectification.status is dr.RectificationStatus.DONE_LATE
    for subject, actor, text, code in [
        (rating, REVIEWER, "  ", "FOLLOW_UP_REQUIRED"),
        (done, REVIEWER, "再次", "ALREADY_RECORDED"),
        (rating, replace(REVIEWER, department_id="fire"), "已回访", "NOT_FOUND"),
        (rating, CLERK, "已回访", "NOT_FOUND"),
        (rate(ended()), REVIEWER, "已回访", "NOT_FOUND"),  # a good rating owes nothing
    ]:
        with pytest.raises(DomainError) as error:
            dr.record_follow_up(subject, actor, text, MONDAY)
        assert code_of(error) == [code]


def test_complaint_is_filed_and_resolved_once_with_its_history() -> None:
    target = dc.Target(dc.TargetKind.WINDOW_POST, "city/w01", "综合窗口", "bureau", "city")
    complaint = dc.file("c1", target, APPLICANT, " 态度差 ", MONDAY)
    assert complaint.text == "态度差" and complaint.status is dc.ComplaintStatus.OPEN
    resolved = dc.resolve(complaint, SUPERVISOR, dc.ComplaintOutcome.SUBSTANTIATED, "属实", MONDAY)
    assert [(h.action, h.by) for h in resolved.history] == [("file", "applicant-1"), ("resolve:substantiated", "sup-1")]
    for call, code in [
        (
            lambda: dc.resolve(resolved, SUPERVISOR, dc.ComplaintOutcome.UNSUBSTANTIATED, "改", MONDAY),
            "ALREADY_RESOLVED",
        ),
        (lambda: dc.resolve(complaint, SUPERVISOR, dc.ComplaintOutcome.SUBSTANTIATED, " ", MONDAY), "NOTE_REQUIRED"),
        (lambda: dc.resolve(complaint, REVIEWER, dc.ComplaintOutcome.SUBSTANTIATED, "属实", MONDAY), "FORBIDDEN"),
        (lambda: dc.file("c2", target, APPLICANT, "", MONDAY), "TEXT_REQUIRED"),
        (lambda: dc.file("c2", target, APPLICANT, "长" * 1001, MONDAY), "OUT_OF_RANGE"),
        (lambda: dc.file("c2", target, CLERK, "投诉", MONDAY), "FORBIDDEN"),
    ]:
        with pytest.raises(DomainError) as error:
            call()
        assert code_of(error) == [code]
