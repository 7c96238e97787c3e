"""Immediate items decided at the window by an authorised post, through `/graphql` only.

Seed 004 三(三) 权力下放到位: 「窗口单位要按照“权责统一”的原则,授予窗口工作人员审批权,进一步提高即办率。
对因授权不充分、不到位,造成窗口办事不畅,影响工作效率的,单位主要负责人要驻窗口现场审批」;
二(三): 「原则上一律实行即办」.

ZS-SCJG-003 企业设立登记 is an immediate item of the city market bureau; window zs-city-w11 is
held by clerk-market-zhou with clerk-market-xu as its AB backup.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api, CallCounter, Clock
from tests.lifecycle_desk import MONDAY, Desk, gid

ITEM = "ZS-SCJG-003"
POST = gid("WindowPost", "zs-city/zs-city-w11")
SET = """mutation($input: WindowPostAuthoritySetInput!) { windowPostAuthoritySet(input: $input) {
  authority { windowPostId postName itemCodes grantedBy reason } userErrors { field code message } } }"""
DECIDE = """mutation($input: ApplicationDecideAtWindowInput!) { applicationDecideAtWindow(input: $input) {
  application { id state acceptedOn firstContactOfficer acceptedBy tasks { role }
    decision { outcome reason legalBasis authority } }
  userErrors { field code message } } }"""


@pytest.fixture
def desk(api: Api, clock: Clock) -> Desk:
    clock.set_china(MONDAY)
    return Desk(api)


def _grant(desk: Desk, items: list[str], reason: str = "市场监管即办事项授权窗口审批") -> dict[str, Any]:
    value = {"windowPostId": POST, "itemIds": [gid("ServiceItem", c) for c in items], "reason": reason}
    body = desk.api.gql(SET, {"input": value}, as_="admin-xu")
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["windowPostAuthoritySet"]
    return payload


def _decide(desk: Desk, case_id: str, clerk: str, post: str = POST, reason: str = "材料齐全,当场准予登记") -> Any:
    value = {"id": case_id, "windowPostId": post, "reason": reason, "legalBasis": "《市场主体登记管理条例》第十九条"}
    body = desk.api.gql(DECIDE, {"input": value}, as_=clerk)
    assert "errors" not in body, body
    return body["data"]["applicationDecideAtWindow"]


def test_seed004_an_authorised_window_post_accepts_and_decides_an_immediate_item_in_one_step(desk: Desk) -> None:
    filed = desk.file(ITEM)
    # Before any grant the window may not decide it.
    refused = _decide(desk, filed["id"], "clerk-market-zhou")
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [("windowPostId", "WINDOW_NOT_AUTHORISED")]

    # Granting: only immediate items offered at the post's centre; every problem at once.
    bad = _grant(desk, [ITEM, "ZS-SCJG-001", "ZS-NOPE-001", ITEM], reason=" ")
    assert bad["authority"] is None
    assert [(e["field"], e["code"]) for e in bad["userErrors"]] == [
        ("reason", "REASON_REQUIRED"),
        ("itemIds[1]", "NOT_IMMEDIATE_ITEM"),
        ("itemIds[2]", "NOT_FOUND"),
        ("itemIds[3]", "DUPLICATE"),
    ]
    granted = _grant(desk, [ITEM])
    assert granted["userErrors"] == []
    assert (granted["authority"]["itemCodes"], granted["authority"]["grantedBy"]) == ([ITEM], "admin-xu")
    body = desk.api.gql(
        "query($p: ID!) { windowPostAuthority(windowPostId: $p) { postName itemCodes } }",
        {"p": POST},
        as_="clerk-market-xu",
    )
    assert body["data"]["windowPostAuthority"]["itemCodes"] == [ITEM]

    # A clerk who does not sit at that post cannot use its authority.
    other = _decide(desk, filed["id"], "clerk-li")
    assert [e["code"] for e in other["userErrors"]] == ["WINDOW_NOT_AUTHORISED"]

    decided = _decide(desk, filed["id"], "clerk-market-zhou")
    assert decided["userErrors"] == []
    case = decided["application"]
    assert (case["state"], case["acceptedOn"], case["tasks"]) == ("APPROVED", "2026-11-02", [])
    assert (case["firstContactOfficer"], case["acceptedBy"]) == ("clerk-market-zhou", "clerk-market-zhou")
    assert case["decision"]["outcome"] == "APPROVED"
    assert "zs-city/zs-city-w11" in case["decision"]["authority"] and "admin-xu" in case["decision"]["authority"]
    # The applicant sees the decision and the authority it was made under.
    seen = desk.api.gql(
        "query($id: ID!) { application(id: $id) { state decision { authority } } }",
        {"id": filed["id"]},
        as_="applicant-wang",
    )["data"]["application"]
    assert seen == {"state": "APPROVED", "decision": {"authority": case["decision"]["authority"]}}
    # The bureau still produces the certificate (a third person).
    body = desk.api.gql(
        """mutation($input: CertificateIssueInput!) { certificateIssue(input: $input) {
          certificate { status } userErrors { code } } }""",
        {"input": {"applicationId": filed["id"]}},
        as_="bureau-sun",
    )
    assert body["data"]["certificateIssue"] == {"certificate": {"status": "VALID"}, "userErrors": []}

    # The AB backup may use the post's authority too; an incomplete case is not decided at once.
    incomplete = desk.file(ITEM, omit=("M05",))
    errors = _decide(desk, incomplete["id"], "clerk-market-xu")["userErrors"]
    assert [e["code"] for e in errors] == ["MATERIALS_INCOMPLETE"]
    complete = desk.file(ITEM)
    assert _decide(desk, complete["id"], "clerk-market-xu")["application"]["state"] == "APPROVED"


def test_a_commitment_item_or_an_ungranted_item_is_not_decided_at_the_window(desk: Desk) -> None:
    _grant(desk, [ITEM])
    commitment = desk.file("ZS-SCJG-001")
    errors = _decide(desk, commitment["id"], "clerk-market-zhou", reason="")["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [("id", "NOT_IMMEDIATE_ITEM"), ("reason", "REASON_REQUIRED")]
    # Withdrawing the authority (an empty list) ends it.
    assert _grant(desk, [])["authority"]["itemCodes"] == []
    filed = desk.file(ITEM)
    assert [e["code"] for e in _decide(desk, filed["id"], "clerk-market-zhou")["userErrors"]] == [
        "WINDOW_NOT_AUTHORISED"
    ]
    # Only administrators grant.
    body = desk.api.gql(SET, {"input": {"windowPostId": POST, "itemIds": [], "reason": "x"}}, as_="clerk-market-zhou")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_window_decision_requests_are_small_constants(desk: Desk, ddb_calls: CallCounter) -> None:
    """The case, the post (one Query of the centre's posts) and its authority, then one transaction."""
    _grant(desk, [ITEM])
    filed = desk.file(ITEM)
    ddb_calls.reset()
    assert _decide(desk, filed["id"], "clerk-market-zhou")["userErrors"] == []
    assert dict(ddb_calls.calls) == {"GetItem": 2, "Query": 1, "TransactWriteItems": 1}
    ddb_calls.reset()
    body = desk.api.gql(
        "query($p: ID!) { windowPostAuthority(windowPostId: $p) { itemCodes } }", {"p": POST}, as_="clerk-market-xu"
    )
    assert body["data"]["windowPostAuthority"]["itemCodes"] == [ITEM]
    assert dict(ddb_calls.calls) == {"GetItem": 1}
