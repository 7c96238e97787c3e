"""AB cover and the automatic conduct charges through `/graphql` (seeds 003, 004).

Seed 004 三(二): 「窗口每个工作人员都要有一个对应的"候补队员",在窗口工作人员有事请假时顶岗工作」 — the
backup receives the warnings addressed to the post and acts, audited, under the post's name.
Seed 004 二(五) 首问负责制 / 一次告知制 and 四.2: 「对窗口工作人员在办件中不履行"首问负责制、一次性告知制…"
…第一次由"中心"通报批评,第二次退回原单位」 — the lapses the system itself can prove are charged by it.

Window zs-city-w11 (market bureau) is held by clerk-market-zhou with clerk-market-xu as its B (xu
holds no post of her own); zs-city-w01 by clerk-li with clerk-wu as B (wu is A of w02).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.conftest import Api, CallCounter, Clock
from tests.flows import Case, op
from tests.lifecycle_desk import IDENTIFIERS, MONDAY, Desk, gid, run_sweep

W01, W11 = "zs-city/zs-city-w01", "zs-city/zs-city-w11"
ZHOU, XU = "clerk-market-zhou", "clerk-market-xu"
LEDGER = """query($s: ID) { staffViolations(staffId: $s) { edges { node {
  kind ordinal consequence evidence recordedBy applicationId } } } }"""
ACK = """mutation($input: WarningAcknowledgeInput!) { warningAcknowledge(input: $input) {
  warning { level postId acknowledgedBy } userErrors { field code message } } }"""
TIMELINE = """query($id: ID!) { application(id: $id) {
  timeline { nodes { action actor post actingAsBackup ownPost } } historyVerification { intact } } }"""


@pytest.fixture
def desk(api: Api, clock: Clock) -> Desk:
    clock.set_china(MONDAY)  # Monday 2 November 2026
    return Desk(api)


def ledger(api: Api, staff_id: str) -> list[dict[str, Any]]:
    body = api.gql(LEDGER, {"s": gid("Staff", staff_id)}, as_=api.staff_with("supervisor"))
    return [e["node"] for e in body["data"]["staffViolations"]["edges"]]


def go_on_leave(api: Api, post: str, start: str, end: str, who: str) -> None:
    body = api.gql(
        op("WindowPostLeaveRequest"),
        {"input": {"postId": gid("WindowPost", post), "start": start, "end": end, "reason": "病假"}},
        as_=who,
    )
    assert body["data"]["windowPostLeaveRequest"]["userErrors"] == [], body


def worklist(api: Api, post: str, who: str) -> Any:
    return api.gql(op("WindowPostWorklist"), {"postId": gid("WindowPost", post)}, as_=who)


def pledged_at_w11(desk: Desk, due: str = "2026-11-06") -> str:
    """A case accepted with a credit pledge (容缺受理) at window w11 by its A, 周."""
    filed = desk.file("ZS-SCJG-001", omit=("M04",))
    desk.ok(
        "applicationAcceptWithDeficiency",
        {"id": filed["id"], "missingMaterialCodes": ["M04"], "pledgeDueOn": due},
        as_=ZHOU,
    )
    return str(filed["id"])


# --- warnings addressed to a window post -----------------------------------------------------------


def test_seed004_warning_addressed_to_a_post_reaches_the_backup_covering_it(
    desk: Desk, clock: Clock, ddb_calls: CallCounter
) -> None:
    """The pledge is followed up at the window that accepted it: its yellow warning is addressed to
    w11 and, with 周 on leave, reaches 徐 (B): her notifications, the post's worklist, and she may
    acknowledge it, which takes it off the worklist in the same transaction."""
    api = desk.api
    case_id = pledged_at_w11(desk)
    go_on_leave(api, W11, "2026-11-03", "2026-11-06", ZHOU)
    clock.set_china(date(2026, 11, 4))  # 2 working days before the pledge falls due
    assert run_sweep()["warning_yellow"] == 1

    titles = [
        n["title"]
        for n in api.gql("{ notifications(first: 20) { nodes { title } } }", as_=XU)["data"]["notifications"]["nodes"]
    ]
    assert any("黄牌预警" in t for t in titles)
    api.gql("{ me { subject } }", as_=XU)  # warm, as a Lambda serving her is
    ddb_calls.reset()
    items = worklist(api, W11, XU)["data"]["windowPostWorklist"]["edges"]
    assert ddb_calls.calls == {"GetItem": 1, "Query": 1}  # the post and the worklist page, as for complaints
    (item,) = [i["node"] for i in items]
    assert item["kind"] == "warning" and item["complaintId"] is None and "黄牌预警" in item["label"]
    # 周 is on leave: the post's work is not his meanwhile (though he accepted the case).
    away = worklist(api, W11, ZHOU)
    assert away["errors"][0]["extensions"]["code"] == "FORBIDDEN" and "顶岗" in away["errors"][0]["message"]
    assert [
        e["code"]
        for e in api.gql(ACK, {"input": {"id": item["warningId"]}}, as_=ZHOU)["data"]["warningAcknowledge"][
            "userErrors"
        ]
    ] == ["NOT_FOUND"]
    # Someone holding neither the post nor the case's department cannot acknowledge it either.
    other = api.gql(ACK, {"input": {"id": item["warningId"]}}, as_="clerk-wu")["data"]["warningAcknowledge"]
    assert [e["code"] for e in other["userErrors"]] == ["NOT_FOUND"]

    ddb_calls.reset()
    done = api.gql(ACK, {"input": {"id": item["warningId"]}}, as_=XU)["data"]["warningAcknowledge"]
    assert done["userErrors"] == []
    assert done["warning"] == {"level": "YELLOW", "postId": gid("WindowPost", W11), "acknowledgedBy": XU}
    assert ddb_calls.calls == {"GetItem": 2, "TransactWriteItems": 1}  # the warning, the post; one write
    assert worklist(api, W11, XU)["data"]["windowPostWorklist"]["edges"] == []

    # Acknowledged in time: the pledge lapsing charges nobody at the window.
    clock.set_china(date(2026, 11, 9))
    assert run_sweep()["pledge_broken"] == 1
    assert ledger(api, XU) == [] and ledger(api, ZHOU) == []
    assert desk.read(case_id)["pledge"]["status"] == "BROKEN"


def test_seed004_ignored_post_warning_is_charged_to_whoever_held_the_post_once(desk: Desk, clock: Clock) -> None:
    """A yellow warning addressed to w11 left unacknowledged until its deadline passed is the lapse
    of the person holding the post then: 徐, covering for 周 — charged by the sweep in the
    transaction that raises the red warning; a second sweep charges nothing more."""
    api = desk.api
    case_id = pledged_at_w11(desk)
    go_on_leave(api, W11, "2026-11-03", "2026-11-06", ZHOU)
    clock.set_china(date(2026, 11, 4))
    assert run_sweep()["warning_yellow"] == 1
    clock.set_china(date(2026, 11, 9))
    assert run_sweep()["pledge_broken"] == 1
    (charge,) = ledger(api, XU)
    assert charge["kind"] == "WARNING_IGNORED" and charge["recordedBy"] == "system"
    assert (charge["ordinal"], charge["consequence"]) == (1, "NOTICE")  # a first lapse: 通报批评
    assert charge["applicationId"] == case_id and W11 in charge["evidence"]
    assert ledger(api, ZHOU) == []  # he was on leave, the post was hers
    assert worklist(api, W11, ZHOU)["data"]["windowPostWorklist"]["edges"] == []  # the yellow item went
    assert run_sweep()["pledge_broken"] == 0
    assert len(ledger(api, XU)) == 1
    query = "query($c: ID) { bulletins(centreId: $c) { edges { node { kind text } } } }"
    bulletins = api.gql(query, {"c": gid("Centre", "zs-city")})
    assert [b["node"]["kind"] for b in bulletins["data"]["bulletins"]["edges"]] == ["PERSON_NOTICE"]


# --- the backup acts under the post's name ---------------------------------------------------------


GRANT = """mutation($input: WindowPostAuthoritySetInput!) { windowPostAuthoritySet(input: $input) {
  userErrors { code } } }"""
DECIDE = """mutation($input: ApplicationDecideAtWindowInput!) { applicationDecideAtWindow(input: $input) {
  application { id state } userErrors { field code message } } }"""


def grant(api: Api, post: str) -> None:
    value = {"windowPostId": gid("WindowPost", post), "itemIds": [gid("ServiceItem", "ZS-SCJG-003")], "reason": "授权"}
    assert api.gql(GRANT, {"input": value}, as_="admin-xu")["data"]["windowPostAuthoritySet"]["userErrors"] == []


def decide_at(desk: Desk, post: str, clerk: str) -> str:
    filed = desk.file("ZS-SCJG-003")
    value = {"id": filed["id"], "windowPostId": gid("WindowPost", post), "reason": "材料齐全", "legalBasis": "条例"}
    body = desk.api.gql(DECIDE, {"input": value}, as_=clerk)["data"]["applicationDecideAtWindow"]
    assert body["userErrors"] == [], body
    return str(filed["id"])


def last_event(desk: Desk, case_id: str) -> dict[str, Any]:
    body = desk.api.gql(TIMELINE, {"id": case_id}, as_="supervisor-fang")["data"]["application"]
    assert body["historyVerification"]["intact"] is True
    return body["timeline"]["nodes"][-1]  # type: ignore[no-any-return]


def test_seed003_backup_acting_for_a_post_is_audited_under_that_post(desk: Desk) -> None:
    """seed 003 二(三)4 (每个环节都明确到…工作岗位和工作人员) with seed 004 三(二) (B岗顶岗): an event the
    backup writes while covering records the covered post, flagged as acting as its backup, with the
    backup's own post beside it; the chain still verifies; the responsibility matrix shows the cover."""
    api = desk.api
    grant(api, W11)
    grant(api, W01)
    today = "2026-11-02"
    go_on_leave(api, W11, today, "2026-11-03", ZHOU)
    go_on_leave(api, W01, today, "2026-11-03", "clerk-li")

    # 徐 holds no post of her own: she acts for w11.
    event = last_event(desk, decide_at(desk, W11, XU))
    assert event == {
        "action": "DECIDE_AT_WINDOW",
        "actor": XU,
        "post": W11,
        "actingAsBackup": True,
        "ownPost": "",
    }
    # 吴 is A of w02 and covers w01: at w01 she acts as its backup, at her own window as herself.
    event = last_event(desk, decide_at(desk, W01, "clerk-wu"))
    assert (event["post"], event["actingAsBackup"], event["ownPost"]) == (W01, True, "zs-city/zs-city-w02")
    own = desk.file("ZS-SCJG-002")
    desk.accept(own["id"], "clerk-wu")
    event = last_event(desk, own["id"])
    assert (event["action"], event["post"], event["actingAsBackup"], event["ownPost"]) == (
        "ACCEPT",
        "zs-city/zs-city-w02",
        False,
        "",
    )
    # Applicants see neither posts nor cover.
    seen = api.gql(TIMELINE, {"id": own["id"]}, as_="applicant-wang")["data"]["application"]["timeline"]["nodes"]
    assert {(e["post"], e["actingAsBackup"]) for e in seen} == {("", False)}

    # The responsibility matrix shows the backup acting at the intake post.
    from tests.e2e.test_responsibility import CITY, make_section_head, market_steps, set_matrix

    make_section_head(api, "approver-market-mao", "city-market", "食品经营许可科", ["APPROVER"])
    assert set_matrix(api, "ZS-SCJG-004", CITY, market_steps())["userErrors"] == []
    read = """query($i: ID!, $c: ID!) { responsibilityMatrix(itemId: $i, centreId: $c) {
      steps { personStaffId actingAsBackup } } }"""
    matrix = api.gql(read, {"i": gid("ServiceItem", "ZS-SCJG-004"), "c": CITY}, as_="clerk-wu")
    steps = matrix["data"]["responsibilityMatrix"]["steps"]
    assert (steps[0]["personStaffId"], steps[0]["actingAsBackup"]) == ("clerk-wu", True)
    assert steps[1]["actingAsBackup"] is False


