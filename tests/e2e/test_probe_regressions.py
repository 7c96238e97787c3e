"""What an outside probe of the merged API found, pinned: each answer is coded, scoped and clean.

The probe (a tester driving `scripts/dev` over HTTP) stored a lone UTF-16 surrogate that broke
every later answer containing it, rostered another centre's heads, walked the registry by number
and holder name without a limit, created invisible or reversed centre names, and lost sight of a
case once its approval was revoked.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from chalice.test import Client

from tests.conftest import Api, Clock
from tests.e2e.test_approval_on_pledge import _approved_on_pledge, _ok
from tests.e2e.test_organisation_api import refused
from tests.e2e.test_review_regressions import mutate
from tests.flows import Case, gid, op, verified_account
from tests.lifecycle_desk import Desk
from tests.lifecycle_desk import desk as desk

ROSTER = """mutation($input: DutyRosterSetInput!) { dutyRosterSet(input: $input) {
  shifts { day } userErrors { field code message } } }"""
LOOKUP = """query($n: String, $h: String) { certificateVerify(number: $n, holderName: $h, reasonForUse: "银行开户核验") { valid } }"""


def test_a_lone_surrogate_is_refused_before_anything_is_written(api: Api) -> None:
    """JSON may carry `\\udc80`; UTF-8 cannot encode it. Stored, it broke every later answer holding
    it (a worklist, an intake list, the public centre list), so the request is refused whole."""
    mutation = """mutation($input: CentreCreateInput!) { centreCreate(input: $input) { centre { id } } }"""
    value = {"code": "probe-x", "name": "a\udc80b", "level": "TOWNSHIP", "parentId": gid("Centre", "dinghai")}
    value["reason"] = "新设"
    status, body = api.post({"query": mutation, "variables": {"input": value}}, token=api.token_for("admin-xu"))
    assert status == 400
    assert body["errors"][0]["extensions"]["code"] == "INVALID_UNICODE" and "Unicode" in body["errors"][0]["message"]
    centres = api.gql("{ centres { nodes { id } } }")["data"]["centres"]["nodes"]
    assert gid("Centre", "probe-x") not in [c["id"] for c in centres]  # nothing written
    # The same inside the document itself (a string literal) and in a key.
    status, body = api.post({"query": '{ publicProgress(trackingCode: "\udc80") { stage } }'})
    assert status == 400 and body["errors"][0]["extensions"]["code"] == "INVALID_UNICODE"
    status, body = api.post({"query": "{ __typename }", "variables": {"\udc80": 1}})
    assert status == 400 and body["errors"][0]["extensions"]["code"] == "INVALID_UNICODE"


def test_names_with_invisible_or_control_characters_are_refused(api: Api) -> None:
    base = {"level": "TOWNSHIP", "parentId": gid("Centre", "dinghai"), "reason": "新设"}
    for code, name, expected in [
        ("zw", "\u200b\u200b", "REQUIRED"),  # looks empty
        ("rlo", "\u202e心中务服", "INVALID_CHARACTERS"),  # shown reversed
        ("nul", "a\u0000b", "INVALID_CHARACTERS"),
        ("nl", "盐仓\n<script>", "INVALID_CHARACTERS"),
    ]:
        assert refused(api, "centreCreate", {**base, "code": f"probe-{code}", "name": name}) == [expected], name
    # Private-use code points stay allowed: rare characters of Chinese names (生僻字) live there.
    mutation = """mutation($input: CentreCreateInput!) { centreCreate(input: $input) {
      centre { name } userErrors { code } } }"""
    body = api.gql(mutation, {"input": {**base, "code": "probe-pua", "name": "\ue000村便民服务中心"}}, as_="admin-xu")
    assert body["data"]["centreCreate"]["userErrors"] == []


def test_duty_rosters_and_registers_follow_the_centre_subtree(api: Api, clock: Clock) -> None:
    """Seed 000 一: a district oversees its own subtree; it cannot roster the city's unit heads."""
    district = api.token("supervisor-dh-probe", ["supervisor"], department="dinghai-service-office", centre="dinghai")
    value = {"departmentId": gid("Department", "city-market"), "staffId": gid("Staff", "approver-market-mao")}
    body = api.gql(ROSTER, {"input": {**value, "days": ["2026-11-03"]}}, token=district)
    payload = body["data"]["dutyRosterSet"]
    assert not payload["shifts"] and [e["code"] for e in payload["userErrors"]] == ["OUTSIDE_SCOPE"]
    assert "本中心" in payload["userErrors"][0]["message"]
    city = api.gql(ROSTER, {"input": {**value, "days": ["2026-11-03"]}}, as_=api.staff_with("supervisor"))
    assert city["data"]["dutyRosterSet"]["userErrors"] == []
    register = """query($m: String!) { dutyRegister(month: $m) { department { id } } }"""
    assert api.gql(register, {"m": "2026-11"}, token=district)["data"]["dutyRegister"] == []
    seen = api.gql(register, {"m": "2026-11"}, as_=api.staff_with("supervisor"))["data"]["dutyRegister"]
    assert [u["department"]["id"] for u in seen] == [gid("Department", "city-market")]


