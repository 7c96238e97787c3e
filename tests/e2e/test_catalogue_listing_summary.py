"""Issue 14 points 2 and 3: a catalogue page whose selection the listing summary answers reads only
the summaries (a projection of the listing rows), and answers exactly what the full read answers.

The slim and full paths are told apart by `catalogue_repository.LISTING_READS` (per process: pages
served from summaries, pages that fell back to a full read); the full answer is the same operation
with one field outside the summary added (`materials`), removed again before comparing.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from strawberry import relay

from chalicelib.domain.identity import Principal, Role
from chalicelib.services import catalogue as service
from chalicelib.services.catalogue import CatalogueChange
from chalicelib.storage import catalogue_repository
from chalicelib.storage.catalogue_repository import CatalogueRepository, listing_replicas
from chalicelib.storage.tables import Record
from infra import migrate
from tests.conftest import Api, CallCounter

BROWSE = (Path(__file__).parents[2] / "graphql" / "operations" / "CatalogueBrowse.graphql").read_text(encoding="utf-8")
# The same operation with a field the summary lacks: it reads the rows in full.
BROWSE_FULL = BROWSE.replace("        isFree\n", "        isFree\n        materials { name }\n")
CALLERS = (None, "applicant-wang", "clerk-li")
ADMIN = Principal("admin-test", frozenset({Role.ADMIN}), department_id="x", centre_id="zs-city")


def _reads() -> Counter[str]:
    return Counter(catalogue_repository.LISTING_READS)


def _without_materials(body: dict[str, Any]) -> dict[str, Any]:
    for edge in body["data"]["serviceItems"]["edges"]:
        del edge["node"]["materials"]
    return body


def _walk(api: Api, query: str, variables: dict[str, Any], caller: str | None) -> list[dict[str, Any]]:
    """Every page of one listing, two items a page, following the cursors."""
    pages, after = [], None
    while True:
        body = api.gql(query, {**variables, "first": 2, "after": after}, as_=caller)
        assert "errors" not in body, body
        pages.append(body)
        info = body["data"]["serviceItems"]["pageInfo"]
        if not info["hasNextPage"]:
            return pages
        after = info["endCursor"]


def _nodes(body: dict[str, Any]) -> list[dict[str, Any]]:
    """A page's items (its cursors name the replica of the province-wide listing it was read from)."""
    assert "errors" not in body, body
    return [e["node"] for e in body["data"]["serviceItems"]["edges"]]


def _scopes(api: Api) -> list[dict[str, Any]]:
    scopes: list[dict[str, Any]] = [{}]
    scopes += [{"centreId": str(relay.GlobalID("Centre", c.id))} for c in api.seed.centres]
    scopes += [{"departmentId": str(relay.GlobalID("Department", d.id))} for d in api.seed.departments]
    return scopes


def _keywords(api: Api) -> list[str | None]:
    names = [i.elements.name for i in api.seed.items]
    return [None, names[0][:2], api.seed.items[-1].code.lower()[:5], "不存在的事项"]


