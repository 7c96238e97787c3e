"""好差评 (national rating rules; seeds 001 and 004: the rating channel of electronic supervision).

A finished case is rated once by its applicant (or the agent who filed it), on five levels with
four indicators. 不满意/非常不满意 open a rectification the lead department must follow up within
15 working days: a yellow warning before the due date, a red one and violations after it.
Every refused rating or follow-up writes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.rating import Indicators, RatingLevel
from chalicelib.domain.statistics import scope
from chalicelib.domain.working_days import DEFAULT_CALENDAR
from chalicelib.services import clock as service_clock
from chalicelib.services.outbox import Relay
from chalicelib.services.sweep import sweep_rectifications
from chalicelib.storage.outbox_repository import OutboxRepository
from chalicelib.storage.rating_repository import RatingRepository
from chalicelib.storage.statistics_repository import StatisticsRepository
from chalicelib.storage.supervision_repository import SupervisionRepository
from chalicelib.storage.tables import Record
from tests.conftest import Api, CallCounter, Clock
from tests.flows import Case, gid, op, verified_account

MONDAY = date(2026, 11, 2)
LEAD = "city-natural-resources"  # ZS-ZRZY-001's lead department
HEAD = "approver-nr-chen"
GOOD = {"efficiency": 5, "guideAccuracy": 4, "convenience": 5, "attitude": 5}
BAD = {"efficiency": 1, "guideAccuracy": 2, "convenience": 1, "attitude": 1}
DUE = DEFAULT_CALENDAR.add_working_days(MONDAY, 15)  # 2026-11-23


@pytest.fixture
def monday(clock: Clock) -> Clock:
    clock.set_china(MONDAY)
    return clock


def ended(api: Api) -> Case:
    """A case its applicant withdrew (an ended case: it may be rated)."""
    case = Case(api).filed()
    case.run("ApplicationWithdraw", {"input": {"id": case.id, "reason": "不再需要"}}, "applicant-wang")
    return case


def rate(
    api: Api,
    case_id: str,
    level: str,
    indicators: dict[str, int] | None = None,
    as_: str = "applicant-wang",
    **more: Any,
) -> Any:
    """`case_id` is the case's global ID, as the client has it."""
    variables = {"input": {"applicationId": case_id, "level": level, "indicators": indicators or GOOD, **more}}
    return api.gql(op("ApplicationRate"), variables, as_=as_)


def payload(body: Any) -> dict[str, Any]:
    assert "errors" not in body, body
    (result,) = body["data"].values()
    return dict(result)


def codes(body: Any) -> list[str]:
    return [e["code"] for e in payload(body)["userErrors"]]


def node_id(global_id: str) -> str:
    from strawberry import relay

    return relay.GlobalID.from_id(global_id).node_id


def totals(kind: str, ident: str, day: date = MONDAY) -> Any:
    return StatisticsRepository().totals(scope(kind, ident), day, day)


def ratings_written(case_id: str) -> list[Record]:
    return list(Record.query(f"RATING#{node_id(case_id)}"))


def follow_up(api: Api, case_id: str, text: str, as_: str) -> Any:
    return api.gql(op("RectificationRecord"), {"input": {"applicationId": case_id, "followUp": text}}, as_=as_)


def sweep(day: date) -> dict[str, int]:
    now = service_clock.utc_now()
    return dict(sweep_rectifications(RatingRepository(DEFAULT_CALENDAR), day, now, Relay()))


# --- rating ---------------------------------------------------------------------------------------


def test_a_good_rating_is_counted_and_opens_nothing(api: Api, monday: Clock) -> None:
    case = ended(api)
    rating = payload(rate(api, case.id, "SATISFIED", comment="  办事快  "))["rating"]
    assert (rating["level"], rating["levelLabel"], rating["bad"]) == ("SATISFIED", "满意", False)
    assert rating["comment"] == "办事快" and rating["rectification"] is None
    assert rating["department"]["id"] == gid("Department", LEAD)
    department = totals("department", LEAD)
    assert department.ratings() == {1: 0, 2: 0, 3: 0, 4: 1, 5: 0}
    assert department["rectifications_opened"] == 0
    assert totals("item", Case.ITEM)["rating_4"] == 1 and totals("centre", case.centre)["rating_4"] == 1
    assert list(Record.query(f"RECTIFY#{LEAD}")) == []


