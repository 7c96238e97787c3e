"""Application lifecycle, intake at the one window: 002 四(四) 一窗受理, 004 二(五) 首问负责制 and
一次性告知, 002 四(八) 容缺受理 under a credit pledge (kept, broken, after the decision).

Scenario tests replay the seeds' rules through `/graphql` only (helpers in
tests/lifecycle_desk.py). Each test names the seed whose rule it replays and quotes it. Scheduled
behaviour runs the deadline sweep the scheduled Lambda runs, on the pinned clock. Dates are in
November 2026: no public holiday falls in the month, so every Monday to Friday is a working day.
"""

from __future__ import annotations

from datetime import date

from tests.conftest import Clock
from tests.lifecycle_desk import Desk, gid, run_sweep
from tests.lifecycle_desk import desk as desk

# ---------------------------------------------------------------------------------------------
# Intake at the one window
# ---------------------------------------------------------------------------------------------


def test_seed002_one_window_accepts_and_opens_every_review_task_at_once(desk: Desk) -> None:
    """seed 002: 「按照“一窗受理项目、抄告相关部门、同步审核签批、限时办结送达”的原则」;
    「实施“前台综合受理、后台流转审核、统一窗口出件”的工作机制」.
    seed 004 首问负责制: 「第一位接待的或被问及的工作人员即为首问责任人」."""
    filed = desk.file("ZS-ZRZY-001")  # lead 自然资源, co-reviewers 住建 and 消防, 5 working days each
    assert filed["state"] == "SUBMITTED"
    assert filed["missingMaterialCodes"] == []
    assert filed["firstContactOfficer"] is None  # filed online: nobody has handled it yet
    assert filed["tasks"] == []
    assert [e["trackingCode"] for e in desk.inbox("INTAKE", "clerk-wu")] == [filed["trackingCode"]]

    accepted = desk.accept(filed["id"], "clerk-li")
    assert accepted["state"] == "IN_REVIEW"
    assert accepted["acceptedOn"] == "2026-11-02"
    assert accepted["firstContactOfficer"] == "clerk-li"
    assert accepted["deadline"] == "2026-11-16"  # 10 working days after Monday 2 November
    assert {(t["department"]["id"], t["role"], t["status"], t["dueOn"]) for t in accepted["tasks"]} == {
        (gid("Department", "city-natural-resources"), "LEAD", "OPEN", "2026-11-16"),
        (gid("Department", "city-housing"), "CO", "OPEN", "2026-11-09"),
        (gid("Department", "city-fire"), "CO", "OPEN", "2026-11-09"),
    }
    # 抄告相关部门: every department has the case in its review worklist right away.
    for reviewer, due in [
        ("reviewer-nr-yu", "2026-11-16"),
        ("reviewer-housing-xie", "2026-11-09"),
        ("reviewer-fire-yao", "2026-11-09"),
    ]:
        rows = [r for r in desk.inbox("REVIEW", reviewer) if r["applicationId"] == accepted["id"]]
        assert [(r["dueOn"], r["state"]) for r in rows] == [(due, "IN_REVIEW")], reviewer
    # The intake worklist no longer holds it, and the clerk who accepted is recorded for staff.
    assert desk.inbox("INTAKE", "clerk-wu") == []
    body = desk.api.gql(
        "query($id: ID!) { application(id: $id) { acceptedBy } }", {"id": accepted["id"]}, as_="reviewer-fire-yao"
    )
    assert body["data"]["application"]["acceptedBy"] == "clerk-li"


def test_seed004_first_contact_officer_is_the_clerk_who_received_the_applicant_at_the_window(desk: Desk) -> None:
    """seed 004 首问负责制: 「效劳对象到行政效劳中心办事或咨询时,第一位接待的或被问及的工作人员即为首问责任人。
    属首问责任人职责范围内的事项,应当认真负责、耐心细致地答复或办理」."""
    value = desk.file_input("ZS-SCJG-001", as_="clerk-zheng", applicant="applicant-zhou")
    filed = desk.ok("applicationFile", {**value, "channel": "WINDOW"}, as_="clerk-zheng")
    assert filed["firstContactOfficer"] == "clerk-zheng"
    assert filed["applicant"]["accountId"] == "applicant-zhou"
    accepted = desk.accept(filed["id"], "clerk-li")
    assert accepted["firstContactOfficer"] == "clerk-zheng"
    assert [c["id"] for c in desk.mine("applicant-zhou")] == [filed["id"]]
    body = desk.api.gql(
        "query($id: ID!) { application(id: $id) { channel acceptedBy } }", {"id": filed["id"]}, as_="supervisor-ye"
    )
    assert body["data"]["application"] == {"channel": "WINDOW", "acceptedBy": "clerk-li"}


