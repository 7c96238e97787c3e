"""Application rules without I/O: the audit hash chain and the working-day deadlines."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from chalicelib.domain import application as da
from chalicelib.domain import catalogue as dc
from chalicelib.domain.audit import GENESIS, make_event, verify_chain
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.working_days import DEFAULT_CALENDAR
from tests.factories import ctx, elements

APPLICANT = Principal("applicant-1", frozenset({Role.APPLICANT}))
CLERK = Principal("clerk-1", frozenset({Role.CLERK}), department_id="bureau", centre_id="city")
REVIEWER = Principal("rev-1", frozenset({Role.REVIEWER}), department_id="nr", centre_id="city")
MONDAY = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # 10:00 in China


def material(code: str) -> da.SubmittedMaterial:
    return da.SubmittedMaterial(code, f"{code}.pdf", f"materials/applicant-1/{code}", "0" * 64, 10, 1)


def filed(item_elements: dc.ItemElements | None = None, codes: tuple[str, ...] = ("M-APPLY", "M-ID")) -> da.Application:
    item = dc.add_item("ZS-NR-001", item_elements or elements(), ctx()).item
    return da.file(
        application_id="a1",
        tracking_code="ABCDEFGHJK",
        item=item,
        applicant=da.Applicant("applicant-1", "王", "330902199001011234"),
        actor=APPLICANT,
        channel=da.Channel.ONLINE,
        centre_id="city",
        materials=tuple(material(c) for c in codes),
        now=MONDAY,
        agent_authorised=False,
    ).case


def chain(n: int) -> list:
    events, prev = [], GENESIS
    for seq in range(1, n + 1):
        event = make_event(prev, seq, f"2026-11-0{seq}T00:00:00", "act", "u", "r", "a", "b", "why")
        events.append(event)
        prev = event.hash
    return events


def test_audit_chain_verifies_and_detects_edits_removals_and_truncation() -> None:
    events = chain(5)
    assert verify_chain(events, expected_head=events[-1].hash).intact
    edited = [*events[:2], replace(events[2], reason="改过的理由"), *events[3:]]
    assert verify_chain(edited).broken_at == 3
    removed = [*events[:2], *events[3:]]
    assert verify_chain(removed).broken_at == 3
    truncated = events[:4]
    check = verify_chain(truncated, expected_head=events[-1].hash)
    assert not check.intact and check.broken_at == 5


def test_transitions_extend_the_chain() -> None:
    case = filed()
    accepted = da.accept(case, CLERK, MONDAY)
    assert accepted.event.seq == 2 and accepted.event.prev_hash == case.last_hash
    assert accepted.case.last_hash == accepted.event.hash


def test_seed004_special_step_that_does_not_count_moves_the_deadline_by_paused_working_days() -> None:
    case = da.accept(filed(), CLERK, MONDAY).case
    base = da.promised_deadline(case, DEFAULT_CALENDAR, date(2026, 11, 2))
    started = da.start_special_step(case, REVIEWER, MONDAY, dc.SpecialStepKind.EXPERT_REVIEW, "").case
    friday = datetime(2026, 11, 6, 2, 0, tzinfo=UTC)
    ended = da.end_special_step(started, REVIEWER, friday, dc.SpecialStepKind.EXPERT_REVIEW, "").case
    moved = da.promised_deadline(ended, DEFAULT_CALENDAR, date(2026, 11, 6))
    assert base is not None and moved is not None
    # Mon..Fri paused, counted from the day after acceptance: Tue..Fri = 4 working days.
    assert DEFAULT_CALENDAR.working_days_between(base, moved) == 4


def test_seed002_deficiency_only_for_secondary_materials_and_pledge_within_limit() -> None:
    case = filed(codes=("M-APPLY",))  # M-ID (secondary) missing
    accepted = da.accept_with_deficiency(
        case, CLERK, MONDAY, ("M-ID",), date(2026, 11, 6), credit_default_in_force=False, calendar=DEFAULT_CALENDAR
    )
    assert accepted.case.pledge and accepted.case.pledge.status is da.PledgeStatus.OPEN
    with pytest.raises(DomainError) as error:
        da.accept_with_deficiency(case, CLERK, MONDAY, ("M-ID",), date(2026, 12, 31), False, DEFAULT_CALENDAR)
    assert error.value.violations[0].code == da.Code.PLEDGE_AFTER_LIMIT
    with pytest.raises(DomainError) as error:
        da.accept_with_deficiency(case, CLERK, MONDAY, ("M-ID",), date(2026, 11, 6), True, DEFAULT_CALENDAR)
    assert error.value.violations[0].code == da.Code.CREDIT_DEFAULT
    missing_primary = filed(codes=("M-ID",))
    with pytest.raises(DomainError) as error:
        da.accept_with_deficiency(
            missing_primary, CLERK, MONDAY, ("M-APPLY",), date(2026, 11, 6), False, DEFAULT_CALENDAR
        )
    assert error.value.violations[0].code == da.Code.DEFICIENCY_PRIMARY_MATERIAL


def test_intake_deadline_is_five_working_days_after_submission() -> None:
    assert da.intake_deadline(filed(), DEFAULT_CALENDAR) == date(2026, 11, 9)


def test_seed002_acceptor_may_not_review() -> None:
    both = Principal("clerk-1", frozenset({Role.CLERK, Role.REVIEWER}), department_id="nr", centre_id="city")
    case = da.accept(filed(), both, MONDAY).case
    with pytest.raises(DomainError) as error:
        da.review(case, both, MONDAY, da.Opinion.AGREE, "同意")
    assert error.value.violations[0].code == da.Code.SEPARATION_OF_DUTIES


def test_a_special_step_pauses_at_most_its_published_maximum() -> None:
    """An expert review the item caps at 10 working days cannot stop the clock for longer, even if
    nobody ends it (the item's special steps publish their maximum, seed 001)."""
    case = da.accept(filed(), CLERK, MONDAY).case
    base = da.promised_deadline(case, DEFAULT_CALENDAR, date(2026, 11, 2))
    started = da.start_special_step(case, REVIEWER, MONDAY, dc.SpecialStepKind.EXPERT_REVIEW, "").case
    much_later = date(2026, 12, 31)
    moved = da.promised_deadline(started, DEFAULT_CALENDAR, much_later)
    assert base is not None and moved is not None
    assert DEFAULT_CALENDAR.working_days_between(base, moved) == 10  # elements(): expert review max 10 days
    # while it runs within its maximum, the deadline moves day by day
    third_day = da.promised_deadline(started, DEFAULT_CALENDAR, date(2026, 11, 4))
    assert third_day is not None and DEFAULT_CALENDAR.working_days_between(base, third_day) == 2
