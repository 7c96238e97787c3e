"""Check digits of resident ID numbers (GB 11643, ISO 7064 MOD 11-2) and unified social credit
codes (GB 32100): published examples, and hypothesis properties (a valid number stays valid; any
single changed character or swapped neighbours is caught, as the two schemes promise)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.identifiers import (
    USCC_ALPHABET,
    credit_code_check,
    resident_id_check,
    validate_credit_code,
    validate_resident_id,
)


def test_published_examples() -> None:
    assert validate_resident_id("11010519491231002X") is None  # GB 11643's own example
    assert validate_credit_code("91350100M000100Y43") is None
    assert validate_credit_code("91110000600037341L") is None


def test_specific_problems() -> None:
    assert validate_resident_id("11010519491231002Y") == "身份证号码应为18位,前17位为数字,末位为数字或X"
    assert validate_resident_id("110105194912310021") == "身份证号码校验码错误"
    assert validate_resident_id("110105194902300020") == "身份证号码中的出生日期无效"  # 30 February
    assert validate_resident_id("110105203001010020", today=date(2026, 1, 1)) == "身份证号码中的出生日期无效"
    assert validate_resident_id("990105194912310022") == "身份证号码中的行政区划代码无效"
    assert validate_credit_code("91350100M000100Y4I") is not None  # I is not in the alphabet
    assert validate_credit_code("91350100M000100Y44") == "统一社会信用代码校验码错误"
    assert validate_credit_code("91990100M000100Y43") == "统一社会信用代码中的行政区划代码无效"


BIRTHS = st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31))
REGIONS = st.sampled_from(["110105", "330902", "330903", "440300", "650102"])


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    body = draw(REGIONS) + draw(BIRTHS).strftime("%Y%m%d") + f"{draw(st.integers(0, 999)):03d}"
    return body + resident_id_check(body)


@st.composite
def credit_codes(draw: st.DrawFn) -> str:
    head = draw(st.sampled_from(["91", "92", "11", "12", "51", "52", "Y1"]))
    rest = "".join(draw(st.lists(st.sampled_from(USCC_ALPHABET), min_size=9, max_size=9)))
    body = head + draw(REGIONS) + rest
    return body + credit_code_check(body)


@given(resident_ids(), st.integers(0, 17), st.integers(1, 10))
def test_resident_id_check_catches_any_single_change(number: str, position: int, shift: int) -> None:
    assert validate_resident_id(number) is None
    symbols = "0123456789X" if position == 17 else "0123456789"
    changed = symbols[(symbols.index(number[position]) + shift) % len(symbols)]
    if changed == number[position]:
        return
    wrong = number[:position] + changed + number[position + 1 :]
    assert validate_resident_id(wrong) is not None


@given(resident_ids(), st.integers(0, 16))
def test_resident_id_check_catches_swapped_neighbours(number: str, position: int) -> None:
    a, b = number[position], number[position + 1]
    if a == b:
        return
    swapped = number[:position] + b + a + number[position + 2 :]
    assert validate_resident_id(swapped) is not None


@given(credit_codes(), st.integers(0, 17), st.integers(1, 30))
def test_credit_code_check_catches_any_single_change(code: str, position: int, shift: int) -> None:
    assert validate_credit_code(code) is None
    changed = USCC_ALPHABET[(USCC_ALPHABET.index(code[position]) + shift) % 31]
    wrong = code[:position] + changed + code[position + 1 :]
    assert validate_credit_code(wrong) is not None


@given(BIRTHS)
def test_birth_date_must_exist(born: date) -> None:
    body = "330902" + born.strftime("%Y%m%d") + "001"
    assert validate_resident_id(body + resident_id_check(body)) is None
    assert validate_resident_id(body + resident_id_check(body), today=born - timedelta(days=1)) is not None


def test_classify_tells_persons_from_organisations() -> None:
    """Conditional materials (legal vs natural person) ask which kind an applicant's identifier is."""
    from chalicelib.domain.identifiers import IdentifierKind, classify

    assert classify("11010519491231002x") is IdentifierKind.RESIDENT_ID  # GB 11643-1999's own example
    assert classify("91350100M000100Y43") is IdentifierKind.CREDIT_CODE  # GB 32100-2015's example
    assert classify("330902199001011234") is None  # the check digit is 8
