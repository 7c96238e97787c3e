"""Leaders on duty at the windows through `/graphql` (seed 004 三(一))."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api, CallCounter, Clock
from tests.flows import gid

MARKET = gid("Department", "city-market")
HEAD = "approver-market-mao"  # 舟山市市场监督管理局's head
ROSTER = """mutation($input: DutyRosterSetInput!) { dutyRosterSet(input: $input) {
  shifts { day status } userErrors { field code message } } }"""
CHECK_IN = """mutation($input: DutyCheckInInput!) { dutyCheckIn(input: $input) {
  shift { day status checkedInAt } userErrors { field code message } } }"""
CHECK_OUT = """mutation($input: DutyCheckOutInput!) { dutyCheckOut(input: $input) {
  shift { day status checkedOutAt } userErrors { field code message } } }"""
REGISTER = """query($m: String!, $d: ID) { dutyRegister(month: $m, departmentId: $d) {
  department { name } scheduled attended missed shifts { day staffName status } } }"""
ISSUE = """mutation($input: DutyBulletinsIssueInput!) { dutyBulletinsIssue(input: $input) {
  bulletins { kind title text department { name } } userErrors { field code message } } }"""


def roster(api: Api, staff: str, days: list[str]) -> dict[str, Any]:
    body = api.gql(
        ROSTER,
        {"input": {"departmentId": MARKET, "staffId": gid("Staff", staff), "days": days}},
        as_=api.staff_with("supervisor"),
    )
    return body["data"]["dutyRosterSet"]  # type: ignore[no-any-return]


def mark(api: Api, mutation: str, who: str) -> dict[str, Any]:
    body = api.gql(mutation, {"input": {"departmentId": MARKET}}, as_=who)
    (payload,) = body["data"].values()
    return payload  # type: ignore[no-any-return]


def test_seed004_head_missing_duty_appears_in_the_monthly_register_and_a_bulletin(api: Api, clock: Clock) -> None:
    done = roster(api, HEAD, ["2026-11-03", "2026-11-04", "2026-11-05"])
    assert done["userErrors"] == [] and [s["status"] for s in done["shifts"]] == ["SCHEDULED"] * 3
    clock.advance(days=1)  # Tuesday 3 November: in and out
    assert mark(api, CHECK_IN, HEAD)["shift"]["status"] == "ON_DUTY"
    assert mark(api, CHECK_OUT, HEAD)["shift"]["status"] == "ATTENDED"
    again = mark(api, CHECK_IN, HEAD)
    assert [e["code"] for e in again["userErrors"]] == ["ALREADY_CHECKED_IN"]
    # Someone not on the roster cannot check in.
    stranger = mark(api, CHECK_IN, "reviewer-market-zhao")
    assert stranger["shift"] is None and [e["code"] for e in stranger["userErrors"]] == ["NOT_ON_ROSTER"]
    assert "值班表" in stranger["userErrors"][0]["message"]
    clock.advance(days=2)  # Thursday 5 November: in only (Wednesday missed)
    assert mark(api, CHECK_IN, HEAD)["userErrors"] == []

    # The register: supervisors see every unit; the unit's own staff see theirs.
    clock.advance(days=30)
    units = api.gql(REGISTER, {"m": "2026-11"}, as_=api.staff_with("supervisor"))["data"]["dutyRegister"]
    (market,) = units
    assert market["department"]["name"] == "舟山市市场监督管理局"
    assert (market["scheduled"], market["attended"], market["missed"]) == (3, 1, 1)
    assert [s["status"] for s in market["shifts"]] == ["ATTENDED", "MISSED", "NO_CHECK_OUT"]
    own = api.gql(REGISTER, {"m": "2026-11", "d": MARKET}, as_="reviewer-market-zhao")["data"]["dutyRegister"]
    assert own[0]["missed"] == 1
    other = api.gql(REGISTER, {"m": "2026-11", "d": MARKET}, as_="clerk-li")
    assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    # The 通报: generated text, through the outbox to the unit and the leadership group, public.
    issued = api.gql(ISSUE, {"input": {"month": "2026-11"}}, as_=api.staff_with("supervisor"))
    (bulletin,) = issued["data"]["dutyBulletinsIssue"]["bulletins"]
    assert bulletin["kind"] == "UNIT_DUTY" and bulletin["department"]["name"] == "舟山市市场监督管理局"
    assert "11月4日" in bulletin["text"] and "共1次" in bulletin["text"]
    public = api.gql("{ bulletins { edges { node { kind title department { name } } } } }")
    assert [e["node"]["kind"] for e in public["data"]["bulletins"]["edges"]] == ["UNIT_DUTY"]
    from chalicelib.storage.outbox_repository import OutboxRepository

    for feed in ("leadership-group", "department:city-market"):
        kinds = [m.kind.value for m, _ in OutboxRepository().feed(feed, 10, None).items]
        assert "bulletin" in kinds, feed
    twice = api.gql(ISSUE, {"input": {"month": "2026-11"}}, as_=api.staff_with("supervisor"))
    assert [e["code"] for e in twice["data"]["dutyBulletinsIssue"]["userErrors"]] == ["ALREADY_ISSUED"]


def test_seed004_roster_only_unit_heads_on_future_working_days(api: Api, clock: Clock) -> None:
    bad = roster(api, "reviewer-market-zhao", ["2026-11-07", "2026-10-30"])  # not the head; a Saturday; the past
    assert bad["shifts"] == []
    assert {(e["field"], e["code"]) for e in bad["userErrors"]} == {
        ("staffId", "NOT_UNIT_HEAD"),
        ("days[0]", "NOT_WORKING_DAY"),
        ("days[1]", "OUT_OF_RANGE"),
    }
    assert roster(api, HEAD, ["2026-11-03"])["userErrors"] == []
    dup = roster(api, HEAD, ["2026-11-03"])
    assert [e["code"] for e in dup["userErrors"]] == ["OUT_OF_RANGE"]
    # Nothing missed in a month without shifts; a month that has not ended cannot be announced.
    none = api.gql(ISSUE, {"input": {"month": "2026-10"}}, as_=api.staff_with("supervisor"))
    assert [e["code"] for e in none["data"]["dutyBulletinsIssue"]["userErrors"]] == ["NOTHING_MISSED"]
    early = api.gql(ISSUE, {"input": {"month": "2026-11"}}, as_=api.staff_with("supervisor"))
    assert [e["code"] for e in early["data"]["dutyBulletinsIssue"]["userErrors"]] == ["OUT_OF_RANGE"]


def test_duty_register_and_check_in_cost_constant_requests(api: Api, clock: Clock, ddb_calls: CallCounter) -> None:
    roster(api, HEAD, ["2026-11-03", "2026-11-04", "2026-11-05", "2026-11-06"])
    clock.advance(days=1)
    ddb_calls.reset()
    assert mark(api, CHECK_IN, HEAD)["userErrors"] == []
    assert ddb_calls.calls == {"GetItem": 1, "TransactWriteItems": 1}
    supervisor = api.token_for(api.staff_with("supervisor"))
    api.post({"query": "{ me { subject } }"}, token=supervisor)
    ddb_calls.reset()
    status, body = api.post({"query": REGISTER, "variables": {"m": "2026-11"}}, token=supervisor)
    assert status == 200 and body["data"]["dutyRegister"][0]["scheduled"] == 4
    # the month's shifts, the hierarchy (a supervisor sees their centre's subtree: seed 000 一), names
    assert ddb_calls.calls == {"Query": 2, "BatchGetItem": 1}


STAFF_CREATE = """mutation($input: StaffCreateInput!) { staffCreate(input: $input) {
  staffMember { account deputyHead } userErrors { field code message } } }"""


def test_seed004_deputy_heads_take_turns_on_window_duty(api: Api, clock: Clock) -> None:
    """seed 004 三(一): 「各窗口单位负责人在工作日期间要轮流到窗口值班」 — the unit's leaders (正职 and
    副职) take turns, so a deputy head is rostered, checks in and appears in the register."""
    record = {
        "name": "钱副局长",
        "staffNumber": "SJ0002",
        "departmentId": MARKET,
        "roles": ["APPROVER"],
        "established": True,
        "deputyHead": True,
    }
    created = api.gql(
        STAFF_CREATE,
        {"input": {"account": "deputy-market-qian", "record": record, "reason": "任副局长"}},
        as_=api.staff_with("admin"),
    )["data"]["staffCreate"]
    assert created["userErrors"] == [] and created["staffMember"]["deputyHead"] is True
    deputy = api.token("deputy-market-qian", ["approver"], department="city-market", centre="zs-city", name="钱副局长")
    done = roster(api, "deputy-market-qian", ["2026-11-03"])
    assert done["userErrors"] == [] and [s["status"] for s in done["shifts"]] == ["SCHEDULED"]
    assert roster(api, HEAD, ["2026-11-04"])["userErrors"] == []  # the head takes the next day
    clock.advance(days=1)
    checked = api.gql(CHECK_IN, {"input": {"departmentId": MARKET}}, token=deputy)["data"]["dutyCheckIn"]
    assert checked["userErrors"] == [] and checked["shift"]["status"] == "ON_DUTY"
    register = api.gql(REGISTER, {"m": "2026-11"}, as_=api.staff_with("supervisor"))["data"]["dutyRegister"]
    assert [(s["staffName"], s["status"]) for s in register[0]["shifts"]] == [
        ("钱副局长", "ON_DUTY"),
        ("毛国庆", "SCHEDULED"),
    ]
    # Anyone else of the unit (neither head nor deputy) is still refused.
    other = roster(api, "reviewer-market-zhao", ["2026-11-05"])
    assert [e["code"] for e in other["userErrors"]] == ["NOT_UNIT_HEAD"]
    assert "副职" in other["userErrors"][0]["message"]
