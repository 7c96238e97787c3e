"""DynamoDB requests of the delegation-lifecycle lists stay constant whatever the page size."""

from __future__ import annotations

from datetime import date
from typing import Any

from chalicelib.domain import delegation as dd
from chalicelib.storage.delegation_repository import DelegationRepository
from chalicelib.storage.unit_of_work import UnitOfWork
from tests.conftest import Api
from tests.delegation_flows import CITY_ADMIN, ZONE
from tests.flows import gid, op

CHANGE = dd.AdjustmentChange(dd.AdjustmentKind.TAKE_ON, "ZS-SCJG-004", "就近办理", "jintang-office", ("city-fire",))


def fill(total: int) -> None:
    """Memos and requests written straight to storage (the flow itself is tested elsewhere)."""
    repo = DelegationRepository()
    for n in range(total):
        at = f"2026-11-02T02:{n:02d}:00+00:00"
        request = dd.AdjustmentRequest(f"r{n:03d}", ZONE, (CHANGE,), "调整", dd.RequestStatus.SUBMITTED, "x", at)
        memo = dd.AdjustmentMemo(f"m{n:03d}", request.id, ZONE, (CHANGE, CHANGE), f"文号{n}", at, "admin-xu")
        uow = UnitOfWork()
        repo.stage_request(uow, request, None)
        repo.stage_memo(uow, memo, None)
        uow.commit()


def test_adjustment_memo_page_is_constant(api: Api, ddb_calls: Any) -> None:
    fill(12)
    counts = {}
    for first in (2, 10):
        ddb_calls.reset()
        body = api.gql(op("AdjustmentMemos"), {"first": first})
        assert len(body["data"]["adjustmentMemos"]["edges"]) == first
        counts[first] = dict(ddb_calls.calls)
    # One Query for the page, one BatchGetItem for its centres and departments together
    # (issue 14: 3 -> 2, they were one BatchGetItem each).
    assert counts[2] == counts[10] == {"Query": 1, "BatchGetItem": 1}


def test_adjustment_request_worklist_is_constant(api: Api, ddb_calls: Any) -> None:
    fill(12)
    counts = {}
    for first in (2, 10):
        ddb_calls.reset()
        body = api.gql(op("AdjustmentRequests"), {"first": first}, as_=CITY_ADMIN)
        assert len(body["data"]["adjustmentRequests"]["edges"]) == first
        counts[first] = dict(ddb_calls.calls)
    # The caller's centre level (one Query of the hierarchy), the page, and its centres.
    assert counts[2] == counts[10] == {"Query": 2, "BatchGetItem": 1}


def test_guidance_catalogues_and_tier_are_constant(api: Api, ddb_calls: Any) -> None:
    ddb_calls.reset()
    api.gql(op("GuidanceCatalogues"))
    assert ddb_calls.calls == {"BatchGetItem": 1}
    ddb_calls.reset()
    api.gql(op("CentreTier"), {"centreId": gid("Centre", ZONE)})
    assert ddb_calls.calls == {"GetItem": 1}


def test_counterpart_lists_are_constant(api: Api, ddb_calls: Any, clock: Any) -> None:
    """The monitoring list, the warnings and the inspections: one Query plus one BatchGetItem per
    kind of reference, whatever the page size."""
    from chalicelib.domain.working_days import DEFAULT_CALENDAR
    from chalicelib.services.counterpart import sweep_oversight
    from chalicelib.services.outbox import Relay
    from chalicelib.storage.counterpart_repository import CounterpartRepository
    from tests.delegation_flows import MARKET, MARKET_APPROVER, opinion_issued, zone_case

    for _ in range(3):
        zone_case(api).accepted()
        opinion_issued(api, due_in_days=1)
    clock.advance(days=3)
    sweep_oversight(CounterpartRepository(DEFAULT_CALENDAR), clock.now, Relay())
    market = gid("Department", MARKET)
    expected = {
        "CounterpartCases": {"Query": 1, "BatchGetItem": 1},
        "CounterpartWarnings": {"Query": 1, "BatchGetItem": 1},
        "OversightInspections": {"Query": 1, "BatchGetItem": 1},  # issue 14: centres + departments, 3 -> 2
    }
    for name, calls in expected.items():
        counts = []
        for first in (1, 3):
            ddb_calls.reset()
            body = api.gql(op(name), {"departmentId": market, "first": first}, as_=MARKET_APPROVER)
            (root,) = body["data"].values()
            assert len(root["edges"]) == first, (name, body)
            counts.append(dict(ddb_calls.calls))
        assert counts == [calls, calls], name


def test_referral_worklist_is_constant(api: Api, ddb_calls: Any) -> None:
    from tests.delegation_flows import TRACKER, referred

    for _ in range(3):
        referred(api, 10)
    counts = []
    for first in (1, 3):
        ddb_calls.reset()
        body = api.gql(op("Referrals"), {"first": first}, as_=TRACKER)
        assert len(body["data"]["referrals"]["edges"]) == first
        counts.append(dict(ddb_calls.calls))
    assert counts == [{"Query": 1}, {"Query": 1}]


def test_handover_list_is_constant(api: Api, ddb_calls: Any) -> None:
    from chalicelib.domain.handover import open_handover
    from chalicelib.storage.handover_repository import HandoverRepository
    from tests.delegation_flows import MARKET, MARKET_APPROVER

    repo = HandoverRepository()
    for n in range(4):
        uow = UnitOfWork()
        at = f"2026-11-02T02:{n:02d}:00+00:00"
        handover = open_handover(f"m{n}", "ZS-SCJG-004", "特种设备使用登记", ZONE, MARKET, None, date(2026, 11, 16), at)
        repo.stage(uow, handover, None)
        uow.commit()
    counts = []
    for first in (1, 3):
        ddb_calls.reset()
        body = api.gql(
            op("Handovers"), {"departmentId": gid("Department", MARKET), "first": first}, as_=MARKET_APPROVER
        )
        assert len(body["data"]["handovers"]["edges"]) == first
        counts.append(dict(ddb_calls.calls))
    # Issue 14: 3 -> 2 (the centres and departments shown share one BatchGetItem).
    assert counts == [{"Query": 1, "BatchGetItem": 1}] * 2


def test_local_item_and_tunings_are_constant(api: Api, ddb_calls: Any) -> None:
    from tests.delegation_flows import DELEGATED_ITEM, ZONE_ADMIN, ok, tuning_input

    ok(api, "LocalTuningSet", tuning_input(), as_=ZONE_ADMIN)
    ddb_calls.reset()
    api.gql(op("LocalServiceItem"), {"itemId": gid("ServiceItem", DELEGATED_ITEM), "centreId": gid("Centre", ZONE)})
    assert ddb_calls.calls == {"GetItem": 2}  # the item, the centre's tuning
    ddb_calls.reset()
    body = api.gql(op("LocalTunings"), {"centreId": gid("Centre", ZONE), "first": 5})
    assert len(body["data"]["localTunings"]["edges"]) == 1
    assert ddb_calls.calls == {"Query": 1, "BatchGetItem": 1}