def test_a_bad_rating_opens_a_rectification_due_in_15_working_days(api: Api, monday: Clock) -> None:
    case = ended(api)
    rating = payload(rate(api, case.id, "VERY_DISSATISFIED", BAD, comment="材料要求前后不一"))["rating"]
    assert rating["bad"] is True
    assert rating["rectification"] == {
        "dueOn": DUE.isoformat(),
        "status": "OPEN",
        "followUp": "",
        "recordedAt": None,
        "overdueAt": None,
    }
    assert date(2026, 11, 23) == DUE
    department = totals("department", LEAD)
    assert (department["rating_1"], department["rectifications_opened"]) == (1, 1)
    # The department's feed and its head got the rectification notice (delivered after commit).
    for recipient in (f"department:{LEAD}", HEAD):
        feed = OutboxRepository().feed(recipient, 10, None).items
        assert [m.kind.value for m, _ in feed] == ["rectification"]
        assert feed[0][0].data["dueOn"] == DUE.isoformat()
    # The worklist of the lead department shows it, soonest due first.
    body = api.gql(op("Rectifications"), {"first": 10}, as_=case.reviewer)
    (edge,) = payload(body)["edges"]
    assert edge["node"]["applicationId"] == case.id and edge["node"]["rectification"]["status"] == "OPEN"
    listed = api.gql(op("DepartmentRatings"), {"departmentId": gid("Department", LEAD)}, as_=case.supervisor)
    assert [e["node"]["level"] for e in payload(listed)["edges"]] == ["VERY_DISSATISFIED"]


def test_agent_who_filed_may_rate_while_authorised(api: Api, monday: Clock) -> None:
    until = (MONDAY + timedelta(days=30)).isoformat()
    grant = {"input": {"agentId": "agent-chen", "validUntil": until}}
    case = Case(api)
    verified_account(api, "agent-chen")
    case.run("AgentAuthorisationGrant", grant, "applicant-wang")
    filing = case.file_input()
    filing["input"]["applicant"]["accountId"] = "applicant-wang"
    case.id = case.run("ApplicationFile", filing, "agent-chen")["application"]["id"]
    case.run("ApplicationWithdraw", {"input": {"id": case.id, "reason": "不再需要"}}, "applicant-wang")
    case.run("AgentAuthorisationRevoke", {"input": {"agentId": "agent-chen"}}, "applicant-wang")
    assert codes(rate(api, case.id, "SATISFIED", as_="agent-chen")) == ["NOT_FOUND"]
    assert ratings_written(case.id) == []
    case.run("AgentAuthorisationGrant", grant, "applicant-wang")
    assert payload(rate(api, case.id, "SATISFIED", as_="agent-chen"))["rating"]["level"] == "SATISFIED"


@pytest.mark.parametrize(
    ("indicators", "comment", "fields"),
    [
        ({**GOOD, "efficiency": 0}, "", ["indicators.efficiency"]),
        ({**GOOD, "attitude": 6, "convenience": -1}, "", ["indicators.convenience", "indicators.attitude"]),
        (GOOD, "长" * 501, ["comment"]),
    ],
)
def test_out_of_range_values_are_refused_and_nothing_is_written(
    api: Api, monday: Clock, ddb_calls: CallCounter, indicators: dict[str, int], comment: str, fields: list[str]
) -> None:
    case = ended(api)
    ddb_calls.reset()
    errors = payload(rate(api, case.id, "SATISFIED", indicators, comment=comment))["userErrors"]
    assert {e["code"] for e in errors} == {"OUT_OF_RANGE"} and [e["field"] for e in errors] == fields
    assert ddb_calls.calls["TransactWriteItems"] == 0
    assert ratings_written(case.id) == []


def test_an_unknown_level_is_refused_by_the_schema(api: Api, monday: Clock, ddb_calls: CallCounter) -> None:
    case = ended(api)
    ddb_calls.reset()
    body = rate(api, case.id, "EXCELLENT")
    assert body["errors"] and body.get("data") is None
    assert ddb_calls.calls["TransactWriteItems"] == 0
    assert ratings_written(case.id) == []


def test_an_open_case_cannot_be_rated(api: Api, monday: Clock, ddb_calls: CallCounter) -> None:
    case = Case(api).filed()
    ddb_calls.reset()
    assert codes(rate(api, case.id, "SATISFIED")) == ["CASE_OPEN"]
    assert ddb_calls.calls["TransactWriteItems"] == 0
    assert ratings_written(case.id) == []


