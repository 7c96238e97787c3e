"""The seven-status model of licences: every allowed and every refused (from, to) pair, who may
make each, reasons and effective dates, and the tolerant decoding of stored old spellings."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from itertools import product

import pytest

from chalicelib.domain import certificate as dcert
from chalicelib.domain.certificate import TRANSITIONS, CertCode, CertificateStatus, StatusActor
from chalicelib.domain.errors import DomainError

S, A = CertificateStatus, StatusActor
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # 10:00 in China
TODAY = date(2026, 12, 7)
EVERYONE = frozenset(StatusActor)

ALLOWED = {
    (S.VALID, S.SUSPENDED): {A.BUREAU},
    (S.SUSPENDED, S.VALID): {A.BUREAU},
    (S.VALID, S.WITHDRAWN): {A.BUREAU, A.SUPERVISOR},
    (S.SUSPENDED, S.WITHDRAWN): {A.BUREAU, A.SUPERVISOR},
    (S.VALID, S.REVOKED): {A.BUREAU, A.SUPERVISOR},
    (S.SUSPENDED, S.REVOKED): {A.BUREAU, A.SUPERVISOR},
    (S.VALID, S.CANCELLED): {A.BUREAU, A.HOLDER, A.CORRECTION},
    (S.SUSPENDED, S.CANCELLED): {A.BUREAU, A.HOLDER},
    (S.VALID, S.TRANSFERRED_OUT): {A.BUREAU},
    (S.VALID, S.EXPIRED): {A.SWEEP},
    (S.SUSPENDED, S.EXPIRED): {A.SWEEP},
}


def cert(status: CertificateStatus = S.VALID, **changes: object) -> dcert.Certificate:
    base = dcert.Certificate(
        id="c1",
        number="CITY-BUREAU-2026-000001",
        verification_code="ABCDEFGHJKLMNPQR",
        type_code="ZJ-YYZZ",
        type_name="营业执照",
        holder_account="applicant-wang",
        holder_name="王海燕",
        holder_identifier="330902199003151226",
        authority_code="CITY-BUREAU",
        authority_name="舟山市行政审批局",
        issued_on=date(2026, 1, 5),
        valid_until=date(2031, 1, 4),
        item_code="ZS-SCJG-001",
        item_name="食品经营许可(新办)",
        application_id="a1",
        sha256="0" * 64,
        blob_key="k",
        size=1,
        issued_by="bureau-sun",
        issued_at="2026-01-05T02:00:00+00:00",
        status=status,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_the_table_is_exactly_the_documented_one() -> None:
    assert {pair: set(who) for pair, who in TRANSITIONS.items()} == ALLOWED


@pytest.mark.parametrize(("current", "target"), list(product(S, S)))
def test_every_pair(current: CertificateStatus, target: CertificateStatus) -> None:
    """Allowed pairs succeed for exactly their actors; every other pair is refused with a specific
    code for everyone, and nothing changes."""
    record = cert(current)
    who = ALLOWED.get((current, target))
    if who is None:
        with pytest.raises(DomainError) as refused:
            dcert.check_transition(current, target, EVERYONE)
        assert refused.value.violations[0].code == CertCode.ILLEGAL_STATUS_TRANSITION
        return
    for actor in StatusActor:
        if actor in who:
            dcert.check_transition(current, target, frozenset({actor}))
            if actor not in {A.SWEEP, A.CORRECTION}:
                changed = dcert.change_status(record, target, frozenset({actor}), "依法处理", TODAY, NOW, "x")
                assert changed.status is target and changed.status_effective_on == TODAY
        else:
            with pytest.raises(DomainError) as forbidden:
                dcert.check_transition(current, target, frozenset({actor}))
            assert forbidden.value.violations[0].code == CertCode.FORBIDDEN


def test_reinstating_a_revoked_licence_is_refused() -> None:
    with pytest.raises(DomainError) as refused:
        dcert.change_status(cert(S.REVOKED), S.VALID, EVERYONE, "恢复", TODAY, NOW, "bureau-sun")
    assert [v.code for v in refused.value.violations] == [CertCode.ILLEGAL_STATUS_TRANSITION]
    assert "「吊销」变更为「有效」" in refused.value.violations[0].message


def test_all_problems_at_once() -> None:
    with pytest.raises(DomainError) as refused:
        dcert.change_status(cert(S.REVOKED), S.VALID, EVERYONE, " ", TODAY - timedelta(days=1), NOW, "x")
    assert {v.code for v in refused.value.violations} == {
        CertCode.ILLEGAL_STATUS_TRANSITION,
        CertCode.REASON_REQUIRED,
        CertCode.EFFECTIVE_DATE_PAST,
    }


def test_reasons_are_printable_and_bounded_and_dates_within_a_year_and_the_validity() -> None:
    def codes(reason: str, on: date = TODAY, licence: dcert.Certificate | None = None) -> list[str]:
        try:
            dcert.change_status(licence or cert(), S.SUSPENDED, frozenset({A.BUREAU}), reason, on, NOW, "b")
        except DomainError as refused:
            return [v.code for v in refused.violations]
        return []

    assert codes("撤销\u0000\u202e因为") == [CertCode.INVALID_CHARACTERS]
    assert codes("\u200b\u200b") == [CertCode.REASON_REQUIRED]
    assert codes("理" * (dcert.MAX_REASON + 1)) == [CertCode.REASON_TOO_LONG]
    assert codes("停业整顿\n第二行") == []  # line breaks are fine in a reason
    assert codes("停业整顿", TODAY + timedelta(days=dcert.MAX_EFFECTIVE_DAYS + 1)) == [CertCode.EFFECTIVE_DATE_TOO_LATE]
    ending = replace(cert(), valid_until=TODAY + timedelta(days=10))
    assert codes("停业整顿", TODAY + timedelta(days=11), ending) == [CertCode.EFFECTIVE_DATE_TOO_LATE]
    assert codes("停业整顿", TODAY + timedelta(days=10), ending) == []


def test_a_future_change_is_pending_until_its_day() -> None:
    later = TODAY + timedelta(days=3)
    pending = dcert.change_status(cert(), S.SUSPENDED, frozenset({A.BUREAU}), "停业整顿", later, NOW, "bureau-sun")
    assert pending.status is S.VALID and pending.pending_status is S.SUSPENDED
    assert pending.current_status(TODAY) is S.VALID and pending.current_status(later) is S.SUSPENDED
    assert dcert.apply_pending(pending, NOW) is None  # not yet due
    with pytest.raises(DomainError) as second:
        dcert.change_status(pending, S.CANCELLED, frozenset({A.BUREAU}), "注销", later, NOW, "bureau-sun")
    assert second.value.violations[0].code == CertCode.STATUS_CHANGE_PENDING
    applied = dcert.apply_pending(pending, NOW + timedelta(days=3))
    assert applied is not None and applied.status is S.SUSPENDED and applied.pending_status is None
    assert (applied.status_reason, applied.status_effective_on, applied.status_changed_by) == (
        "停业整顿",
        later,
        "bureau-sun",
    )


def test_a_pending_change_no_longer_possible_is_dropped() -> None:
    pending = cert(S.REVOKED, pending_status=S.SUSPENDED, pending_effective_on=TODAY, pending_reason="x")
    dropped = dcert.apply_pending(pending, NOW)
    assert dropped is not None and dropped.status is S.REVOKED and dropped.pending_status is None


def test_expiry_applies_to_valid_and_suspended_licences() -> None:
    ended = date(2026, 1, 1)
    assert cert(S.SUSPENDED, valid_until=ended).current_status(TODAY) is S.EXPIRED
    assert cert(S.REVOKED, valid_until=ended).current_status(TODAY) is S.REVOKED
    assert dcert.expire(cert(S.SUSPENDED, valid_until=ended), NOW).status is S.EXPIRED
    with pytest.raises(DomainError):
        dcert.expire(cert(S.REVOKED), NOW)


def test_a_correction_cancels_the_old_licence_and_points_to_the_new() -> None:
    old = dcert.supersede(cert(), "c2", "持证人名称有误", NOW)
    assert (old.status, old.superseded_by, old.status_reason) == (S.CANCELLED, "c2", "持证人名称有误")


def test_old_spellings_decode() -> None:
    assert S("valid") is S.VALID and S("revoked") is S.REVOKED and S("expired") is S.EXPIRED
    assert S("superseded") is S.CANCELLED
    with pytest.raises(ValueError):
        S("bogus")


def test_listed_statuses_are_every_status_a_decision_sets() -> None:
    assert S.VALID not in dcert.LISTED_STATUSES and {S.SUSPENDED, S.REVOKED} <= dcert.LISTED_STATUSES
    assert S.EXPIRED not in dcert.LISTED_STATUSES  # the payload carries the validity end
    assert len(dcert.LISTED_STATUSES) == 5 and S.EXPIRED in dcert.FINAL_STATUSES


def test_holder_code_types() -> None:
    assert dcert.holder_code_type("330902199003151226") == "111"
    assert dcert.holder_code_type("91350100M000100Y43") == "001"
    assert dcert.holder_code_type("R1234567") == "999"


def test_a_clerk_on_leave_does_not_hand_results_over() -> None:
    """seed 004 三(二): while A is on granted leave the backup holds the post, deliveries included."""
    from chalicelib.domain.identity import Principal, Role

    clerk = Principal("clerk-wu", frozenset({Role.CLERK}), centre_id=cert().centre_id or "zs-city", on_leave=True)
    with pytest.raises(DomainError) as refused:
        dcert.check_delivery_window(cert(), dcert.DeliveryMethod.WINDOW, clerk)
    assert [v.code for v in refused.value.violations] == [CertCode.ON_LEAVE]
    dcert.check_delivery_window(cert(), dcert.DeliveryMethod.WINDOW, replace(clerk, on_leave=False))


def _violations(call: object) -> list[str]:
    with pytest.raises(DomainError) as refused:
        assert callable(call)
        call()
    return sorted(v.code for v in refused.value.violations)


def test_a_scheduled_change_is_cancelled_before_its_day_by_whoever_may_schedule_it() -> None:
    later = TODAY + timedelta(days=3)
    bureau = frozenset({A.BUREAU})
    pending = dcert.change_status(cert(), S.SUSPENDED, bureau, "停业整顿", later, NOW, "bureau-sun")
    change_id = dcert.pending_change_id(pending)
    assert change_id and change_id == pending.pending_id
    # Who may schedule the pair may cancel it: a supervisor may not suspend, so may not cancel.
    assert _violations(
        lambda: dcert.cancel_pending(pending, change_id, frozenset({A.SUPERVISOR}), "撤回", NOW, "s")
    ) == [CertCode.FORBIDDEN]
    assert _violations(lambda: dcert.cancel_pending(pending, "other", bureau, "撤回", NOW, "b")) == [CertCode.NOT_FOUND]
    cancelled = dcert.cancel_pending(pending, change_id, bureau, " 整改完毕 ", NOW, "bureau-qian")
    assert cancelled is not None and cancelled.pending_status is None and cancelled.status is S.VALID
    (closed,) = cancelled.closed_changes
    assert (closed.id, closed.target, closed.effective_on, closed.reason, closed.scheduled_by) == (
        change_id,
        S.SUSPENDED,
        later,
        "停业整顿",
        "bureau-sun",
    )
    assert (closed.outcome, closed.closed_by, closed.note, closed.closed_at) == (
        dcert.ScheduledOutcome.CANCELLED,
        "bureau-qian",
        "整改完毕",
        NOW.isoformat(timespec="seconds"),
    )
    assert dcert.cancel_pending(cancelled, change_id, bureau, "撤回", NOW, "bureau-qian") is None  # a retry
    assert dcert.apply_pending(cancelled, NOW + timedelta(days=3)) is None  # the sweep has nothing to apply


def test_a_change_whose_day_came_or_that_was_dropped_is_not_cancelled() -> None:
    bureau = frozenset({A.BUREAU})
    tomorrow = TODAY + timedelta(days=1)
    pending = dcert.change_status(cert(), S.TRANSFERRED_OUT, bureau, "迁出", tomorrow, NOW, "bureau-sun")
    change_id = dcert.pending_change_id(pending)
    assert change_id is not None
    due = NOW + timedelta(days=1)  # in effect from its day, before the sweep records it
    assert _violations(lambda: dcert.cancel_pending(pending, change_id, bureau, "撤回", due, "b")) == [
        CertCode.STATUS_CHANGE_IN_EFFECT
    ]
    applied = dcert.apply_pending(pending, due)
    assert applied is not None and applied.closed_changes[0].outcome is dcert.ScheduledOutcome.APPLIED
    assert _violations(lambda: dcert.cancel_pending(applied, change_id, bureau, "撤回", due, "b")) == [
        CertCode.STATUS_CHANGE_IN_EFFECT
    ]
    revoked = dcert.revoke(pending, "依法吊销", NOW, "bureau-sun")  # an immediate change first: dropped
    assert revoked.pending_status is None and revoked.closed_changes[0].outcome is dcert.ScheduledOutcome.DROPPED
    assert _violations(lambda: dcert.cancel_pending(revoked, change_id, bureau, "撤回", NOW, "b")) == [
        CertCode.STATUS_CHANGE_NOT_PENDING
    ]


def test_a_change_scheduled_before_ids_is_named_by_its_day() -> None:
    later = TODAY + timedelta(days=2)
    old = cert(pending_status=S.SUSPENDED, pending_effective_on=later, pending_reason="x", pending_by="bureau-sun")
    assert dcert.pending_change_id(old) == f"d{later.isoformat()}"
    cancelled = dcert.cancel_pending(old, f"d{later.isoformat()}", frozenset({A.BUREAU}), "撤回", NOW, "b")
    assert cancelled is not None and cancelled.closed_changes[0].id == f"d{later.isoformat()}"


def test_holder_names_compare_as_at_filing() -> None:
    named = cert(holder_name="舟山海星(集团)有限公司")
    assert dcert.holder_named(named, " 舟山海星（集团）有限公司\u3000")
    assert dcert.holder_named(named, "舟山海星 (集团) 有限公司")
    assert not dcert.holder_named(named, "舟山海星集团有限公司")
    assert not dcert.holder_named(cert(), "  ") and dcert.holder_named(cert(), "王 海燕")


def test_a_licence_without_an_account_is_in_no_holders_list() -> None:
    """A window may file a case to the identity alone; its licence gets no `HOLDER#` index row (an
    empty account would put every such licence in one shared partition, listed by nobody)."""
    from chalicelib.storage.certificate_repository import CertificateRepository

    with_account = CertificateRepository._record(cert())
    assert (with_account.gsi1pk, with_account.gsi1sk) == ("HOLDER#applicant-wang", "2026-01-05T02:00:00+00:00#c1")
    without = CertificateRepository._record(cert(holder_account=""))
    assert (without.gsi1pk, without.gsi1sk) == (None, None)
