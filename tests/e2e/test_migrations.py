"""Backfills for data written before a rule existed (`python -m infra.migrate`, README "Operations"),
on moto: an old-shaped record is written as an earlier release stored it, the backfill repairs it,
and the rule then holds through `/graphql`."""

from __future__ import annotations

import json
from typing import Any

import pytest
from strawberry.relay import GlobalID

from chalicelib.storage.tables import Record
from infra import migrate
from tests.e2e.test_multilevel import CITY_ITEM, hidden, routed
from tests.lifecycle_desk import Desk, gid
from tests.lifecycle_desk import desk as desk

DISTRICT_SUPERVISOR = "supervisor-dh-cai"
CITY_SUPERVISOR = "supervisor-fang"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    assert migrate.main(list(argv)) == 0
    result: dict[str, Any] = json.loads(capsys.readouterr().out)
    return result


def _raw(case_id: str) -> str:
    return str(GlobalID.from_id(case_id).node_id)


def _old_shaped(case_id: str) -> None:
    """The head as filed before the multi-level round: no competent centre, no oversight centres."""
    record = Record.get(f"APP#{_raw(case_id)}", "#")
    data = dict(record.data)
    for name in ("oversight_centre_ids", "competent_centre_id"):
        data.pop(name, None)
    record.data = data
    record.save()


def test_seed000_backfilled_oversight_centres_scope_an_old_case_to_its_subtree(
    desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    """Seed 000 一 (「两区行政审批管理机构负责对乡镇(街道)和社区服务中心的指导和管理」): a city case filed before
    cases recorded their oversight centres was seen by every supervisor; the backfill computes them
    from the organisation, after which a district supervisor no longer sees it and the city still
    does. Running it again repairs nothing; a township case keeps its district's supervisor."""
    city_case = desk.file(CITY_ITEM)
    township_case = desk.file(CITY_ITEM, as_="applicant-zhou", centre="dinghai-huannan")
    for case in (city_case, township_case):
        _old_shaped(case["id"])
    assert routed(desk, city_case["id"], DISTRICT_SUPERVISOR)["state"] == "SUBMITTED"  # the gap

    assert _run(capsys, "oversight-centres", "--limit", "1") == {"repaired": 1, "more": 1}  # bounded per run
    assert _run(capsys, "oversight-centres").get("repaired") == 1
    assert _run(capsys, "oversight-centres").get("repaired") is None  # idempotent

    assert hidden(desk.api, city_case["id"], DISTRICT_SUPERVISOR)
    assert routed(desk, city_case["id"], CITY_SUPERVISOR)["state"] == "SUBMITTED"
    assert routed(desk, township_case["id"], DISTRICT_SUPERVISOR)["centre"] == {"id": gid("Centre", "dinghai-huannan")}
    head = Record.get(f"APP#{_raw(city_case['id'])}", "#").data
    assert head["oversight_centre_ids"] == ["zs-city"]


def test_seed000_backfilled_department_references_block_closing_a_co_reviewer(
    desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    """Items published before the reference rows existed: the backfill writes them, so closing a
    department those items name as co-reviewer is refused again (and a second run adds nothing new)."""
    for record in list(Record.query("DEPTREF#city-fire")):
        record.delete()
    close = """mutation($input: DepartmentCloseInput!) { departmentClose(input: $input) {
      department { status } userErrors { code message } } }"""
    value = {"id": gid("Department", "city-fire"), "expectedVersion": 1, "reason": "机构改革"}

    def codes() -> set[str]:
        body = desk.api.gql(close, {"input": value}, as_="admin-xu")
        return {e["code"] for e in body["data"]["departmentClose"]["userErrors"]}

    assert "NAMED_BY_ITEMS" not in codes()
    first = _run(capsys, "department-references")
    assert first["items"] > 0 and first["references"] >= first["items"]
    assert "NAMED_BY_ITEMS" in codes()
    assert {"ZS-ZRZY-001", "ZS-ZJ-002"} <= {r.sk for r in Record.query("DEPTREF#city-fire")}
    again = _run(capsys, "department-references")
    assert again["references"] == first["references"]  # upserts of the same rows: nothing new


def test_backfilled_listing_replicas_serve_the_same_catalogue(desk: Desk, capsys: pytest.CaptureFixture[str]) -> None:
    """A table written before the province-wide listing had read replicas (infra/CAPACITY.md):
    the backfill copies `LIST#ALL` into each replica, so whichever replica a page is read from,
    the catalogue is the same (and a second run writes the same rows again, nothing more)."""
    from chalicelib.storage.catalogue_repository import LISTING_REPLICAS, listing_replicas

    listed = {r.sk for r in Record.query("LIST#ALL")}
    for replica in listing_replicas()[1:]:
        for record in list(Record.query(replica)):
            record.delete()
    page = "query { serviceItems(first: 100) { nodes { code } } }"
    before = [  # before the backfill, an empty replica falls back to the primary listing
        {n["code"] for n in desk.api.gql(page, as_="applicant-wang")["data"]["serviceItems"]["nodes"]}
        for _ in range(LISTING_REPLICAS)
    ]
    assert all(codes == listed for codes in before)
    first = _run(capsys, "listing-replicas")
    assert first == {"items": len(listed), "replicas": len(listed) * (LISTING_REPLICAS - 1)}
    for replica in listing_replicas():
        assert {r.sk for r in Record.query(replica)} == listed
    seen = [
        {n["code"] for n in desk.api.gql(page, as_="applicant-wang")["data"]["serviceItems"]["nodes"]}
        for _ in range(LISTING_REPLICAS)  # one read per replica, in turn
    ]
    assert all(codes == listed for codes in seen)
    assert _run(capsys, "listing-replicas") == first
