"""Seed 003 二(五)3 and 二(六): the city counterpart department watches its delegated powers, inspects
their exercise, issues rectification opinions and, when they are ignored, rectification letters."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalicelib.domain.working_days import DEFAULT_CALENDAR
from chalicelib.services.counterpart import sweep_oversight
from chalicelib.services.outbox import Relay
from chalicelib.storage.counterpart_repository import CounterpartRepository
from tests.conftest import Api
from tests.delegation_flows import (
    MARKET,
    MARKET_APPROVER,
    ZONE,
    ZONE_APPROVER,
    ZONE_DEPARTMENT,
    inspected,
    ok,
    opinion_issued,
    run,
    zone_case,
)
from tests.flows import gid, op


def sweep(clock: Any) -> Any:
    done = sweep_oversight(CounterpartRepository(DEFAULT_CALENDAR), clock.now, Relay())
    Relay().run()
    return done


def feed(api: Api, who: str) -> list[dict[str, Any]]:
    body = api.gql(op("Notifications"), {"feed": "DEPARTMENT", "first": 50}, as_=who)
    return [e["node"] for e in body["data"]["notifications"]["edges"]]


def test_seed003_decisions_on_delegated_powers_reach_the_city_department_once(api: Api, clock: Any) -> None:
    case = zone_case(api).accepted()
    rows = api.gql(op("CounterpartCases"), {"departmentId": gid("Department", MARKET)}, as_=MARKET_APPROVER)
    (row,) = [e["node"] for e in rows["data"]["counterpartCases"]["edges"]]
    assert row["applicationId"] == case.id and row["centre"]["id"] == gid("Centre", ZONE)
    assert row["state"] == "IN_REVIEW" and row["dueOn"]
    # A city case of the same power is not a delegated case.
    from tests.flows import Case

    Case(api, "ZS-SCJG-001").accepted()
    rows = api.gql(op("CounterpartCases"), {"departmentId": gid("Department", MARKET)}, as_=MARKET_APPROVER)
    assert len(rows["data"]["counterpartCases"]["edges"]) == 1

    case.run("ApplicationReview", case.review_input(), case.reviewer)
    case.run(
        "ApplicationDecide", {"input": {"id": case.id, "outcome": "APPROVED", "reason": "符合条件"}}, case.approver
    )
    Relay().run()
    Relay().run()  # a second relay run delivers nothing twice
    pushed = [n for n in feed(api, MARKET_APPROVER) if n["kind"] == "DELEGATED_DECISION"]
    assert len(pushed) == 1
    data = {d["key"]: d["value"] for d in pushed[0]["data"]}
    assert data["centreId"] == ZONE and data["outcome"] == "approved" and data["itemCode"] == "ZS-SCJG-001"
    rows = api.gql(op("CounterpartCases"), {"departmentId": gid("Department", MARKET)}, as_=MARKET_APPROVER)
    assert rows["data"]["counterpartCases"]["edges"] == []  # decided: off the monitoring list
    # Another department's staff cannot read the view.
    other = api.gql(op("CounterpartCases"), {"departmentId": gid("Department", MARKET)}, as_="reviewer-nr-yu")
    assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_seed003_unanswered_rectification_opinion_becomes_rectification_letter(api: Api, clock: Any) -> None:
    inspection_id, due = opinion_issued(api, due_in_days=10)
    # Before the due date: no letter.
    early = run(
        api,
        "OversightLetterIssue",
        {"input": {"id": inspection_id, "requirements": "限期整改", "dueOn": due}},
        as_=MARKET_APPROVER,
    )
    assert [e["code"] for e in early["userErrors"]] == ["OPINION_NOT_DUE"]
    assert early["inspection"] is None
    # The centre was told at once, and the yellow warning comes before the due date.
    assert any(n["kind"] == "OVERSIGHT" for n in feed(api, ZONE_APPROVER))
    clock.advance(days=9)
    assert sweep(clock)["oversight_warning_yellow"] == 1
    # The due date passes unanswered: overdue, red warning, violation of the receiving department.
    clock.advance(days=2)
    assert sweep(clock)["opinion_overdue"] == 1
    assert sweep(clock)["opinion_overdue"] == 0  # a second run changes nothing
    late = run(api, "OversightAnswer", {"input": {"id": inspection_id, "answer": "已整改"}}, as_=ZONE_APPROVER)
    assert [e["code"] for e in late["userErrors"]] == ["OPINION_OVERDUE"]
    warnings = api.gql(op("CounterpartWarnings"), {"departmentId": gid("Department", MARKET)}, as_=MARKET_APPROVER)
    levels = [(w["node"]["level"], w["node"]["deadline"]) for w in warnings["data"]["counterpartWarnings"]["edges"]]
    assert levels == [("RED", "RECTIFICATION_OPINION"), ("YELLOW", "RECTIFICATION_OPINION")]
    ledger = api.gql(
        op("ViolationLedger"), {"year": 2026, "departmentId": gid("Department", ZONE_DEPARTMENT)}, as_="supervisor-fang"
    )
    kinds = [e["node"]["kind"] for e in ledger["data"]["violationLedger"]["edges"]]
    assert kinds == ["RECTIFICATION_OPINION_IGNORED"]

    letter_due = (clock.now + timedelta(days=20)).date().isoformat()
    letter = ok(
        api,
        "OversightLetterIssue",
        {"input": {"id": inspection_id, "requirements": "逾期未整改,限期答复", "dueOn": letter_due}},
        as_=MARKET_APPROVER,
    )["inspection"]
    assert letter["opinion"]["status"] == "OVERDUE" and letter["letter"]["status"] == "OPEN"
    again = run(
        api,
        "OversightLetterIssue",
        {"input": {"id": inspection_id, "requirements": "再次", "dueOn": letter_due}},
        as_=MARKET_APPROVER,
    )
    assert [e["code"] for e in again["userErrors"]] == ["LETTER_EXISTS"]
    answered = ok(
        api, "OversightAnswer", {"input": {"id": inspection_id, "answer": "已补齐核查记录,建立台账"}}, as_=ZONE_APPROVER
    )
    assert answered["inspection"]["letter"]["status"] == "ANSWERED"
    listed = api.gql(
        op("OversightInspections"),
        {"departmentId": gid("Department", ZONE_DEPARTMENT), "receiving": True},
        as_=ZONE_APPROVER,
    )
    (node,) = [e["node"] for e in listed["data"]["oversightInspections"]["edges"]]
    assert node["letter"]["answer"] == "已补齐核查记录,建立台账" and node["department"]["id"] == gid(
        "Department", MARKET
    )


def test_seed003_rectified_opinion_needs_no_letter_and_bad_input_is_refused(api: Api, clock: Any) -> None:
    inspection_id, due = opinion_issued(api, due_in_days=5)
    # Only the receiving centre answers; another department sees nothing.
    stranger = run(api, "OversightAnswer", {"input": {"id": inspection_id, "answer": "x"}}, as_="approver-pz-shan")
    assert [e["code"] for e in stranger["userErrors"]] == ["NOT_FOUND"]
    empty = run(api, "OversightAnswer", {"input": {"id": inspection_id, "answer": " "}}, as_=ZONE_APPROVER)
    assert [e["code"] for e in empty["userErrors"]] == ["REQUIRED"]
    ok(api, "OversightAnswer", {"input": {"id": inspection_id, "answer": "已整改"}}, as_=ZONE_APPROVER)
    clock.advance(days=7)
    assert sweep(clock)["opinion_overdue"] == 0
    letter = run(
        api,
        "OversightLetterIssue",
        {"input": {"id": inspection_id, "requirements": "x", "dueOn": due}},
        as_=MARKET_APPROVER,
    )
    assert [e["code"] for e in letter["userErrors"]] == ["ALREADY_RECTIFIED"]

    # Inspecting a power that is not the department's, or a centre it was not delegated to.
    body = api.gql(
        op("OversightInspectionRecord"),
        {
            "input": {
                "itemId": gid("ServiceItem", "ZS-SCJG-004"),
                "centreId": gid("Centre", ZONE),
                "receivingDepartmentId": gid("Department", "pz-office"),
                "inspectedOn": "2026-11-01",
                "outcome": "COMPLIANT",
                "findings": "",
            }
        },
        as_=MARKET_APPROVER,
    )
    errors = {(e["field"], e["code"]) for e in body["data"]["oversightInspectionRecord"]["userErrors"]}
    assert errors == {
        ("centreId", "NOT_DELEGATED"),
        ("receivingDepartmentId", "DEPARTMENT_NOT_AT_CENTRE"),
        ("findings", "REQUIRED"),
    }
    assert inspected(api, "COMPLIANT")


def test_seed003_retried_inspection_is_recorded_once(api: Api) -> None:
    variables = {
        "input": {
            "itemId": gid("ServiceItem", "ZS-SCJG-001"),
            "centreId": gid("Centre", ZONE),
            "receivingDepartmentId": gid("Department", ZONE_DEPARTMENT),
            "inspectedOn": "2026-11-02",
            "outcome": "COMPLIANT",
            "findings": "抽查合格",
            "idempotencyKey": "insp-1",
        }
    }
    first = ok(api, "OversightInspectionRecord", variables, as_=MARKET_APPROVER)["inspection"]["id"]
    again = ok(api, "OversightInspectionRecord", variables, as_=MARKET_APPROVER)["inspection"]["id"]
    assert first == again
    listed = api.gql(op("OversightInspections"), {"departmentId": gid("Department", MARKET)}, as_=MARKET_APPROVER)
    assert len(listed["data"]["oversightInspections"]["edges"]) == 1
