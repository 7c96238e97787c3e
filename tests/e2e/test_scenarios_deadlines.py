"""Application lifecycle, the working-day clock: 004 二(三) 超时默认 (deemed approval, red flag),
special steps that pause the clock, the 5-day intake rule, immediate items, 001 extensions,
000 三(一) joint review meetings, withdrawal before the decision.

Scenario tests replay the seeds' rules through `/graphql` only (helpers in
tests/lifecycle_desk.py). Each test names the seed whose rule it replays and quotes it. Scheduled
behaviour runs the deadline sweep the scheduled Lambda runs, on the pinned clock. Dates are in
November 2026: no public holiday falls in the month, so every Monday to Friday is a working day.
"""

from __future__ import annotations

from datetime import date

from tests.conftest import Clock
from tests.lifecycle_desk import Desk, gid, run_sweep, task_of
from tests.lifecycle_desk import desk as desk

# ---------------------------------------------------------------------------------------------
# The working-day clock
# ---------------------------------------------------------------------------------------------


def test_seed004_timeout_deemed_approval_past_the_promised_limit(desk: Desk, clock: Clock) -> None:
    """seed 004 超时默认制: 「确保每一个办件在承诺日内办结。对行政审批工程在承诺时限内未办结的,实行“超时默认制”,
    由此产生的一切后果由超过时限单位承担」."""
    assert desk.item("ZS-WJ-001").elements.timeout_rule.value == "deemed_approval"
    case = desk.accept(desk.file("ZS-WJ-001")["id"])  # promised 2 working days
    assert case["deadline"] == "2026-11-04"
    clock.set_china(date(2026, 11, 4), hour=23)
    assert run_sweep()["deemed_approval"] == 0  # the last day belongs to the department
    clock.set_china(date(2026, 11, 5), hour=8)
    assert run_sweep()["deemed_approval"] == 1
    approved = desk.read(case["id"], as_="applicant-wang")
    assert approved["state"] == "APPROVED"
    assert approved["decision"]["outcome"] == "APPROVED"
    assert approved["decision"]["deemed"] is True
    assert approved["redFlag"] is True
    last = desk.timeline(case["id"])[-1]
    assert (last["action"], last["actor"], last["fromState"], last["toState"]) == (
        "DEEMED_APPROVAL",
        "system",
        "IN_REVIEW",
        "APPROVED",
    )
    assert desk.inbox("REVIEW", "reviewer-health-cao") == []  # nothing left to review


def test_seed004_timeout_escalation_flags_red_once(desk: Desk, clock: Clock) -> None:
    """seed 004 超时默认制: 「对行政审批工程在承诺时限内未办结的,实行“超时默认制”,由此产生的一切后果由超过时限
    单位承担」; seed 001: 「全程接受电子监察系统统一监控」."""
    assert desk.item("ZS-SCJG-004").elements.timeout_rule.value == "escalate"
    case = desk.accept(desk.file("ZS-SCJG-004")["id"])
    clock.set_china(date(2026, 11, 5))
    assert run_sweep()["escalate"] == 1
    flagged = desk.read(case["id"])
    assert flagged["state"] == "IN_REVIEW"
    assert flagged["redFlag"] is True
    assert flagged["decision"] is None
    events = desk.timeline(case["id"])
    assert events[-1]["action"] == "ESCALATE"
    assert [r["redFlag"] for r in desk.inbox("REVIEW", "reviewer-market-zhao")] == [True]

    assert run_sweep()["escalate"] == 0
    clock.advance(days=1)
    assert run_sweep()["escalate"] == 0
    assert desk.timeline(case["id"]) == events  # nothing changed, nothing appended
    # The department can still decide the flagged case.
    desk.review(case["id"], "reviewer-market-zhao")
    assert desk.decide(case["id"], "approver-market-mao")["state"] == "APPROVED"


