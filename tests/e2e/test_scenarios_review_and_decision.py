"""Application lifecycle, parallel review and decisions: 004 二(四) 并联审批 and 缺席默认,
002 四(四) 三分离, 004 二(五) 否认报备 (confirmed, corrected, never shown before it stands).

Scenario tests replay the seeds' rules through `/graphql` only (helpers in
tests/lifecycle_desk.py). Each test names the seed whose rule it replays and quotes it. Scheduled
behaviour runs the deadline sweep the scheduled Lambda runs, on the pinned clock. Dates are in
November 2026: no public holiday falls in the month, so every Monday to Friday is a working day.
"""

from __future__ import annotations

from datetime import date

from tests.conftest import Clock
from tests.lifecycle_desk import CITY, Desk, gid, run_sweep, task_of, without
from tests.lifecycle_desk import desk as desk

LEDGER = """
query($month: String!) { rejectionLedger(month: $month, first: 100) {
  nodes { applicationId trackingCode itemName department { id } report { reason legalBasis status supervisorNote } }
} }"""


# ---------------------------------------------------------------------------------------------
# Parallel review and decisions
# ---------------------------------------------------------------------------------------------


def test_seed004_parallel_review_silent_co_reviewers_are_deemed_to_consent(desk: Desk, clock: Clock) -> None:
    """seed 004 联合办理制 / 缺席默认制: 「对拒绝参与或不接受牵头单位协调的,牵头单位即视缺席单位为同意,
    实行“缺席默认制”,启动办理程序,予以办理,由此产生的一切后果由缺席单位承担」.
    seed 002: 「由串联审批改为并联审批」."""
    case = desk.accept(desk.file("ZS-ZRZY-001")["id"])
    clock.set_china(date(2026, 11, 3))
    reviewed = desk.review(case["id"], "reviewer-nr-yu", text="规划条件符合,同意")
    assert task_of(reviewed, "city-natural-resources")["status"] == "AGREED"
    # The lead alone cannot decide while the co-reviewers are within their own limits.
    value = {"id": case["id"], "outcome": "APPROVED", "reason": "同意"}
    assert desk.refused("applicationDecide", value, as_="approver-nr-chen") == ["REVIEW_PENDING"]

    clock.set_china(date(2026, 11, 9))  # the co-reviewers' last day: still theirs
    assert run_sweep()["deem_consent"] == 0
    clock.set_china(date(2026, 11, 10))
    assert run_sweep()["deem_consent"] == 2
    swept = desk.read(case["id"])
    for department in ("city-housing", "city-fire"):
        task = task_of(swept, department)
        assert task["status"] == "DEEMED_CONSENT"
        assert task["opinion"]  # the record says why
    assert swept["state"] == "IN_REVIEW"
    assert [r["applicationId"] for r in desk.inbox("DECISION", "approver-nr-chen")] == [case["id"]]

    approved = desk.decide(case["id"], "approver-nr-chen")
    assert approved["state"] == "APPROVED"
    assert without(approved["decision"], "decidedAt") == {
        "outcome": "APPROVED",
        "reason": "符合法定条件,准予许可",
        "legalBasis": "",
        "deemed": False,
    }
    assert approved["deadline"] is None  # closed cases have no deadline
    actions = [e["action"] for e in desk.timeline(case["id"])]
    assert actions == ["FILE", "ACCEPT", "REVIEW", "DEEM_CONSENT", "DEEM_CONSENT", "APPROVE"]


def test_seed002_separation_of_duties_acceptor_may_neither_review_nor_decide(desk: Desk) -> None:
    """seed 002 综合窗口受理: 「推行受理、审核、制证“三分离”」; 「实行“谁审查谁签批”,建立责任追溯机制」."""
    api = desk.api
    dual = api.posted_token("officer-dual", ["approver", "clerk", "reviewer"], department="city-market", centre=CITY)
    case = desk.file("ZS-SCJG-002")
    accepted = desk.ok("applicationAccept", {"id": case["id"]}, token=dual)
    assert accepted["firstContactOfficer"] == "officer-dual"

    review = {"id": case["id"], "opinion": "AGREE", "text": "同意"}
    assert desk.refused("applicationReview", review, token=dual) == ["SEPARATION_OF_DUTIES"]
    desk.review(case["id"], "reviewer-market-zhao")
    decide = {"id": case["id"], "outcome": "APPROVED", "reason": "同意"}
    assert desk.refused("applicationDecide", decide, token=dual) == ["SEPARATION_OF_DUTIES"]
    assert desk.decide(case["id"], "approver-market-mao")["state"] == "APPROVED"
    people = [(e["action"], e["actor"]) for e in desk.timeline(case["id"])]
    assert people == [
        ("FILE", "applicant-wang"),
        ("ACCEPT", "officer-dual"),
        ("REVIEW", "reviewer-market-zhao"),
        ("APPROVE", "approver-market-mao"),
    ]


