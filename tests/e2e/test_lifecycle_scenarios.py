"""Scenario tests: the application lifecycle replayed from the seeds' rules, through `/graphql` only.

Each test names the seed whose rule it replays and quotes it. Scheduled behaviour (the 5-day
intake rule, 缺席默认, 超时默认, broken pledges) runs the deadline sweep the scheduled Lambda
runs, on the pinned clock. Dates are in November 2026: no public holiday falls in the month,
so every Monday to Friday is a working day on the official calendar.

The helpers at the top (`Desk`, `CASE`, `run_sweep`) are shared with test_lifecycle_bad_input.py.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from strawberry import relay

from tests.conftest import Api, Clock
from tests.forms import answers

MONDAY = date(2026, 11, 2)
CITY = "zs-city"
GENESIS = "0" * 64

CASE = """
id state round trackingCode submittedOn acceptedOn deemedAccepted firstContactOfficer
missingMaterialCodes deadline workingDaysLeft redFlag
applicant { accountId name }
materials { code round }
notices { round procedure issuedBy entries { materialCode problem description legalBasis form } }
pledge { materialCodes dueOn status settledAt }
tasks { role limitDays status opinion dueOn department { id } }
specialSteps { kind countsTowardLimit startedOn endedOn }
meetings { kind heldOn opinions { opinion department { id } } }
extensions { days reason }
rejectionReports { reason legalBasis status supervisorNote }
decision { outcome decidedAt reason legalBasis deemed }
"""

READ = "query($id: ID!) { application(id: $id) { " + CASE + " } }"

TIMELINE = """
query($id: ID!) { application(id: $id) {
  timeline(first: 100) { nodes { seq at action actor role fromState toState reason prevHash hash } }
  historyVerification { intact events brokenAt headHash }
} }"""

MY_APPLICATIONS = "query { myApplications(first: 50) { nodes { id state item { code } } } }"

INBOX = """
query($queue: InboxQueue!) { inbox(queue: $queue, first: 100) {
  nodes { applicationId trackingCode itemCode state dueOn queue redFlag }
} }"""

LEDGER = """
query($month: String!) { rejectionLedger(month: $month, first: 100) {
  nodes { applicationId trackingCode itemName department { id } report { reason legalBasis status supervisorNote } }
} }"""

IDENTIFIERS = {  # as the seed's demo users were verified (real-name authentication)
    "applicant-wang": "330902199003151226",
    "applicant-zhou": "330903198507204418",
    "company-haixing": "91330900MA2A1B2C34",
    "company-qiandao": "91330900MA2A4E5F6E",
}


def gid(kind: str, key: str) -> str:
    return str(relay.GlobalID(kind, key))


def without(value: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in value.items() if k not in keys}


def run_sweep() -> Counter[str]:
    """What the scheduled Lambda does, on the pinned clock."""
    from chalicelib.domain.working_days import DEFAULT_CALENDAR
    from chalicelib.services.sweep import sweep
    from chalicelib.storage.application_repository import ApplicationRepository

    return sweep(ApplicationRepository(DEFAULT_CALENDAR))


@dataclass
class Desk:
    """Drives the lifecycle mutations; every call goes through `/graphql`."""

    api: Api

    # --- catalogue facts ---------------------------------------------------------------------

    def item(self, code: str) -> Any:
        return next(i for i in self.api.seed.items if i.code == code)

    def material_codes(self, item_code: str, kind: str | None = None) -> list[str]:
        return [m.code for m in self.item(item_code).elements.materials if kind is None or m.kind.value == kind]

    def material(self, item_code: str, code: str) -> Any:
        return next(m for m in self.item(item_code).elements.materials if m.code == code)

    def name_of(self, person: str) -> str:
        return next(u.name for u in self.api.seed.users if u.id == person)

    # --- commands ------------------------------------------------------------------------------

    def upload(self, item_code: str, codes: list[str], *, as_: str) -> list[dict[str, Any]]:
        return [
            self.api.upload(code, f"{item_code}/{code} uploaded by {as_}".encode(), as_=as_, file_name=f"{code}.pdf")
            for code in codes
        ]

    def file_input(
        self,
        item_code: str,
        *,
        as_: str = "applicant-wang",
        applicant: str | None = None,
        centre: str = CITY,
        omit: tuple[str, ...] = (),
        materials: list[dict[str, Any]] | None = None,
        key: str | None = None,
        form: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        who = applicant or as_
        if materials is None:
            codes = [c for c in self.material_codes(item_code) if c not in omit]
            materials = self.upload(item_code, codes, as_=as_)
        applicant_input: dict[str, Any] = {"name": self.name_of(who), "identifier": IDENTIFIERS[who]}
        if applicant is not None:
            applicant_input["accountId"] = applicant
        value: dict[str, Any] = {
            "itemId": gid("ServiceItem", item_code),
            "centreId": gid("Centre", centre),
            "applicant": applicant_input,
            "materials": materials,
            "formData": answers(self.item(item_code).elements.form) if form is None else form,
        }
        if key is not None:
            value["idempotencyKey"] = key
        return value

    def file(self, item_code: str, *, as_: str = "applicant-wang", **kwargs: Any) -> dict[str, Any]:
        """File and expect success; returns the case as the filer sees it."""
        return self.ok("applicationFile", self.file_input(item_code, as_=as_, **kwargs), as_=as_)

    def mutate(
        self, name: str, value: dict[str, Any], *, as_: str | None = None, token: str | None = None
    ) -> dict[str, Any]:
        """Run one mutation; returns its payload (`application`, `userErrors`)."""
        input_type = name[0].upper() + name[1:] + "Input"
        query = (
            f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ "
            f"application {{ {CASE} }} userErrors {{ field code message }} }} }}"
        )
        body = self.api.gql(query, {"input": value}, as_=as_, token=token)
        assert "errors" not in body, body
        payload: dict[str, Any] = body["data"][name]
        return payload

    def ok(self, name: str, value: dict[str, Any], *, as_: str | None = None, token: str | None = None) -> Any:
        payload = self.mutate(name, value, as_=as_, token=token)
        assert payload["userErrors"] == [], payload["userErrors"]
        assert payload["application"] is not None
        return payload["application"]

    def refused(
        self, name: str, value: dict[str, Any], *, as_: str | None = None, token: str | None = None
    ) -> list[str]:
        """Expect a refusal: no case comes back, only the codes of the violations."""
        payload = self.mutate(name, value, as_=as_, token=token)
        assert payload["application"] is None, payload
        assert payload["userErrors"], payload
        assert all(e["message"] for e in payload["userErrors"])  # a Chinese explanation for each
        return [e["code"] for e in payload["userErrors"]]

    # common steps

    def accept(self, case_id: str, clerk: str = "clerk-li") -> Any:
        return self.ok("applicationAccept", {"id": case_id}, as_=clerk)

    def review(self, case_id: str, reviewer: str, opinion: str = "AGREE", text: str = "符合条件,同意") -> Any:
        return self.ok("applicationReview", {"id": case_id, "opinion": opinion, "text": text}, as_=reviewer)

    def decide(
        self,
        case_id: str,
        approver: str,
        outcome: str = "APPROVED",
        reason: str = "符合法定条件,准予许可",
        legal_basis: str = "",
    ) -> Any:
        value = {"id": case_id, "outcome": outcome, "reason": reason, "legalBasis": legal_basis}
        return self.ok("applicationDecide", value, as_=approver)

    # --- reads ---------------------------------------------------------------------------------

    def read(self, case_id: str, as_: str = "supervisor-fang") -> Any:
        body = self.api.gql(READ, {"id": case_id}, as_=as_)
        assert "errors" not in body, body
        return body["data"]["application"]

    def timeline(self, case_id: str, as_: str = "supervisor-fang") -> list[dict[str, Any]]:
        body = self.api.gql(TIMELINE, {"id": case_id}, as_=as_)
        assert "errors" not in body, body
        nodes: list[dict[str, Any]] = body["data"]["application"]["timeline"]["nodes"]
        return nodes

    def verification(self, case_id: str, as_: str = "supervisor-fang") -> dict[str, Any]:
        body = self.api.gql(TIMELINE, {"id": case_id}, as_=as_)
        result: dict[str, Any] = body["data"]["application"]["historyVerification"]
        return result

    def inbox(self, queue: str, as_: str) -> list[dict[str, Any]]:
        body = self.api.gql(INBOX, {"queue": queue}, as_=as_)
        assert "errors" not in body, body
        nodes: list[dict[str, Any]] = body["data"]["inbox"]["nodes"]
        return nodes

    def mine(self, as_: str) -> list[dict[str, Any]]:
        body = self.api.gql(MY_APPLICATIONS, as_=as_)
        assert "errors" not in body, body
        nodes: list[dict[str, Any]] = body["data"]["myApplications"]["nodes"]
        return nodes


@pytest.fixture
def desk(api: Api, clock: Clock) -> Desk:
    clock.set_china(MONDAY)
    return Desk(api)


def task_of(case: Any, department: str) -> Any:
    return next(t for t in case["tasks"] if t["department"]["id"] == gid("Department", department))


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