def test_seed004_one_time_notice_lists_everything_once_then_the_supplement_is_accepted(desk: Desk) -> None:
    """seed 004 一次告知制: 「对手续、材料不完备或未按规定程序和要求办理的,应一次性告知需要补办的手续、材料
    或办理程序、办理时限,并附事项办理告知单,告知单应注明工程名称、法律依据、办事程序…」;
    两次办结制: 「第一次要详实告知所需的审批材料和相关要求,第二次要在手续齐备的情况下,按规定时限批办完毕」."""
    item = "ZS-SCJG-001"
    filed = desk.file(item, omit=("M03", "M04", "M05"))
    assert filed["missingMaterialCodes"] == ["M03", "M04", "M05"]
    # Incomplete: plain acceptance is refused, the clerk must notify (or accept with deficiency).
    assert desk.refused("applicationAccept", {"id": filed["id"]}, as_="clerk-li") == ["MATERIALS_INCOMPLETE"]

    entries = [
        {"materialCode": code, "problem": "MISSING", "description": f"未提交{desk.material(item, code).name}"}
        for code in ("M03", "M04", "M05")
    ]
    procedure = "请于收到本告知书后通过网上政务大厅补正上述材料,补正后重新计算受理期限"
    noticed = desk.ok(
        "applicationNoticeIssue", {"id": filed["id"], "entries": entries, "procedure": procedure}, as_="clerk-li"
    )
    assert noticed["state"] == "NOTICE_ISSUED"
    assert noticed["firstContactOfficer"] == "clerk-li"
    [notice] = noticed["notices"]
    assert notice["round"] == 1
    assert notice["procedure"] == procedure
    assert notice["issuedBy"] == "clerk-li"
    # Every missing material at once, each with its legal basis and form defaulted from the item.
    assert [(e["materialCode"], e["problem"], e["legalBasis"], e["form"]) for e in notice["entries"]] == [
        (code, "MISSING", desk.material(item, code).legal_basis, desk.material(item, code).form.name)
        for code in ("M03", "M04", "M05")
    ]
    assert all(e["legalBasis"] for e in notice["entries"])

    # 一次性: a second notice for the same submission is refused, by any clerk.
    events = len(desk.timeline(filed["id"]))
    again = {"id": filed["id"], "entries": entries[:1], "procedure": "再次告知"}
    assert desk.refused("applicationNoticeIssue", again, as_="clerk-wu") == ["NOTICE_ALREADY_ISSUED"]
    assert len(desk.timeline(filed["id"])) == events

    supplied = desk.ok(
        "applicationSupplement",
        {"id": filed["id"], "materials": desk.upload(item, ["M03", "M04", "M05"], as_="applicant-wang")},
        as_="applicant-wang",
    )
    assert supplied["state"] == "SUBMITTED"
    assert supplied["round"] == 2
    assert supplied["missingMaterialCodes"] == []
    assert {m["code"]: m["round"] for m in supplied["materials"]} == {
        "M01": 1,
        "M02": 1,
        "M03": 2,
        "M04": 2,
        "M05": 2,
        "M06": 1,  # uploaded though not required: only an agent's filing needs a power of attorney
        "M07": 1,
    }

    accepted = desk.accept(filed["id"], "clerk-wu")  # another clerk finishes the case
    assert accepted["state"] == "IN_REVIEW"
    assert accepted["firstContactOfficer"] == "clerk-li"  # 首问负责: the first clerk stays answerable
    assert [e["action"] for e in desk.timeline(filed["id"])] == ["FILE", "ISSUE_NOTICE", "SUPPLEMENT", "ACCEPT"]


