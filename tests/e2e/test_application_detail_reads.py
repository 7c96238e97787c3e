"""Issue 14 point 3, application detail: what is remembered between requests never changes which
DynamoDB requests a document makes, nor its answer.

`application(id:)` reads the head and its events in one Query only when the document selects
`timeline` or `historyVerification` (else one GetItem). Whether it does is worked out once per
parsed document and field path (`api/applications/queries._selects_history`), so a document
must never take the answer worked out for another one.
"""

from __future__ import annotations

from pytest import MonkeyPatch

from chalicelib.api.applications import queries
from tests.conftest import Api, CallCounter
from tests.e2e.test_contract import scenario
from tests.flows import op

NO_HISTORY = "query($id: ID!) { application(id: $id) { id state trackingCode } }"
HISTORY_IN_FRAGMENT = """
query($id: ID!) { application(id: $id) { id ...Trail } }
fragment Trail on Application { historyVerification { intact events } }
"""
ALIASED = """
query($id: ID!) {
  plain: application(id: $id) { id }
  audited: application(id: $id) { id timeline(first: 5) { edges { node { seq } } } }
}
"""


def test_each_document_reads_what_it_selects_every_time(api: Api, ddb_calls: CallCounter) -> None:
    variables, caller = scenario("ApplicationDetail", api)
    answers: dict[str, object] = {}
    for _ in range(2):  # the second round is served by the remembered answers
        for name, document, calls in (
            ("detail", op("ApplicationDetail"), {"Query": 1, "BatchGetItem": 1}),
            ("plain", NO_HISTORY, {"GetItem": 1}),
            ("fragment", HISTORY_IN_FRAGMENT, {"Query": 1}),
            ("aliased", ALIASED, {"GetItem": 1, "Query": 1}),
        ):
            ddb_calls.reset()
            body = api.gql(document, variables, as_=caller)
            assert "errors" not in body, body
            assert dict(ddb_calls.calls) == calls, name
            assert answers.setdefault(name, body) == body, name
    assert answers["fragment"]["data"]["application"]["historyVerification"]["intact"] is True  # type: ignore[index]


def test_the_remembered_answers_are_bounded(api: Api, ddb_calls: CallCounter, monkeypatch: MonkeyPatch) -> None:
    monkeypatch.setattr(queries, "_SELECTS_HISTORY_ENTRIES", 2)
    variables, caller = scenario("ApplicationDetail", api)
    for n, (document, calls) in enumerate(((NO_HISTORY, {"GetItem": 1}), (HISTORY_IN_FRAGMENT, {"Query": 1})) * 3):
        ddb_calls.reset()
        assert "errors" not in api.gql(f"{document} # {n}", variables, as_=caller)  # a new document each time
        assert dict(ddb_calls.calls) == calls
        assert len(queries._SELECTS_HISTORY) <= 2