def test_a_case_is_rated_once(api: Api, monday: Clock, ddb_calls: CallCounter) -> None:
    case = ended(api)
    first = payload(rate(api, case.id, "VERY_SATISFIED"))["rating"]
    ddb_calls.reset()
    assert codes(rate(api, case.id, "VERY_DISSATISFIED", BAD)) == ["ALREADY_RATED"]
    assert ddb_calls.calls["TransactWriteItems"] == 0
    (record,) = ratings_written(case.id)
    assert record.data["level"] == 5 and first["level"] == "VERY_SATISFIED"
    assert totals("department", LEAD).ratings() == {1: 0, 2: 0, 3: 0, 4: 0, 5: 1}


def test_someone_elses_case_looks_unknown(api: Api, monday: Clock, ddb_calls: CallCounter) -> None:
    case = ended(api)
    ddb_calls.reset()
    assert codes(rate(api, case.id, "SATISFIED", as_="applicant-zhou")) == ["NOT_FOUND"]
    assert codes(rate(api, gid("Application", "no-such-case"), "SATISFIED")) == ["NOT_FOUND"]
    staff = rate(api, case.id, "SATISFIED", as_=case.clerk)  # staff may see the case, never rate it
    assert staff["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert ddb_calls.calls["TransactWriteItems"] == 0
    assert ratings_written(case.id) == []


def test_two_racing_ratings_exactly_one_wins(api: Api, monday: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both requests read "not rated yet" before either commits: the create-only rating record lets
    one transaction through and cancels the other, which reports ALREADY_RATED."""
    case = ended(api)
    owner = Principal("applicant-wang", frozenset({Role.APPLICANT}))
    from chalicelib.api.context import RequestContext
    from chalicelib.config import get_settings

    service = RequestContext(owner, get_settings()).ratings
    monkeypatch.setattr(RatingRepository, "get", lambda self, application_id: None)  # neither sees the other
    outcomes = []
    for level in (RatingLevel.SATISFIED, RatingLevel.VERY_DISSATISFIED):
        try:
            service.rate(owner, node_id(case.id), level, Indicators(3, 3, 3, 3), "")
            outcomes.append("won")
        except DomainError as error:
            outcomes.append(error.violations[0].code)
    monkeypatch.undo()
    assert sorted(outcomes) == ["CONFLICT", "won"] or sorted(outcomes) == ["ALREADY_RATED", "won"]
    (record,) = ratings_written(case.id)
    assert record.data["level"] == 4
    department = totals("department", LEAD)
    assert sum(department.ratings().values()) == 1 and department["rectifications_opened"] == 0
    assert list(Record.query(f"RECTIFY#{LEAD}")) == []


def test_the_loser_of_a_race_is_told_already_rated(api: Api, monday: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    case = ended(api)
    owner = Principal("applicant-wang", frozenset({Role.APPLICANT}))
    from chalicelib.api.context import RequestContext
    from chalicelib.config import get_settings

    service = RequestContext(owner, get_settings()).ratings
    service.rate(owner, node_id(case.id), RatingLevel.SATISFIED, Indicators(4, 4, 4, 4), "")
    real_get = RatingRepository.get
    calls: list[str] = []

    def stale_then_real(self: RatingRepository, application_id: str) -> Any:
        calls.append(application_id)
        return None if len(calls) == 1 else real_get(self, application_id)  # read before the winner committed

    monkeypatch.setattr(RatingRepository, "get", stale_then_real)
    with pytest.raises(DomainError) as error:
        service.rate(owner, node_id(case.id), RatingLevel.DISSATISFIED, Indicators(2, 2, 2, 2), "")
    assert error.value.violations[0].code == "ALREADY_RATED"
    (record,) = ratings_written(case.id)
    assert record.data["level"] == 4


# --- rectification --------------------------------------------------------------------------------


def badly_rated(api: Api) -> Case:
    case = ended(api)
    assert payload(rate(api, case.id, "DISSATISFIED", BAD, comment="态度差"))["userErrors"] == []
    return case


def test_follow_up_in_time_closes_the_rectification(api: Api, monday: Clock) -> None:
    case = badly_rated(api)
    monday.advance(days=3)
    done = payload(follow_up(api, case.id, "已回访申请人,修订办事指南", case.approver))["rating"]
    task = done["rectification"]
    assert (task["status"], task["followUp"], task["recordedBy"]) == (
        "DONE",
        "已回访申请人,修订办事指南",
        case.approver,
    )
    assert payload(api.gql(op("Rectifications"), {"first": 10}, as_=case.reviewer))["edges"] == []
    everything = api.gql(op("Rectifications"), {"first": 10, "openOnly": False}, as_=case.reviewer)
    assert [e["node"]["rectification"]["status"] for e in payload(everything)["edges"]] == ["DONE"]
    assert list(Record.query("DUE#rectification")) == [] and list(Record.query("DUE#rect_warning")) == []
    assert totals("department", LEAD, MONDAY + timedelta(days=3))["rectifications_done"] == 1
    assert sweep(DUE + timedelta(days=2)) == {}  # nothing left for the sweep


def test_follow_up_refusals_write_nothing(api: Api, monday: Clock, ddb_calls: CallCounter) -> None:
    case = badly_rated(api)
    other_department = case.staff("reviewer", department="city-market")
    ddb_calls.reset()
    assert codes(follow_up(api, case.id, "   ", case.reviewer)) == ["FOLLOW_UP_REQUIRED"]
    assert codes(follow_up(api, case.id, "x" * 1001, case.reviewer)) == ["OUT_OF_RANGE"]
    assert codes(follow_up(api, case.id, "已整改", other_department)) == ["NOT_FOUND"]
    assert ddb_calls.calls["TransactWriteItems"] == 0
    assert payload(follow_up(api, case.id, "已整改", case.reviewer))["userErrors"] == []
    ddb_calls.reset()
    assert codes(follow_up(api, case.id, "再次整改", case.approver)) == ["ALREADY_RECORDED"]
    assert ddb_calls.calls["TransactWriteItems"] == 0
    (record,) = ratings_written(case.id)
    assert record.data["rectification"]["follow_up"] == "已整改"


def test_a_good_rating_has_no_rectification_to_record(api: Api, monday: Clock, ddb_calls: CallCounter) -> None:
    case = ended(api)
    payload(rate(api, case.id, "BASICALLY_SATISFIED"))
    ddb_calls.reset()
    assert codes(follow_up(api, case.id, "已回访", case.reviewer)) == ["NOT_FOUND"]
    assert ddb_calls.calls["TransactWriteItems"] == 0


def test_sweep_warns_yellow_then_red_with_violations_and_a_late_follow_up(api: Api, monday: Clock) -> None:
    case = badly_rated(api)
    supervision = SupervisionRepository()
    warn_day = date(2026, 11, 19)  # two working days before the due date (UAP_WARNING_LEAD_DAYS=2)
    assert sweep(warn_day - timedelta(days=1)) == {}
    monday.set_china(warn_day)
    assert sweep(warn_day) == {"rectification_warning_yellow": 1}
    assert sweep(warn_day) == {}  # idempotent
    yellow = supervision.warning(node_id(case.id), f"rectification:-:{DUE.isoformat()}:yellow")
    assert yellow is not None and yellow[0].recipients == (f"department:{LEAD}", HEAD)
    assert totals("department", LEAD, warn_day)["warnings_yellow"] == 1
    feed = OutboxRepository().feed(HEAD, 10, None).items
    assert [(m.kind.value, m.data.get("level")) for m, _ in feed] == [("warning", "yellow"), ("rectification", "2")]

    assert sweep(DUE) == {}  # the due day itself is still in time
    after = DUE + timedelta(days=1)
    monday.set_china(after)
    assert sweep(after) == {"rectification_overdue": 1}
    assert sweep(after) == {}  # idempotent: the due record went with the change
    assert supervision.warning(node_id(case.id), f"rectification:-:{DUE.isoformat()}:red") is not None
    ledger = supervision.ledger(2026, LEAD, 10, None).items
    assert sorted(v.kind for v, _ in ledger) == ["rectification_overdue", "warning_ignored"]
    day = totals("department", LEAD, after)
    assert (day["warnings_red"], day["rectifications_overdue"], day["violations"]) == (1, 1, 2)
    listed = payload(api.gql(op("Rectifications"), {"first": 10}, as_=case.reviewer))["edges"]
    assert [e["node"]["rectification"]["status"] for e in listed] == ["OVERDUE"]  # still owed

    late = payload(follow_up(api, case.id, "逾期完成整改", case.reviewer))["rating"]["rectification"]
    assert late["status"] == "DONE_LATE"
    assert payload(api.gql(op("Rectifications"), {"first": 10}, as_=case.reviewer))["edges"] == []
    assert totals("department", LEAD, after)["rectifications_done_late"] == 1


def test_an_acknowledged_yellow_warning_is_not_an_ignored_warning(api: Api, monday: Clock) -> None:
    from chalicelib.domain.supervision import acknowledge
    from chalicelib.storage.unit_of_work import UnitOfWork

    case = badly_rated(api)
    warn_day = date(2026, 11, 19)
    sweep(warn_day)
    supervision = SupervisionRepository()
    warning, rev = supervision.warning(node_id(case.id), f"rectification:-:{DUE.isoformat()}:yellow") or (None, 0)
    assert warning is not None
    uow = UnitOfWork()
    supervision.stage_warning_update(uow, acknowledge(warning, HEAD, True, "2026-11-19T03:00:00"), rev)
    uow.commit()
    assert sweep(DUE + timedelta(days=1)) == {"rectification_overdue": 1}
    assert [v.kind for v, _ in supervision.ledger(2026, LEAD, 10, None).items] == ["rectification_overdue"]


def test_a_late_rating_past_its_warning_day_goes_straight_to_red(api: Api, monday: Clock) -> None:
    case = badly_rated(api)
    long_after = DUE + timedelta(days=7)
    monday.set_china(long_after)
    assert sweep(long_after) == {"rectification_warning_skipped": 1, "rectification_overdue": 1}
    assert SupervisionRepository().warning(node_id(case.id), f"rectification:-:{DUE.isoformat()}:yellow") is None
    kinds = [v.kind for v, _ in SupervisionRepository().ledger(2026, LEAD, 10, None).items]
    assert kinds == ["rectification_overdue"]


# --- query scope ----------------------------------------------------------------------------------


def test_rectification_lists_are_department_scoped(api: Api, monday: Clock) -> None:
    case = badly_rated(api)
    supervisor_without = api.gql(op("Rectifications"), {"first": 10}, as_=case.supervisor)
    assert supervisor_without["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    named = {"departmentId": gid("Department", LEAD), "first": 10}
    assert len(payload(api.gql(op("Rectifications"), named, as_=case.supervisor))["edges"]) == 1
    outsider = case.staff("reviewer", department="city-market")
    for name in ("Rectifications", "DepartmentRatings"):
        body = api.gql(op(name), named, as_=outsider)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    applicant = api.gql(op("Rectifications"), named, as_="applicant-wang")
    assert applicant["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_seed004_a_confirmed_refusal_at_the_window_can_be_rated(api: Api, monday: Clock) -> None:
    """好差评 covers every outcome of a service, a refusal at the window (不予受理) too: once the unit leader
    confirmed it after 否认报备 (seed 004 二(五)) the applicant rates it, and the refusing clerk's department
    answers for the rating (counters, rectification); a refusal still open to objection is not final."""
    case = Case(api).intake_refused()
    assert codes(rate(api, case.id, "SATISFIED")) == ["CASE_OPEN"]  # may still be objected to
    objection = {"input": {"id": case.id, "objection": "本事项依法需要许可,请复核"}}
    case.run("IntakeRefusalObject", objection, "applicant-wang")
    assert codes(rate(api, case.id, "SATISFIED")) == ["CASE_OPEN"]  # waiting for the unit leader
    case.run("IntakeRefusalConfirm", {"input": {"id": case.id, "note": "依据充分,予以维持"}}, case.unit_leader)

    clerk_department = next(s.department_id for s in api.seed.staff if s.id == case.clerk)
    rating = payload(rate(api, case.id, "DISSATISFIED", BAD, comment="窗口未解释清楚"))["rating"]
    assert rating["department"]["id"] == gid("Department", clerk_department)
    assert rating["rectification"]["status"] == "OPEN"
    department = totals("department", clerk_department)
    assert (department["rating_2"], department["rectifications_opened"]) == (1, 1)
    assert totals("department", LEAD)["rating_2"] == 0
    assert codes(rate(api, case.id, "SATISFIED")) == ["ALREADY_RATED"]


def test_seed004_a_refusal_past_its_objection_period_can_be_rated(api: Api, monday: Clock) -> None:
    """Not objected to within the 5 working days, the refusal at the window is final: it can be rated."""
    case = Case(api).intake_refused()
    monday.set_china(DEFAULT_CALENDAR.add_working_days(MONDAY, 6))
    assert payload(rate(api, case.id, "SATISFIED"))["userErrors"] == []