def test_seed004_one_time_notice_must_list_every_missing_material(desk: Desk) -> None:
    """seed 004 一次告知制: 「应一次性告知需要补办的手续、材料」 — a notice that names only part of what
    is missing would let the window ask again after the supplement, which is what the rule forbids."""
    filed = desk.file("ZS-SCJG-001", omit=("M03", "M05"))
    events = len(desk.timeline(filed["id"]))
    partial = {
        "id": filed["id"],
        "entries": [
            {"materialCode": "M03", "problem": "MISSING", "description": "未提交设备设施布局文件"},
            {"materialCode": "M01", "problem": "DEFECTIVE", "description": "申请书未签字"},
        ],
        "procedure": "补正后重新提交",
    }
    payload = desk.mutate("applicationNoticeIssue", partial, as_="clerk-li")
    assert payload["application"] is None
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("NOTICE_INCOMPLETE", "entries")]
    assert "M05" in payload["userErrors"][0]["message"]
    assert desk.read(filed["id"])["state"] == "SUBMITTED"
    assert len(desk.timeline(filed["id"])) == events
    # Listing everything, defects of submitted materials included, is one valid notice.
    complete = {
        **partial,
        "entries": [
            *partial["entries"],
            {"materialCode": "M05", "problem": "MISSING", "description": "未提交健康证明"},
        ],
    }
    noticed = desk.ok("applicationNoticeIssue", complete, as_="clerk-li")
    assert [e["materialCode"] for e in noticed["notices"][0]["entries"]] == ["M03", "M01", "M05"]


def test_seed002_deficiency_acceptance_under_a_credit_pledge_then_fulfilled(desk: Desk, clock: Clock) -> None:
    """seed 002 容缺办理: 「在基本条件具备、主要申请材料齐全且符合法定形式,但次要条件或申请材料欠缺的情况下,
    申请人自愿签订《信用承诺书》,窗口可先予受理,并进行审查,在承诺办结时限内及时出具办理结果意见,
    待申请人补正全部材料后,颁发相关批文、证照」."""
    item = "ZS-SCJG-001"  # promised 5 working days: limit ends Monday 9 November
    assert desk.material_codes(item, "secondary") == ["M04", "M05", "M06", "M07"]  # M06, M07: conditional
    filed = desk.file(item, omit=("M04", "M05"))
    accepted = desk.ok(
        "applicationAcceptWithDeficiency",
        {"id": filed["id"], "missingMaterialCodes": ["M05", "M04"], "pledgeDueOn": "2026-11-09"},
        as_="clerk-li",
    )
    assert accepted["state"] == "IN_REVIEW"
    assert accepted["firstContactOfficer"] == "clerk-li"
    assert accepted["pledge"] == {
        "materialCodes": ["M04", "M05"],
        "dueOn": "2026-11-09",
        "status": "OPEN",
        "settledAt": None,
    }
    assert [t["role"] for t in accepted["tasks"]] == ["LEAD"]

    supplied = desk.ok(
        "applicationSupplement",
        {"id": filed["id"], "materials": desk.upload(item, ["M04", "M05"], as_="applicant-wang")},
        as_="applicant-wang",
    )
    assert supplied["state"] == "IN_REVIEW"
    assert supplied["round"] == 1  # not a new submission: the case stays accepted
    assert supplied["pledge"]["status"] == "FULFILLED"
    assert supplied["pledge"]["settledAt"]
    assert supplied["missingMaterialCodes"] == []
    assert [e["action"] for e in desk.timeline(filed["id"])] == ["FILE", "ACCEPT_WITH_DEFICIENCY", "SUPPLEMENT"]
    # A fulfilled pledge is settled: the sweep after its due date leaves it alone.
    clock.set_china(date(2026, 11, 10))
    assert run_sweep()["pledge_broken"] == 0
    assert desk.read(filed["id"])["pledge"]["status"] == "FULFILLED"


