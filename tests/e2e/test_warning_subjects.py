"""Every 电子监察 warning names what it is about (`subjectKind` + `subjectId`, a global ID of the right
type): a case's deadline, a counterpart inspection's rectification demand (seed 003 二(六)), or a
handover of a delegated power (seed 003 二(二)3). `applicationId` (deprecated) is set only for a case."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.working_days import DEFAULT_CALENDAR
from chalicelib.services.handover import sweep_handovers
from chalicelib.services.outbox import Relay
from chalicelib.services.referrals import sweep_referrals
from chalicelib.storage.application_repository import ApplicationRepository
from chalicelib.storage.handover_repository import HandoverRepository
from tests.conftest import Api
from tests.delegation_flows import MARKET, MARKET_APPROVER, TRACKER, handover_of, opinion_issued, referred
from tests.e2e.test_counterpart_oversight import sweep as sweep_oversight
from tests.flows import gid

SUBJECTS = """query($departmentId: ID!) { counterpartWarnings(departmentId: $departmentId) {
  edges { node { deadline level subjectKind subjectId applicationId } } } }"""
MINE = "{ warnings { edges { node { deadline subjectKind subjectId applicationId } } } }"


def _counterpart(api: Api) -> list[dict[str, Any]]:
    body = api.gql(SUBJECTS, {"departmentId": gid("Department", MARKET)}, as_=MARKET_APPROVER)
    assert "errors" not in body, body
    return [e["node"] for e in body["data"]["counterpartWarnings"]["edges"]]


def test_seed003_a_rectification_demand_warning_names_its_inspection(api: Api, clock: Any) -> None:
    inspection_id, _ = opinion_issued(api, due_in_days=10)
    clock.advance(days=9)
    assert sweep_oversight(clock)["oversight_warning_yellow"] == 1
    (warning,) = _counterpart(api)
    assert warning["deadline"] == "RECTIFICATION_OPINION"
    assert (warning["subjectKind"], warning["subjectId"]) == ("OVERSIGHT_INSPECTION", inspection_id)
    assert warning["applicationId"] is None


def test_seed003_a_handover_warning_names_its_handover(api: Api, clock: Any) -> None:
    handover_id = handover_of(api)
    clock.advance(days=20)
    assert sweep_handovers(HandoverRepository(), clock.now, Relay())["handover_overdue"] == 3
    warnings = _counterpart(api)
    assert {(w["subjectKind"], w["subjectId"], w["applicationId"]) for w in warnings} == {
        ("HANDOVER", handover_id, None)
    }


def test_seed004_a_case_warning_names_its_case(api: Api, clock: Any) -> None:
    case = referred(api, expected_days=2)
    clock.advance(days=3)
    assert sweep_referrals(ApplicationRepository(DEFAULT_CALENDAR), clock.now, Relay())["referral_overdue"] == 1
    body = api.gql(MINE, as_=TRACKER)
    (warning,) = [e["node"] for e in body["data"]["warnings"]["edges"] if e["node"]["deadline"] == "REFERRAL"]
    assert (warning["subjectKind"], warning["subjectId"], warning["applicationId"]) == ("APPLICATION", case.id, case.id)