def test_seed004_special_steps_pause_the_clock_only_when_not_counted(desk: Desk, clock: Clock) -> None:
    """seed 004 审批时限: 「凡属部门审批的工程,除需现场踏勘、专家论证、前置审批、上报上级和特殊事项外,原则上一律
    实行即办」; seed 002: 「各业务主管部门负责审批过程中的专家评审、现场勘查、听证论证等环节」."""
    steps = {s.kind.value: s.counts_toward_limit for s in desk.item("ZS-STHJ-002").elements.special_steps}
    assert steps == {"site_inspection": True, "expert_review": False}
    case = desk.accept(desk.file("ZS-STHJ-002")["id"])  # promised 10 working days
    assert case["deadline"] == "2026-11-16"

    # A site inspection counts toward the limit: the deadline stays.
    clock.set_china(date(2026, 11, 3))
    desk.ok(
        "applicationSpecialStepStart",
        {"id": case["id"], "kind": "SITE_INSPECTION", "note": "现场踏勘"},
        as_="reviewer-eco-liu",
    )
    clock.set_china(date(2026, 11, 5))
    ended = desk.ok("applicationSpecialStepEnd", {"id": case["id"], "kind": "SITE_INSPECTION"}, as_="reviewer-eco-liu")
    assert ended["deadline"] == "2026-11-16"

    # Expert review does not count: started Monday 9, ended Wednesday 11 November. The clock stops
    # from the day after the start (Monday was already a working day of the case): 2 days paused.
    clock.set_china(date(2026, 11, 9))
    started = desk.ok(
        "applicationSpecialStepStart",
        {"id": case["id"], "kind": "EXPERT_REVIEW", "note": "专家论证"},
        as_="approver-eco-jin",
    )
    assert started["deadline"] == "2026-11-16"  # running, but nothing paused yet on its first day
    clock.set_china(date(2026, 11, 11))
    ended = desk.ok(
        "applicationSpecialStepEnd",
        {"id": case["id"], "kind": "EXPERT_REVIEW", "note": "论证通过"},
        as_="reviewer-eco-liu",
    )
    assert ended["deadline"] == "2026-11-18"  # 16 November + 2 paused working days (10, 11)
    assert [(s["kind"], s["countsTowardLimit"], s["startedOn"], s["endedOn"]) for s in ended["specialSteps"]] == [
        ("SITE_INSPECTION", True, "2026-11-03", "2026-11-05"),
        ("EXPERT_REVIEW", False, "2026-11-09", "2026-11-11"),
    ]
    assert task_of(ended, "city-ecology")["dueOn"] == "2026-11-18"

    # The sweep agrees: on 18 November the case is not overdue; on 19 November it is.
    clock.set_china(date(2026, 11, 18))
    assert run_sweep()["escalate"] == 0
    assert desk.read(case["id"])["redFlag"] is False
    clock.set_china(date(2026, 11, 19))
    assert run_sweep()["escalate"] == 1
    assert desk.read(case["id"])["redFlag"] is True


def test_seed004_unnoticed_submission_is_deemed_accepted_after_five_working_days(desk: Desk, clock: Clock) -> None:
    """seed 004 一次告知制 / 两次办结制: 「第一次要详实告知所需的审批材料和相关要求」 — the window must notify
    promptly; as the centre applies 《行政许可法》第三十二条, a submission not notified within five working days
    counts as accepted from the day it was received."""
    case = desk.file("ZS-JT-001")  # promised 10 working days
    clock.set_china(date(2026, 11, 9), hour=18)  # the 5th working day after Monday 2 November
    assert run_sweep()["deemed_accept"] == 0
    assert desk.read(case["id"])["state"] == "SUBMITTED"

    clock.set_china(date(2026, 11, 10))
    assert run_sweep()["deemed_accept"] == 1
    deemed = desk.read(case["id"], as_="applicant-wang")
    assert deemed["state"] == "IN_REVIEW"
    assert deemed["deemedAccepted"] is True
    assert deemed["acceptedOn"] == "2026-11-02"  # in law it counts as accepted from receipt
    # but the department only received it on the 10th: its 10 working days run from then
    assert deemed["deadline"] == "2026-11-24"
    assert deemed["firstContactOfficer"] is None
    assert [t["role"] for t in deemed["tasks"]] == ["LEAD"]
    assert desk.inbox("INTAKE", "clerk-li") == []
    assert [r["applicationId"] for r in desk.inbox("REVIEW", "reviewer-tr-zhu")] == [case["id"]]
    last = desk.timeline(case["id"])[-1]
    assert (last["action"], last["actor"], last["toState"]) == ("DEEMED_ACCEPT", "system", "IN_REVIEW")
    assert run_sweep()["deemed_accept"] == 0


def test_seed004_immediate_item_is_decided_at_the_window_the_same_day(desk: Desk) -> None:
    """seed 004 审批时限: 「凡属部门审批的工程,除需现场踏勘、专家论证、前置审批、上报上级和特殊事项外,原则上
    一律实行即办,最长不得超过2个工作日」; 效能保障: 「授予窗口工作人员审批权,进一步提高即办率」."""
    assert desk.item("ZS-SCJG-003").elements.kind.value == "immediate"
    case = desk.accept(desk.file("ZS-SCJG-003")["id"])
    assert case["state"] == "IN_REVIEW"
    assert case["tasks"] == []  # no department review
    assert case["deadline"] == "2026-11-02"
    assert [r["applicationId"] for r in desk.inbox("DECISION", "approver-market-mao")] == [case["id"]]
    approved = desk.decide(case["id"], "approver-market-mao", reason="当场审查符合条件")
    assert approved["state"] == "APPROVED"
    assert approved["decision"]["outcome"] == "APPROVED"
    assert approved["decision"]["decidedAt"].startswith("2026-11-02")
    events = desk.timeline(case["id"])
    assert [e["action"] for e in events] == ["FILE", "ACCEPT", "APPROVE"]
    assert {e["at"][:10] for e in events} == {"2026-11-02"}  # filed, accepted and decided the same day
    assert run_sweep()["deemed_approval"] + run_sweep()["escalate"] == 0