def test_public_verification_counts_against_the_callers_limit(api: Api) -> None:
    """Numbers are sequential and holder names guessable: look-ups and uploads are limited per caller."""
    answers: list[Any] = []
    for i in range(21):
        body = api.gql(LOOKUP, {"n": "CITY-BUREAU-2026-000001", "h": f"王{i}"})
        answers.append(body["errors"][0]["extensions"]["code"])
    assert answers[:20] == ["NOT_FOUND"] * 20 and answers[20] == "RATE_LIMITED"
    from app import app

    with Client(app, stage_name="local") as client:
        codes = [
            client.http.post(
                "/verify?reasonForUse=bank-kyc", headers={"Content-Type": "application/pdf"}, body=b"%PDF-1.7 x"
            ).status_code
            for _ in range(21)
        ]
    assert codes[20] == 429 and 429 not in codes[:20]


def test_the_departments_that_acted_still_see_a_case_whose_approval_was_revoked(desk: Desk) -> None:
    """告知承诺 found false before issuance: the case ends REVOKED; the reviewer who verified it,
    the approver who decided it and the bureau that would have issued it keep seeing it."""
    case = _approved_on_pledge(desk)
    _ok(
        desk,
        "applicationPledgeVerify",
        {"id": case["id"], "truthful": False, "findings": "承诺不实"},
        "reviewer-health-cao",
    )
    read = "query($id: ID!) { application(id: $id) { state } }"
    for who in ("reviewer-health-cao", "approver-health-weng", "bureau-sun"):
        body: dict[str, Any] = desk.api.gql(read, {"id": case["id"]}, as_=who)
        assert body["data"]["application"] == {"state": "REVOKED"}, (who, body)


def test_a_retried_filing_with_other_input_is_refused_not_answered_with_the_first_case(api: Api) -> None:
    """The same idempotency key with the same input returns the one case; with a changed input the
    client learns its correction was not filed (IDEMPOTENCY_KEY_REUSED) instead of losing it."""
    case = Case(api)
    value = case.file_input()
    value["input"]["idempotencyKey"] = "probe-key-1"
    first = case.run("ApplicationFile", value, "applicant-wang")["application"]["id"]
    assert case.run("ApplicationFile", value, "applicant-wang")["application"]["id"] == first
    changed = {"input": {**value["input"], "applicant": {**value["input"]["applicant"], "name": "王海燕(更正)"}}}
    body = api.gql(op("ApplicationFile"), changed, as_="applicant-wang")
    payload = body["data"]["applicationFile"]
    assert payload["application"] is None
    assert [e["code"] for e in payload["userErrors"]] == ["IDEMPOTENCY_KEY_REUSED"]


def test_the_timeline_names_the_other_party_as_applicant_or_agent_not_as_staff(api: Api) -> None:
    """An agent's filing showed to the applicant as 工作人员: the parties are 申请人 and 代办人."""
    until = (date.today() + timedelta(days=30)).isoformat()
    verified_account(api, "agent-chen")
    mutate(api, "AgentAuthorisationGrant", {"agentId": "agent-chen", "validUntil": until}, as_="applicant-wang")
    case = Case(api)
    value = case.file_input()
    value["input"]["applicant"]["accountId"] = "applicant-wang"
    case_id = case.run("ApplicationFile", value, "agent-chen")["application"]["id"]
    read = "query($id: ID!) { application(id: $id) { timeline { edges { node { action actor } } } } }"
    for viewer, shown in (("applicant-wang", "代办人"), ("agent-chen", "agent-chen")):
        edges = api.gql(read, {"id": case_id}, as_=viewer)["data"]["application"]["timeline"]["edges"]
        assert edges[0]["node"] == {"action": "FILE", "actor": shown}, viewer


def test_a_rule_broken_in_a_query_answers_its_message_without_the_code_in_front(api: Api) -> None:
    """The code is in `extensions.code`; the message is the Chinese text alone (it read
    "INVALID_CURSOR: 分页游标无效")."""
    body = api.gql('{ centres(first: 1, after: "garbage") { nodes { id } } }')
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "INVALID_CURSOR"
    assert not error["message"].startswith("INVALID_CURSOR") and "游标" in error["message"]
