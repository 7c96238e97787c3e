"""Check characters of national identifiers: GB 11643 (resident ID) and GB 32100 (credit code)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.identifiers import (
    CREDIT_CODE_CHARSET,
    IdentifierKind,
    classify,
    credit_code_check_character,
    credit_code_problem,
    resident_id_check_character,
    resident_id_problem,
)

digits = st.text(alphabet="0123456789", min_size=1, max_size=1)
birthdays = st.dates(min_value=date(1900, 1, 1), max_value=date(2026, 12, 31))


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    area = draw(st.integers(110000, 829999))
    born = draw(birthdays)
    sequence = draw(st.integers(0, 999))
    first17 = f"{area}{born:%Y%m%d}{sequence:03d}"
    return first17 + resident_id_check_character(first17)


@st.composite
def credit_codes(draw: st.DrawFn) -> str:
    head = draw(st.text(alphabet=CREDIT_CODE_CHARSET, min_size=2, max_size=2))
    area = f"{draw(st.integers(110000, 829999))}"
    tail = draw(st.text(alphabet=CREDIT_CODE_CHARSET, min_size=9, max_size=9))
    first17 = head + area + tail
    return first17 + credit_code_check_character(first17)


def _mod11_2(first17: str) -> str:
    """ISO 7064 MOD 11-2 written out as the standard does: the check digit makes the weighted
    sum of all 18 positions (weights 2^(i) mod 11 from the right) congruent to 1."""
    for check in "0123456789X":
        value = 10 if check == "X" else int(check)
        total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(first17)) + value
        if total % 11 == 1:
            return check
    raise AssertionError("no check digit")


def test_known_examples_from_the_standards() -> None:
    assert resident_id_problem("11010519491231002X") is None  # GB 11643-1999's own example
    assert resident_id_problem("440524188001010014") is None  # born 1880: still a valid number
    assert credit_code_problem("91350100M000100Y43") is None  # GB 32100-2015's example
    assert classify("11010519491231002x") is IdentifierKind.RESIDENT_ID
    assert classify("91350100M000100Y43") is IdentifierKind.CREDIT_CODE
    assert classify("330902199001011234") is None  # the check digit is 8


@given(resident_ids())
def test_every_resident_id_with_its_check_digit_is_valid(value: str) -> None:
    assert resident_id_problem(value) is None
    assert value[17] == _mod11_2(value[:17])


@given(resident_ids(), st.integers(0, 16), st.integers(1, 9))
def test_a_changed_digit_of_a_resident_id_is_caught(value: str, position: int, delta: int) -> None:
    """MOD 11-2 catches every single-digit error (11 is prime and no weight is 0 mod 11)."""
    changed = value[:position] + str((int(value[position]) + delta) % 10) + value[position + 1 :]
    assert resident_id_problem(changed) is not None


@given(resident_ids(), st.integers(0, 15))
def test_a_transposition_in_a_resident_id_is_caught(value: str, position: int) -> None:
    a, b = value[position], value[position + 1]
    swapped = value[:position] + b + a + value[position + 2 :]
    if a != b:
        assert resident_id_problem(swapped) is not None


@given(birthdays.filter(lambda d: d < date(2026, 12, 31)))
def test_a_resident_id_needs_a_real_birth_date(born: date) -> None:
    first17 = f"330902{born:%Y%m}32001"  # day 32 never exists
    assert resident_id_problem(first17 + resident_id_check_character(first17)) == "出生日期不存在"
    ok = f"330902{born + timedelta(days=1):%Y%m%d}001"
    assert resident_id_problem(ok + resident_id_check_character(ok)) is None


@given(credit_codes())
def test_every_credit_code_with_its_check_character_is_valid(value: str) -> None:
    assert credit_code_problem(value) is None
    weights = [pow(3, i, 31) for i in range(17)]
    total = sum(CREDIT_CODE_CHARSET.index(c) * w for c, w in zip(value[:17], weights, strict=True))
    assert (total + CREDIT_CODE_CHARSET.index(value[17])) % 31 == 0


@given(credit_codes(), st.integers(0, 16), st.integers(1, 30))
def test_a_changed_character_of_a_credit_code_is_caught(value: str, position: int, delta: int) -> None:
    if 2 <= position < 8:  # the area code is digits only
        replacement = str((int(value[position]) + delta) % 10)
        if replacement == value[position]:
            return
    else:
        replacement = CREDIT_CODE_CHARSET[(CREDIT_CODE_CHARSET.index(value[position]) + delta) % 31]
    changed = value[:position] + replacement + value[position + 1 :]
    assert credit_code_problem(changed) is not None


@given(st.text(max_size=20))
def test_anything_else_is_neither(value: str) -> None:
    kind = classify(value)
    if kind is IdentifierKind.RESIDENT_ID:
        assert resident_id_problem(value.strip().upper()) is None
    elif kind is IdentifierKind.CREDIT_CODE:
        assert credit_code_problem(value.strip().upper()) is None


def test_letters_outside_the_charset_are_refused() -> None:
    for letter in "IOSVZ":
        value = "91350100M000100Y4" + letter
        assert credit_code_problem(value) is not None
