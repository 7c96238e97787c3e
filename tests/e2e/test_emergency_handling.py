"""Emergency first handling (先予办理), through `/graphql` only.

Seed 004 二(三): 「对情况紧急,按部就班就会造成损失的事项,在不违背法律法规规定的前提下,可先予办理,事后再补办
完善相关手续」. The follow-up deadline is watched by the hourly sweep: a yellow warning before it, then
a red one, a credit record of the applicant and a violation of the lead department when missed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.conftest import Api, CallCounter, Clock
from tests.lifecycle_desk import MONDAY, Desk, gid, run_sweep

ITEM = "ZS-SCJG-001"  # city-market; M01..M03 primary, M04, M05 secondary (M06 only for an agent)
AUTHORISE = """mutation($input: ApplicationEmergencyAuthoriseInput!) { applicationEmergencyAuthorise(input: $input) {
  application { id state acceptedOn tasks { role status } pledge { materialCodes dueOn status }
    emergency { reason legalBasis materialCodes dueOn authorisedBy } }
  userErrors { field code message } } }"""
URGENT = {
    "reason": "冷链食品即将到港,延误将造成重大损失",
    "legalBasis": "《食品经营许可和备案管理办法》第二十一条",
    "materialCodes": ["M01", "M04"],
    "dueOn": "2026-11-09",
}


@pytest.fixture
def desk(api: Api, clock: Clock) -> Desk:
    clock.set_china(MONDAY)
    return Desk(api)


def _authorise(desk: Desk, case_id: str, value: dict[str, Any], as_: str = "supervisor-fang") -> dict[str, Any]:
    body = desk.api.gql(AUTHORISE, {"input": {"id": case_id, **value}}, as_=as_)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["applicationEmergencyAuthorise"]
    return payload


def _notifications(desk: Desk, who: str) -> list[str]:
    body = desk.api.gql("{ notifications(first: 20) { nodes { kind title } } }", as_=who)
    assert "errors" not in body, body
    return [n["title"] for n in body["data"]["notifications"]["nodes"]]


def test_seed004_emergency_case_handled_first_and_followed_up_in_time(desk: Desk) -> None:
    filed = desk.file(ITEM, omit=("M01", "M04"))
    assert desk.refused("applicationAccept", {"id": filed["id"]}, as_="clerk-li") == ["MATERIALS_INCOMPLETE"]
    events = len(desk.timeline(filed["id"]))

    bad = _authorise(
        desk, filed["id"], {**URGENT, "reason": " ", "legalBasis": "", "materialCodes": ["M04"], "dueOn": "2026-11-02"}
    )
    assert bad["application"] is None
    assert [(e["field"], e["code"]) for e in bad["userErrors"]] == [
        ("reason", "REASON_REQUIRED"),
        ("legalBasis", "LEGAL_BASIS_REQUIRED"),
        ("materialCodes", "FOLLOW_UP_MISMATCH"),
        ("dueOn", "PLEDGE_IN_PAST"),
    ]
    assert all(e["message"] for e in bad["userErrors"])
    assert len(desk.timeline(filed["id"])) == events  # nothing written
    # Only a supervisor authorises it.
    body = desk.api.gql(AUTHORISE, {"input": {"id": filed["id"], **URGENT}}, as_="clerk-li")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    done = _authorise(desk, filed["id"], URGENT)
    assert done["userErrors"] == []
    case = done["application"]
    assert (case["state"], case["acceptedOn"]) == ("IN_REVIEW", "2026-11-02")
    assert [t["status"] for t in case["tasks"]] == ["OPEN"]
    assert case["pledge"] == {"materialCodes": ["M01", "M04"], "dueOn": "2026-11-09", "status": "OPEN"}
    assert case["emergency"] == {**URGENT, "authorisedBy": "supervisor-fang"}
    # The applicant sees what must follow and by when (not who authorised it).
    seen = desk.api.gql(
        "query($id: ID!) { application(id: $id) { emergency { materialCodes dueOn } } }",
        {"id": filed["id"]},
        as_="applicant-wang",
    )["data"]["application"]["emergency"]
    assert seen == {"materialCodes": ["M01", "M04"], "dueOn": "2026-11-09"}

    # The applicant follows up in time: the pledge is settled, nothing else happens.
    supplied = desk.upload(ITEM, ["M01", "M04"], as_="applicant-wang")
    after = desk.ok("applicationSupplement", {"id": filed["id"], "materials": supplied}, as_="applicant-wang")
    assert after["pledge"]["status"] == "FULFILLED"
    assert after["missingMaterialCodes"] == []


def test_seed004_emergency_follow_up_missed_gives_warnings_a_credit_record_and_a_violation(
    desk: Desk, clock: Clock
) -> None:
    filed = desk.file(ITEM, omit=("M01", "M04"))
    _authorise(desk, filed["id"], {**URGENT, "dueOn": "2026-11-05"})
    clock.set_china(date(2026, 11, 3))  # 2 working days before the 5th
    assert run_sweep()["warning_yellow"] == 1
    assert any("黄牌预警" in t for t in _notifications(desk, "applicant-wang"))
    assert any("黄牌预警" in t for t in _notifications(desk, "supervisor-fang"))

    clock.set_china(date(2026, 11, 6))
    assert run_sweep()["pledge_broken"] == 1
    case = desk.read(filed["id"])
    assert case["pledge"]["status"] == "BROKEN"
    assert any("红牌警告" in t for t in _notifications(desk, "applicant-wang"))
    body = desk.api.gql(
        "query($d: ID) { violationLedger(year: 2026, departmentId: $d, first: 10) { nodes { kind applicationId } } }",
        {"d": gid("Department", "city-market")},
        as_="supervisor-fang",
    )
    assert body["data"]["violationLedger"]["nodes"] == [
        {"kind": "EMERGENCY_FOLLOW_UP_MISSED", "applicationId": filed["id"]}
    ]
    # The credit record bars the applicant from deficiency acceptance.
    other = desk.file(ITEM, omit=("M04",))
    deficiency = {"id": other["id"], "missingMaterialCodes": ["M04"], "pledgeDueOn": "2026-11-13"}
    assert desk.refused("applicationAcceptWithDeficiency", deficiency, as_="clerk-li") == ["CREDIT_DEFAULT"]


def test_emergency_needs_missing_materials_and_a_due_date_within_the_statutory_limit(desk: Desk) -> None:
    complete = desk.file(ITEM)
    errors = _authorise(desk, complete["id"], {**URGENT, "materialCodes": []})["userErrors"]
    assert [e["code"] for e in errors] == ["FOLLOW_UP_MISMATCH"]
    filed = desk.file(ITEM, omit=("M01",))
    late = _authorise(desk, filed["id"], {**URGENT, "materialCodes": ["M01"], "dueOn": "2027-06-30"})["userErrors"]
    assert [e["code"] for e in late] == ["FOLLOW_UP_TOO_LATE"]


def test_emergency_authorisation_is_one_read_and_one_transaction(desk: Desk, ddb_calls: CallCounter) -> None:
    filed = desk.file(ITEM, omit=("M01", "M04"))
    ddb_calls.reset()
    assert _authorise(desk, filed["id"], URGENT)["userErrors"] == []
    assert dict(ddb_calls.calls) == {"GetItem": 1, "TransactWriteItems": 1}


def test_seed004_emergency_only_where_the_item_permits_it_on_a_legal_basis(desk: Desk, api: Api) -> None:
    """seed 004 二(三): 「在不违背法律法规规定的前提下,可先予办理」: the catalogue says for which items, and on
    which provision; elsewhere the supervisor is refused with a code and nothing is written."""
    from tests.e2e.test_result_push import elements_input
    from tests.flows import op

    detail = api.gql(op("ServiceItemDetail"), {"id": gid("ServiceItem", ITEM)})["data"]["serviceItem"]
    assert "先予办理" in detail["emergencyHandling"]["legalBasis"]
    other = "ZS-SCJG-004"  # 特种设备使用登记: no law lets it be handled before its materials
    assert (
        api.gql(op("ServiceItemDetail"), {"id": gid("ServiceItem", other)})["data"]["serviceItem"]["emergencyHandling"]
        is None
    )
    filed = desk.file(other, omit=("M05",))
    events = len(desk.timeline(filed["id"]))
    value = {**URGENT, "materialCodes": ["M05"], "reason": ""}
    errors = _authorise(desk, filed["id"], value)["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        ("id", "EMERGENCY_NOT_PERMITTED"),
        ("reason", "REASON_REQUIRED"),
    ]
    assert len(desk.timeline(filed["id"])) == events

    # An administrator permits it (a new published version); a permission without its basis is refused.
    seeded = next(i for i in api.seed.items if i.code == other)
    admin = api.staff_with("admin")

    def change(basis: str, version: int) -> dict[str, Any]:
        value = {
            "id": gid("ServiceItem", other),
            "expectedVersion": version,
            "elements": elements_input(seeded.elements, emergencyHandling={"legalBasis": basis}),
            "reason": "依据法规明确可先予办理",
        }
        payload: dict[str, Any] = api.gql(op("ServiceItemChange"), {"input": value}, as_=admin)["data"][
            "serviceItemChange"
        ]
        return payload

    version = api.gql("query($id: ID!) { serviceItem(id: $id) { version } }", {"id": gid("ServiceItem", other)})
    current = version["data"]["serviceItem"]["version"]
    blank = change(" ", current)
    assert [(e["field"], e["code"]) for e in blank["userErrors"]] == [
        ("elements.emergencyHandling.legalBasis", "REQUIRED")
    ]
    assert change("《特种设备安全法》及其配套规定允许的紧急情形", current)["userErrors"] == []
    # A case filed under the new version may be handled first; the earlier case keeps its version.
    again = desk.file(other, omit=("M05",))
    assert _authorise(desk, again["id"], {**URGENT, "materialCodes": ["M05"]})["userErrors"] == []
    assert [e["code"] for e in _authorise(desk, filed["id"], {**URGENT, "materialCodes": ["M05"]})["userErrors"]] == [
        "EMERGENCY_NOT_PERMITTED"
    ]