def test_seed002_broken_pledge_is_a_credit_default_that_bars_further_deficiency_acceptance(
    desk: Desk, clock: Clock
) -> None:
    """seed 002 容缺后补: 「申请人自愿签订《信用承诺书》,承诺规定时限内补齐补正全部材料 … 注重承诺运用,
    对严重失信的,建立失信名单或“黑名单”,协调相关部门给予联合惩戒」."""
    first = desk.file("ZS-SCJG-001", omit=("M04",))
    desk.ok(
        "applicationAcceptWithDeficiency",
        {"id": first["id"], "missingMaterialCodes": ["M04"], "pledgeDueOn": "2026-11-04"},
        as_="clerk-li",
    )
    clock.set_china(date(2026, 11, 4))
    assert run_sweep()["pledge_broken"] == 0  # due today: not broken yet
    assert desk.read(first["id"])["pledge"]["status"] == "OPEN"

    clock.set_china(date(2026, 11, 5))
    assert run_sweep()["pledge_broken"] == 1
    broken = desk.read(first["id"], as_="applicant-wang")
    assert broken["pledge"]["status"] == "BROKEN"
    assert broken["state"] == "IN_REVIEW"  # the case itself goes on
    last = desk.timeline(first["id"])[-1]
    assert (last["action"], last["actor"], last["role"]) == ("PLEDGE_BROKEN", "system", "system")

    # A later filing for another item, again short of a secondary material: no more 容缺.
    second = desk.file("ZS-SCJG-004", omit=("M05",))
    events = len(desk.timeline(second["id"]))
    value = {"id": second["id"], "missingMaterialCodes": ["M05"], "pledgeDueOn": "2026-11-06"}
    assert desk.refused("applicationAcceptWithDeficiency", value, as_="clerk-wu") == ["CREDIT_DEFAULT"]
    assert desk.read(second["id"])["state"] == "SUBMITTED"
    assert len(desk.timeline(second["id"])) == events
    # Another applicant with a clean record still gets it.
    other = desk.file("ZS-SCJG-004", as_="applicant-zhou", omit=("M05",))
    value = {"id": other["id"], "missingMaterialCodes": ["M05"], "pledgeDueOn": "2026-11-06"}
    assert desk.ok("applicationAcceptWithDeficiency", value, as_="clerk-wu")["pledge"]["status"] == "OPEN"


def _approve_under_open_pledge(desk: Desk) -> str:
    """容缺受理 then a decision within the limit, before the pledged material arrives."""
    filed = desk.file("ZS-SCJG-004", omit=("M05",))
    value = {"id": filed["id"], "missingMaterialCodes": ["M05"], "pledgeDueOn": "2026-11-04"}
    desk.ok("applicationAcceptWithDeficiency", value, as_="clerk-li")
    desk.review(filed["id"], "reviewer-market-zhao")
    approved = desk.decide(filed["id"], "approver-market-mao")
    assert approved["state"] == "APPROVED"
    assert approved["pledge"]["status"] == "OPEN"
    case_id: str = filed["id"]
    return case_id


def test_seed002_pledged_material_can_be_supplied_after_the_decision(desk: Desk, clock: Clock) -> None:
    """seed 002 容缺办理: 「在承诺办结时限内及时出具办理结果意见,待申请人补正全部材料后,颁发相关批文、证照」 —
    the decision may come first; the applicant then supplies what was pledged."""
    case_id = _approve_under_open_pledge(desk)
    clock.set_china(date(2026, 11, 4))
    value = {"id": case_id, "materials": desk.upload("ZS-SCJG-004", ["M05"], as_="applicant-wang")}
    supplied = desk.ok("applicationSupplement", value, as_="applicant-wang")
    assert supplied["state"] == "APPROVED"
    assert supplied["pledge"]["status"] == "FULFILLED"
    assert supplied["missingMaterialCodes"] == []
    clock.set_china(date(2026, 11, 5))
    assert run_sweep()["pledge_broken"] == 0
    assert desk.read(case_id)["pledge"]["status"] == "FULFILLED"


def test_seed002_pledge_broken_after_the_decision_is_still_a_credit_default(desk: Desk, clock: Clock) -> None:
    """seed 002 容缺后补: 「承诺规定时限内补齐补正全部材料 … 对严重失信的,建立失信名单或“黑名单”」 — approving
    the case early must not let the applicant escape the pledge."""
    case_id = _approve_under_open_pledge(desk)
    clock.set_china(date(2026, 11, 5))
    assert run_sweep()["pledge_broken"] == 1
    broken = desk.read(case_id)
    assert (broken["state"], broken["pledge"]["status"]) == ("APPROVED", "BROKEN")
    later = desk.file("ZS-SCJG-001", omit=("M04",))
    value = {"id": later["id"], "missingMaterialCodes": ["M04"], "pledgeDueOn": "2026-11-09"}
    assert desk.refused("applicationAcceptWithDeficiency", value, as_="clerk-li") == ["CREDIT_DEFAULT"]