def test_seed004_clerk_on_leave_cannot_act_at_the_window_until_the_leave_ends(desk: Desk, clock: Clock) -> None:
    """seed 004 三(二) (在窗口工作人员有事请假时顶岗工作): while 周 is on granted leave the post is 徐's;
    周's window acts are refused with ON_LEAVE and write nothing, 徐 acts instead, and 周 acts again
    once the leave is over (the 60 s standing bound is the only delay)."""
    api = desk.api
    go_on_leave(api, W11, "2026-11-02", "2026-11-03", ZHOU)
    filed = desk.file("ZS-SCJG-004")
    before = desk.timeline(filed["id"])
    assert desk.refused("applicationAccept", {"id": filed["id"]}, as_=ZHOU) == ["ON_LEAVE"]
    assert desk.timeline(filed["id"]) == before  # refused: the audit trail is unchanged
    desk.accept(filed["id"], XU)
    assert last_event(desk, filed["id"])["actor"] == XU

    clock.set_china(date(2026, 11, 4))  # back from leave
    from chalicelib.services import staff as staff_service

    staff_service.clear_standing_cache()  # a minute later: the 60 s standing cache has turned over
    again = desk.file("ZS-SCJG-004")
    desk.accept(again["id"], ZHOU)
    assert last_event(desk, again["id"])["actor"] == ZHOU


