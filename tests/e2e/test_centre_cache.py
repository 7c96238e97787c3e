"""Filing routes on this process's copy of the centre hierarchy (services/reference_cache.py).

seed 000 三(一)2 在地受理、按职权内部流转: a case taken at any window is routed up the hierarchy. The
copy saves the filing a Query; an administrator's change is seen at once in the process that made
it and within `MAX_STALENESS_SECONDS` everywhere else.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from chalicelib.domain import organisation as org
from chalicelib.services import reference_cache
from chalicelib.services.reference_cache import CENTRE_HIERARCHY, MAX_STALENESS_SECONDS
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.unit_of_work import UnitOfWork
from tests.conftest import Api, CallCounter, Clock
from tests.lifecycle_desk import Desk, gid

ITEM = "ZS-SCJG-001"  # a city power: routed up from any window


@pytest.fixture
def desk(api: Api, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> Desk:
    monkeypatch.setattr(CENTRE_HIERARCHY, "max_age", MAX_STALENESS_SECONDS)  # the production bound
    return Desk(api)


def _create_township(api: Api) -> str:
    value = {
        "code": "dinghai-yancang",
        "name": "定海区盐仓街道便民服务中心",
        "level": "TOWNSHIP",
        "parentId": gid("Centre", "dinghai"),
        "phone": "0580-2011111",
        "reason": "新设街道便民服务中心",
    }
    body = api.gql(
        "mutation($input: CentreCreateInput!) { centreCreate(input: $input) { centre { id } userErrors { code } } }",
        {"input": value},
        as_="admin-xu",
    )
    assert body["data"]["centreCreate"]["userErrors"] == [], body
    return "dinghai-yancang"


def _file_at(desk: Desk, centre: str) -> dict[str, Any]:
    return desk.mutate("applicationFile", desk.file_input(ITEM, centre=centre), as_="applicant-wang")


def test_seed000_an_administrators_change_is_routed_on_at_once_here_and_within_the_bound_elsewhere(
    desk: Desk, monkeypatch: pytest.MonkeyPatch, ddb_calls: CallCounter
) -> None:
    now = [0.0]
    monkeypatch.setattr(CENTRE_HIERARCHY, "_monotonic", lambda: now[0])
    CENTRE_HIERARCHY.invalidate()
    assert _file_at(desk, "zs-city")["userErrors"] == []  # reads the hierarchy (cold)

    # Created through the API in this process: routed on at once.
    township = _create_township(desk.api)
    assert _file_at(desk, township)["userErrors"] == []

    # Closed by another process (its own copy is invalidated there, not here): this process still
    # routes on its copy within the bound, and on the change once the bound has passed.
    closed = replace(CatalogueRepository().all_centres()[township], status=org.OrgStatus.CLOSED)
    uow = UnitOfWork()
    CatalogueRepository().add_centre(uow, closed)
    uow.commit()
    now[0] += MAX_STALENESS_SECONDS - 1
    value = desk.file_input(ITEM, centre=township)
    ddb_calls.reset()
    assert desk.mutate("applicationFile", value, as_="applicant-wang")["userErrors"] == []
    assert ddb_calls.calls["Query"] == 1  # the consultations only: the hierarchy is this process's copy
    now[0] += 1
    refused = _file_at(desk, township)
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [("centreId", "CENTRE_CLOSED")]
    assert reference_cache.centre_hierarchy()[township].status is org.OrgStatus.CLOSED
