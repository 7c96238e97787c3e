"""The fast resolver path (`_strawberry_seam.fast_resolvers`, issue 14 point 3) answers every client
operation exactly as strawberry's own path: field by field and whole answers.

- **Field by field**: every field the fast path takes, on whichever schema answers the request
  (the full schema or the catalogue part), is shadowed while every `graphql/operations/*.graphql`
  operation runs with its contract scenario (`test_contract.scenario`: its caller, public,
  applicant or staff, and its variables): each call runs the fast resolver and strawberry's own
  with the same arguments, and both must return equal values or raise the same error (type,
  message, code and extra fields). The fast one's answer is what the request gets.
- **Whole answers**: each query operation is answered again, first on the fast path and then with
  strawberry's resolvers put back; the two responses must be identical.
- **Denied fields**: a field whose rule denies (window posts, STAFF) asked anonymously
  (UNAUTHENTICATED) and by an applicant (FORBIDDEN) gets identical errors on both paths.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import strawberry
from graphql import GraphQLField, GraphQLObjectType, OperationDefinitionNode, OperationType, parse
from strawberry import relay

from chalicelib.api import _strawberry_seam, view
from chalicelib.storage import catalogue_repository
from tests.conftest import Api
from tests.e2e.test_contract import OPERATIONS, scenario
from tests.flows import document, gid


class Shadow:
    """Runs strawberry's resolver beside each fast one and records every difference."""

    def __init__(self) -> None:
        self.installed: dict[int, list[tuple[GraphQLField, Callable[..., Any]]]] = {}
        self.calls = 0
        self.fields: set[str] = set()
        self.errors = 0
        self.mismatches: list[str] = []
        self.active = True

    def install(self, schema: strawberry.Schema) -> None:
        if not self.active or id(schema) in self.installed:
            return
        replaced: list[tuple[GraphQLField, Callable[..., Any]]] = []
        for named in _strawberry_seam.graphql_schema(schema).type_map.values():
            if not isinstance(named, GraphQLObjectType):
                continue
            for name, graphql_field in named.fields.items():
                fast = graphql_field.resolve
                original = getattr(fast, "strawberry_resolver", None)
                if original is not None:
                    replaced.append((graphql_field, fast))
                    graphql_field.resolve = self._shadowing(f"{named.name}.{name}", fast, original)
        self.installed[id(schema)] = replaced

    def uninstall(self) -> None:
        self.active = False
        for replaced in self.installed.values():
            for graphql_field, fast in replaced:
                graphql_field.resolve = fast
        self.installed.clear()

    def _shadowing(self, where: str, fast: Callable[..., Any], original: Callable[..., Any]) -> Callable[..., Any]:
        def resolve(source: Any, info: Any, **kwargs: Any) -> Any:
            self.calls += 1
            self.fields.add(where)
            fast_error = slow_error = None
            fast_value = slow_value = None
            try:
                fast_value = fast(source, info, **kwargs)
            except Exception as error:  # compared below, then raised as the request would
                fast_error = error
            try:
                slow_value = original(source, info, **kwargs)
            except Exception as error:
                slow_error = error
            if fast_error is not None or slow_error is not None:
                self.errors += 1
                if _error_key(fast_error) != _error_key(slow_error):
                    self.mismatches.append(f"{where}: {fast_error!r} != {slow_error!r}")
                if fast_error is not None:
                    raise fast_error
            elif _as_answered(fast_value) != _as_answered(slow_value):
                self.mismatches.append(f"{where}: {fast_value!r} != {slow_value!r}")
            return fast_value

        return resolve


def _as_answered(value: Any) -> Any:
    """A Relay `id` the fast path answers already encoded: a `GlobalID` is compared as the `ID`
    scalar answers it (its `str`, which graphql-core's `serialize_id` calls)."""
    return str(value) if isinstance(value, relay.GlobalID) else value


def _error_key(error: BaseException | None) -> object:
    if error is None:
        return None
    return type(error), error.args, getattr(error, "__dict__", {})