# --- automatic charges: one-time notice and first contact ------------------------------------------


def test_seed004_notice_asking_for_what_the_first_one_omitted_charges_its_issuer(
    api: Api, ddb_calls: CallCounter
) -> None:
    """一次告知制: a later notice asking for a material the first notice could have listed is refused
    unless the clerk admits the omission; then the applicant is told and the first notice's issuer
    is charged in the same transaction (once, however the command is retried); a second such lapse
    of the same person returns them to the unit."""

    def omitted_again(case: Case, key: str) -> dict[str, Any]:
        before = ledger(api, "clerk-li")
        materials = case.item.elements.materials
        missing = next(m.code for m in materials if m.kind.value == "secondary")
        entry = {"materialCode": missing, "problem": "MISSING", "description": "未提交"}
        case.run(
            "ApplicationNoticeIssue", {"input": {"id": case.id, "entries": [entry], "procedure": "补正"}}, "clerk-li"
        )
        upload = api.upload(missing, b"supplied", as_="applicant-wang")
        case.run("ApplicationSupplement", {"input": {"id": case.id, "materials": [upload]}}, "applicant-wang")
        other = next(m.code for m in materials if m.code != missing)
        demand = {"materialCode": other, "problem": "DEFECTIVE", "description": "身份证明复印件不清晰"}
        value = {"id": case.id, "entries": [demand], "procedure": "再补", "idempotencyKey": key}
        refused = api.gql(op("ApplicationNoticeIssue"), {"input": value}, as_="clerk-wu")
        assert [e["code"] for e in refused["data"]["applicationNoticeIssue"]["userErrors"]] == ["NOTICE_NEW_DEMAND"]
        assert ledger(api, "clerk-li") == before  # refused: nothing written
        admitted = {**value, "admitOmission": True}
        body = api.gql(op("ApplicationNoticeIssue"), {"input": admitted}, as_="clerk-wu")
        assert body["data"]["applicationNoticeIssue"]["userErrors"] == []
        again = api.gql(op("ApplicationNoticeIssue"), {"input": admitted}, as_="clerk-wu")  # a retry
        assert again["data"]["applicationNoticeIssue"]["userErrors"] == []
        return body  # type: ignore[no-any-return]

    first = Case(api, "ZS-SCJG-001").filed(skip=1)
    omitted_again(first, "k1")
    (charge,) = ledger(api, "clerk-li")  # the first notice's issuer, not the clerk who noticed
    assert charge["kind"] == "NOTICE_INCOMPLETE" and charge["recordedBy"] == "system"
    assert (charge["ordinal"], charge["consequence"]) == (1, "NOTICE")
    assert charge["applicationId"] == first.id and "再次要求补正" in charge["evidence"]
    assert ledger(api, "clerk-wu") == []

    second = Case(api, "ZS-SCJG-001").filed(skip=1)
    omitted_again(second, "k2")
    charges = ledger(api, "clerk-li")
    assert [(c["ordinal"], c["consequence"]) for c in charges] == [(2, "RETURN_TO_UNIT"), (1, "NOTICE")]
    status, body = api.post({"query": "{ me { subject } }"}, token=api.token_for("clerk-li"))
    assert status == 401 and body["errors"][0]["extensions"]["code"] == "TOKEN_SCOPE"


