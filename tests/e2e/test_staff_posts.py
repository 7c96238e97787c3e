"""Window staff, AB cover and public supervision cards through `/graphql` (seeds 001, 004)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.conftest import Api, CallCounter, Clock
from tests.flows import gid, op

CITY = "zs-city"
MARKET = "city-market"
W01, W02 = gid("WindowPost", "zs-city/zs-city-w01"), gid("WindowPost", "zs-city/zs-city-w02")

STAFF_CHANGE = """mutation($input: StaffChangeInput!) { staffChange(input: $input) {
  staffMember { version status } userErrors { field code message } } }"""
POST_CREATE = """mutation($input: WindowPostCreateInput!) { windowPostCreate(input: $input) {
  windowPost { id staffId } userErrors { field code message } } }"""
REPLY = """mutation($input: WindowPostComplaintReplyInput!) { windowPostComplaintReply(input: $input) {
  complaint { id history { action note } } userErrors { field code message } } }"""
CHANGES = """query($c: ID!) { staffChanges(centreId: $c, first: 10) { edges { node {
  name staffNumber change status postId department { name } } } } }"""
ME = "{ me { subject } }"


def record(name: str, number: str, **overrides: Any) -> dict[str, Any]:
    """A qualified market-bureau window clerk (seed 004 三(二)) unless overridden."""
    return {
        "name": name,
        "staffNumber": number,
        "departmentId": gid("Department", MARKET),
        "roles": ["CLERK"],
        "established": True,
        "joinedUnitOn": "2019-03-01",
        "enforcementCertNo": f"浙执{number}",
        "photoRef": f"photos/{number}.jpg",
        **overrides,
    }


def admin(api: Api) -> str:
    return api.staff_with("admin")


def create_staff(api: Api, account: str, name: str, number: str, **overrides: Any) -> dict[str, Any]:
    body = api.gql(
        op("StaffCreate"),
        {"input": {"account": account, "record": record(name, number, **overrides), "reason": "派驻窗口"}},
        as_=admin(api),
    )
    return body["data"]["staffCreate"]  # type: ignore[no-any-return]


def new_market_post(api: Api, code: str = "zs-city-w21") -> str:
    body = api.gql(
        POST_CREATE,
        {
            "input": {
                "centreId": gid("Centre", CITY),
                "code": code,
                "name": "市场监管2号窗口",
                "kind": "DEPARTMENT",
                "departmentId": gid("Department", MARKET),
                "duties": "食品经营许可受理、咨询",
            }
        },
        as_=admin(api),
    )
    created = body["data"]["windowPostCreate"]
    assert created["userErrors"] == [], created
    return created["windowPost"]["id"]  # type: ignore[no-any-return]


def assign(api: Api, post: str, a: str, b: str) -> dict[str, Any]:
    body = api.gql(
        op("WindowPostAssign"),
        {"input": {"postId": post, "staffId": gid("Staff", a), "backupStaffId": gid("Staff", b), "reason": "派驻"}},
        as_=admin(api),
    )
    return body["data"]["windowPostAssign"]  # type: ignore[no-any-return]


def clerk_token(api: Api, account: str) -> str:
    return api.token(account, ["clerk"], department=MARKET, centre=CITY, name=account)


def leave(api: Api, post: str, start: str, end: str, token: str) -> dict[str, Any]:
    body = api.gql(
        op("WindowPostLeaveRequest"),
        {"input": {"postId": post, "start": start, "end": end, "reason": "病假"}},
        token=token,
    )
    return body["data"]["windowPostLeaveRequest"]  # type: ignore[no-any-return]


def posted_pair(api: Api) -> tuple[str, str, str]:
    """Two new qualified clerks posted to a new market window as A and B."""
    for account, name, number in (("clerk-market-ma", "马晓东", "SC2101"), ("clerk-market-fu", "傅雅琴", "SC2102")):
        assert create_staff(api, account, name, number)["userErrors"] == []
    post = new_market_post(api)
    assigned = assign(api, post, "clerk-market-ma", "clerk-market-fu")
    assert assigned["userErrors"] == [], assigned
    return post, clerk_token(api, "clerk-market-ma"), clerk_token(api, "clerk-market-fu")


def worklist(api: Api, post: str, token: str) -> Any:
    return api.gql(op("WindowPostWorklist"), {"postId": post}, token=token)


def test_seed004_clerk_posted_goes_on_leave_and_backup_receives_and_acts_on_the_posts_worklist(
    api: Api, clock: Clock
) -> None:
    post, a, b = posted_pair(api)
    # A posted clerk's token is accepted; the published change list shows the posting (seed 001 三(五)1).
    assert api.gql(ME, token=a)["data"]["me"]["subject"] == "clerk-market-ma"
    changes = api.gql(CHANGES, {"c": gid("Centre", CITY)})["data"]["staffChanges"]["edges"]
    assert {(e["node"]["name"], e["node"]["change"]) for e in changes} >= {("马晓东", "post"), ("傅雅琴", "backup")}
    assert all(e["node"]["department"]["name"] == "舟山市市场监督管理局" for e in changes)

    # Someone files feedback from the window's public card: it lands in the post's worklist, for A.
    filed = api.gql(op("WindowPostFeedback"), {"input": {"windowPostId": post, "text": "窗口人员让我跑了三趟"}})
    assert filed["data"]["windowPostFeedback"] == {"accepted": True, "userErrors": []}
    items = worklist(api, post, a)["data"]["windowPostWorklist"]["edges"]
    assert [i["node"]["text"] for i in items] == ["窗口人员让我跑了三趟"]
    assert worklist(api, post, b)["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # B is not holding it yet

    # A asks for leave today..+2: B is on duty, so it is granted and B holds the post now.
    today = clock.now.date() + timedelta(hours=0)
    granted = leave(api, post, str(today), str(today + timedelta(days=2)), a)
    assert granted["userErrors"] == [], granted
    assert granted["windowPost"]["holderId"] == "clerk-market-fu"
    refused = worklist(api, post, a)["errors"][0]
    assert refused["extensions"]["code"] == "FORBIDDEN" and "休假" in refused["message"]
    items = worklist(api, post, b)["data"]["windowPostWorklist"]["edges"]
    complaint_id = items[0]["node"]["complaintId"]
    # B answers with the post's authority: recorded in the complaint, gone from the worklist.
    replied = api.gql(REPLY, {"input": {"complaintId": complaint_id, "text": "已联系当事人,当场办结"}}, token=b)
    assert replied["data"]["windowPostComplaintReply"]["userErrors"] == []
    history = replied["data"]["windowPostComplaintReply"]["complaint"]["history"]
    assert history[-1] == {"action": "REPLY", "note": "已联系当事人,当场办结"}
    assert worklist(api, post, b)["data"]["windowPostWorklist"]["edges"] == []
    # The card shows whoever holds the post today.
    card = api.gql(op("SupervisionCard"), {"windowPostId": post})["data"]["supervisionCard"]
    assert card["staffName"] == "傅雅琴"

    # The handover back is automatic the day after the leave ends (no job: computed from dates).
    clock.advance(days=3)
    assert worklist(api, post, a)["data"]["windowPostWorklist"]["edges"] == []
    assert worklist(api, post, b)["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert api.gql(op("SupervisionCard"), {"windowPostId": post})["data"]["supervisionCard"]["staffName"] == "马晓东"


def test_seed004_leave_refused_when_the_backup_is_away(api: Api, clock: Clock) -> None:
    """Seed 004 三(二): 否则一律不准请假. Seed ring: 李娜 is A of w01 with 吴佳琪 as B; 吴佳琪 is A of w02."""
    today = clock.now.date()
    start, end = str(today + timedelta(days=1)), str(today + timedelta(days=3))
    wu, li, zheng = (api.token_for(s) for s in ("clerk-wu", "clerk-li", "clerk-zheng"))
    assert leave(api, W02, start, end, wu)["userErrors"] == []  # 郑宇航 covers w02
    refused = leave(api, W01, str(today + timedelta(days=2)), str(today + timedelta(days=5)), li)
    assert refused["windowPost"] is None
    assert [e["code"] for e in refused["userErrors"]] == ["BACKUP_ON_LEAVE"]
    assert "不能同时请假" in refused["userErrors"][0]["message"]
    # 郑宇航 covers w02 over those days, so cannot leave w03 meanwhile either.
    covering = leave(api, gid("WindowPost", "zs-city/zs-city-w03"), start, start, zheng)
    assert [e["code"] for e in covering["userErrors"]] == ["COVERING"]
    # Nothing was written by the refusals: 李娜 can leave once 吴佳琪 is back.
    after = leave(api, W01, str(today + timedelta(days=4)), str(today + timedelta(days=4)), li)
    assert after["userErrors"] == []
    assert [x["staffId"] for x in after["windowPost"]["leaves"]] == ["clerk-li"]
    # Overlapping leave of the same person; leave asked by someone else than A; a bad range.
    again = leave(api, W01, str(today + timedelta(days=4)), str(today + timedelta(days=6)), li)
    assert [e["code"] for e in again["userErrors"]] == ["LEAVE_OVERLAP"]
    assert [e["code"] for e in leave(api, W01, start, start, zheng)["userErrors"]] == ["NOT_POST_HOLDER"]
    backwards = leave(api, W01, end, start, li)
    assert [e["code"] for e in backwards["userErrors"]] == ["OUT_OF_RANGE"]


def test_seed004_leave_refused_without_a_present_backup(api: Api, clock: Clock) -> None:
    post, a, _ = posted_pair(api)
    body = api.gql(
        op("StaffReturnToUnit"),
        {"input": {"staffId": gid("Staff", "clerk-market-fu"), "reason": "未取得执法资格证书原件核验"}},
        as_=api.staff_with("supervisor"),
    )
    returned = body["data"]["staffReturnToUnit"]
    assert returned["userErrors"] == []
    assert returned["staffMember"]["status"] == "RETURNED" and returned["staffMember"]["backupOfPostId"] is None
    today = str(clock.now.date())
    refused = leave(api, post, today, today, a)
    assert [e["code"] for e in refused["userErrors"]] == ["BACKUP_ABSENT"]


def test_seed004_posting_checks_every_qualification_at_once(api: Api) -> None:
    post = new_market_post(api)
    assert (
        create_staff(
            api,
            "clerk-market-new",
            "新人甲",
            "SC2201",
            joinedUnitOn="2026-01-05",
            established=False,
            enforcementCertNo="",
        )["userErrors"]
        == []
    )
    assert create_staff(api, "clerk-market-ok", "合格乙", "SC2202")["userErrors"] == []
    body = assign(api, post, "clerk-market-new", "clerk-market-xu")  # xu: seeded, B of w11, no qualifications on file
    assert body["windowPost"] is None
    got = {(e["field"], e["code"]) for e in body["userErrors"]}
    assert got == {
        ("staffId", "UNIT_YEARS"),
        ("staffId", "NOT_ESTABLISHED"),
        ("staffId", "NO_ENFORCEMENT_QUALIFICATION"),
        ("backupStaffId", "UNIT_YEARS"),
        ("backupStaffId", "NOT_ESTABLISHED"),
        ("backupStaffId", "NO_ENFORCEMENT_QUALIFICATION"),
        ("backupStaffId", "ALREADY_BACKUP"),
    }
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in e["message"]) for e in body["userErrors"])
    # Already posted elsewhere as A.
    assert create_staff(api, "clerk-market-b2", "合格丙", "SC2203")["userErrors"] == []
    assert assign(api, post, "clerk-market-ok", "clerk-market-b2")["userErrors"] == []
    second = new_market_post(api, "zs-city-w22")
    twice = assign(api, second, "clerk-market-ok", "clerk-market-b2")
    codes = {(e["field"], e["code"]) for e in twice["userErrors"]}
    assert codes == {("staffId", "ALREADY_POSTED"), ("backupStaffId", "ALREADY_BACKUP")}
    same = assign(api, second, "clerk-market-ok", "clerk-market-ok")
    assert [e["code"] for e in same["userErrors"]] == ["SAME_PERSON"]
    # A duplicate staff number and an unknown department.
    dup = create_staff(api, "clerk-market-dup", "重号", "SC2203")
    assert [e["code"] for e in dup["userErrors"]] == ["DUPLICATE"]
    unknown = create_staff(api, "clerk-x", "某人", "SC2299", departmentId=gid("Department", "no-such"))
    assert [e["code"] for e in unknown["userErrors"]] == ["UNKNOWN_DEPARTMENT"]


def test_seed004_returned_or_unposted_clerk_token_is_refused(api: Api) -> None:
    assert create_staff(api, "clerk-market-idle", "待派驻", "SC2301")["userErrors"] == []
    status, body = api.post({"query": ME}, token=clerk_token(api, "clerk-market-idle"))
    assert status == 401 and body["errors"][0]["extensions"]["code"] == "TOKEN_SCOPE"
    assert "未派驻窗口" in body["errors"][0]["message"]
    # A seeded posted clerk works until the centre returns them to the unit.
    zhou = api.token_for("clerk-market-zhou")
    assert api.post({"query": ME}, token=zhou)[0] == 200
    body = api.gql(
        op("StaffReturnToUnit"),
        {"input": {"staffId": gid("Staff", "clerk-market-zhou"), "reason": "不具备执法资格"}},
        as_=admin(api),
    )
    assert body["data"]["staffReturnToUnit"]["userErrors"] == []
    status, body = api.post({"query": ME}, token=zhou)
    assert status == 401 and body["errors"][0]["extensions"]["code"] == "TOKEN_SCOPE"
    # The post's work moves to the backup: 徐 holds w11 now, and the card shows her.
    card = api.gql(op("SupervisionCard"), {"windowPostId": gid("WindowPost", "zs-city/zs-city-w11")})
    assert card["data"]["supervisionCard"]["staffName"] != "" and "errors" not in card
    # A token whose department disagrees with the record is refused too.
    wrong = api.token("clerk-market-xu", ["clerk"], department="city-bureau", centre=CITY)
    assert api.post({"query": ME}, token=wrong)[1]["errors"][0]["extensions"]["code"] == "TOKEN_SCOPE"


def test_seed004_clerk_token_without_a_staff_record_is_refused(api: Api, ddb_calls: CallCounter) -> None:
    """seed 004 三(二): only people the centre posted work at a window — a clerk token for an account
    with no staff record is `TOKEN_SCOPE`, like one for a person not posted; the answer is cached
    per process like any record (one GetItem, then none), and the centre recording and posting the
    person in this process lifts it at once."""
    token = clerk_token(api, "clerk-market-ma")
    ddb_calls.reset()
    status, body = api.post({"query": ME}, token=token)
    assert status == 401 and body["errors"][0]["extensions"]["code"] == "TOKEN_SCOPE"
    assert "没有窗口工作人员档案" in body["errors"][0]["message"]
    assert ddb_calls.calls == {"GetItem": 1}
    ddb_calls.reset()
    assert api.post({"query": ME}, token=token)[0] == 401
    assert ddb_calls.total == 0  # the missing record is cached too (STANDING_TTL_SECONDS)
    # A back-office account without a record is left to the identity provider.
    reviewer = api.token("reviewer-unrecorded", ["reviewer"], department=MARKET, centre=CITY)
    assert api.post({"query": ME}, token=reviewer)[0] == 200
    _, ma, _ = posted_pair(api)
    assert api.post({"query": ME}, token=ma)[0] == 200


def test_seed004_staff_standing_cache_is_bounded(api: Api, monkeypatch: Any) -> None:
    """Another process's change is seen within STANDING_TTL_SECONDS (the cache's staleness bound)."""
    from dataclasses import replace

    from chalicelib.domain.staff import StaffStatus, StaffVersion
    from chalicelib.services import staff as service
    from chalicelib.storage.staff_repository import StaffRepository
    from chalicelib.storage.unit_of_work import UnitOfWork

    ticks = [1000.0]
    monkeypatch.setattr(service, "_monotonic", lambda: ticks[0])
    zhou = api.token_for("clerk-market-zhou")
    assert api.post({"query": ME}, token=zhou)[0] == 200
    repo = StaffRepository()
    staff, rev = repo.get("clerk-market-zhou") or (None, 0)
    assert staff is not None
    uow = UnitOfWork()  # as another Lambda process would: this process's cache is not told
    repo.stage_update(
        uow,
        StaffVersion(
            replace(staff, status=StaffStatus.RETURNED, version=staff.version + 1),
            "return",
            "x",
            "2026-11-02T10:00:00",
            "测试",
        ),
        rev,
    )
    uow.commit()
    ticks[0] += service.STANDING_TTL_SECONDS - 1
    assert api.post({"query": ME}, token=zhou)[0] == 200  # still within the bound
    ticks[0] += 2
    assert api.post({"query": ME}, token=zhou)[0] == 401


def test_seed001_public_card_read_anonymously_and_complaint_filed_from_it(api: Api) -> None:
    w11 = gid("WindowPost", "zs-city/zs-city-w11")
    status, body = api.post({"query": op("SupervisionCard"), "variables": {"windowPostId": w11}})
    assert status == 200 and "errors" not in body
    card = body["data"]["supervisionCard"]
    assert card["windowPostId"] == w11
    assert card["departmentName"] == "舟山市市场监督管理局" and card["supervisionPhone"] == "0580-2283150"
    assert set(card) == {
        "windowPostId",
        "windowName",
        "duties",
        "staffName",
        "staffNumber",
        "photoRef",
        "departmentName",
        "supervisionPhone",
    }
    filed = api.gql(op("WindowPostFeedback"), {"input": {"windowPostId": w11, "text": "办事效率很低"}})
    assert filed["data"]["windowPostFeedback"]["accepted"] is True
    complaints = api.gql(
        "{ complaints { edges { node { targetKind windowPostId text } } } }", as_=api.staff_with("supervisor")
    )["data"]["complaints"]["edges"]
    assert {"targetKind": "WINDOW_POST", "windowPostId": w11, "text": "办事效率很低"} in [e["node"] for e in complaints]
    # The holder (A of w11) sees it in the post's worklist.
    items = worklist(api, w11, api.token_for("clerk-market-zhou"))["data"]["windowPostWorklist"]["edges"]
    assert [i["node"]["text"] for i in items] == ["办事效率很低"]
    # A supervisor settles it like any complaint; the anonymous filer has no feed to tell.
    from chalicelib.storage.outbox_repository import OutboxRepository

    complaint_id = api.gql("{ complaints { edges { node { id } } } }", as_=api.staff_with("supervisor"))["data"][
        "complaints"
    ]["edges"][0]["node"]["id"]
    resolved = api.gql(
        op("ComplaintResolve"),
        {"input": {"id": complaint_id, "outcome": "UNSUBSTANTIATED", "note": "经核查系高峰期排队"}},
        as_=api.staff_with("supervisor"),
    )
    assert resolved["data"]["complaintResolve"]["userErrors"] == []
    assert OutboxRepository().feed("public", 10, None).items == []
    assert worklist(api, w11, api.token_for("clerk-market-zhou"))["data"]["windowPostWorklist"]["edges"] == []
    # Blank feedback and an unknown window are refused; nothing is filed.
    blank = api.gql(op("WindowPostFeedback"), {"input": {"windowPostId": w11, "text": "  "}})
    assert [e["code"] for e in blank["data"]["windowPostFeedback"]["userErrors"]] == ["TEXT_REQUIRED"]
    unknown = gid("WindowPost", "zs-city/no-such")
    missing = api.gql(op("WindowPostFeedback"), {"input": {"windowPostId": unknown, "text": "投诉"}})
    assert [e["code"] for e in missing["data"]["windowPostFeedback"]["userErrors"]] == ["NOT_FOUND"]


def test_seed001_card_for_a_post_without_staff_is_an_error(api: Api) -> None:
    post = new_market_post(api)
    body = api.gql(op("SupervisionCard"), {"windowPostId": post})
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert "尚未派驻" in body["errors"][0]["message"]


def test_worklist_and_leave_under_cover_cost_constant_requests(api: Api, clock: Clock, ddb_calls: CallCounter) -> None:
    post, a, b = posted_pair(api)
    for n in range(3):
        api.gql(op("WindowPostFeedback"), {"input": {"windowPostId": post, "text": f"意见{n}"}})
    api.gql(ME, token=a)
    api.gql(ME, token=b)  # both tokens' standing cached (as in a warm Lambda)
    today = clock.now.date()
    ddb_calls.reset()
    assert leave(api, post, str(today), str(today + timedelta(days=1)), a)["userErrors"] == []
    # the post, A and B (one BatchGetItem), the posts they hold elsewhere (none here), the write
    assert ddb_calls.total <= 3, ddb_calls.calls
    ddb_calls.reset()
    api.gql(ME, token=b)  # the leave changed the post: B's cover is read once (one GetItem), then cached
    assert ddb_calls.calls == {"GetItem": 1}
    ddb_calls.reset()
    edges = worklist(api, post, b)["data"]["windowPostWorklist"]["edges"]
    assert len(edges) == 3
    assert ddb_calls.calls == {"GetItem": 1, "Query": 1}  # the post (with its leaves) and the worklist page
    for n in range(5):
        api.gql(op("WindowPostFeedback"), {"input": {"windowPostId": post, "text": f"更多{n}"}})
    ddb_calls.reset()
    assert len(worklist(api, post, b)["data"]["windowPostWorklist"]["edges"]) == 8
    assert ddb_calls.calls == {"GetItem": 1, "Query": 1}


STAFFING = """query($c: ID!) { windowStaffing(centreId: $c) {
  department { id } postedStaffIds leaderStaffId officeDirectorStaffId staffed gaps } }"""
WINDOW_SET = """mutation($input: DepartmentWindowSetInput!) { departmentWindowSet(input: $input) {
  staffing { staffed gaps leaderStaffId } userErrors { field code message } } }"""


def market_staffing(api: Api) -> dict[str, Any]:
    body = api.gql(STAFFING, {"c": gid("Centre", CITY)}, as_=api.staff_with("supervisor"))
    (market,) = [w for w in body["data"]["windowStaffing"] if w["department"]["id"] == gid("Department", MARKET)]
    return market  # type: ignore[no-any-return]


def test_seed001_department_window_needs_two_posted_and_an_office_director(api: Api) -> None:
    """Seed 001 三(一)2: 由一名实职科长任办公室主任,最少向窗口派驻2名工作人员; seed 004 三(二): 窗口负责人必须是
    负责审批的科室负责人. Posting is never blocked for this: the window is just not "staffed" yet."""
    before = market_staffing(api)
    assert before["postedStaffIds"] == ["clerk-market-xu", "clerk-market-zhou"]
    assert before["staffed"] is False
    assert before["gaps"] == ["未指定行政审批服务办公室主任", "未指定窗口负责人"]
    head = {"roles": ["REVIEWER"], "headsSection": "食品经营许可科", "sectionApproves": True}
    assert create_staff(api, "market-head-sun", "孙科长", "SC4001", **head)["userErrors"] == []
    office = {"roles": ["REVIEWER"], "headsSection": "行政审批服务办公室", "sectionApproves": False}
    assert create_staff(api, "market-office-qin", "秦主任", "SC4002", **office)["userErrors"] == []

    def set_(leader: str, director: str) -> dict[str, Any]:
        ids = {"leaderStaffId": gid("Staff", leader), "officeDirectorStaffId": gid("Staff", director)}
        body = api.gql(
            WINDOW_SET, {"input": {"departmentId": gid("Department", MARKET), **ids, "reason": "设立"}}, as_=admin(api)
        )
        return body["data"]["departmentWindowSet"]  # type: ignore[no-any-return]

    wrong = set_("market-office-qin", "clerk-li")  # not the approving section's head; another department
    assert {(e["field"], e["code"]) for e in wrong["userErrors"]} == {
        ("leaderStaffId", "NOT_SECTION_HEAD"),
        ("officeDirectorStaffId", "WRONG_DEPARTMENT"),
    }
    assert market_staffing(api)["leaderStaffId"] is None  # nothing written
    done = set_("market-head-sun", "market-office-qin")
    assert done["userErrors"] == [] and done["staffing"] == {
        "staffed": True,
        "gaps": [],
        "leaderStaffId": "market-head-sun",
    }
    # Returning one of the two posted people leaves the window short again.
    api.gql(
        op("StaffReturnToUnit"),
        {"input": {"staffId": gid("Staff", "clerk-market-xu"), "reason": "不符合派驻条件"}},
        as_=admin(api),
    )
    after = market_staffing(api)
    assert after["staffed"] is False and after["gaps"] == ["派驻窗口人员不足2名(现有1名)"]


def test_cold_staff_standing_costs_one_getitem_then_none(api: Api, ddb_calls: CallCounter) -> None:
    """The token-vs-record check: one GetItem on a process's first request of a person, none after."""
    from chalicelib.services.staff import clear_standing_cache

    clear_standing_cache()
    token = api.token_for("clerk-market-zhou")
    ddb_calls.reset()
    assert api.post({"query": ME}, token=token)[0] == 200
    assert ddb_calls.calls == {"GetItem": 1}
    ddb_calls.reset()
    assert api.post({"query": ME}, token=token)[0] == 200
    assert ddb_calls.total == 0


def test_window_staffing_costs_constant_requests(api: Api, ddb_calls: CallCounter) -> None:
    supervisor = api.token_for(api.staff_with("supervisor"))
    api.post({"query": ME}, token=supervisor)
    ddb_calls.reset()
    status, body = api.post({"query": STAFFING, "variables": {"c": gid("Centre", CITY)}}, token=supervisor)
    assert status == 200 and len(body["data"]["windowStaffing"]) >= 2
    # the centre's posts and departments (two Queries), the window records and the departments shown
    assert ddb_calls.calls == {"Query": 2, "BatchGetItem": 2}
