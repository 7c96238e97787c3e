"""DynamoDB requests of the delegation-lifecycle lists stay constant whatever the page size."""

from __future__ import annotations

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
    # One Query for the page, one BatchGetItem for centres, one for departments.
    assert counts[2] == counts[10] == {"Query": 1, "BatchGetItem": 2}


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
