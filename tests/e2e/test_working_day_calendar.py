"""The working-day calendar beyond the library's years (issue 12 point 11), through `/graphql`.

2027 is a year `chinese_calendar` does not know: deadlines in it are counted on the statutory
holidays of 《全国年节及纪念日放假办法》 (2025 rules) and marked provisional; once a catalogue
administrator loads the State Council's arrangement it is authoritative, the case shows the moved
deadline at once, and the sweep re-files the worklist and due records and records the move.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.conftest import Api, CallCounter, Clock
from tests.lifecycle_desk import READ, TIMELINE, Desk

ITEM = "ZS-ZRZY-002"  # city-natural-resources alone; promised limit from the seed
ADMIN = "admin-xu"
REVIEWER = "reviewer-nr-yu"
ACCEPTED = date(2027, 2, 4)  # Thursday, the day before 除夕

# Working days after 4 February 2027, in order.
# Computed: 春节 = 除夕 (Fri 5) to 初三 (Mon 8), the weekend days 6 and 7 made up on Tue 9 and Wed 10.
COMPUTED_DAYS = [date(2027, 2, d) for d in (11, 12, 15, 16, 17, 18, 19, 22)]
# A State Council style arrangement: 春节 5-11 February, Saturday 20 February worked (调休).
ARRANGED_DAYS = [date(2027, 2, d) for d in (12, 15, 16, 17, 18, 19, 20, 22)]

ARRANGEMENT_2027: dict[str, Any] = {
    "year": 2027,
    "holidays": [
        {"name": "元旦", "start": "2027-01-01", "end": "2027-01-03"},
        {"name": "春节", "start": "2027-02-05", "end": "2027-02-11"},
        {"name": "清明节", "start": "2027-04-03", "end": "2027-04-05"},
        {"name": "劳动节", "start": "2027-05-01", "end": "2027-05-05"},
        {"name": "端午节", "start": "2027-06-09", "end": "2027-06-09"},
        {"name": "中秋节", "start": "2027-09-15", "end": "2027-09-15"},
        {"name": "国庆节", "start": "2027-10-01", "end": "2027-10-07"},
    ],
    "workdays": ["2027-01-31", "2027-02-20", "2027-04-25", "2027-09-26", "2027-10-09"],
    "reason": "国务院办公厅关于2027年部分节假日安排的通知(测试数据)",
}
LOAD = """mutation($input: WorkingDayArrangementLoadInput!) { workingDayArrangementLoad(input: $input) {
  arrangement { year version loadedBy loadedAt reason holidays { name start end } workdays }
  calendar { year source provisional version }
  userErrors { field code message } } }"""
YEAR = """query($year: Int!) { workingDayCalendar(year: $year) {
  year source provisional version restDays { date name } adjustedWorkdays } }"""
VERSIONS = """query($year: Int!) { workingDayCalendar(year: $year) { versions { version loadedBy reason } } }"""
INBOX = "query { inbox(queue: REVIEW, first: 50) { nodes { applicationId dueOn } } }"
PROVISIONAL = "query($id: ID!) { application(id: $id) { deadline deadlineProvisional } }"


@pytest.fixture
def desk(api: Api, clock: Clock) -> Desk:
    clock.set_china(ACCEPTED)
    return Desk(api)


def _case(desk: Desk, case_id: str, as_: str = REVIEWER) -> Any:
    body = desk.api.gql(PROVISIONAL, {"id": case_id}, as_=as_)
    assert "errors" not in body, body
    return body["data"]["application"]


def _inbox_due(desk: Desk, case_id: str) -> str:
    body = desk.api.gql(INBOX, as_=REVIEWER)
    return next(n["dueOn"] for n in body["data"]["inbox"]["nodes"] if n["applicationId"] == case_id)


def _load(desk: Desk, value: dict[str, Any], as_: str = ADMIN) -> Any:
    body = desk.api.gql(LOAD, {"input": value}, as_=as_)
    assert "errors" not in body, body
    return body["data"]["workingDayArrangementLoad"]


def test_2027_is_computed_and_new_years_day_is_a_holiday(desk: Desk) -> None:
    body = desk.api.gql(YEAR, {"year": 2027})
    year = body["data"]["workingDayCalendar"]
    assert (year["source"], year["provisional"], year["version"]) == ("COMPUTED", True, None)
    rest = {d["date"]: d["name"] for d in year["restDays"]}
    assert rest["2027-01-01"] == "元旦"
    assert [d for d, n in rest.items() if n.startswith("春节")] == [f"2027-02-{d:02d}" for d in range(5, 11)]
    assert year["adjustedWorkdays"] == []
    official = desk.api.gql(YEAR, {"year": 2026})["data"]["workingDayCalendar"]
    assert (official["source"], official["provisional"]) == ("OFFICIAL", False)
    assert "2026-01-01" in {d["date"] for d in official["restDays"]}


def test_2027_deadline_on_the_computed_holidays_moves_when_the_arrangement_is_loaded(desk: Desk, clock: Clock) -> None:
    limit = desk.item(ITEM).elements.promised_limit_days
    assert 1 <= limit <= len(COMPUTED_DAYS)
    case = desk.accept(desk.file(ITEM)["id"])
    assert case["deadline"] == COMPUTED_DAYS[limit - 1].isoformat()
    assert _case(desk, case["id"]) == {"deadline": COMPUTED_DAYS[limit - 1].isoformat(), "deadlineProvisional": True}
    assert _inbox_due(desk, case["id"]) == COMPUTED_DAYS[limit - 1].isoformat()

    loaded = _load(desk, ARRANGEMENT_2027)
    assert loaded["userErrors"] == []
    assert loaded["arrangement"]["version"] == 1
    assert loaded["arrangement"]["loadedBy"] == ADMIN
    assert loaded["calendar"] == {"year": 2027, "source": "ARRANGEMENT", "provisional": False, "version": 1}

    # The case shows the new deadline at once, no longer provisional.
    moved = ARRANGED_DAYS[limit - 1].isoformat()
    assert _case(desk, case["id"]) == {"deadline": moved, "deadlineProvisional": False}
    assert _case(desk, case["id"], as_="applicant-wang")["deadline"] == moved

    # The sweep waits until every process can have seen the new calendar, then re-files.
    assert run_calendar_sweep()["calendar_waiting"] == 1
    assert _inbox_due(desk, case["id"]) == COMPUTED_DAYS[limit - 1].isoformat()
    clock.advance(hours=1)
    done = run_calendar_sweep()
    assert done["deadline_recomputed"] == 1
    assert done["calendar_recomputed"] == 1
    assert _inbox_due(desk, case["id"]) == moved
    events = desk.api.gql(TIMELINE, {"id": case["id"]}, as_=REVIEWER)["data"]["application"]
    recount = [e for e in events["timeline"]["nodes"] if e["action"] == "DEADLINE_RECOMPUTED"]
    assert len(recount) == 1
    assert f"由{COMPUTED_DAYS[limit - 1].isoformat()}调整为{moved}" in recount[0]["reason"]
    assert "2027年节假日安排(第1版)" in recount[0]["reason"]
    assert events["historyVerification"]["intact"] is True
    # A second run changes nothing.
    assert run_calendar_sweep().get("deadline_recomputed", 0) == 0
    read = desk.api.gql(READ, {"id": case["id"]}, as_=REVIEWER)["data"]["application"]
    assert read["deadline"] == moved


def run_calendar_sweep() -> dict[str, int]:
    """What the scheduled Lambda runs (every phase), on the pinned clock."""
    from chalicelib.services.sweep import run_sweep as scheduled

    return scheduled()


def test_bad_arrangement_reports_every_problem_and_writes_nothing(desk: Desk) -> None:
    bad = {
        **ARRANGEMENT_2027,
        "holidays": [
            {"name": "元旦", "start": "2026-12-31", "end": "2027-01-01"},  # outside the year
            {"name": "春节", "start": "2027-02-05", "end": "2027-02-11"},
            {"name": "春节调整", "start": "2027-02-10", "end": "2027-02-12"},  # overlaps 春节
            {"name": "清明节", "start": "2027-04-05", "end": "2027-04-03"},  # inverted
        ],
        "workdays": ["2027-02-06", "2027-03-03", "2028-01-01"],  # a holiday; a Wednesday; next year
    }
    payload = _load(desk, bad)
    codes = {(e["code"], e["field"]) for e in payload["userErrors"]}
    assert codes >= {
        ("DATE_OUTSIDE_YEAR", "holidays[0]"),
        ("OVERLAPPING_HOLIDAYS", "holidays[2]"),
        ("PERIOD_INVERTED", "holidays[3].end"),
        ("HOLIDAY_AND_WORKDAY", "workdays[0]"),
        ("WORKDAY_NOT_WEEKEND", "workdays[1]"),
        ("DATE_OUTSIDE_YEAR", "workdays[2]"),
    }
    assert all(e["message"] for e in payload["userErrors"])
    assert payload["arrangement"] is None
    missing = _load(desk, {**ARRANGEMENT_2027, "holidays": ARRANGEMENT_2027["holidays"][1:]})
    assert [e["code"] for e in missing["userErrors"]] == ["STATUTORY_HOLIDAY_MISSING"]
    assert "元旦" in missing["userErrors"][0]["message"]
    year = desk.api.gql(YEAR, {"year": 2027})["data"]["workingDayCalendar"]
    assert (year["source"], year["version"]) == ("COMPUTED", None)
    assert desk.api.gql(VERSIONS, {"year": 2027}, as_=ADMIN)["data"]["workingDayCalendar"]["versions"] == []


def test_arrangement_versions_who_when_why_and_guards(desk: Desk) -> None:
    assert _load(desk, {**ARRANGEMENT_2027, "expectedVersion": 0, "idempotencyKey": "k1"})["userErrors"] == []
    again = _load(desk, {**ARRANGEMENT_2027, "expectedVersion": 0, "idempotencyKey": "k1"})
    assert (again["userErrors"], again["arrangement"]["version"]) == ([], 1)  # the retry, not a new version
    stale = _load(desk, {**ARRANGEMENT_2027, "expectedVersion": 0})
    assert [e["code"] for e in stale["userErrors"]] == ["STALE_VERSION"]
    second = _load(desk, {**ARRANGEMENT_2027, "reason": "更正", "expectedVersion": 1})
    assert second["arrangement"]["version"] == 2
    versions = desk.api.gql(VERSIONS, {"year": 2027}, as_=ADMIN)["data"]["workingDayCalendar"]["versions"]
    assert [(v["version"], v["loadedBy"], v["reason"]) for v in versions] == [
        (1, ADMIN, ARRANGEMENT_2027["reason"]),
        (2, ADMIN, "更正"),
    ]
    # Only catalogue administrators load; the version history is for oversight roles.
    refused = desk.api.gql(LOAD, {"input": ARRANGEMENT_2027}, as_="clerk-li")
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    hidden = desk.api.gql(VERSIONS, {"year": 2027}, as_="clerk-li")
    assert hidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    out_of_range = desk.api.gql(YEAR, {"year": 1800})
    assert out_of_range["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_calendar_reads_cost_one_query_per_process_and_staleness(desk: Desk, ddb_calls: CallCounter) -> None:
    """A loaded arrangement reaches another process within the staleness bound, at one Query per
    refresh and none in between."""
    from chalicelib.services.calendar import MAX_STALENESS_SECONDS, CalendarCache

    assert MAX_STALENESS_SECONDS == 60.0  # the bound the README states
    ticks = [0.0]
    other = CalendarCache(max_age=MAX_STALENESS_SECONDS, monotonic=lambda: ticks[0])
    assert other.current().source(2027).value == "computed"
    assert _load(desk, ARRANGEMENT_2027)["userErrors"] == []
    ddb_calls.reset()
    ticks[0] = 59.0
    assert other.current().source(2027).value == "computed"  # still within the bound
    assert ddb_calls.total == 0
    ticks[0] = 60.0
    fresh = other.current()
    assert dict(ddb_calls.calls) == {"Query": 1}
    assert fresh.source(2027).value == "arrangement"
    assert not fresh.is_working_day(date(2027, 2, 11))
    assert fresh.is_working_day(date(2027, 2, 20))
    ticks[0] = 200.0
    assert other.current() is fresh  # nothing changed: the same instance (its year tables kept)
    assert dict(ddb_calls.calls) == {"Query": 2}
    assert fresh.add_working_days(ACCEPTED, 1) == ARRANGED_DAYS[0]
