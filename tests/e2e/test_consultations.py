"""Consultations are part of first contact (首问负责制), through `/graphql` only.

Seed 004 二(五): 「服务对象到行政服务中心办事或咨询时,第一位接待的或被问及的工作人员即为首问责任人。属首问
责任人职责范围内的事项,应当认真负责、耐心细致地答复或办理;不属首问责任人职责范围内的事项,应当引导服务
对象到具体承办窗口,由相关承办人员给予解答或办理」.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api, CallCounter, Clock
from tests.lifecycle_desk import IDENTIFIERS, MONDAY, Desk, gid

RECORD = """mutation($input: ConsultationRecordInput!) { consultationRecord(input: $input) {
  consultation { id personName personIdentifier topic answer referredToWindowPostId referredToWindowName recordedBy }
  userErrors { field code message } } }"""
LINKED = """query($id: ID!) { application(id: $id) { firstContactOfficer
  firstContactConsultation { topic recordedBy referredToWindowName } } }"""


@pytest.fixture
def desk(api: Api, clock: Clock) -> Desk:
    clock.set_china(MONDAY)
    return Desk(api)


def _record(desk: Desk, value: dict[str, Any], as_: str) -> dict[str, Any]:
    body = desk.api.gql(RECORD, {"input": value}, as_=as_)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["consultationRecord"]
    return payload


def test_seed004_a_consultation_is_the_first_contact_of_the_later_application(desk: Desk, clock: Clock) -> None:
    # Every problem at once: no name, no topic, neither an answer nor a referral.
    bad = _record(
        desk, {"personName": " ", "personIdentifier": IDENTIFIERS["applicant-wang"], "topic": ""}, "clerk-zheng"
    )
    assert bad["consultation"] is None
    assert [(e["field"], e["code"]) for e in bad["userErrors"]] == [
        ("personName", "REQUIRED"),
        ("topic", "REQUIRED"),
        ("answer", "ANSWER_OR_REFERRAL"),
    ]
    both = {
        "personName": "王海燕",
        "personIdentifier": IDENTIFIERS["applicant-wang"],
        "topic": "食品经营许可需要哪些材料",
        "answer": "请看告知单",
        "referredToWindowPostId": gid("WindowPost", "zs-city/zs-city-w11"),
    }
    assert [e["code"] for e in _record(desk, both, "clerk-zheng")["userErrors"]] == ["ANSWER_OR_REFERRAL"]
    elsewhere = {**both, "answer": "", "referredToWindowPostId": gid("WindowPost", "dinghai/dh-w01")}
    assert [e["code"] for e in _record(desk, elsewhere, "clerk-zheng")["userErrors"]] == ["NOT_FOUND"]

    # Not this window's business: referred to the market bureau's window (引导到具体承办窗口).
    recorded = _record(desk, {**both, "answer": ""}, "clerk-zheng")
    assert recorded["userErrors"] == []
    consultation = recorded["consultation"]
    assert (consultation["referredToWindowName"], consultation["recordedBy"]) == (
        next(p.name for p in desk.api.seed.posts if p.id == "zs-city-w11"),
        "clerk-zheng",
    )

    # Three days later the same person applies online: the consultation is the first contact.
    clock.advance(days=3)
    filed = desk.file("ZS-SCJG-001")
    assert desk.read(filed["id"])["firstContactOfficer"] == "clerk-zheng"
    accepted = desk.accept(filed["id"], "clerk-market-zhou")
    assert accepted["firstContactOfficer"] == "clerk-zheng"
    linked = desk.api.gql(LINKED, {"id": filed["id"]}, as_="clerk-market-zhou")["data"]["application"]
    assert linked["firstContactConsultation"] == {
        "topic": "食品经营许可需要哪些材料",
        "recordedBy": "clerk-zheng",
        "referredToWindowName": consultation["referredToWindowName"],
    }
    # The applicant sees no staff ids (the field is staff-only).
    body = desk.api.gql(LINKED, {"id": filed["id"]}, as_="applicant-wang")
    assert body["data"] is None or body["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    # Someone else's application is not linked; nor is one at another centre.
    other = desk.file("ZS-SCJG-001", as_="applicant-zhou")
    assert desk.read(other["id"])["firstContactOfficer"] is None
    delegated = desk.file("ZS-SCJG-001", centre="jintang")
    assert desk.read(delegated["id"])["firstContactOfficer"] is None


def test_consultation_requests_are_small_constants(desk: Desk, ddb_calls: CallCounter) -> None:
    """Recording: one transaction (plus the centre's posts for a referral). Filing pays one Query
    for the person's consultations; reading the linked consultation is one GetItem."""
    answered = {
        "personName": "王海燕",
        "personIdentifier": IDENTIFIERS["applicant-wang"],
        "topic": "营业执照如何办理",
        "answer": "可在网上政务大厅申请",
    }
    ddb_calls.reset()
    assert _record(desk, answered, "clerk-li")["userErrors"] == []
    assert dict(ddb_calls.calls) == {"TransactWriteItems": 1}
    value = desk.file_input("ZS-SCJG-001")
    ddb_calls.reset()
    filed = desk.ok("applicationFile", value, as_="applicant-wang")
    assert ddb_calls.calls["Query"] == 1  # the person's consultations (routing's hierarchy: the process's copy)
    assert desk.read(filed["id"])["firstContactOfficer"] == "clerk-li"
    ddb_calls.reset()
    body = desk.api.gql(
        "query($id: ID!) { application(id: $id) { firstContactConsultation { topic } } }",
        {"id": filed["id"]},
        as_="clerk-li",
    )
    assert body["data"]["application"]["firstContactConsultation"] == {"topic": "营业执照如何办理"}
    assert dict(ddb_calls.calls) == {"GetItem": 2}
