"""Application lifecycle, accountability, proxies and retries: 002 hash-chained audit trail and
what applicants see of it, 000 proxy agents (代办), idempotent filing.

Scenario tests replay the seeds' rules through `/graphql` only (helpers in
tests/lifecycle_desk.py). Each test names the seed whose rule it replays and quotes it. Scheduled
behaviour runs the deadline sweep the scheduled Lambda runs, on the pinned clock. Dates are in
November 2026: no public holiday falls in the month, so every Monday to Friday is a working day.
"""

from __future__ import annotations

import itertools
from datetime import date

from strawberry import relay

from tests.conftest import Clock
from tests.lifecycle_desk import Desk
from tests.lifecycle_desk import desk as desk

GENESIS = "0" * 64


# ---------------------------------------------------------------------------------------------
# Accountability, proxies, retries
# ---------------------------------------------------------------------------------------------


def test_seed002_audit_trail_is_complete_ordered_and_hash_chained(desk: Desk, clock: Clock) -> None:
    """seed 002: 「实行“谁审查谁签批”,建立责任追溯机制」; seed 001: 「全程接受电子监察系统统一监控」."""
    filed = desk.file("ZS-ZJ-001", as_="company-qiandao", omit=("M05",))
    desk.ok(
        "applicationNoticeIssue",
        {
            "id": filed["id"],
            "procedure": "补正后重新提交",
            "entries": [{"materialCode": "M05", "problem": "MISSING", "description": "缺建设资金落实承诺书"}],
        },
        as_="clerk-li",
    )
    clock.set_china(date(2026, 11, 3))
    desk.ok(
        "applicationSupplement",
        {"id": filed["id"], "materials": desk.upload("ZS-ZJ-001", ["M05"], as_="company-qiandao")},
        as_="company-qiandao",
    )
    desk.accept(filed["id"], "clerk-wu")
    clock.set_china(date(2026, 11, 4))
    desk.review(filed["id"], "reviewer-nr-yu")
    desk.review(filed["id"], "reviewer-housing-xie")
    clock.set_china(date(2026, 11, 5))
    desk.decide(filed["id"], "approver-housing-ding")

    events = desk.timeline(filed["id"])
    expected = [
        ("FILE", "company-qiandao", "applicant", None, "SUBMITTED"),
        ("ISSUE_NOTICE", "clerk-li", "clerk", "SUBMITTED", "NOTICE_ISSUED"),
        ("SUPPLEMENT", "company-qiandao", "applicant", "NOTICE_ISSUED", "SUBMITTED"),
        ("ACCEPT", "clerk-wu", "clerk", "SUBMITTED", "IN_REVIEW"),
        ("REVIEW", "reviewer-nr-yu", "reviewer", "IN_REVIEW", "IN_REVIEW"),
        ("REVIEW", "reviewer-housing-xie", "reviewer", "IN_REVIEW", "IN_REVIEW"),
        ("APPROVE", "approver-housing-ding", "approver", "IN_REVIEW", "APPROVED"),
    ]
    assert [(e["action"], e["actor"], e["role"], e["fromState"], e["toState"]) for e in events] == expected
    assert [e["seq"] for e in events] == list(range(1, 8))
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)
    assert events[0]["prevHash"] == GENESIS
    for before, after in itertools.pairwise(events):
        assert after["prevHash"] == before["hash"]
        assert after["fromState"] in (before["toState"], None)
    assert len({e["hash"] for e in events}) == 7
    # The applicant follows the same trail (actions and states) of their own case.
    own = desk.api.gql(
        "query($id: ID!) { application(id: $id) { timeline { nodes { seq action toState } } } }",
        {"id": filed["id"]},
        as_="company-qiandao",
    )["data"]["application"]["timeline"]["nodes"]
    assert own == [{"seq": e["seq"], "action": e["action"], "toState": e["toState"]} for e in events]
    verification = desk.verification(filed["id"])
    assert verification == {"intact": True, "events": 7, "brokenAt": None, "headHash": events[-1]["hash"]}

    # Tampering with a stored event (outside the API) is detected from that event on.
    from chalicelib.storage.tables import Record

    application_id = relay.GlobalID.from_id(filed["id"]).node_id
    record = Record.get(f"APP#{application_id}", "EV#000004")
    record.data = {**record.data, "actor": "clerk-zheng"}
    record.save()
    broken = desk.verification(filed["id"])
    assert (broken["intact"], broken["brokenAt"]) == (False, 4)


