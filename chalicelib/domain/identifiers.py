"""National identifiers: resident ID numbers (GB 11643) and unified social credit codes (GB 32100).

Pure functions, no state: the application form checks ID fields with them, and the identity
registry (a separate module) can use the same checks. Each `*_problem` returns None for a valid
value or a short Chinese reason, so callers can put it into their own error.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

# GB 11643-1999: 6-digit area code, 8-digit birth date, 3-digit sequence, check character
# (ISO 7064 MOD 11-2; 10 is written X).
_RESIDENT_ID = re.compile(r"^[1-9][0-9]{16}[0-9X]$")
_RESIDENT_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
_RESIDENT_CHECK = "10X98765432"

# GB 32100-2015: registration department (1), organisation type (1), area code (6), organisation
# code (9, GB 11714's own check character last), check character (MOD 31 over the 30-character set).
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
_CREDIT_CODE = re.compile(r"^[0-9A-HJ-NP-RTUW-Y]{2}[0-9]{6}[0-9A-HJ-NP-RTUW-Y]{10}$")
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


class IdentifierKind(StrEnum):
    RESIDENT_ID = "resident_id"  # 居民身份证号码: a natural person
    CREDIT_CODE = "credit_code"  # 统一社会信用代码: a legal person or other organisation


def resident_id_check_character(first17: str) -> str:
    """ISO 7064 MOD 11-2 over the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _RESIDENT_WEIGHTS, strict=True))
    return _RESIDENT_CHECK[total % 11]


def credit_code_check_character(first17: str) -> str:
    """GB 32100's weighted MOD 31 over the first 17 characters."""
    total = sum(CREDIT_CODE_CHARSET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def resident_id_problem(value: str) -> str | None:
    """None when `value` is a well-formed 18-character resident ID with a real birth date."""
    if not _RESIDENT_ID.match(value):
        return "须为18位,前17位为数字,最后一位为数字或X"
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "出生日期不存在"
    if resident_id_check_character(value[:17]) != value[17]:
        return "校验码不正确"
    return None


def credit_code_problem(value: str) -> str | None:
    """None when `value` is a well-formed 18-character unified social credit code."""
    if not _CREDIT_CODE.match(value):
        return "须为18位数字或大写字母(不含I、O、S、V、Z)"
    if credit_code_check_character(value[:17]) != value[17]:
        return "校验码不正确"
    return None


def classify(value: str) -> IdentifierKind | None:
    """Which kind of valid identifier `value` is (None if neither). Every 18-digit string that
    passes both checks reads as a resident ID; the two checks almost never agree by chance."""
    normalised = value.strip().upper()
    if resident_id_problem(normalised) is None:
        return IdentifierKind.RESIDENT_ID
    if credit_code_problem(normalised) is None:
        return IdentifierKind.CREDIT_CODE
    return None
