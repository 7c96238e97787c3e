"""Approval on pledge (告知承诺制), through `/graphql` only.

Seed 002 三(二) 事项办理双向承诺制: 「同时市场主体实行信用承诺制,实现政府和市场主体之间高效互动」;
seed 004 二(四) 联合办理制: 「在联办过程中,严格按照并联审批、告知承诺等方式进行运作」;
seed 002 四(十一): 「形成“一处违法、处处受限”工作格局」.

ZS-WJ-001 公共场所卫生许可(告知承诺制) is seeded with the terms: verification within 10 working
days of approval, a false pledge bars the applicant for 365 days. Its department is city-health
(reviewer-health-cao, approver-health-weng, who is also its head).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.conftest import Api, CallCounter, Clock
from tests.lifecycle_desk import MONDAY, Desk, gid, run_sweep

ITEM = "ZS-WJ-001"
PLEDGE = """pledgeApproval { status notice notifiedAt pledgedAt approvedOn verificationDueOn
  verificationOverdue findings barDays }"""


@pytest.fixture
def desk(api: Api, clock: Clock) -> Desk:
    clock.set_china(MONDAY)
    return Desk(api)


def _run(desk: Desk, name: str, value: dict[str, Any], as_: str) -> dict[str, Any]:
    input_type = name[0].upper() + name[1:] + "Input"
    query = (
        f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ "
        f"application {{ id state acceptedOn tasks {{ role }} decision {{ outcome }} {PLEDGE} }} "
        "userErrors { field code message } } }"
    )
    body = desk.api.gql(query, {"input": value}, as_=as_)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"][name]
    return payload


def _ok(desk: Desk, name: str, value: dict[str, Any], as_: str) -> dict[str, Any]:
    payload = _run(desk, name, value, as_)
    assert payload["userErrors"] == [], payload
    application: dict[str, Any] = payload["application"]
    return application


def _errors(desk: Desk, name: str, value: dict[str, Any], as_: str) -> list[tuple[str | None, str]]:
    payload = _run(desk, name, value, as_)
    assert payload["application"] is None and payload["userErrors"], payload
    assert all(e["message"] for e in payload["userErrors"])
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


def _approved_on_pledge(desk: Desk, applicant: str = "applicant-wang") -> dict[str, Any]:
    filed = desk.file(ITEM, as_=applicant)
    _ok(desk, "applicationPledgeNoticeIssue", {"id": filed["id"]}, "clerk-li")
    _ok(desk, "applicationPledgeSign", {"id": filed["id"]}, applicant)
    return desk.decide(filed["id"], "approver-health-weng", reason="申请人承诺符合条件,准予许可")


def _certificate(desk: Desk, case_id: str) -> dict[str, Any]:
    body = desk.api.gql(
        """mutation($input: CertificateIssueInput!) { certificateIssue(input: $input) {
          certificate { id number verificationCode status } userErrors { code message } } }""",
        {"input": {"applicationId": case_id}},
        as_="bureau-sun",
    )
    payload = body["data"]["certificateIssue"]
    assert payload["userErrors"] == [], payload
    cert: dict[str, Any] = payload["certificate"]
    return cert


def _public_status(desk: Desk, code: str) -> str:
    body = desk.api.gql(
        'query($c: String) { certificateVerify(verificationCode: $c, reasonForUse: "银行开户核验") { valid certificate { status } } }',
        {"c": code},
    )
    status: str = body["data"]["certificateVerify"]["certificate"]["status"]
    return status


def test_seed002_approved_on_the_pledge_then_a_false_pledge_revokes_the_certificate(desk: Desk, clock: Clock) -> None:
    filed = desk.file(ITEM)
    # The applicant cannot pledge before the window's written notice.
    assert _errors(desk, "applicationPledgeSign", {"id": filed["id"]}, "applicant-wang") == [
        ("id", "PLEDGE_NOT_NOTIFIED")
    ]
    noticed = _ok(desk, "applicationPledgeNoticeIssue", {"id": filed["id"]}, "clerk-li")
    assert noticed["state"] == "SUBMITTED"
    notice = noticed["pledgeApproval"]
    assert notice["status"] == "NOTIFIED"
    text = "".join(notice["notice"])
    conditions = desk.item(ITEM).elements.conditions
    assert all(condition in text for condition in conditions)
    assert "10个工作日内" in text and "严重失信记录" in text  # verification and liability, in writing

    # The applicant chooses to pledge: accepted on the pledge, straight to the decision.
    pledged = _ok(desk, "applicationPledgeSign", {"id": filed["id"]}, "applicant-wang")
    assert (pledged["state"], pledged["acceptedOn"], pledged["tasks"]) == ("IN_REVIEW", "2026-11-02", [])
    assert pledged["pledgeApproval"]["status"] == "PLEDGED"
    assert [r["applicationId"] for r in desk.inbox("DECISION", "approver-health-weng")] == [filed["id"]]

    clock.advance(days=1)
    approved = desk.decide(filed["id"], "approver-health-weng", reason="申请人承诺符合条件,准予许可")
    assert approved["state"] == "APPROVED"
    check = desk.api.gql(
        "query($id: ID!) { application(id: $id) { " + PLEDGE + " } }", {"id": filed["id"]}, as_="applicant-wang"
    )["data"]["application"]["pledgeApproval"]
    assert (check["status"], check["approvedOn"], check["verificationDueOn"]) == (
        "VERIFYING",
        "2026-11-03",
        "2026-11-17",  # 10 working days after Tuesday 3 November
    )
    cert = _certificate(desk, filed["id"])
    assert _public_status(desk, cert["verificationCode"]) == "VALID"

    # The sweep watches the verification deadline: a yellow warning to the department.
    clock.set_china(date(2026, 11, 13))  # 2 working days before the 17th
    run_sweep()
    body = desk.api.gql(
        "{ warnings(first: 10) { nodes { level deadline dueOn applicationId } } }", as_="reviewer-health-cao"
    )
    assert body["data"]["warnings"]["nodes"] == [
        {"level": "YELLOW", "deadline": "PLEDGE_VERIFICATION", "dueOn": "2026-11-17", "applicationId": filed["id"]}
    ]

    # Bad verification input, and only the supervising department verifies.
    assert _errors(
        desk, "applicationPledgeVerify", {"id": filed["id"], "truthful": False, "findings": " "}, "reviewer-health-cao"
    ) == [("findings", "FINDINGS_REQUIRED")]
    assert _errors(
        desk,
        "applicationPledgeVerify",
        {"id": filed["id"], "truthful": False, "findings": "不实"},
        "reviewer-market-zhao",
    ) == [("id", "NOT_FOUND")]

    # Found false: the certificate is revoked at once, and the applicant is barred.
    findings = "现场核查:场所未取得卫生检测合格报告,承诺不实"
    verified = _ok(
        desk,
        "applicationPledgeVerify",
        {"id": filed["id"], "truthful": False, "findings": findings},
        "reviewer-health-cao",
    )
    assert verified["pledgeApproval"]["status"] == "FALSE"
    assert verified["pledgeApproval"]["findings"] == findings
    assert _public_status(desk, cert["verificationCode"]) == "WITHDRAWN"
    assert _errors(
        desk,
        "applicationPledgeVerify",
        {"id": filed["id"], "truthful": True, "findings": "再核"},
        "reviewer-health-cao",
    ) == [("id", "NOT_VERIFYING")]

    # 一处违法、处处受限: no more 告知承诺 (nor on an item without it: both reported at once) ...
    again = desk.file(ITEM)
    assert _errors(desk, "applicationPledgeNoticeIssue", {"id": again["id"]}, "clerk-li") == [
        ("applicant", "CREDIT_DEFAULT")
    ]
    other = desk.file("ZS-SCJG-001", omit=("M06",))
    assert _errors(desk, "applicationPledgeNoticeIssue", {"id": other["id"]}, "clerk-li") == [
        ("id", "PLEDGE_NOT_ALLOWED"),
        ("applicant", "CREDIT_DEFAULT"),
    ]
    # ... and no deficiency acceptance either.
    deficiency = {"id": other["id"], "missingMaterialCodes": ["M06"], "pledgeDueOn": "2026-11-16"}
    assert desk.refused("applicationAcceptWithDeficiency", deficiency, as_="clerk-li") == ["CREDIT_DEFAULT"]
    # Someone else is not affected.
    zhou = desk.file(ITEM, as_="applicant-zhou")
    assert (
        _ok(desk, "applicationPledgeNoticeIssue", {"id": zhou["id"]}, "clerk-li")["pledgeApproval"]["status"]
        == "NOTIFIED"
    )


def test_seed002_a_verification_left_past_its_deadline_is_a_violation(desk: Desk, clock: Clock) -> None:
    case = _approved_on_pledge(desk)
    clock.set_china(date(2026, 11, 12))  # due 16 November (10 working days after 2 November)
    assert run_sweep()["warning_yellow"] == 1  # nobody acknowledges it
    clock.set_china(date(2026, 11, 17))
    counts = run_sweep()
    assert counts["pledge_verification_overdue"] == 1
    assert run_sweep()["pledge_verification_overdue"] == 0  # once
    body = desk.api.gql(
        "query($d: ID) { violationLedger(year: 2026, departmentId: $d, first: 10) { nodes { kind applicationId } } }",
        {"d": gid("Department", "city-health")},
        as_="supervisor-fang",
    )
    kinds = sorted(v["kind"] for v in body["data"]["violationLedger"]["nodes"])
    assert kinds == ["PLEDGE_VERIFICATION_OVERDUE", "WARNING_IGNORED"]
    warnings = desk.api.gql("{ warnings(first: 10) { nodes { level deadline } } }", as_="reviewer-health-cao")
    assert {(w["level"], w["deadline"]) for w in warnings["data"]["warnings"]["nodes"]} == {
        ("YELLOW", "PLEDGE_VERIFICATION"),
        ("RED", "PLEDGE_VERIFICATION"),
    }
    # Verifying late is still possible, and a truthful pledge changes nothing else.
    verified = _ok(
        desk,
        "applicationPledgeVerify",
        {"id": case["id"], "truthful": True, "findings": "核查属实"},
        "reviewer-health-cao",
    )
    assert verified["pledgeApproval"]["status"] == "VERIFIED"
    assert verified["state"] == "APPROVED"


def test_pledge_requests_are_small_constants(desk: Desk, ddb_calls: CallCounter) -> None:
    """Notice and pledge: the case and the credit lookup, one transaction. Verifying false adds the
    certificate (none here: not issued) and no more reads."""
    filed = desk.file(ITEM)
    counts = {}
    for name, who in (("applicationPledgeNoticeIssue", "clerk-li"), ("applicationPledgeSign", "applicant-wang")):
        ddb_calls.reset()
        _ok(desk, name, {"id": filed["id"]}, who)
        counts[name] = dict(ddb_calls.calls)
    assert counts == {
        "applicationPledgeNoticeIssue": {"GetItem": 1, "Query": 1, "TransactWriteItems": 1},
        "applicationPledgeSign": {"GetItem": 1, "Query": 1, "TransactWriteItems": 1},
    }
    desk.decide(filed["id"], "approver-health-weng")
    ddb_calls.reset()
    _ok(
        desk,
        "applicationPledgeVerify",
        {"id": filed["id"], "truthful": False, "findings": "不实"},
        "reviewer-health-cao",
    )
    # The change is one transaction; the second delivers the applicant's written notice of the
    # revoked decision from the outbox after the commit (not issued yet: the decision is revoked).
    assert dict(ddb_calls.calls) == {"GetItem": 1, "TransactWriteItems": 2}


def test_seed002_a_false_pledge_found_before_issuance_revokes_the_approval_decision(
    desk: Desk, ddb_calls: CallCounter
) -> None:
    """seed 002 三(二) 信用承诺制 with 行政许可法 art. 69(2): found false before any certificate was issued, the
    approval decision itself is revoked — recorded with reason and legal basis, the applicant told in
    writing, the case ends REVOKED (no certificate can follow) and the serious credit record bars the
    applicant as after issuance; all in the verification's one transaction."""
    case = _approved_on_pledge(desk)
    assert [e["applicationId"] for e in desk.inbox("ISSUANCE", "bureau-sun")] == [case["id"]]
    findings = "现场核查:场所面积与承诺不符"
    ddb_calls.reset()
    revoked = _ok(
        desk,
        "applicationPledgeVerify",
        {"id": case["id"], "truthful": False, "findings": findings},
        "reviewer-health-cao",
    )
    assert dict(ddb_calls.calls) == {"GetItem": 1, "TransactWriteItems": 2}  # the change, then the notice
    assert (revoked["state"], revoked["pledgeApproval"]["status"]) == ("REVOKED", "FALSE")
    query = """query($id: ID!) { application(id: $id) { state trackingCode
      decisionRevocation { reason legalBasis revokedAt } } }"""
    seen = desk.api.gql(query, {"id": case["id"]}, as_="applicant-wang")["data"]["application"]
    revocation = seen["decisionRevocation"]
    assert seen["state"] == "REVOKED" and findings in revocation["reason"]
    assert "第六十九条" in revocation["legalBasis"] and revocation["revokedAt"]
    staff_query = "query($id: ID!) { application(id: $id) { decisionRevocation { revokedBy } } }"
    staff_view = desk.api.gql(staff_query, {"id": case["id"]}, as_="supervisor-fang")["data"]["application"]
    assert staff_view["decisionRevocation"]["revokedBy"] == "reviewer-health-cao"  # staff ids: staff only
    assert desk.timeline(case["id"])[-1]["action"] == "REVOKE_DECISION"
    # The applicant is told in writing (with the reason and the basis); no certificate can follow.
    notes = desk.api.gql("{ notifications(first: 20) { nodes { kind title } } }", as_="applicant-wang")
    assert [n["title"] for n in notes["data"]["notifications"]["nodes"] if n["kind"] == "DECISION_REVOKED"] == [
        "准予许可决定已依法撤销:公共场所卫生许可(告知承诺制)"
    ]
    assert desk.inbox("ISSUANCE", "bureau-sun") == []
    body = desk.api.gql(
        """mutation($input: CertificateIssueInput!) { certificateIssue(input: $input) {
          certificate { id } userErrors { code } } }""",
        {"input": {"applicationId": case["id"]}},
        as_="bureau-sun",
    )
    assert body["data"]["certificateIssue"]["certificate"] is None
    public = desk.api.gql(
        "query($c: String!) { publicProgress(trackingCode: $c) { stage } }", {"c": seen["trackingCode"]}
    )
    assert public["data"]["publicProgress"]["stage"] == "REVOKED"
    # The serious record bars the applicant as after issuance (一处违法、处处受限).
    again = desk.file(ITEM)
    assert _errors(desk, "applicationPledgeNoticeIssue", {"id": again["id"]}, "clerk-li") == [
        ("applicant", "CREDIT_DEFAULT")
    ]
    # A revoked case is an outcome: it can be rated.
    rate = desk.api.gql(
        """mutation($input: ApplicationRateInput!) { applicationRate(input: $input) { userErrors { code } } }""",
        {
            "input": {
                "applicationId": case["id"],
                "level": "SATISFIED",
                "indicators": {"efficiency": 4, "guideAccuracy": 4, "convenience": 4, "attitude": 4},
            }
        },
        as_="applicant-wang",
    )
    assert rate["data"]["applicationRate"]["userErrors"] == []
