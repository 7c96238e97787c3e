"""Renewal (延续) rules without I/O: Administrative Licensing Law art. 50 (domain/renewal.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.domain import application as da
from chalicelib.domain import catalogue as dc
from chalicelib.domain import renewal as dr
from chalicelib.domain.certificate import CertCode, Certificate, CertificateStatus, check_issuable
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal, Role
from tests.factories import ctx, elements

HOLDER = Principal("applicant-1", frozenset({Role.APPLICANT}))
STRANGER = Principal("applicant-2", frozenset({Role.APPLICANT}))
AGENT = Principal("agent-1", frozenset({Role.AGENT}))
CLERK = Principal("clerk-1", frozenset({Role.CLERK}), department_id="bureau", centre_id="city")
SUPERVISOR = Principal("sup-1", frozenset({Role.SUPERVISOR}), centre_id="city")
APPROVER = Principal("appr-1", frozenset({Role.APPROVER}), department_id="nr", centre_id="city")
LAST_DAY = date(2031, 11, 1)  # the licence's last valid day


def cert(**changes: object) -> Certificate:
    base = Certificate(
        id="c1",
        number="BUREAU-2026-000001",
        verification_code="CODE",
        type_code="ZJ-X",
        type_name="许可证",
        holder_account="applicant-1",
        holder_name="王",
        holder_identifier="330902199001011234",
        authority_code="BUREAU",
        authority_name="审批局",
        issued_on=date(2026, 11, 2),
        valid_until=LAST_DAY,
        item_code="ZS-NR-001",
        item_name="许可",
        application_id="a0",
        sha256="0" * 64,
        blob_key="k",
        size=1,
        issued_by="bureau-1",
        issued_at="2026-11-02T10:00:00+08:00",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def codes(call: object) -> list[str]:
    with pytest.raises(DomainError) as error:
        call()  # type: ignore[operator]
    return [v.code for v in error.value.violations]


def test_law_art50_thirty_calendar_days_before_the_last_valid_day_is_in_time_twenty_nine_is_too_late() -> None:
    """行政许可法第五十条: 「应当在该行政许可有效期届满三十日前……提出申请」 (calendar days)."""
    assert dr.latest_application_day(LAST_DAY) == date(2031, 10, 2)
    dr.check_renewable(cert(), date(2031, 10, 2), True, None)  # exactly 30 days before: in time
    dr.check_renewable(cert(), date(2026, 11, 3), True, None)  # long before: in time
    late = codes(lambda: dr.check_renewable(cert(), date(2031, 10, 3), True, None))
    assert late == [dr.RenewalCode.RENEWAL_TOO_LATE]
    with pytest.raises(DomainError) as error:
        dr.check_renewable(cert(), date(2031, 10, 3), True, None)
    message = error.value.violations[0].message
    assert "第五十条" in message and "三十日前" in message and "2031-10-02" in message


def test_law_art50_an_expired_revoked_or_superseded_licence_cannot_be_renewed() -> None:
    # The day after the last valid day the licence is expired, whatever the registry has recorded.
    assert codes(lambda: dr.check_renewable(cert(), LAST_DAY + timedelta(days=1), True, None)) == [
        dr.RenewalCode.CERTIFICATE_NOT_VALID
    ]
    for status in (CertificateStatus.REVOKED, CertificateStatus.CANCELLED, CertificateStatus.EXPIRED):
        assert codes(lambda s=status: dr.check_renewable(cert(status=s), date(2030, 1, 1), True, None)) == [
            dr.RenewalCode.CERTIFICATE_NOT_VALID
        ]


def test_law_art50_only_licences_with_a_validity_of_an_item_that_still_issues_them_are_renewable() -> None:
    assert codes(lambda: dr.check_renewable(cert(valid_until=None), date(2030, 1, 1), True, None)) == [
        dr.RenewalCode.NOT_RENEWABLE
    ]
    assert codes(lambda: dr.check_renewable(cert(), date(2030, 1, 1), False, None)) == [dr.RenewalCode.NOT_RENEWABLE]


def test_law_art50_the_holder_their_agent_or_a_window_clerk_apply_nobody_else() -> None:
    dr.check_applicant(cert(), HOLDER, agent_for_holder=False)
    dr.check_applicant(cert(), AGENT, agent_for_holder=True)
    dr.check_applicant(cert(), CLERK, agent_for_holder=False)
    for who in (STRANGER, SUPERVISOR, APPROVER):
        assert codes(lambda w=who: dr.check_applicant(cert(), w, agent_for_holder=False)) == [dr.RenewalCode.NOT_HOLDER]
    assert codes(lambda: dr.check_applicant(cert(), AGENT, agent_for_holder=False)) == [dr.RenewalCode.NOT_HOLDER]


def renewal_case(state: da.State = da.State.IN_REVIEW, accepted_on: date | None = date(2031, 9, 1)) -> da.Application:
    item = dc.add_item("ZS-NR-001", elements(certificate_type=dc.CertificateType("ZJ-X", "许可证", 5)), ctx()).item
    case = da.file(
        application_id="r1",
        tracking_code="RENEWAL001",
        item=item,
        applicant=da.Applicant("applicant-1", "王", "330902199001011234"),
        actor=HOLDER,
        channel=da.Channel.ONLINE,
        centre_id="city",
        materials=tuple(
            da.SubmittedMaterial(c, f"{c}.pdf", f"materials/applicant-1/{c}", "0" * 64, 10, 1)
            for c in ("M-APPLY", "M-ID")
        ),
        now=datetime(2031, 9, 1, 2, tzinfo=UTC),
        agent_authorised=False,
    ).case
    return replace(
        case, state=state, accepted_on=accepted_on, review_opened_on=accepted_on, renewal=dr.renewal_of(cert())
    )


def test_law_art50_one_open_renewal_per_licence_and_none_after_it_was_renewed() -> None:
    today = date(2030, 1, 1)
    open_case = renewal_case()
    assert codes(lambda: dr.check_renewable(cert(), today, True, open_case)) == [dr.RenewalCode.RENEWAL_ALREADY_OPEN]
    approved = replace(open_case, state=da.State.APPROVED)  # awaiting its certificate: still the one renewal
    assert codes(lambda: dr.check_renewable(cert(), today, True, approved)) == [dr.RenewalCode.RENEWAL_ALREADY_OPEN]
    issued = replace(approved, certificate_id="c2")
    assert codes(lambda: dr.check_renewable(cert(), today, True, issued)) == [dr.RenewalCode.ALREADY_RENEWED]
    assert codes(lambda: dr.check_renewable(cert(renewed_by="c2"), today, True, None)) == [
        dr.RenewalCode.ALREADY_RENEWED
    ]
    # A renewal withdrawn or refused leaves the way open for a new one (still in time).
    for closed in (da.State.WITHDRAWN, da.State.REJECTED, da.State.INTAKE_REFUSED):
        dr.check_renewable(cert(), today, True, replace(open_case, state=closed))


def test_law_art50_the_renewed_validity_continues_from_the_day_after_the_previous_last_day() -> None:
    renewal = dr.renewal_of(cert())
    assert dr.renewed_valid_from(renewal) == date(2031, 11, 2)
    assert dr.renewed_valid_until(renewal, 5) == date(2036, 11, 1)  # 5 full years, no day lost or gained


def test_law_art50_undecided_on_the_last_valid_day_is_deemed_granted_the_day_after() -> None:
    """「逾期未作决定的,视为准予延续」: deemable only once the last valid day is over."""
    case = renewal_case()
    assert not dr.deemable(case, LAST_DAY)  # the agency may still decide on the last day
    after = LAST_DAY + timedelta(days=1)
    assert dr.deemable(case, after)
    moment = datetime(2031, 11, 1, 17, tzinfo=UTC)  # 01:00 on 2 November in China
    transition = dr.deem_granted(case, moment)
    decision = transition.case.decision
    assert transition.case.state is da.State.APPROVED and decision is not None
    assert (decision.decided_by, decision.deemed, decision.legal_basis) == (da.SYSTEM, True, dr.LEGAL_BASIS)
    assert transition.event.action == "deemed_renewal" and transition.event.actor == da.SYSTEM
    assert "第五十条" in transition.event.reason
    assert dr.deemed_granted(transition.case) and dr.awaiting_deemed_issue(transition.case)
    assert not dr.awaiting_deemed_issue(replace(transition.case, certificate_id="c2"))
    # Not the agency's delay: waiting for the applicant's 补正, accepted only after the licence ended,
    # or already decided.
    assert not dr.deemable(renewal_case(da.State.NOTICE_ISSUED, None), after)
    assert not dr.deemable(renewal_case(accepted_on=after), after + timedelta(days=1))
    assert not dr.deemable(renewal_case(da.State.REJECTION_REPORTED), after)
    assert codes(lambda: dr.deem_granted(renewal_case(da.State.APPROVED), moment)) == [da.Code.ILLEGAL_TRANSITION]
    # The item's own timeout rule (超时默认) is not art. 50.
    timeout = replace(case, state=da.State.APPROVED, decision=da.Decision(da.Outcome.APPROVED, da.SYSTEM, "x", "超时"))
    assert not dr.deemed_granted(replace(timeout, decision=replace(timeout.decision, deemed=True)))  # type: ignore[arg-type]


def test_seed002_separation_of_duties_binds_people_not_the_system_issuing_a_deemed_renewal() -> None:
    """seed 002 受理、审核、制证三分离: the acceptor may not issue; the system, which decided nothing
    as a person, issues the licence the law granted."""
    deemed = dr.deem_granted(replace(renewal_case(), accepted_by="clerk-1"), datetime(2031, 11, 2, 2, tzinfo=UTC)).case
    system = Principal(da.SYSTEM, frozenset({Role.BUREAU}), department_id="bureau", centre_id="city")
    check_issuable(deemed, system)
    acceptor = Principal("clerk-1", frozenset({Role.BUREAU}), department_id="bureau", centre_id="city")
    assert codes(lambda: check_issuable(deemed, acceptor)) == [CertCode.SEPARATION_OF_DUTIES]
