"""When an archival time-stamp is renewed (domain/archival_timestamp.py, issue 13 point 6)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from chalicelib.domain import archival_timestamp as dts
from chalicelib.domain.audit import EventAction


def test_margin_days_defaults_and_bounds() -> None:
    assert dts.margin_days(None) == dts.margin_days("") == dts.margin_days("abc") == 180
    assert dts.margin_days("30") == 30
    assert dts.margin_days("0") == 1 and dts.margin_days("-5") == 1
    assert dts.margin_days("99999") == dts.MAX_MARGIN_DAYS


def test_due_when_the_expiry_is_within_the_margin() -> None:
    today = date(2026, 12, 6)
    cutoff = dts.renewal_cutoff(today, 180)
    assert cutoff == date(2027, 6, 4)
    assert date(2027, 6, 4) <= cutoff < date(2035, 1, 1)


def test_a_renewal_counts_only_if_the_new_time_stamp_outlives_the_old() -> None:
    old = date(2035, 1, 1)
    assert dts.extends(old, date(2044, 1, 1))
    assert not dts.extends(old, old)  # the same TSA certificate: nothing gained
    assert not dts.extends(old, date(2030, 1, 1)) and not dts.extends(old, None)


def test_the_renewal_is_a_system_event_in_the_case_trail_chained_to_the_last() -> None:
    from tests.unit.test_application_rules import filed

    case = filed()
    now = datetime(2026, 12, 6, 1, 2, 3, tzinfo=UTC)
    transition = dts.record_renewal(case, now, "ZS-2026-000001", date(2035, 1, 1), date(2044, 1, 1), "ab" * 32)
    event = transition.event
    assert event.action == EventAction.RETIMESTAMP_CERTIFICATE == dts.ACTION
    assert event.seq == case.events + 1 and event.prev_hash == case.last_hash and event.actor == "system"
    assert event.from_state == event.to_state == case.state.value  # the case does not move
    assert "2035-01-01" in event.reason and "2044-01-01" in event.reason and "ZS-2026-000001" in event.reason
    assert transition.case.events == event.seq and transition.case.last_hash == event.hash
    assert transition.case.state is case.state
