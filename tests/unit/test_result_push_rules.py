"""Result push and inspection rules (审管联动, seed 002 (九)(十一)), without storage."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from chalicelib.domain import catalogue as dc
from chalicelib.domain import inspection as din
from chalicelib.domain.certificate import Certificate, mask_name
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.result_push import PushAction, result_push
from tests.factories import DEPARTMENTS, elements

NOW = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)  # 10:00 in China on 2026-11-10

CERT = Certificate(
    id="c1",
    number="CITY-BUREAU-2026-000001",
    verification_code="CODE",
    type_code="JSGCGHXKZ",
    type_name="建设工程规划许可证",
    holder_account="applicant-wang",
    holder_name="王海燕",
    holder_identifier="330902199001011234",
    authority_code="CITY-BUREAU",
    authority_name="舟山市行政审批局",
    issued_on=date(2026, 11, 2),
    valid_until=None,
    item_code="ZS-ZRZY-001",
    item_name="建设工程规划许可证核发",
    application_id="a1",
    sha256="0" * 64,
    blob_key="k",
    size=1,
    issued_by="bureau-sun",
    issued_at="2026-11-02T02:00:00+00:00",
    supervising_department_id="nr",
    issuer_department_id="city-bureau",
)


def staff(role: Role, department: str) -> Principal:
    return Principal(f"{role.value}-{department}", frozenset({role}), department_id=department, centre_id="city")


def test_seed002_supervising_department_defaults_to_the_owner_and_must_exist() -> None:
    assert elements().effective_supervising_department_id == "nr"
    assert elements(supervising_department_id="dh-market").effective_supervising_department_id == "dh-market"
    dc.validate_elements(elements(supervising_department_id="dh-market"), DEPARTMENTS)
    with pytest.raises(DomainError) as error:
        dc.validate_elements(elements(supervising_department_id="nowhere"), DEPARTMENTS)
    assert [(v.field, v.code) for v in error.value.violations] == [
        ("elements.supervisingDepartmentId", dc.CatalogueCode.UNKNOWN_DEPARTMENT)
    ]


def test_seed002_push_id_derives_from_certificate_and_action() -> None:
    """One certificate event, one message: a retry can never push it twice."""
    issued = result_push(CERT, PushAction.ISSUED, "nr", "2026-11-02T02:00:00+00:00")
    retried = result_push(CERT, PushAction.ISSUED, "nr", "2026-11-02T02:05:00+00:00")
    revoked = result_push(CERT, PushAction.REVOKED, "nr", "2026-11-02T02:05:00+00:00")
    assert issued.id == retried.id != revoked.id
    assert issued.recipients == ("department:nr",)
    assert issued.data["holderName"] == mask_name("王海燕") and "王海燕" not in str(issued)


def test_who_may_record_and_read() -> None:
    assert din.may_record(staff(Role.REVIEWER, "nr"), "nr")
    assert din.may_record(staff(Role.APPROVER, "nr"), "nr")
    assert din.may_record(staff(Role.SUPERVISOR, "service-office"), "nr")
    assert not din.may_record(staff(Role.REVIEWER, "housing"), "nr")
    assert not din.may_record(staff(Role.CLERK, "nr"), "nr")
    assert not din.may_record(staff(Role.BUREAU, "city-bureau"), "nr")
    assert din.may_read(staff(Role.BUREAU, "city-bureau"), "nr", "city-bureau")
    assert din.may_read(staff(Role.CLERK, "nr"), "nr", "city-bureau")
    assert not din.may_read(staff(Role.REVIEWER, "housing"), "nr", "city-bureau")
    assert not din.may_read(Principal("applicant-wang", frozenset({Role.APPLICANT})), "nr", "city-bureau")


def _record(**changes: object) -> din.Inspection:
    values: dict[str, object] = {
        "actor": staff(Role.REVIEWER, "nr"),
        "inspected_on": date(2026, 11, 9),
        "outcome": din.InspectionOutcome.SERIOUS_VIOLATION,
        "findings": "  擅自改变用途  ",
    }
    values.update(changes)
    return din.record("i1", CERT, "nr", "city-bureau", now=NOW, **values)  # type: ignore[arg-type]


def test_seed002_a_serious_violation_limits_the_holder_and_is_copied_back() -> None:
    inspection = _record()
    assert inspection.findings == "擅自改变用途" and inspection.limits_holder
    assert not replace(inspection, outcome=din.InspectionOutcome.DEFICIENT).limits_holder
    copy = din.copy_back(inspection)
    assert copy.recipients == ("department:city-bureau",) and copy.data["outcome"] == "serious_violation"
    assert "CITY-BUREAU-2026-000001" in din.credit_detail(inspection)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"inspected_on": date(2026, 11, 11)}, [("inspectedOn", "OUT_OF_RANGE")]),
        ({"inspected_on": date(2026, 11, 1)}, [("inspectedOn", "OUT_OF_RANGE")]),
        ({"findings": " "}, [("findings", "REQUIRED")]),
        ({"findings": "x" * 2001}, [("findings", "TOO_LONG")]),
        (
            {"findings": "", "inspected_on": date(2027, 1, 1)},
            [("findings", "REQUIRED"), ("inspectedOn", "OUT_OF_RANGE")],
        ),
        ({"actor": staff(Role.REVIEWER, "housing")}, [("certificateId", "NOT_FOUND")]),
    ],
)
def test_bad_inspections_are_refused(changes: dict[str, object], expected: list[tuple[str, str]]) -> None:
    with pytest.raises(DomainError) as error:
        _record(**changes)
    assert [(v.field, v.code) for v in error.value.violations] == expected


def test_inspection_on_the_day_of_issue_and_today_are_allowed() -> None:
    assert _record(inspected_on=CERT.issued_on).inspected_on == CERT.issued_on
    assert _record(inspected_on=date(2026, 11, 10), findings="x" * 2000).inspected_on == date(2026, 11, 10)