CONSULT = """mutation($input: ConsultationRecordInput!) { consultationRecord(input: $input) {
  consultation { id } userErrors { field code } } }"""


def consult(api: Api, who: str, **answer: str) -> None:
    value = {"personName": "王海燕", "personIdentifier": IDENTIFIERS["applicant-wang"], "topic": "食品经营许可怎么办"}
    body = api.gql(CONSULT, {"input": {**value, **answer}}, as_=who)
    assert body["data"]["consultationRecord"]["userErrors"] == [], body


def test_seed004_enquiry_outside_the_remit_answered_instead_of_referred_is_charged_at_filing(
    desk: Desk, clock: Clock, ddb_calls: CallCounter
) -> None:
    """首问负责制: 「不属首问责任人职责范围内的事项,应当引导服务对象到具体承办窗口」. The ecology bureau's
    reviewer answered a question on a market-bureau matter herself; when the person then files for it
    (the case links that enquiry, its first contact), she is charged in the filing's transaction,
    once per enquiry. Answers within the remit, and referrals, charge nobody."""
    api = desk.api

    def file_after(who: str, item: str = "ZS-SCJG-001", **answer: str) -> tuple[dict[str, Any], dict[str, int]]:
        clock.advance(hours=1)  # the filing links the person's latest enquiry
        consult(api, who, **answer)
        value = desk.file_input(item)
        ddb_calls.reset()
        case = desk.ok("applicationFile", value, as_="applicant-wang")
        return case, dict(ddb_calls.calls)

    # Within the remit: the comprehensive window answers for every department (一窗受理).
    filed, within = file_after("clerk-li", answer="可在网上政务大厅申请")
    assert desk.read(filed["id"])["firstContactOfficer"] == "clerk-li"
    assert ledger(api, "clerk-li") == []
    # The remit check reads nothing more than a filing whose enquiry was referred (warm caches).
    _, referred = file_after("reviewer-eco-liu", referredToWindowPostId=gid("WindowPost", W11))
    assert referred == within
    assert ledger(api, "reviewer-eco-liu") == []

    case, _ = file_after("reviewer-eco-liu", answer="带上营业执照去窗口办就行")
    assert desk.read(case["id"])["firstContactOfficer"] == "reviewer-eco-liu"
    (charge,) = ledger(api, "reviewer-eco-liu")
    assert charge["kind"] == "NOT_REFERRED" and charge["recordedBy"] == "system"
    assert charge["applicationId"] == case["id"] and "未引导至承办窗口" in charge["evidence"]
    # A second case linking the same enquiry is not a second lapse.
    desk.ok("applicationFile", desk.file_input("ZS-SCJG-001"), as_="applicant-wang")
    assert len(ledger(api, "reviewer-eco-liu")) == 1
    # Her own department's matter is within her remit.
    file_after("reviewer-eco-liu", "ZS-STHJ-001", answer="按排污许可办事指南准备材料")
    assert len(ledger(api, "reviewer-eco-liu")) == 1


def test_sweep_reads_a_clerk_and_a_post_once_per_run(api: Api, ddb_calls: CallCounter) -> None:
    """Routing warnings to window posts costs the sweep one GetItem per clerk and one per post per
    run, whatever the number of cases they accepted."""
    from chalicelib.services.sweep import WindowPosts

    posts = WindowPosts()
    ddb_calls.reset()
    for _ in range(3):
        assert posts.seat_of(ZHOU) == W11
        assert posts.holder(W11, date(2026, 11, 4)) == ZHOU
    assert ddb_calls.calls == {"GetItem": 2}
