"""The national licence identifier (电子证照标识, GB/T 36904) of a certificate.

    1.2.156.3005.2.<licence type code>.<issuer USCC>.<serial>.<3-digit version>.<check character>

The root `1.2.156.3005.2` is the national e-licence OID arc; the issuer is the issuing bureau's
unified social credit code (GB 32100, checked with `stdnum.cn.uscc`); the serial is the bureau's
yearly number counter (`<year><6-digit sequence>`, the same counter as the human number, so it
costs no extra request); the version counts changes (变更) of one licence: a correction keeps the
serial and takes the next version. The check character is ISO 7064 MOD 37,36
(`stdnum.iso7064.mod_37_36`) over every character before it with the dot separators left out
(the alphabet of MOD 37,36 is 0-9A-Z, so type codes enter without their hyphens).

Parsing checks shape and check character before anything else, so a mistyped identifier is
refused (`INVALID_IDENTIFIER`) without a registry read. Plain Python: no storage, no GraphQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ROOT = "1.2.156.3005.2"
MAX_LENGTH = 120  # anything longer is not an identifier; refused before parsing
_COMPONENT = re.compile(r"[0-9A-Z]+")
_SERIAL = re.compile(r"[0-9]{1,20}")
_VERSION = re.compile(r"[0-9]{3}")


class IdentifierError(ValueError):
    """Why a string is not a well-formed licence identifier (the message is Chinese)."""


@dataclass(frozen=True)
class LicenceIdentifier:
    type_code: str  # the licence type code as it appears in the identifier (0-9A-Z)
    issuer_code: str  # the issuing body's unified social credit code
    serial: str
    version: int

    @property
    def body(self) -> str:
        return f"{ROOT}.{self.type_code}.{self.issuer_code}.{self.serial}.{self.version:03d}"

    @property
    def check(self) -> str:
        return check_character(self.body)

    def __str__(self) -> str:
        return f"{self.body}.{self.check}"

    def next_version(self) -> LicenceIdentifier:
        """The identifier of the changed licence (变更): same serial, next version."""
        if self.version >= 999:
            raise IdentifierError("电子证照标识版本号已达上限")
        return LicenceIdentifier(self.type_code, self.issuer_code, self.serial, self.version + 1)


def check_character(body: str) -> str:
    """The ISO 7064 MOD 37,36 check character of an identifier body (separators left out).
    python-stdnum is imported on first use: its `stdnum.util` pulls in pydoc and ssl, which a
    cold start that never touches an identifier should not pay for."""
    from stdnum.iso7064 import mod_37_36

    return str(mod_37_36.calc_check_digit(body.replace(".", "")))


def identifier_type_code(type_code: str) -> str:
    """A catalogue certificate type code (e.g. ZJ-YYZZ) as the identifier's component (ZJYYZZ)."""
    code = re.sub(r"[^0-9A-Za-z]", "", type_code).upper()
    if not code:
        raise IdentifierError("证照类型代码不能为空")
    return code


def valid_issuer_code(code: str) -> bool:
    """Is `code` a check-valid unified social credit code (GB 32100)?"""
    from stdnum.cn import uscc
    from stdnum.exceptions import ValidationError

    try:
        uscc.validate(code)
    except ValidationError:
        return False
    return True


def new_identifier(type_code: str, issuer_code: str, year: int, sequence: int) -> LicenceIdentifier:
    """A first-version identifier for a newly issued licence."""
    if not valid_issuer_code(issuer_code):
        raise IdentifierError("发证机关统一社会信用代码无效")
    return LicenceIdentifier(identifier_type_code(type_code), issuer_code, f"{year}{sequence:06d}", 1)


def parse(value: str) -> LicenceIdentifier:
    """The identifier `value` spells, or IdentifierError: shape first, then the check character,
    then the issuer's own GB 32100 check. Never reads anything."""
    text = value.strip().upper()
    if len(text) > MAX_LENGTH or not text.startswith(ROOT + "."):
        raise IdentifierError(f"电子证照标识应以{ROOT}开头")
    parts = text[len(ROOT) + 1 :].split(".")
    if len(parts) != 5:
        raise IdentifierError("电子证照标识应由类型代码、发证机关代码、流水号、版本号和校验位组成")
    type_code, issuer, serial, version, check = parts
    if not (_COMPONENT.fullmatch(type_code) and _SERIAL.fullmatch(serial) and _VERSION.fullmatch(version)):
        raise IdentifierError("电子证照标识格式错误")
    if len(check) != 1 or not _COMPONENT.fullmatch(check):
        raise IdentifierError("电子证照标识校验位格式错误")
    body = text[: -len(check) - 1]
    if check_character(body) != check:
        raise IdentifierError("电子证照标识校验位错误,请核对后重新输入")
    if not valid_issuer_code(issuer):
        raise IdentifierError("电子证照标识中的发证机关统一社会信用代码无效")
    return LicenceIdentifier(type_code, issuer, serial, int(version))
