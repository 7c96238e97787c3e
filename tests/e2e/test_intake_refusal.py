"""Refusal at intake (不予受理) and the window's 否认报备, through `/graphql` only.

Seed 004 二(五) 否认报备制: 「窗口工作人员对服务对象申请办理的事项因不符合法律、法规规定不能办理的,服务对象
仍提出异议的,实行否认报备制。窗口工作人员要填写否认报备表一式两份,一份送单位领导备案,一份存档。单位领导
接到否认报备表后,应及时予以审查。经审查发现报备的否认行为正确,应在报备资料上签字认可;假设报备否认行为
错误,应及时予以纠正。经办人接到领导审批意见后,应当将否认依据及时书面告知服务对象,并统一建立否认报备台帐。」
行政许可法 art. 32 (written refusal, naming the competent agency), art. 38 (reasons, remedies).

clerk-li (city-bureau, whose head is approver-bureau-zhang) works the zs-city window.
"""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

import pytest

from tests.conftest import Api, CallCounter, Clock
from tests.lifecycle_desk import MONDAY, Desk, gid, run_sweep

ITEM = "ZS-SCJG-001"
LEADER = "approver-bureau-zhang"
REFUSAL = {
    "ground": "OUTSIDE_COMPETENCE",
    "reason": "申请事项属于省级事权,不属于本中心职权范围",
    "legalBasis": "《中华人民共和国行政许可法》第三十二条第一款第(二)项",
    "competentAgency": "浙江省市场监督管理局",
}
REFUSALS = "intakeRefusals { ground reason legalBasis competentAgency objectionDueOn status objection leaderNote }"
DECISION = """query($id: ID!) { application(id: $id) { state intakeRefusals { status
  writtenDecision { title number paragraphs issuer issuedOn pdfBase64 } } } }"""
LEDGER = """query($month: String!) { rejectionLedger(month: $month, first: 50) {
  nodes { trackingCode origin department { id } report { reason legalBasis status supervisorNote } } } }"""


@pytest.fixture
def desk(api: Api, clock: Clock) -> Desk:
    clock.set_china(MONDAY)
    return Desk(api)


