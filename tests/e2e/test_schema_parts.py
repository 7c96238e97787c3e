"""The catalogue's part of the schema answers exactly as the full schema (issue 14 point 2).

A cold process answers a catalogue document with a schema built from the catalogue's query type
alone (chalicelib/api/schema_parts.py) until it has built the full schema. No answer may change:
every catalogue operation the clients use (graphql/operations), with good and bad variables, as
the public, an applicant and staff, and a set of bad documents, is sent through `/graphql` twice,
once routed as a cold process routes it and once to the full schema, and the two HTTP responses
must be byte-identical. The documents the part must not answer are checked to reach the full one.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from chalice.test import Client
from graphql import FieldNode, OperationDefinitionNode, parse
from strawberry import relay

from tests.conftest import ROOT, Api

OPERATIONS = ROOT / "graphql" / "operations"


def gid(kind: str, key: str) -> str:
    return str(relay.GlobalID(kind, key))


def _catalogue_operations() -> list[Path]:
    """Every client operation whose root fields are all the catalogue's (read independently of
    the routing code: each operation's root fields against the catalogue part's list)."""
    from chalicelib.api.schema_parts import PARTS

    (catalogue,) = (p for p in PARTS if p.name == "catalogue")
    found = []
    for path in sorted(OPERATIONS.glob("*.graphql")):
        document = parse(path.read_text(encoding="utf-8"))
        roots = {
            s.name.value
            for d in document.definitions
            if isinstance(d, OperationDefinitionNode)
            for s in d.selection_set.selections
            if isinstance(s, FieldNode)
        }
        if roots <= catalogue.root_fields and all(
            isinstance(d, OperationDefinitionNode) and d.operation.value == "query"
            for d in document.definitions
            if isinstance(d, OperationDefinitionNode)
        ):
            found.append(path)
    return found


CITY, ITEM, DEPT = "zs-city", "ZS-ZRZY-001", "city-natural-resources"

# Variables for each catalogue operation: answers, empty answers, and every kind of refusal.
VARIABLES: dict[str, list[dict[str, Any]]] = {
    "CatalogueBrowse": [
        {"first": 20},
        {"first": 3, "centreId": gid("Centre", "dinghai")},
        {"first": 5, "departmentId": gid("Department", DEPT)},
        {"first": 5, "keyword": "许可"},
        {"first": 5, "keyword": "不存在的事项名称"},
        {"first": 2, "after": "not-a-cursor"},
        {"first": 0},
        {"first": 1000},
        {"centreId": gid("Centre", CITY), "departmentId": gid("Department", DEPT)},
        {"centreId": "garbage"},
        {"first": "twenty"},  # variable coercion fails at execution, not at validation
    ],
    "ServiceItemDetail": [
        {"id": gid("ServiceItem", ITEM)},
        {"id": gid("ServiceItem", ITEM), "version": 1},
        {"id": gid("ServiceItem", ITEM), "version": 99},
        {"id": gid("ServiceItem", "NO-SUCH-ITEM")},
        {"id": gid("Centre", CITY)},
        {"id": "garbage"},
        {},  # a required variable missing
    ],
    "Centres": [{}, {"first": 2}, {"first": 2, "after": "bad"}],
    "Departments": [{"centreId": gid("Centre", CITY), "first": 5}, {"first": 100}, {"centreId": "x"}],
    "OrganisationHistory": [{"id": gid("Centre", CITY), "first": 3}, {"id": gid("Centre", "nowhere")}],
    "WindowPosts": [{"id": gid("Centre", CITY)}, {"id": gid("Centre", "dinghai")}],
}

# Documents that are not client operations: some the part answers, some it must hand over.
BAD_DOCUMENTS: list[tuple[str, dict[str, Any], bool]] = [  # (query, variables, answered by the part)
    ("{ serviceItems(first: 2) { edges { node { id name } } } }", {}, True),
    ("query A { centres { nodes { id } } } query B { departments { nodes { id } } }", {}, True),  # no name given
    ("query { serviceItem(id: 1) { code __typename ... on Node { id } } }", {}, True),
    ('{ centre(id: "Q2VudHJlOnpzLWNpdHk=") { windowPosts { id } } }', {}, True),  # staff only
    ("{ serviceItems(first: 2) { edges { node { nope } } } }", {}, False),  # unknown field
    ("{ serviceItems(first: 2) { edges { node { id } } }", {}, False),  # syntax error
    ("{ serviceItems { edges { node { id ... on Application { id } } } } }", {}, False),  # another domain's type
    ('{ serviceItems { edges { node { id } } } publicOnTimeRates(month: "2026-11") { decided } }', {}, False),
    ("{ __typename }", {}, False),
    ("{ __schema { types { name } } }", {}, False),  # introspection: refused outside the local stage
    ('{ node(id: "U2VydmljZUl0ZW06WlMtWlJaWS0wMDE=") { id } }', {}, False),
    ("{ ...Root } fragment Root on Query { centres { nodes { id } } }", {}, False),  # a fragment at the root
    ("mutation { serviceItemCancel(input: {}) { userErrors { code } } }", {}, False),
    (
        "{ centres { nodes { departments { nodes { centre { departments { nodes { centre { departments"
        " { nodes { centre { departments { nodes { id } } } } } } } } } } } } } }",
        {},
        False,  # deeper than the limit
    ),
    ("{ " + " ".join(f"a{i}: centres {{ nodes {{ id }} }}" for i in range(20)) + " }", {}, False),  # aliases
    ("{ centres { nodes { " + "id " * 3000 + "} } }", {}, False),  # over the token limit
    ("query Q($first: Int) { centres(first: $first) { nodes { id } } }", {"first": 2.5}, True),
]


@dataclass(frozen=True)
class Sent:
    status: int
    headers: dict[str, str]
    body: bytes
    by_part: bool


@pytest.fixture
def send(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """POST a document through `/graphql` routed as a cold process routes it (`cold=True`), or
    to the full schema as a warm process does; returns the raw response and who answered."""
    from app import app
    from chalicelib.api import schema_parts, view
    from chalicelib.storage import catalogue_repository

    answered: list[bool] = []
    real_part_for = schema_parts.part_for

    def part_for(query: str, settings: Any) -> Any:
        schema = real_part_for(query, settings)
        answered.append(schema is not None)
        return schema

    monkeypatch.setattr(schema_parts, "part_for", part_for)

    def post(query: str, variables: dict[str, Any], token: str | None, *, cold: bool, name: str | None = None) -> Sent:
        import json

        monkeypatch.setattr(view, "_full_schema_built", lambda: not cold)
        # The province-wide listing is read from its replicas in turn (cursors name the replica):
        # both answers start from the same one.
        monkeypatch.setattr(catalogue_repository, "_next_replica", itertools.count())
        answered.clear()
        headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
        payload: dict[str, Any] = {"query": query, "variables": variables}
        if name:
            payload["operationName"] = name
        with Client(app, stage_name="local") as client:
            response = client.http.post("/graphql", headers=headers, body=json.dumps(payload).encode())
        return Sent(response.status_code, dict(response.headers), response.body, any(answered))

    yield post


def _callers(api: Api) -> dict[str, str | None]:
    return {"public": None, "applicant": api.token_for("applicant-wang"), "clerk": api.token_for("clerk-li")}


@pytest.mark.parametrize("path", _catalogue_operations(), ids=lambda p: p.stem)
def test_every_catalogue_operation_gets_the_same_answer_from_the_part(api: Api, send: Any, path: Path) -> None:
    query = path.read_text(encoding="utf-8")
    cases = VARIABLES.get(path.stem)
    assert cases, f"add variables for {path.stem} to VARIABLES: every catalogue operation is compared"
    for caller, token in _callers(api).items():
        for variables in cases:
            cold = send(query, variables, token, cold=True)
            warm = send(query, variables, token, cold=False)
            where = f"{path.stem} as {caller} with {variables}"
            assert cold.by_part, f"{where}: a cold process should answer it with the catalogue part"
            assert not warm.by_part, where
            assert (cold.status, cold.headers, cold.body) == (warm.status, warm.headers, warm.body), where


@pytest.mark.parametrize("index", range(len(BAD_DOCUMENTS)))
def test_other_documents_get_the_same_answer_and_only_catalogue_ones_reach_the_part(
    api: Api, send: Any, index: int
) -> None:
    query, variables, by_part = BAD_DOCUMENTS[index]
    for caller, token in _callers(api).items():
        cold = send(query, variables, token, cold=True)
        warm = send(query, variables, token, cold=False)
        assert cold.by_part is by_part, (caller, query[:80])
        assert (cold.status, cold.headers, cold.body) == (warm.status, warm.headers, warm.body), (caller, query[:80])


def test_an_unknown_operation_name_is_refused_alike(api: Api, send: Any) -> None:
    query = (OPERATIONS / "Centres.graphql").read_text(encoding="utf-8")
    cold = send(query, {}, None, cold=True, name="NoSuchOperation")
    warm = send(query, {}, None, cold=False, name="NoSuchOperation")
    assert cold.by_part and cold.status == 400
    assert (cold.status, cold.headers, cold.body) == (warm.status, warm.headers, warm.body)


def test_the_comparison_sees_answers(api: Api, send: Any) -> None:
    """The byte comparison above is not between two empty or failed answers."""
    import json

    query = (OPERATIONS / "CatalogueBrowse.graphql").read_text(encoding="utf-8")
    cold = send(query, {"first": 20}, None, cold=True)
    body = json.loads(cold.body)
    assert cold.status == 200 and "errors" not in body
    assert len(body["data"]["serviceItems"]["edges"]) == 20
    assert {"department", "centres"} <= set(body["data"]["serviceItems"]["edges"][0]["node"])
