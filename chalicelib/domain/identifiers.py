"""Check digits of the national identifiers applicants are known by (pure functions).

* GB 11643 resident identity number: 6-digit region code, 8-digit birth date, 3-digit sequence,
  and a check character by ISO 7064 MOD 11-2 (weights 2^(17-i) mod 11; 10 is written "X").
* GB 32100 unified social credit code: 18 characters from 0-9 and the capitals without I, O, S,
  V, Z; registration authority and kind (2), a 6-digit region code, a 9-character organisation
  code, and a check character: 31 - (sum of value x weight mod 31), 31 written as 0.

`validate_resident_id` and `validate_credit_code` return the problem in Chinese, or None.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
ID_CHECK = "10X98765432"  # index: sum mod 11
_ID_SHAPE = re.compile(r"[1-9]\d{16}[\dX]")

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_SHAPE = re.compile(r"[0-9A-HJ-NP-RTUWXY]{2}\d{6}[0-9A-HJ-NP-RTUWXY]{10}")


class IdentifierKind(StrEnum):
    RESIDENT_ID = "resident_id"  # 居民身份证号码: a natural person
    CREDIT_CODE = "credit_code"  # 统一社会信用代码: a legal person or other organisation


def resident_id_check(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def credit_code_check(first17: str) -> str:
    """The GB 32100 check character of the first 17 characters."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_resident_id(value: str, today: date | None = None) -> str | None:
    """None if `value` is a well-formed resident identity number, else why not (Chinese)."""
    if not _ID_SHAPE.fullmatch(value):
        return "身份证号码应为18位,前17位为数字,末位为数字或X"
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "身份证号码中的出生日期无效"
    if born.year < 1900 or (today is not None and born > today):
        return "身份证号码中的出生日期无效"
    if value[:2] not in _PROVINCES:
        return "身份证号码中的行政区划代码无效"
    if resident_id_check(value[:17]) != value[17]:
        return "身份证号码校验码错误"
    return None


def validate_credit_code(value: str) -> str | None:
    """None if `value` is a well-formed unified social credit code, else why not (Chinese)."""
    if not _USCC_SHAPE.fullmatch(value):
        return "统一社会信用代码应为18位数字或大写字母(不含I、O、S、V、Z)"
    if value[2:4] not in _PROVINCES:
        return "统一社会信用代码中的行政区划代码无效"
    if credit_code_check(value[:17]) != value[17]:
        return "统一社会信用代码校验码错误"
    return None


def classify(value: str) -> IdentifierKind | None:
    """Which kind of valid identifier `value` is (None if neither): a material that applies only
    to legal or natural persons asks this. An 18-digit string passing both checks reads as a
    resident ID; the two checks almost never agree by chance."""
    normalised = value.strip().upper()
    if validate_resident_id(normalised) is None:
        return IdentifierKind.RESIDENT_ID
    if validate_credit_code(normalised) is None:
        return IdentifierKind.CREDIT_CODE
    return None


# GB/T 2260 province-level codes (the region code's first two digits).
_PROVINCES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    ]
)