def test_seed002_staff_identities_in_the_trail_are_not_shown_to_applicants(desk: Desk) -> None:
    """seed 002: 「建立责任追溯机制」 — the trail names who did what for staff and supervisors; the schema keeps
    the acceptor and reviewers staff-only (`acceptedBy`, `reviewerId`), and the trail must not undo that."""
    case = desk.accept(desk.file("ZS-SCJG-002")["id"], "clerk-wu")
    desk.review(case["id"], "reviewer-market-zhao")
    staff_only = desk.api.gql(
        "query($id: ID!) { application(id: $id) { acceptedBy tasks { reviewerId } } }",
        {"id": case["id"]},
        as_="applicant-wang",
    )
    assert {e["extensions"]["code"] for e in staff_only["errors"]} == {"FORBIDDEN"}
    own = desk.timeline(case["id"], as_="applicant-wang")
    assert [(e["action"], e["role"]) for e in own] == [
        ("FILE", "applicant"),
        ("ACCEPT", "clerk"),
        ("REVIEW", "reviewer"),
    ]
    assert own[0]["actor"] == "applicant-wang"  # their own steps under their own name
    assert not {"clerk-wu", "reviewer-market-zhao"} & {e["actor"] for e in own}
    # Staff and supervisors see the names; the chain the applicant sees still verifies.
    assert [e["actor"] for e in desk.timeline(case["id"])] == ["applicant-wang", "clerk-wu", "reviewer-market-zhao"]
    assert desk.verification(case["id"], as_="applicant-wang")["intact"] is True


def test_seed000_proxy_agent_files_only_when_authorised(desk: Desk) -> None:
    """seed 000 联合代办机制: 「建立市、区、功能区联动代办服务机构和多层次的代办员队伍,实行多级联合代理代办」;
    seed 004: 「办事者也可委托“中心”全程办理」."""
    value = desk.file_input("ZS-SCJG-002", as_="agent-chen", applicant="applicant-wang")
    assert desk.refused("applicationFile", value, as_="agent-chen") == ["NOT_AUTHORISED_AGENT"]
    assert desk.mine("applicant-wang") == []

    desk.verified_account("agent-chen")  # the portal verified the agent's real name
    grant = desk.api.gql(
        """mutation($i: AgentAuthorisationGrantInput!) { agentAuthorisationGrant(input: $i) {
            authorisation { agentId validUntil } userErrors { code } } }""",
        {"i": {"agentId": "agent-chen", "validUntil": "2026-12-31"}},
        as_="applicant-wang",
    )["data"]["agentAuthorisationGrant"]
    assert grant == {"authorisation": {"agentId": "agent-chen", "validUntil": "2026-12-31"}, "userErrors": []}

    filed = desk.ok("applicationFile", value, as_="agent-chen")
    assert filed["applicant"] == {"accountId": "applicant-wang", "name": "王海燕"}
    assert [(c["id"], c["state"], c["item"]["code"]) for c in desk.mine("applicant-wang")] == [
        (filed["id"], "SUBMITTED", "ZS-SCJG-002")
    ]
    assert desk.read(filed["id"], as_="applicant-wang")["applicant"]["accountId"] == "applicant-wang"
    first = desk.timeline(filed["id"])[0]
    assert (first["actor"], first["role"]) == ("agent-chen", "agent")
    # The authorisation is personal: it does not let the agent file for someone else.
    other = desk.file_input("ZS-SCJG-002", as_="agent-chen", applicant="applicant-zhou")
    assert desk.refused("applicationFile", other, as_="agent-chen") == ["NOT_AUTHORISED_AGENT"]


def test_seed002_retried_filing_with_the_same_idempotency_key_creates_one_case(desk: Desk) -> None:
    """seed 002: 「以“只进一扇门、最多跑一次”甚至“一次也不跑”为目标」 — a client retrying a submission over a
    bad connection must not leave the applicant with two cases."""
    value = desk.file_input("ZS-SCJG-002", key="wang-2026-11-02-food-1")
    first = desk.ok("applicationFile", value, as_="applicant-wang")
    second = desk.ok("applicationFile", value, as_="applicant-wang")
    assert second["id"] == first["id"]
    assert second["trackingCode"] == first["trackingCode"]
    assert [c["id"] for c in desk.mine("applicant-wang")] == [first["id"]]
    assert len(desk.timeline(first["id"])) == 1
    assert [e["trackingCode"] for e in desk.inbox("INTAKE", "clerk-li")] == [first["trackingCode"]]
    # A different key is a different submission.
    third = desk.ok("applicationFile", {**value, "idempotencyKey": "wang-2026-11-02-food-2"}, as_="applicant-wang")
    assert third["id"] != first["id"]
    assert len(desk.mine("applicant-wang")) == 2
