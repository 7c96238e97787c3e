"""The GB/T 36904 licence identifier: known-good values computed by python-stdnum (ISO 7064
MOD 37,36 and the GB 32100 credit code check), a wrong check character, malformed strings."""

from __future__ import annotations

import pytest
from stdnum.iso7064 import mod_37_36

from chalicelib.domain import licence_identifier as li

BUREAU = "113309000026140576"  # 舟山市行政审批局 in the seed catalogue


def test_new_identifier_and_its_check_character_come_from_stdnum() -> None:
    ident = li.new_identifier("ZJ-YYZZ", BUREAU, 2026, 1)
    body = f"1.2.156.3005.2.ZJYYZZ.{BUREAU}.2026000001.001"
    assert ident.body == body
    assert str(ident) == f"{body}.{mod_37_36.calc_check_digit(body.replace('.', ''))}"
    assert mod_37_36.is_valid(str(ident).replace(".", ""))
    assert li.parse(str(ident)) == ident
    assert li.parse(" " + str(ident).lower() + " ") == ident  # case and spaces do not matter


def test_a_correction_keeps_the_serial_and_takes_the_next_version() -> None:
    ident = li.new_identifier("ZJ-YYZZ", BUREAU, 2026, 7)
    changed = ident.next_version()
    assert (changed.serial, changed.version) == (ident.serial, 2)
    assert str(changed).split(".")[-2] == "002" and li.parse(str(changed)) == changed


def test_wrong_check_character_is_refused() -> None:
    good = str(li.new_identifier("ZJ-YYZZ", BUREAU, 2026, 1))
    wrong = next(c for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c != good[-1])
    with pytest.raises(li.IdentifierError, match="校验位错误"):
        li.parse(good[:-1] + wrong)


def test_a_changed_character_in_the_body_is_caught_by_the_check() -> None:
    good = str(li.new_identifier("ZJ-YYZZ", BUREAU, 2026, 1))
    tampered = good.replace("2026000001", "2026000002")
    with pytest.raises(li.IdentifierError, match="校验位错误"):
        li.parse(tampered)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "not an identifier",
        "1.2.156.3005.2",
        "1.2.156.3005.2.ZJYYZZ.113309000026140576.2026000001.001",  # no check character
        "1.2.156.3005.2.ZJ-YYZZ.113309000026140576.2026000001.001.X",  # hyphen in a component
        "1.2.156.3005.2.ZJYYZZ.113309000026140576.2026000001.1.X",  # version not 3 digits
        "1.2.156.3005.2.ZJYYZZ.113309000026140576.20260000A1.001.X",  # serial not digits
        "1.2.156.3005.2.ZJYYZZ.113309000026140576.2026000001.001.XY",
        "1.2.156.3005.3.ZJYYZZ.113309000026140576.2026000001.001.X",  # another root
        "1.2.156.3005.2." + "A" * 200,
    ],
)
def test_malformed_identifiers_are_refused(value: str) -> None:
    with pytest.raises(li.IdentifierError):
        li.parse(value)


def test_issuer_must_be_a_check_valid_credit_code() -> None:
    with pytest.raises(li.IdentifierError, match="统一社会信用代码"):
        li.new_identifier("ZJ-YYZZ", BUREAU[:-1] + "7", 2026, 1)
    body = f"1.2.156.3005.2.ZJYYZZ.{BUREAU[:-1]}7.2026000001.001"  # check char right, USCC wrong
    with pytest.raises(li.IdentifierError, match="统一社会信用代码"):
        li.parse(f"{body}.{li.check_character(body)}")
