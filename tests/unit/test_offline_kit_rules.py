"""用证事由 and the offline kit's domain rules (issue 13 point 7; DESIGN "National licence references")."""

from __future__ import annotations

import pytest

from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import ANONYMOUS, Principal, Role
from chalicelib.domain.offline_kit import (
    MAX_REASON_FOR_USE,
    check_reason_for_use,
    mask_caller,
    needs_reason_for_use,
)


def _codes(value: str | None, required: bool = True) -> list[str]:
    with pytest.raises(DomainError) as caught:
        check_reason_for_use(value, required=required)
    return [v.code for v in caught.value.violations]


def test_reason_for_use_at_most_200_clean_characters_every_problem_at_once() -> None:
    assert check_reason_for_use("  银行开户核验 ", required=True) == "银行开户核验"
    assert check_reason_for_use("字" * MAX_REASON_FOR_USE, required=True) == "字" * 200
    assert check_reason_for_use(None, required=False) == ""
    assert _codes(None) == _codes("   ") == ["REASON_FOR_USE_REQUIRED"]
    assert _codes("\u200b") == ["REASON_FOR_USE_REQUIRED", "INVALID_CHARACTERS"]
    assert _codes("字" * 201 + "\x1b", required=False) == ["REASON_FOR_USE_TOO_LONG", "INVALID_CHARACTERS"]
    assert _codes("\ufffd\ufffd核验") == ["INVALID_CHARACTERS"]  # bytes that were not UTF-8 (?reasonForUse=%FF%FE)


def test_third_parties_state_a_reason_holder_and_staff_need_not() -> None:
    holder = Principal("applicant-wang", frozenset({Role.APPLICANT}))
    assert needs_reason_for_use(ANONYMOUS, "applicant-wang")
    assert needs_reason_for_use(Principal("company-haixing", frozenset({Role.APPLICANT})), "applicant-wang")
    assert not needs_reason_for_use(holder, "applicant-wang")
    assert not needs_reason_for_use(Principal("sup", frozenset({Role.SUPERVISOR})), "applicant-wang")


def test_callers_are_masked_for_the_holder() -> None:
    assert mask_caller("203.0.113.7") == "203.0.*.*"
    assert mask_caller("2001:db8::1") == "2001:db8:*"
    assert mask_caller("applicant-wang") == "a******g"
    assert mask_caller("anonymous") == mask_caller("") == "匿名"
    assert mask_caller("ab") == "a*"
