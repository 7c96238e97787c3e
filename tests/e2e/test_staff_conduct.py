"""The staff conduct ledger and 通报 bulletins through `/graphql` (seed 004 四.2)."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api, CallCounter, Clock
from tests.flows import Case, gid, op

W11 = gid("WindowPost", "zs-city/zs-city-w11")
ZHOU = "clerk-market-zhou"  # A of w11; 徐 (clerk-market-xu) is its B
RECORD = """mutation($input: StaffViolationRecordInput!) { staffViolationRecord(input: $input) {
  staffViolation { kind ordinal consequence evidence recordedBy department { name } }
  userErrors { field code message } } }"""
LEDGER = """query($s: ID) { staffViolations(staffId: $s) { edges { node {
  kind ordinal consequence recordedBy unitViolation applicationId } } } }"""
BULLETINS = """{ bulletins(centreId: "%s") { edges { node { kind title text department { name } } } } }"""


def charge(api: Api, staff_id: str, kind: str, evidence: str) -> dict[str, Any]:
    body = api.gql(
        RECORD,
        {"input": {"staffId": gid("Staff", staff_id), "kind": kind, "evidence": evidence}},
        as_=api.staff_with("supervisor"),
    )
    return body["data"]["staffViolationRecord"]  # type: ignore[no-any-return]


def test_seed004_second_conduct_violation_ends_the_posting_and_moves_open_work_to_the_backup(
    api: Api, clock: Clock
) -> None:
    # Open work of the post: a complaint addressed to window w11, held by 周 (A).
    api.gql(op("WindowPostFeedback"), {"input": {"windowPostId": W11, "text": "材料一次没说清楚"}})
    zhou, xu = api.token_for(ZHOU), api.token_for("clerk-market-xu")
    assert (
        len(api.gql(op("WindowPostWorklist"), {"postId": W11}, token=zhou)["data"]["windowPostWorklist"]["edges"]) == 1
    )

    first = charge(api, ZHOU, "CONDUCT_RULES", "2026-11-02上午窗口接待时使用手机,群众等候20分钟(监控截图存档)")
    assert first["userErrors"] == []
    assert first["staffViolation"]["ordinal"] == 1 and first["staffViolation"]["consequence"] == "NOTICE"
    assert first["staffViolation"]["department"]["name"] == "舟山市市场监督管理局"
    # Still posted after a 通报批评.
    assert api.post({"query": "{ me { subject } }"}, token=zhou)[0] == 200

    clock.advance(days=7)
    second = charge(api, ZHOU, "UNAUTHORISED_ABSENCE", "2026-11-09下午14:00-16:30未请假离开窗口(考勤记录、监控)")
    assert second["staffViolation"]["ordinal"] == 2
    assert second["staffViolation"]["consequence"] == "RETURN_TO_UNIT"

    # Returned to the unit: the token no longer works, the record says why.
    status, body = api.post({"query": "{ me { subject } }"}, token=zhou)
    assert status == 401 and body["errors"][0]["extensions"]["code"] == "TOKEN_SCOPE"
    member = api.gql(
        "query($id: ID!) { staffMember(id: $id) { status postId returnReason } }",
        {"id": gid("Staff", ZHOU)},
        as_=api.staff_with("supervisor"),
    )["data"]["staffMember"]
    assert member["status"] == "RETURNED" and member["postId"] is None and "擅自离岗" in member["returnReason"]
    # The post's open work is now the backup's, and she can act on it.
    cover = api.gql("query($id: ID!) { windowPost(id: $id) { staffId holderId } }", {"id": W11}, token=xu)
    assert cover["data"]["windowPost"] == {"staffId": "", "holderId": "clerk-market-xu"}
    items = api.gql(op("WindowPostWorklist"), {"postId": W11}, token=xu)["data"]["windowPostWorklist"]["edges"]
    assert [i["node"]["text"] for i in items] == ["材料一次没说清楚"]
    reply = api.gql(
        """mutation($input: WindowPostComplaintReplyInput!) { windowPostComplaintReply(input: $input) {
          userErrors { code } } }""",
        {"input": {"complaintId": items[0]["node"]["complaintId"], "text": "已致电说明所需全部材料"}},
        token=xu,
    )
    assert reply["data"]["windowPostComplaintReply"]["userErrors"] == []

    # Two public 通报: a criticism and a return, with generated text.
    bulletins = api.gql(BULLETINS % gid("Centre", "zs-city"))["data"]["bulletins"]["edges"]
    kinds = [b["node"]["kind"] for b in bulletins]
    assert kinds == ["PERSON_RETURN", "PERSON_NOTICE"]
    assert "退回" in bulletins[0]["node"]["text"] and "通报批评" in bulletins[1]["node"]["text"]
    assert all(b["node"]["department"]["name"] == "舟山市市场监督管理局" for b in bulletins)
    # Delivered through the outbox to the unit's feed and the leadership group's feed.
    from chalicelib.storage.outbox_repository import OutboxRepository

    for feed in ("leadership-group", "department:city-market", ZHOU):
        got = [m.title for m, _ in OutboxRepository().feed(feed, 10, None).items if m.kind.value == "bulletin"]
        assert len(got) == 2, feed
    assert any("退回" in t for t in got)


def test_seed004_conduct_violation_without_evidence_is_refused_and_writes_nothing(api: Api) -> None:
    blank = charge(api, ZHOU, "FOUR_PROHIBITIONS", "   ")
    assert blank["staffViolation"] is None
    assert [(e["field"], e["code"]) for e in blank["userErrors"]] == [("evidence", "EVIDENCE_REQUIRED")]
    assert "证据" in blank["userErrors"][0]["message"]
    automatic = charge(api, ZHOU, "WARNING_IGNORED", "")
    assert {e["code"] for e in automatic["userErrors"]} == {"NOT_MANUAL", "EVIDENCE_REQUIRED"}
    unknown = charge(api, "no-such-person", "CONDUCT_RULES", "证据")
    assert [e["code"] for e in unknown["userErrors"]] == ["NOT_FOUND"]
    ledger = api.gql(LEDGER, {"s": gid("Staff", ZHOU)}, as_=api.staff_with("supervisor"))
    assert ledger["data"]["staffViolations"]["edges"] == []
    assert api.gql(BULLETINS % gid("Centre", "zs-city"))["data"]["bulletins"]["edges"] == []
    # Only supervisors record; staff see only their own ledger.
    body = api.gql(
        RECORD, {"input": {"staffId": gid("Staff", ZHOU), "kind": "CONDUCT_RULES", "evidence": "x"}}, as_=ZHOU
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    other = api.gql(LEDGER, {"s": gid("Staff", "clerk-market-xu")}, as_=ZHOU)
    assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_seed004_corrected_refusal_is_charged_to_the_person_who_refused(api: Api, ddb_calls: CallCounter) -> None:
    case = Case(api).refused()
    approver = case.approver
    case.run(
        "RejectionReportCorrect", {"input": {"id": case.id, "note": "规划条件已满足,否认依据不成立"}}, case.supervisor
    )
    ledger = api.gql(LEDGER, {"s": gid("Staff", approver)}, as_=api.staff_with("supervisor"))
    (entry,) = [e["node"] for e in ledger["data"]["staffViolations"]["edges"]]
    assert entry["kind"] == "REJECTION_CORRECTED" and entry["recordedBy"] == "system"
    assert entry["ordinal"] == 1 and entry["consequence"] == "NOTICE"
    assert entry["applicationId"] == case.id
    assert entry["unitViolation"].endswith("#rejection_corrected")
    # The unit ledger still has its own entry for the department.
    year = api.gql("{ violationLedger(year: 2026) { edges { node { kind } } } }", as_=case.supervisor)
    assert "rejection_corrected" in [e["node"]["kind"].lower() for e in year["data"]["violationLedger"]["edges"]]


def test_public_lists_and_ledgers_cost_constant_requests(api: Api, ddb_calls: CallCounter) -> None:
    """staffChanges, bulletins, staffViolations and supervisionCard: one Query (+ one BatchGetItem
    for departments) whatever the page size; the card three GetItems."""
    from tests.e2e.test_staff_posts import create_staff

    for n in range(3):
        create_staff(api, f"clerk-market-c{n}", f"候选{n}", f"SC31{n:02d}")
    for n in range(2):
        assert charge(api, "clerk-market-xu", "CONDUCT_RULES", f"证据{n}")["userErrors"] == []
    supervisor = api.token_for(api.staff_with("supervisor"))
    city, xu = gid("Centre", "zs-city"), gid("Staff", "clerk-market-xu")
    cases: dict[str, tuple[str, dict[str, Any], str | None]] = {
        "staffChanges": (
            "query($c: ID!) { staffChanges(centreId: $c) { edges { node { name department { name } } } } }",
            {"c": city},
            None,
        ),
        "bulletins": (
            "query($c: ID) { bulletins(centreId: $c) { edges { node { title department { name } } } } }",
            {"c": city},
            None,
        ),
        "staffViolations": (
            "query($s: ID) { staffViolations(staffId: $s) { edges { node { kind department { name } } } } }",
            {"s": xu},
            supervisor,
        ),
        "staffViolationsYear": (
            "{ staffViolations(year: 2026) { edges { node { kind department { name } } } } }",
            {},
            supervisor,
        ),
    }
    api.post({"query": "{ me { subject } }"}, token=supervisor)  # warm the supervisor's standing
    for name, (query, variables, token) in cases.items():
        ddb_calls.reset()
        status, body = api.post({"query": query, "variables": variables}, token=token)
        assert status == 200 and "errors" not in body, (name, body)
        assert ddb_calls.calls == {"Query": 1, "BatchGetItem": 1}, (name, ddb_calls.calls)
    ddb_calls.reset()
    api.gql(op("SupervisionCard"), {"windowPostId": gid("WindowPost", "zs-city/zs-city-w01")})
    assert ddb_calls.calls == {"GetItem": 3}