def _reject(desk: Desk, item: str = "ZS-SCJG-004") -> tuple[str, str]:
    """File, accept, object and refuse: the case waits for a supervisor (否认报备)."""
    case = desk.accept(desk.file(item)["id"])
    desk.review(case["id"], "reviewer-market-zhao", "OBJECT", "检验报告已超过有效期")
    basis = "《中华人民共和国特种设备安全法》第三十三条"
    reported = desk.decide(case["id"], "approver-market-mao", "REJECTED", "特种设备未经定期检验", basis)
    assert reported["state"] == "REJECTION_REPORTED"
    assert reported["decision"] is None
    [report] = reported["rejectionReports"]
    assert (report["reason"], report["legalBasis"], report["status"]) == ("特种设备未经定期检验", basis, "PENDING")
    return case["id"], basis


def test_seed004_rejection_report_confirmed_tells_the_applicant_in_writing(desk: Desk) -> None:
    """seed 004 否认报备制: 「窗口工作人员要填写否认报备表一式两份,一份送单位领导备案,一份存档。单位领导接到
    否认报备表后,应及时予以审查。经审查发现报备的否认行为正确,应在报备资料上签字认可 … 经办人接到领导审批
    意见后,应当将否认依据及时书面告知效劳对象,并统一建立否认报备台帐」."""
    case_id, basis = _reject(desk)
    waiting = desk.inbox("REJECTION_REPORTS", "supervisor-ye")
    assert [(r["applicationId"], r["state"], r["queue"]) for r in waiting] == [
        (case_id, "REJECTION_REPORTED", "REJECTION_REPORTS")
    ]
    # The applicant has no decision yet: a refusal is only told once the supervisor confirms it.
    assert desk.read(case_id, as_="applicant-wang")["decision"] is None

    confirmed = desk.ok("rejectionReportConfirm", {"id": case_id, "note": "依据充分,予以确认"}, as_="supervisor-fang")
    assert confirmed["state"] == "REJECTED"
    assert confirmed["rejectionReports"][0]["status"] == "CONFIRMED"
    assert confirmed["rejectionReports"][0]["supervisorNote"] == "依据充分,予以确认"
    seen = desk.read(case_id, as_="applicant-wang")
    assert seen["state"] == "REJECTED"
    assert without(seen["decision"], "decidedAt") == {
        "outcome": "REJECTED",
        "reason": "特种设备未经定期检验",
        "legalBasis": basis,
        "deemed": False,
    }
    assert desk.inbox("REJECTION_REPORTS", "supervisor-ye") == []

    body = desk.api.gql(LEDGER, {"month": "2026-11"}, as_="supervisor-ye")
    [entry] = body["data"]["rejectionLedger"]["nodes"]
    assert entry["applicationId"] == case_id
    assert entry["department"]["id"] == gid("Department", "city-market")
    assert entry["report"] == {
        "reason": "特种设备未经定期检验",
        "legalBasis": basis,
        "status": "CONFIRMED",
        "supervisorNote": "依据充分,予以确认",
    }
    assert desk.api.gql(LEDGER, {"month": "2026-10"}, as_="supervisor-ye")["data"]["rejectionLedger"]["nodes"] == []
    assert [e["action"] for e in desk.timeline(case_id)][-2:] == ["REPORT_REJECTION", "CONFIRM_REJECTION"]


def test_seed004_pending_rejection_report_is_not_shown_to_the_applicant(desk: Desk) -> None:
    """seed 004 否认报备制: 「经办人接到领导审批意见后,应当将否认依据及时书面告知效劳对象」 — the applicant
    learns the refusal and its basis only after the supervisor's review (which may correct it)."""
    case_id, basis = _reject(desk)
    seen = desk.read(case_id, as_="applicant-wang")
    assert (seen["state"], seen["rejectionReports"], seen["decision"]) == ("IN_REVIEW", [], None)
    assert [c["state"] for c in desk.mine("applicant-wang")] == ["IN_REVIEW"]
    trail = desk.timeline(case_id, as_="applicant-wang")
    assert "REJECTION_REPORTED" not in {e["toState"] for e in trail}
    assert not any("特种设备未经定期检验" in e["reason"] for e in trail)
    # Staff still see the report as it is.
    assert desk.read(case_id, as_="approver-market-mao")["state"] == "REJECTION_REPORTED"

    desk.ok("rejectionReportConfirm", {"id": case_id}, as_="supervisor-fang")
    told = desk.read(case_id, as_="applicant-wang")
    assert told["state"] == "REJECTED"
    assert [(r["status"], r["legalBasis"]) for r in told["rejectionReports"]] == [("CONFIRMED", basis)]


