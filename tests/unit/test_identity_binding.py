"""Binding codes: single use, short-lived, five wrong tries, and only a digest kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain import identity_binding as dib
from chalicelib.domain.errors import DomainError

NOW = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)


def test_a_code_matches_its_own_account_until_it_expires_or_is_used() -> None:
    code, record = dib.issue("acct-1", NOW, minutes=3)
    assert len(code) == dib.DIGITS and code.isdigit() and code not in record.digest
    assert dib.matches(record, "acct-1", code, NOW + timedelta(minutes=2))
    assert dib.matches(record, "acct-1", f" {code} ", NOW)  # as typed, with stray spaces
    assert not dib.matches(record, "acct-2", code, NOW)  # another account's code
    assert not dib.matches(record, "acct-1", code, NOW + timedelta(minutes=3))  # lapsed
    assert not dib.matches(dib.redeemed(record), "acct-1", code, NOW)  # single use
    assert not dib.matches(None, "acct-1", code, NOW)


def test_five_wrong_tries_kill_a_code() -> None:
    code, record = dib.issue("acct-1", NOW)
    for _ in range(dib.MAX_ATTEMPTS - 1):
        record = dib.missed(record)
    assert dib.matches(record, "acct-1", code, NOW)
    assert not dib.matches(dib.missed(record), "acct-1", code, NOW)


@pytest.mark.parametrize("minutes", [0, dib.MAX_MINUTES + 1, -5])
def test_validity_is_between_one_and_ten_minutes(minutes: int) -> None:
    with pytest.raises(DomainError) as refused:
        dib.issue("acct-1", NOW, minutes)
    assert refused.value.violations[0].code == dib.BindingCodeError.OUT_OF_RANGE