def test_seed001_extension_by_the_supervisor_moves_the_deadline(desk: Desk) -> None:
    """seed 001: 「建立健全违规审批和滥用审批权的监督问责机制 … 加大对申请人知情权落实情况、审批时限、执行情况
    … 的自查力度」; seed 002 双向承诺制: 「各业务部门对社会公开承诺办理流程和办结时限」."""
    case = desk.accept(desk.file("ZS-SCJG-001")["id"])  # promised 5: Monday 9 November
    assert case["deadline"] == "2026-11-09"
    assert case["workingDaysLeft"] == 5
    extended = desk.ok(
        "applicationExtensionGrant",
        {"id": case["id"], "days": 3, "reason": "需补充调查经营场所"},
        as_="supervisor-fang",
    )
    assert extended["deadline"] == "2026-11-12"
    assert extended["workingDaysLeft"] == 8
    assert extended["extensions"] == [{"days": 3, "reason": "需补充调查经营场所"}]
    assert task_of(extended, "city-market")["dueOn"] == "2026-11-12"
    assert desk.timeline(case["id"])[-1]["action"] == "GRANT_EXTENSION"
    # Clerks and applicants cannot extend: the field rule refuses before the resolver runs.
    body = desk.api.gql(
        "mutation($i: ApplicationExtensionGrantInput!) { applicationExtensionGrant(input: $i) { userErrors { code } } }",
        {"i": {"id": case["id"], "days": 3, "reason": "x"}},
        as_="clerk-li",
    )
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]


def test_seed000_joint_review_meeting_records_each_departments_opinion(desk: Desk, clock: Clock) -> None:
    """seed 000 联合会审机制: 「相关部门项目审批负责人应参与现场联合踏勘和联审会议,并按照规定及时出具一次性
    告知书或联审意见」; seed 002: 「由行业主管部门牵头组织召开审批工作协调会议,督促审核进度」."""
    case = desk.accept(desk.file("ZS-FGW-001", as_="company-qiandao")["id"])
    clock.set_china(date(2026, 11, 4))
    opinions = [
        {"departmentId": gid("Department", "city-development"), "opinion": "项目符合产业政策"},
        {"departmentId": gid("Department", "city-natural-resources"), "opinion": "用地符合国土空间规划"},
        {"departmentId": gid("Department", "city-ecology"), "opinion": "需同步开展环评"},
    ]
    recorded = desk.ok(
        "applicationMeetingRecord",
        {"id": case["id"], "kind": "JOINT_REVIEW", "heldOn": "2026-11-03", "opinions": opinions},
        as_="reviewer-dev-jiang",
    )
    [meeting] = recorded["meetings"]
    assert (meeting["kind"], meeting["heldOn"]) == ("JOINT_REVIEW", "2026-11-03")
    assert [(o["department"]["id"], o["opinion"]) for o in meeting["opinions"]] == [
        (o["departmentId"], o["opinion"]) for o in opinions
    ]
    assert recorded["state"] == "IN_REVIEW"
    # The applicant sees the meeting on the case too.
    assert desk.read(case["id"], as_="company-qiandao")["meetings"] == recorded["meetings"]
    assert desk.timeline(case["id"])[-1]["action"] == "RECORD_MEETING"


def test_seed001_withdraw_before_the_decision_but_not_after(desk: Desk) -> None:
    """seed 001: 「具有行政审批职能的窗口要严格按照受理、审核、审批、办结四个环节设定流程」 — a case may be
    withdrawn while it runs; a decided (办结) case is final."""
    running = desk.accept(desk.file("ZS-SCJG-001")["id"])
    withdrawn = desk.ok(
        "applicationWithdraw", {"id": running["id"], "reason": "经营场所变更,暂不申请"}, as_="applicant-wang"
    )
    assert withdrawn["state"] == "WITHDRAWN"
    assert withdrawn["deadline"] is None
    assert desk.inbox("REVIEW", "reviewer-market-zhao") == []
    last = desk.timeline(running["id"])[-1]
    assert (last["action"], last["reason"], last["fromState"]) == ("WITHDRAW", "经营场所变更,暂不申请", "IN_REVIEW")

    decided = desk.decide(desk.accept(desk.file("ZS-SCJG-003")["id"])["id"], "approver-market-mao")
    events = len(desk.timeline(decided["id"]))
    assert desk.refused("applicationWithdraw", {"id": decided["id"]}, as_="applicant-wang") == ["ILLEGAL_TRANSITION"]
    assert desk.read(decided["id"])["state"] == "APPROVED"
    assert len(desk.timeline(decided["id"])) == events
    # Withdrawn is final too.
    assert desk.refused("applicationWithdraw", {"id": running["id"]}, as_="applicant-wang") == ["ILLEGAL_TRANSITION"]