def test_seed004_corrected_rejection_is_never_shown_to_the_applicant(desk: Desk) -> None:
    """seed 004 否认报备制: 「若报备否认行为错误,应及时予以纠正」 — a corrected refusal was never the
    centre's answer, so the applicant is not told of it."""
    case_id, _ = _reject(desk)
    desk.ok("rejectionReportCorrect", {"id": case_id, "note": "依据不成立"}, as_="supervisor-fang")
    seen = desk.read(case_id, as_="applicant-wang")
    assert (seen["state"], seen["rejectionReports"]) == ("IN_REVIEW", [])
    assert [r["status"] for r in desk.read(case_id)["rejectionReports"]] == ["CORRECTED"]


def test_seed004_applicants_trail_does_not_name_an_unconfirmed_refusal(desk: Desk) -> None:
    """seed 004 否认报备制: 「经办人接到领导审批意见后,应当将否认依据及时书面告知效劳对象」 — the trail must not
    tell the applicant what the case view hides: that a refusal was proposed."""
    case_id, _ = _reject(desk)
    actions = [e["action"] for e in desk.timeline(case_id, as_="applicant-wang")]
    assert "REPORT_REJECTION" not in actions, actions
    desk.ok("rejectionReportCorrect", {"id": case_id, "note": "依据不成立"}, as_="supervisor-fang")
    actions = [e["action"] for e in desk.timeline(case_id, as_="applicant-wang")]
    assert not {"REPORT_REJECTION", "CORRECT_REJECTION"} & set(actions), actions


def test_seed004_rejection_ledger_month_follows_the_china_calendar(desk: Desk, clock: Clock) -> None:
    """seed 004 否认报备制: 「统一建立否认报备台帐」 — a refusal reported at 07:00 on 1 December (China time)
    belongs to December's ledger."""
    clock.set_china(date(2026, 12, 1), hour=7)
    case_id, _ = _reject(desk)
    body = desk.api.gql(LEDGER, {"month": "2026-12"}, as_="supervisor-fang")
    assert [e["applicationId"] for e in body["data"]["rejectionLedger"]["nodes"]] == [case_id]
    body = desk.api.gql(LEDGER, {"month": "2026-11"}, as_="supervisor-fang")
    assert body["data"]["rejectionLedger"]["nodes"] == []  # 30 November 23:00 UTC is not November's


def test_seed004_refusals_to_the_applicant_do_not_reveal_a_pending_rejection(desk: Desk) -> None:
    """seed 004 否认报备制: 「经办人接到领导审批意见后,应当将否认依据及时书面告知效劳对象」 — while the case
    shows as in review, no answer to the applicant may reveal the refusal waiting for the supervisor."""
    case_id, _ = _reject(desk)
    payload = desk.mutate("applicationWithdraw", {"id": case_id}, as_="applicant-wang")
    leaked = [
        e["message"]
        for e in payload["userErrors"]
        if any(word in e["message"] for word in ("rejection", "否认", "不予"))
    ]
    assert leaked == []


def test_seed004_rejection_report_corrected_returns_to_review_and_is_approved(desk: Desk) -> None:
    """seed 004 否认报备制: 「若报备否认行为错误,应及时予以纠正」."""
    case_id, _ = _reject(desk)
    corrected = desk.ok(
        "rejectionReportCorrect", {"id": case_id, "note": "检验报告在有效期内,否认依据不成立"}, as_="supervisor-fang"
    )
    assert corrected["state"] == "IN_REVIEW"
    assert corrected["decision"] is None
    assert corrected["rejectionReports"][0]["status"] == "CORRECTED"
    assert desk.inbox("REJECTION_REPORTS", "supervisor-fang") == []
    assert [r["applicationId"] for r in desk.inbox("DECISION", "approver-market-mao")] == [case_id]

    approved = desk.decide(case_id, "approver-market-mao", reason="经纠正,准予登记")
    assert approved["state"] == "APPROVED"
    assert approved["decision"]["outcome"] == "APPROVED"
    body = desk.api.gql(LEDGER, {"month": "2026-11"}, as_="supervisor-fang")
    assert [e["report"]["status"] for e in body["data"]["rejectionLedger"]["nodes"]] == ["CORRECTED"]
    actions = [e["action"] for e in desk.timeline(case_id)]
    assert actions == ["FILE", "ACCEPT", "REVIEW", "REPORT_REJECTION", "CORRECT_REJECTION", "APPROVE"]