def _run(desk: Desk, name: str, value: dict[str, Any], as_: str) -> dict[str, Any]:
    input_type = name[0].upper() + name[1:] + "Input"
    query = (
        f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ "
        f"application {{ id state submittedOn acceptedOn {REFUSALS} }} userErrors {{ field code message }} }} }}"
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


def _decision(desk: Desk, case_id: str, as_: str = "applicant-wang") -> dict[str, Any]:
    body = desk.api.gql(DECISION, {"id": case_id}, as_=as_)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["application"]
    return result


def test_seed004_refusal_at_intake_objected_to_and_corrected_by_the_unit_leader(desk: Desk) -> None:
    """A wrong refusal: the applicant objects, the clerk's unit leader corrects it, the case goes back
    to intake, and the refusal counts against the clerk (a violation) and joins the ledger as WINDOW."""
    filed = desk.file(ITEM)
    events = len(desk.timeline(filed["id"]))

    # Bad input, all at once, and nothing written.
    bad = {"id": filed["id"], "ground": "OUTSIDE_COMPETENCE", "reason": " ", "legalBasis": ""}
    assert _errors(desk, "intakeRefusalIssue", bad, "clerk-li") == [
        ("reason", "REASON_REQUIRED"),
        ("legalBasis", "LEGAL_BASIS_REQUIRED"),
        ("competentAgency", "COMPETENT_AGENCY_REQUIRED"),
    ]
    assert len(desk.timeline(filed["id"])) == events

    refused = _ok(desk, "intakeRefusalIssue", {"id": filed["id"], **REFUSAL}, "clerk-li")
    assert refused["state"] == "INTAKE_REFUSED"
    [refusal] = refused["intakeRefusals"]
    assert refusal["status"] == "ISSUED"
    assert refusal["objectionDueOn"] == "2026-11-09"  # 5 working days after Monday 2 November
    assert desk.inbox("INTAKE", "clerk-wu") == []

    # The applicant gets the written decision at once: reasons, basis, competent agency, remedies.
    seen = _decision(desk, filed["id"])
    assert seen["state"] == "INTAKE_REFUSED"
    written = seen["intakeRefusals"][0]["writtenDecision"]
    assert written["title"] == "不予受理决定书"
    text = "".join(written["paragraphs"])
    for part in (REFUSAL["reason"], REFUSAL["legalBasis"], "请向浙江省市场监督管理局提出申请", "行政复议", "行政诉讼"):
        assert part in text
    assert written["issuer"] == "舟山市行政审批服务中心"
    assert base64.b64decode(written["pdfBase64"]).startswith(b"%PDF-")

    # Objection within the deadline: filed to the unit leader (否认报备), once.
    objected = _ok(
        desk, "intakeRefusalObject", {"id": filed["id"], "objection": "本公司在舟山登记,属市级事权"}, "applicant-wang"
    )
    assert objected["state"] == "INTAKE_REFUSAL_REPORTED"
    assert objected["intakeRefusals"][0]["status"] == "OBJECTED"
    again = {"id": filed["id"], "objection": "再次异议"}
    assert _errors(desk, "intakeRefusalObject", again, "applicant-wang") == [("id", "ALREADY_OBJECTED")]
    assert [r["applicationId"] for r in desk.inbox("INTAKE_REFUSALS", LEADER)] == [filed["id"]]
    assert [r["applicationId"] for r in desk.inbox("INTAKE_REFUSALS", "supervisor-fang")] == [filed["id"]]
    assert desk.inbox("INTAKE_REFUSALS", "approver-market-mao") == []

    # Only the unit leader rules: the lead department's approver does not even see a case still at
    # intake (its applicant's data stay with the window), as for an unknown case.
    correction = {"id": filed["id"], "note": "经核,该事项已下放至市级,应予受理"}
    assert _errors(desk, "intakeRefusalCorrect", correction, "approver-market-mao") == [("id", "NOT_FOUND")]
    assert _errors(desk, "intakeRefusalCorrect", {"id": filed["id"], "note": ""}, LEADER) == [
        ("note", "REASON_REQUIRED")
    ]

    corrected = _ok(desk, "intakeRefusalCorrect", correction, LEADER)
    assert corrected["state"] == "SUBMITTED"
    assert corrected["intakeRefusals"][0]["status"] == "CORRECTED"
    assert corrected["intakeRefusals"][0]["leaderNote"] == correction["note"]
    assert desk.inbox("INTAKE_REFUSALS", LEADER) == desk.inbox("INTAKE_REFUSALS", "supervisor-fang") == []
    assert [r["applicationId"] for r in desk.inbox("INTAKE", "clerk-wu")] == [filed["id"]]

    # The wrong refusal is a violation of the clerk's department, counted for the clerk too.
    body = desk.api.gql(
        "query($d: ID) { violationLedger(year: 2026, departmentId: $d, first: 10) { nodes { kind } } }",
        {"d": f"{gid('Department', 'city-bureau')}"},
        as_="supervisor-fang",
    )
    assert [v["kind"] for v in body["data"]["violationLedger"]["nodes"]] == ["INTAKE_REFUSAL_CORRECTED"]
    stats = desk.api.gql(
        'query { statistics(scope: {kind: STAFF, id: "clerk-li"}, from: "2026-11-01", to: "2026-11-30") '
        "{ violations } }",
        as_="supervisor-fang",
    )
    assert stats["data"]["statistics"]["violations"] == 1

    # The ledger shows the window's refusal, marked as such.
    ledger = desk.api.gql(LEDGER, {"month": "2026-11"}, as_="supervisor-fang")["data"]["rejectionLedger"]["nodes"]
    assert [(e["origin"], e["department"]["id"], e["report"]["status"]) for e in ledger] == [
        ("WINDOW", gid("Department", "city-bureau"), "CORRECTED")
    ]

    # Back at the window, the case is accepted as usual.
    assert desk.accept(filed["id"], "clerk-wu")["state"] == "IN_REVIEW"


def test_seed004_refusal_confirmed_by_the_unit_leader_is_told_in_writing_and_joins_the_ledger(
    desk: Desk, clock: Clock
) -> None:
    """「经审查发现报备的否认行为正确,应在报备资料上签字认可……将否认依据及时书面告知服务对象,并统一建立否认报备台帐」."""
    window = desk.file(ITEM)
    _ok(desk, "intakeRefusalIssue", {"id": window["id"], **REFUSAL}, "clerk-li")
    _ok(desk, "intakeRefusalObject", {"id": window["id"], "objection": "请复核"}, "applicant-wang")
    clock.advance(days=1)
    confirmed = _ok(desk, "intakeRefusalConfirm", {"id": window["id"], "note": "依据充分,予以维持"}, LEADER)
    assert confirmed["state"] == "INTAKE_REFUSED"
    assert confirmed["intakeRefusals"][0]["status"] == "CONFIRMED"
    written = _decision(desk, window["id"])["intakeRefusals"][0]["writtenDecision"]
    assert written["title"] == "不予受理决定书(异议审查后)"
    assert written["issuedOn"] == "2026-11-03"
    assert any("维持不予受理决定" in p for p in written["paragraphs"])
    # Ruled once: neither a second ruling nor a new objection.
    assert _errors(desk, "intakeRefusalCorrect", {"id": window["id"], "note": "改"}, LEADER) == [
        (None, "ILLEGAL_TRANSITION")
    ]
    assert _errors(desk, "intakeRefusalObject", {"id": window["id"], "objection": "再议"}, "applicant-wang") == [
        ("id", "ALREADY_OBJECTED")
    ]

    # Beside it in the ledger, an approver's refusal confirmed by a supervisor (REVIEW).
    review = desk.file("ZS-SCJG-004")
    desk.accept(review["id"], "clerk-li")
    desk.review(review["id"], "reviewer-market-zhao")
    desk.decide(review["id"], "approver-market-mao", "REJECTED", "经营场所不符合条件", "《条例》第十条")
    desk.ok("rejectionReportConfirm", {"id": review["id"], "note": "确认"}, as_="supervisor-fang")
    ledger = desk.api.gql(LEDGER, {"month": "2026-11"}, as_="supervisor-fang")["data"]["rejectionLedger"]["nodes"]
    assert sorted((e["trackingCode"], e["origin"], e["report"]["status"]) for e in ledger) == sorted(
        [(window["trackingCode"], "WINDOW", "CONFIRMED"), (review["trackingCode"], "REVIEW", "CONFIRMED")]
    )
    # The public sees the case as not accepted, without a reason or names.
    body = desk.api.gql(
        "query($c: String!) { publicProgress(trackingCode: $c) { stage } }", {"c": window["trackingCode"]}
    )
    assert body["data"]["publicProgress"]["stage"] == "NOT_ACCEPTED"


def test_seed004_a_district_window_without_a_recorded_head_is_ruled_on_by_a_supervisor(desk: Desk) -> None:
    """dinghai-service-office records no head: a supervisor rules on its clerks' refusals."""
    filed = desk.file("DH-SCJG-001", centre="dinghai")
    _ok(desk, "intakeRefusalIssue", {"id": filed["id"], **REFUSAL}, "clerk-dh-sun")
    _ok(desk, "intakeRefusalObject", {"id": filed["id"], "objection": "请复核"}, "applicant-wang")
    assert _errors(desk, "intakeRefusalConfirm", {"id": filed["id"]}, "approver-bureau-zhang") == [("id", "NOT_FOUND")]
    confirmed = _ok(desk, "intakeRefusalConfirm", {"id": filed["id"], "note": "维持"}, "supervisor-fang")
    assert confirmed["intakeRefusals"][0]["status"] == "CONFIRMED"


def test_law32_refused_or_noticed_submissions_are_never_deemed_accepted(desk: Desk, clock: Clock) -> None:
    """行政许可法 art. 32: only a submission left without a notice for 5 working days counts as accepted."""
    refused = desk.file(ITEM)
    _ok(desk, "intakeRefusalIssue", {"id": refused["id"], **REFUSAL}, "clerk-li")
    noticed = desk.file(ITEM, omit=("M03",))
    entries = [{"materialCode": "M03", "problem": "MISSING", "description": "未提交"}]
    desk.ok(
        "applicationNoticeIssue", {"id": noticed["id"], "entries": entries, "procedure": "补正后提交"}, as_="clerk-li"
    )
    silent = desk.file(ITEM)
    clock.set_china(date(2026, 11, 12))  # 8 working days later
    run_sweep()
    assert desk.read(refused["id"])["state"] == "INTAKE_REFUSED"
    assert desk.read(noticed["id"])["state"] == "NOTICE_ISSUED"
    assert desk.read(silent["id"])["deemedAccepted"] is True
    # The objection deadline has passed too.
    late = {"id": refused["id"], "objection": "迟到的异议"}
    assert _errors(desk, "intakeRefusalObject", late, "applicant-wang") == [("id", "OBJECTION_LATE")]


def test_refusing_an_accepted_case_or_another_centres_case_is_refused(desk: Desk) -> None:
    accepted = desk.file(ITEM)
    desk.accept(accepted["id"], "clerk-li")
    assert _errors(desk, "intakeRefusalIssue", {"id": accepted["id"], **REFUSAL}, "clerk-wu") == [
        ("id", "ALREADY_ACCEPTED")
    ]
    elsewhere = desk.file(ITEM)
    assert _errors(desk, "intakeRefusalIssue", {"id": elsewhere["id"], **REFUSAL}, "clerk-dh-sun") == [
        ("id", "NOT_FOUND")
    ]
    # The applicant cannot object to a refusal that was never made.
    assert _errors(desk, "intakeRefusalObject", {"id": elsewhere["id"], "objection": "?"}, "applicant-wang") == [
        (None, "ILLEGAL_TRANSITION")
    ]


def test_intake_refusal_requests_are_small_constants(desk: Desk, ddb_calls: CallCounter) -> None:
    """Each command reads the case once and writes one transaction; ruling adds the department
    lookup (and, when correcting, the violation counter); the written decision is the case plus
    the centre's name and its sealed document (one Query for the case's documents). Refusing also
    produces the sealed 不予受理决定书 right after its transaction (tests/e2e/test_written_decisions.py):
    the document, the centre tree and the centre's bureau, and the transaction that marks it sealed."""
    filed = desk.file(ITEM)
    counts: dict[str, dict[str, int]] = {}
    steps: list[tuple[str, dict[str, Any], str]] = [
        ("intakeRefusalIssue", {"id": filed["id"], **REFUSAL}, "clerk-li"),
        ("intakeRefusalObject", {"id": filed["id"], "objection": "请复核"}, "applicant-wang"),
        ("intakeRefusalCorrect", {"id": filed["id"], "note": "应予受理"}, LEADER),
    ]
    for name, value, who in steps:
        ddb_calls.reset()
        _ok(desk, name, value, who)
        counts[name] = dict(ddb_calls.calls)
    assert counts == {
        "intakeRefusalIssue": {"GetItem": 2, "Query": 2, "TransactWriteItems": 2},
        "intakeRefusalObject": {"GetItem": 1, "TransactWriteItems": 1},
        "intakeRefusalCorrect": {"GetItem": 2, "BatchGetItem": 1, "TransactWriteItems": 1},
    }
    _ok(desk, "intakeRefusalIssue", {"id": filed["id"], **REFUSAL}, "clerk-li")
    ddb_calls.reset()
    decision = _decision(desk, filed["id"])
    assert len(decision["intakeRefusals"]) == 2
    assert dict(ddb_calls.calls) == {"GetItem": 1, "BatchGetItem": 1, "Query": 1}
