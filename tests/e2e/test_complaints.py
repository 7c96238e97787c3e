"""Complaints (投诉, seeds 001 and 004: the complaint channel of electronic supervision).

An applicant or agent complains about one of their own cases or about a window post; a
supervisor resolves it once. Each step is kept in the complaint's history, and the department
concerned is counted. Refused complaints write nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from strawberry import relay

from chalicelib.domain.statistics import scope
from chalicelib.storage.outbox_repository import OutboxRepository
from chalicelib.storage.statistics_repository import StatisticsRepository
from chalicelib.storage.tables import Record
from tests.conftest import Api, CallCounter, Clock
from tests.flows import Case, gid, op

MONDAY = date(2026, 11, 2)
LEAD = "city-natural-resources"
MARKET_WINDOW = gid("WindowPost", "zs-city/zs-city-w11")  # a department window of city-market
COMPREHENSIVE_WINDOW = gid("WindowPost", "zs-city/zs-city-w01")  # staffed by the bureau's clerks


@pytest.fixture
def monday(clock: Clock) -> Clock:
    clock.set_china(MONDAY)
    return clock


def file(api: Api, as_: str = "applicant-wang", **fields: Any) -> Any:
    return api.gql(op("ComplaintFile"), {"input": fields}, as_=as_)


def payload(body: Any) -> dict[str, Any]:
    assert "errors" not in body, body
    (result,) = body["data"].values()
    return dict(result)


def codes(body: Any) -> list[str]:
    return [e["code"] for e in payload(body)["userErrors"]]


def counts(department: str) -> Any:
    return StatisticsRepository().totals(scope("department", department), MONDAY, MONDAY)


def complaints_stored() -> int:
    """Every stored complaint, open or resolved (one Query per status on GSI2)."""
    return len(list(Record.gsi2.query("COMPLAINTS#open"))) + len(list(Record.gsi2.query("COMPLAINTS#resolved")))


def resolve(api: Api, complaint_id: str, outcome: str, note: str, as_: str) -> Any:
    return api.gql(op("ComplaintResolve"), {"input": {"id": complaint_id, "outcome": outcome, "note": note}}, as_=as_)


def test_complaint_lifecycle_about_a_case(api: Api, monday: Clock) -> None:
    case = Case(api).filed()
    filed = payload(file(api, applicationId=case.id, text="  窗口推诿,要求重复提交材料  "))["complaint"]
    assert (filed["status"], filed["targetKind"], filed["applicationId"]) == ("OPEN", "APPLICATION", case.id)
    assert filed["text"] == "窗口推诿,要求重复提交材料" and filed["department"]["id"] == gid("Department", LEAD)
    assert [(h["action"], h["by"]) for h in filed["history"]] == [("FILE", "applicant-wang")]
    assert counts(LEAD)["complaints"] == 1

    listed = payload(api.gql(op("Complaints"), {"status": "OPEN"}, as_=case.supervisor))["edges"]
    assert [e["node"]["id"] for e in listed] == [filed["id"]] and listed[0]["node"]["filedBy"] == "applicant-wang"

    done = payload(resolve(api, filed["id"], "SUBSTANTIATED", "经调查属实,已责令整改", case.supervisor))["complaint"]
    assert (done["status"], done["outcome"]) == ("RESOLVED", "SUBSTANTIATED")
    assert [(h["action"], h["outcome"], h["by"]) for h in done["history"]] == [
        ("FILE", None, "applicant-wang"),
        ("RESOLVE", "SUBSTANTIATED", case.supervisor),
    ]
    assert counts(LEAD)["complaints_substantiated"] == 1
    assert payload(api.gql(op("Complaints"), {"status": "OPEN"}, as_=case.supervisor))["edges"] == []
    resolved = payload(api.gql(op("Complaints"), {"status": "RESOLVED"}, as_=case.supervisor))["edges"]
    assert len(resolved) == 1

    # The filer sees the outcome, with the supervisor shown as a role, and was notified.
    mine = payload(api.gql(op("MyComplaints"), {}, as_="applicant-wang"))["edges"]
    assert [h["by"] for h in mine[0]["node"]["history"]] == ["applicant-wang", "工作人员"]
    notices = OutboxRepository().feed("applicant-wang", 10, None).items
    assert [m.data["step"] for m, _ in notices] == ["resolved"]


def test_complaint_about_a_window_post_counts_for_its_department(api: Api, monday: Clock) -> None:
    filed = payload(file(api, windowPostId=MARKET_WINDOW, text="窗口人员态度冷漠"))["complaint"]
    assert (filed["targetKind"], filed["windowPostId"], filed["applicationId"]) == ("WINDOW_POST", MARKET_WINDOW, None)
    assert filed["targetLabel"] == "市场监管专业窗口"
    assert counts("city-market")["complaints"] == 1
    comprehensive = payload(file(api, windowPostId=COMPREHENSIVE_WINDOW, text="排队无人叫号"))["complaint"]
    assert comprehensive["department"]["id"] == gid("Department", "city-bureau")
    supervisor = api.staff_with("supervisor")
    unfounded = payload(resolve(api, comprehensive["id"], "UNSUBSTANTIATED", "调取录像,未见异常", supervisor))
    assert unfounded["complaint"]["outcome"] == "UNSUBSTANTIATED"
    assert counts("city-bureau")["complaints"] == 1 and counts("city-bureau")["complaints_substantiated"] == 0


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"text": "没有对象"}, "TARGET_REQUIRED"),
        ({"applicationId": "CASE", "windowPostId": MARKET_WINDOW, "text": "两个对象"}, "TARGET_REQUIRED"),
        ({"windowPostId": MARKET_WINDOW, "text": "   "}, "TEXT_REQUIRED"),
        ({"windowPostId": MARKET_WINDOW, "text": "长" * 1001}, "OUT_OF_RANGE"),
        ({"windowPostId": gid("WindowPost", "zs-city/no-such-window"), "text": "投诉"}, "NOT_FOUND"),
        ({"windowPostId": gid("Centre", "zs-city"), "text": "投诉"}, "INVALID_ID"),
        ({"applicationId": "CASE", "text": "投诉"}, "NOT_FOUND"),  # someone else's case
    ],
)
def test_bad_complaints_are_refused_and_nothing_is_written(
    api: Api, monday: Clock, ddb_calls: CallCounter, fields: dict[str, Any], code: str
) -> None:
    case = Case(api).filed()
    if fields.get("applicationId") == "CASE":
        fields = {**fields, "applicationId": case.id}
    caller = "applicant-zhou" if code == "NOT_FOUND" and "applicationId" in fields else "applicant-wang"
    ddb_calls.reset()
    assert codes(file(api, as_=caller, **fields)) == [code]
    assert ddb_calls.calls["TransactWriteItems"] == 0
    assert complaints_stored() == 0


def test_a_complaint_is_resolved_once_and_only_by_a_supervisor(api: Api, monday: Clock, ddb_calls: CallCounter) -> None:
    filed = payload(file(api, windowPostId=MARKET_WINDOW, text="窗口人员态度冷漠"))["complaint"]
    supervisor = api.staff_with("supervisor")
    ddb_calls.reset()
    assert codes(resolve(api, filed["id"], "SUBSTANTIATED", "  ", supervisor)) == ["NOTE_REQUIRED"]
    assert codes(resolve(api, gid("Complaint", "nope"), "SUBSTANTIATED", "属实", supervisor)) == ["NOT_FOUND"]
    clerk = resolve(api, filed["id"], "SUBSTANTIATED", "属实", api.staff_with("clerk"))
    assert clerk["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert ddb_calls.calls["TransactWriteItems"] == 0
    assert payload(resolve(api, filed["id"], "UNSUBSTANTIATED", "不属实", supervisor))["userErrors"] == []
    ddb_calls.reset()
    assert codes(resolve(api, filed["id"], "SUBSTANTIATED", "改判", supervisor)) == ["ALREADY_RESOLVED"]
    assert ddb_calls.calls["TransactWriteItems"] == 0
    (record,) = list(Record.gsi2.query("COMPLAINTS#resolved"))
    assert record.data["outcome"] == "unsubstantiated" and len(record.data["history"]) == 2
    assert counts("city-market")["complaints_substantiated"] == 0


def test_my_complaints_are_only_mine_and_a_retry_files_once(api: Api, monday: Clock) -> None:
    once = {"windowPostId": MARKET_WINDOW, "text": "窗口人员态度冷漠", "idempotencyKey": "c-1"}
    first = payload(file(api, **once))["complaint"]
    again = payload(file(api, **once))["complaint"]
    assert again["id"] == first["id"] and complaints_stored() == 1
    assert codes(file(api, **{**once, "windowPostId": COMPREHENSIVE_WINDOW})) == ["IDEMPOTENCY_KEY_REUSED"]
    assert payload(api.gql(op("MyComplaints"), {}, as_="applicant-zhou"))["edges"] == []
    mine = payload(api.gql(op("MyComplaints"), {}, as_="applicant-wang"))["edges"]
    assert [relay.GlobalID.from_id(e["node"]["id"]).type_name for e in mine] == ["Complaint"]


def test_window_posts_carry_the_id_complaints_name(api: Api) -> None:
    """Staff print each window's complaint QR code from `windowPosts { id }`."""
    body = api.gql(op("WindowPosts"), {"id": gid("Centre", "zs-city")}, as_=api.staff_with("clerk"))
    ids = {p["postId"]: p["id"] for p in body["data"]["centre"]["windowPosts"]}
    assert ids["zs-city-w11"] == MARKET_WINDOW
    filed = payload(file(api, windowPostId=ids["zs-city-w11"], text="窗口人员态度冷漠"))["complaint"]
    assert filed["windowPostId"] == MARKET_WINDOW