def test_catalogue_browse_is_the_same_slim_and_full_for_every_scope_keyword_cursor_and_caller(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    compared = 0
    for scope in _scopes(api):
        for keyword in _keywords(api):
            variables = {**scope, "keyword": keyword}
            for n, caller in enumerate(CALLERS):
                # Both walks start on the same replica of the province-wide listing (its cursors name it).
                monkeypatch.setattr(catalogue_repository, "_next_replica", itertools.count(n))
                before = _reads()
                slim = _walk(api, BROWSE, variables, caller)
                assert _reads() - before == Counter({"slim": len(slim)})  # every page from summaries
                monkeypatch.setattr(catalogue_repository, "_next_replica", itertools.count(n))
                before = _reads()
                full = [_without_materials(b) for b in _walk(api, BROWSE_FULL, variables, caller)]
                assert _reads() == before  # the full path does not touch the summaries
                assert json.dumps(slim, sort_keys=True) == json.dumps(full, sort_keys=True)
                compared += sum(len(b["data"]["serviceItems"]["edges"]) for b in slim)
    assert compared > len(api.seed.items) * len(CALLERS)  # the walk really saw the catalogue


@pytest.mark.parametrize(
    "node",
    [
        "code conditions",
        "code ... on ServiceItem { materials { name } }",
        "...Outside",
        "code coReviewers { limitDays }",
        "code history(first: 1) { edges { node { number } } }",
    ],
)
def test_a_selection_outside_the_summary_reads_full_rows(api: Api, node: str) -> None:
    fragment = "fragment Outside on ServiceItem { code fees { name } }" if "Outside" in node else ""
    query = f"query {{ serviceItems(first: 50) {{ edges {{ node {{ {node} }} }} }} }} {fragment}"
    before = _reads()
    body = api.gql(query)
    assert "errors" not in body, body
    assert _reads() == before
    codes = [e["node"]["code"] for e in body["data"]["serviceItems"]["edges"]]
    assert sorted(codes) == sorted(i.code for i in api.seed.items)  # every seeded item is published


def test_summary_fields_through_fragments_and_nested_pages_read_summaries(api: Api) -> None:
    query = """query { serviceItems(first: 50) { __typename nodes { ...Row } pageInfo { hasNextPage } }
      centres(first: 1) { edges { node { serviceItems(first: 50) { edges { cursor node { ... on Node { id } code } } } } } } }
      fragment Row on ServiceItem { __typename id code version status supervisionPhone timeoutRule confidential mergedInto
        projectCategory supervisingDepartment { name } department { name } centres { name } }"""
    before = _reads()
    body = api.gql(query)
    assert "errors" not in body, body
    assert _reads() - before == Counter({"slim": 2})
    repo = CatalogueRepository()
    for node in body["data"]["serviceItems"]["nodes"]:
        found = repo.get_item(node["code"])
        assert found is not None
        item = found[0]
        assert node["version"] == item.version and node["supervisionPhone"] == item.elements.supervision_phone
        assert node["id"] == str(relay.GlobalID("ServiceItem", item.code))


def test_catalogue_browse_of_50_costs_two_requests_from_summaries(api: Api, ddb_calls: CallCounter) -> None:
    for keyword in (None, "证"):
        ddb_calls.reset()
        before = _reads()
        body = api.gql(BROWSE, {"first": 50, "keyword": keyword})
        assert body["data"]["serviceItems"]["edges"]
        assert _reads() - before == Counter({"slim": 1})
        assert ddb_calls.calls == {"Query": 1, "BatchGetItem": 1}


def test_a_change_and_a_cancellation_show_in_the_slim_read_at_once(api: Api) -> None:
    repo = CatalogueRepository()
    found = repo.get_item(api.seed.items[0].code)
    assert found is not None
    item = found[0]
    names = lambda: {  # noqa: E731
        e["node"]["code"]: e["node"]["name"] for e in api.gql(BROWSE, {"first": 100})["data"]["serviceItems"]["edges"]
    }
    for _ in listing_replicas():  # every replica read once, its summaries decoded and kept
        assert names()[item.code] == item.elements.name
    service.change_item(repo, ADMIN, item.code, replace(item.elements, name="改名后的事项"), CatalogueChange("改名"))
    for _ in listing_replicas():
        assert names()[item.code] == "改名后的事项"
    service.cancel_item(repo, ADMIN, item.code, CatalogueChange("取消"))
    for _ in listing_replicas():
        assert item.code not in names()


def test_listing_summaries_migration(api: Api, ddb_calls: CallCounter, capsys: pytest.CaptureFixture[str]) -> None:
    """Rows written before summaries existed: a page meeting one reads the page in full (one Query
    more, counted as a fallback) with the same answer; the backfill writes every row's summary, and
    running it again writes the same rows."""
    expected = _nodes(api.gql(BROWSE, {"first": 100}))
    listed = [r for r in Record.scan() if r.entity == "Listing"]  # test set-up only: no request path scans
    for record in listed:
        record.summary = None
        record.save()
    ddb_calls.reset()
    before = _reads()
    assert _nodes(api.gql(BROWSE, {"first": 100})) == expected
    assert _reads() - before == Counter({"fallback": 1})
    assert ddb_calls.calls == {"Query": 2, "BatchGetItem": 1}
    assert migrate.main(["listing-summaries"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first == {"items": len({r.sk for r in listed}), "rows": len(listed)}
    assert all(r.summary for r in Record.scan() if r.entity == "Listing")
    before = _reads()
    for _ in listing_replicas():
        assert _nodes(api.gql(BROWSE, {"first": 100})) == expected
    assert _reads() - before == Counter({"slim": len(listing_replicas())})
    assert migrate.main(["listing-summaries"]) == 0
    assert json.loads(capsys.readouterr().out) == first


def test_stored_summaries_match_their_items(api: Api) -> None:
    """Every seeded listing row's summary is the summary of the item it stores (seed written with them)."""
    from chalicelib.domain.catalogue import ServiceItem
    from chalicelib.domain.listing_summary import listing_summary
    from chalicelib.storage.codec import decode_as

    rows = [r for r in Record.scan() if r.entity == "Listing"]
    assert rows and all(re.fullmatch(r"LIST#.+", r.pk) for r in rows)
    for row in rows:
        assert row.summary == catalogue_repository.summary_text(decode_as(ServiceItem, row.data))
        assert json.loads(row.summary)["code"] == listing_summary(decode_as(ServiceItem, row.data)).code