@pytest.fixture
def shadow(monkeypatch: pytest.MonkeyPatch) -> Iterator[Shadow]:
    """Shadows the fast resolvers of whichever schema answers each request (full or part)."""
    found = Shadow()
    real = view.schema_for_document

    def schema_for_document(query: str, settings: Any) -> strawberry.Schema:
        schema = real(query, settings)
        found.install(schema)
        return schema

    monkeypatch.setattr(view, "schema_for_document", schema_for_document)
    yield found
    found.uninstall()


@pytest.fixture
def both_paths(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Callable[[], Any]], tuple[Any, Any]]]:
    """Runs a request on the fast path, then again with strawberry's resolvers on the schema that answered."""
    answering: list[strawberry.Schema] = []
    real = view.schema_for_document

    def schema_for_document(query: str, settings: Any) -> strawberry.Schema:
        schema = real(query, settings)
        answering.append(schema)
        return schema

    monkeypatch.setattr(view, "schema_for_document", schema_for_document)

    def same_replica() -> None:
        """The province-wide listing's copy is taken in turn (its cursor names it): the same for both."""
        monkeypatch.setattr(catalogue_repository, "_next_replica", itertools.count())

    def run(request: Callable[[], Any]) -> tuple[Any, Any]:
        answering.clear()
        same_replica()
        fast = request()
        (schema,) = set(answering)
        restored = _strawberry_seam.strawberry_resolvers(schema)
        assert restored, "the answering schema has no field on the fast path"
        try:
            same_replica()
            slow = request()
        finally:
            for graphql_field, resolver in restored:
                graphql_field.resolve = resolver
        return _without_error_ids(fast), _without_error_ids(slow)

    yield run


def _without_error_ids(body: Any) -> Any:
    """A masked error's id is new for every error: checked for shape, then left out."""
    for error in (body or {}).get("errors") or ():
        error_id = (error.get("extensions") or {}).pop("errorId", None)
        assert error_id is None or re.fullmatch(r"[0-9a-f]{32}", error_id)
    return body


def _is_query(text: str) -> bool:
    definitions = parse(text).definitions
    return all(not isinstance(d, OperationDefinitionNode) or d.operation is OperationType.QUERY for d in definitions)


BENCHED = {"CatalogueBrowse", "ServiceItemDetail", "ApplicationDetail", "Inbox"}  # bench/warm.py


@pytest.mark.parametrize("path", OPERATIONS, ids=[p.stem for p in OPERATIONS])
def test_every_operation_answers_identically_on_both_paths(
    api: Api, shadow: Shadow, both_paths: Any, path: Path
) -> None:
    variables, caller = scenario(path.stem, api)
    text = document(path.read_text(encoding="utf-8"))
    body = api.gql(text, variables, as_=caller)
    assert "errors" not in body, body
    assert shadow.mismatches == []
    if path.stem in BENCHED:
        assert shadow.calls, "the benchmarked reads take the fast path"
    shadow.uninstall()
    if _is_query(text):
        fast, slow = both_paths(lambda: api.gql(text, variables, as_=caller))
        assert fast == slow
        assert "errors" not in fast, fast


WINDOW_POSTS = "query ($id: ID!) { centre(id: $id) { id name windowPosts { id name staffId } } }"


@pytest.mark.parametrize(("caller", "code"), [(None, "UNAUTHENTICATED"), ("applicant", "FORBIDDEN"), ("clerk", None)])
def test_a_denied_field_fails_identically_on_both_paths(
    api: Api, both_paths: Any, caller: str | None, code: str | None
) -> None:
    centre = api.seed.centres[0]
    person = {
        "applicant": next(u.id for u in api.seed.users if "applicant" in {r.value for r in u.roles}),
        "clerk": next(
            s.id for s in api.seed.staff if s.centre_id == centre.id and "clerk" in {r.value for r in s.roles}
        ),
    }.get(caller or "")
    variables = {"id": gid("Centre", centre.id)}
    fast, slow = both_paths(lambda: api.gql(WINDOW_POSTS, variables, as_=person))
    assert fast == slow
    if code is None:
        assert "errors" not in fast, fast
        assert fast["data"]["centre"]["windowPosts"]
    else:
        assert [(e["extensions"]["code"], e["path"]) for e in fast["errors"]] == [(code, ["centre", "windowPosts"])]
