"""Responsibility matrix per item and step, and the post on every audit event (seed 003 二(三)4)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.conftest import Api, CallCounter, Clock
from tests.flows import Case, gid, op

CITY, JINTANG = gid("Centre", "zs-city"), gid("Centre", "jintang")
MARKET = gid("Department", "city-market")
W01, W11 = gid("WindowPost", "zs-city/zs-city-w01"), gid("WindowPost", "zs-city/zs-city-w11")
SET = """mutation($input: ResponsibilityMatrixSetInput!) { responsibilityMatrixSet(input: $input) {
  matrix { version filedWithDepartmentId steps { step personStaffId stale department { name } } }
  userErrors { field code message } } }"""
MATRIX_FIELDS = """itemCode version steps { step section leaderStaffId postId personStaffId namedStaffId stale
  current department { id } }"""
READ = "query($i: ID!, $c: ID!) { responsibilityMatrix(itemId: $i, centreId: $c) { " + MATRIX_FIELDS + " } }"
ON_CASE = "query($a: ID!) { caseResponsibility(applicationId: $a) { " + MATRIX_FIELDS + " } }"


def make_section_head(api: Api, staff_id: str, department: str, section: str, roles: list[str]) -> None:
    record = {
        "name": next(s.name for s in api.seed.staff if s.id == staff_id),
        "staffNumber": f"N-{staff_id}",
        "departmentId": gid("Department", department),
        "roles": roles,
        "established": True,
        "headsSection": section,
        "sectionApproves": True,
    }
    body = api.gql(
        """mutation($input: StaffChangeInput!) { staffChange(input: $input) { userErrors { code message } } }""",
        {"input": {"id": gid("Staff", staff_id), "expectedVersion": 1, "record": record, "reason": "任科长"}},
        as_=api.staff_with("admin"),
    )
    assert body["data"]["staffChange"]["userErrors"] == [], body


def step(name: str, leader: str, *, staff: str | None = None, post: str | None = None, dept: str = MARKET) -> Any:
    return {
        "step": name,
        "departmentId": dept,
        "leaderStaffId": gid("Staff", leader),
        "section": "食品经营许可科",
        **({"staffId": gid("Staff", staff)} if staff else {}),
        **({"postId": post} if post else {}),
    }


def market_steps() -> list[dict[str, Any]]:
    boss = "approver-market-mao"
    return [
        step("INTAKE", boss, post=W01),  # the comprehensive window: whoever holds w01 that day
        step("REVIEW", boss, staff="reviewer-market-zhao"),
        step("DECISION", boss, staff="approver-market-mao"),
        step("DELIVERY", boss, post=W11),
    ]


def set_matrix(api: Api, item: str, centre: str, steps: list[dict[str, Any]]) -> dict[str, Any]:
    body = api.gql(
        SET,
        {"input": {"itemId": gid("ServiceItem", item), "centreId": centre, "assignments": steps, "reason": "明确分工"}},
        as_=api.staff_with("admin"),
    )
    return body["data"]["responsibilityMatrixSet"]  # type: ignore[no-any-return]


def test_seed003_every_step_names_department_leader_section_post_and_person_and_stays_current(
    api: Api, clock: Clock
) -> None:
    make_section_head(api, "approver-market-mao", "city-market", "食品经营许可科", ["APPROVER"])
    done = set_matrix(api, "ZS-SCJG-004", CITY, market_steps())
    assert done["userErrors"] == [], done
    assert [(s["step"], s["personStaffId"]) for s in done["matrix"]["steps"]] == [
        ("INTAKE", "clerk-li"),
        ("REVIEW", "reviewer-market-zhao"),
        ("DECISION", "approver-market-mao"),
        ("DELIVERY", "clerk-market-zhou"),
    ]
    assert done["matrix"]["filedWithDepartmentId"] is None  # not a delegated power here

    # Shown to staff on the case's step; the accept event records the post as well as the person.
    case = Case(api, "ZS-SCJG-004").filed()
    shown = api.gql(ON_CASE, {"a": case.id}, as_="clerk-li")["data"]["caseResponsibility"]
    assert [s["step"] for s in shown["steps"] if s["current"]] == ["INTAKE"]
    case.run("ApplicationAccept", {"input": {"id": case.id}}, "clerk-li")
    shown = api.gql(ON_CASE, {"a": case.id}, as_="reviewer-market-zhao")["data"]["caseResponsibility"]
    assert [s["step"] for s in shown["steps"] if s["current"]] == ["REVIEW"]
    timeline = api.gql(
        "query($id: ID!) { application(id: $id) { timeline { nodes { action actor post } } historyVerification { intact } } }",
        {"id": case.id},
        as_="clerk-li",
    )["data"]["application"]
    assert {"action": "ACCEPT", "actor": "clerk-li", "post": "zs-city/zs-city-w01"} in timeline["timeline"]["nodes"]
    assert timeline["historyVerification"]["intact"] is True
    seen = api.gql(
        "query($id: ID!) { application(id: $id) { timeline { nodes { post } } } }",
        {"id": case.id},
        as_="applicant-wang",
    )["data"]["application"]["timeline"]["nodes"]
    assert {e["post"] for e in seen} == {""}  # applicants do not see posts

    # Kept current when staff change: A of w01 goes on leave -> the intake person is the backup.
    today = clock.now.date()
    leave = api.gql(
        op("WindowPostLeaveRequest"),
        {"input": {"postId": W01, "start": str(today), "end": str(today + timedelta(days=1)), "reason": "事假"}},
        as_="clerk-li",
    )
    assert leave["data"]["windowPostLeaveRequest"]["userErrors"] == []
    now = api.gql(READ, {"i": gid("ServiceItem", "ZS-SCJG-004"), "c": CITY}, as_="clerk-wu")
    assert now["data"]["responsibilityMatrix"]["steps"][0]["personStaffId"] == "clerk-wu"
    # A named person returned to the unit is flagged until the matrix is corrected.
    api.gql(
        op("StaffReturnToUnit"),
        {"input": {"staffId": gid("Staff", "reviewer-market-zhao"), "reason": "调离"}},
        as_=api.staff_with("admin"),
    )
    now = api.gql(READ, {"i": gid("ServiceItem", "ZS-SCJG-004"), "c": CITY}, as_="clerk-wu")
    review = now["data"]["responsibilityMatrix"]["steps"][1]
    assert review["step"] == "REVIEW" and review["stale"] is True


def test_seed003_naming_someone_from_another_department_is_refused_and_writes_nothing(api: Api) -> None:
    make_section_head(api, "approver-market-mao", "city-market", "食品经营许可科", ["APPROVER"])
    steps = market_steps()
    steps[1] = step("REVIEW", "approver-market-mao", staff="reviewer-bureau-lin")  # the bureau's reviewer
    steps[2] = step("DECISION", "approver-bureau-zhang", staff="approver-market-mao")  # another unit's leader
    steps.append(step("INTAKE", "approver-market-mao", post=W11, staff="clerk-market-zhou"))  # twice
    steps.append(step("CERTIFICATE", "reviewer-market-zhao", staff="bureau-sun"))  # not a section head
    refused = set_matrix(api, "ZS-SCJG-004", CITY, steps)
    assert refused["matrix"] is None
    assert {(e["field"], e["code"]) for e in refused["userErrors"]} == {
        ("assignments[1].staffId", "OTHER_DEPARTMENT"),
        ("assignments[2].leaderStaffId", "OTHER_DEPARTMENT"),
        ("assignments[4].step", "DUPLICATE_STEP"),
        ("assignments[5].leaderStaffId", "NOT_SECTION_HEAD"),
        ("assignments[5].staffId", "OTHER_DEPARTMENT"),
    }
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in e["message"]) for e in refused["userErrors"])
    missing = set_matrix(api, "ZS-SCJG-004", CITY, market_steps()[:1])
    assert {e["code"] for e in missing["userErrors"]} == {"STEP_MISSING"}
    read = api.gql(READ, {"i": gid("ServiceItem", "ZS-SCJG-004"), "c": CITY}, as_="clerk-li")
    assert read["data"]["responsibilityMatrix"] is None


def test_seed003_delegated_power_matrix_is_filed_with_the_city_department(api: Api) -> None:
    """Seed 003 二(三)4: 并报市直对口部门备案 — a delegated item's matrix at the zone centre."""
    from chalicelib.storage.outbox_repository import OutboxRepository

    make_section_head(api, "approver-jt-shi", "jintang-office", "审批服务科", ["APPROVER"])
    office = gid("Department", "jintang-office")
    steps = [
        step("INTAKE", "approver-jt-shi", post=gid("WindowPost", "jintang/jintang-w01"), dept=office),
        step("REVIEW", "approver-jt-shi", staff="reviewer-jt-he", dept=office),
        step("DECISION", "approver-jt-shi", staff="approver-jt-shi", dept=office),
    ]
    done = set_matrix(api, "ZS-SCJG-002", JINTANG, steps)
    assert done["userErrors"] == [] and done["matrix"]["filedWithDepartmentId"] == "city-market"
    filed = OutboxRepository().feed("department:city-market", 10, None).items
    assert [m.kind.value for m, _ in filed] == ["responsibility_filing"]
    # A city department cannot be named at the zone centre.
    steps[1] = step("REVIEW", "approver-jt-shi", staff="reviewer-market-zhao", dept=MARKET)
    other = set_matrix(api, "ZS-SCJG-002", JINTANG, steps)
    assert ("assignments[1].departmentId", "OTHER_CENTRE") in {(e["field"], e["code"]) for e in other["userErrors"]}


def test_responsibility_reads_cost_constant_requests(api: Api, ddb_calls: CallCounter) -> None:
    make_section_head(api, "approver-market-mao", "city-market", "食品经营许可科", ["APPROVER"])
    assert set_matrix(api, "ZS-SCJG-004", CITY, market_steps())["userErrors"] == []
    token = api.token_for("clerk-wu")
    api.post({"query": "{ me { subject } }"}, token=token)
    ddb_calls.reset()
    status, body = api.post(
        {"query": READ, "variables": {"i": gid("ServiceItem", "ZS-SCJG-004"), "c": CITY}}, token=token
    )
    assert status == 200 and "errors" not in body
    # the matrix, its posts and its named people (two BatchGetItems), the departments shown
    assert ddb_calls.calls == {"GetItem": 1, "BatchGetItem": 3}
