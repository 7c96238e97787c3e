"""`_strawberry_seam.fast_resolvers` (issue 14 point 3): a field it takes answers, and fails, exactly
as strawberry's own resolver path would, and the fields it must leave alone keep that path.

A small schema built by `schema_config.make_schema` (our extensions, masking and error codes) has
one field of every shape the fast path takes (a method on `self`, a resolver with `info`, a Relay
`id` with `root` and `info`, a plain field with an access rule, a resolver a rule guards, one that
raises an unexpected error, which is masked, and one that raises an `ApiError`) and of every shape it
must not take (arguments, async, an extension other than the access rule). Each document is executed
with the fast resolvers and again with strawberry's own put back, for an anonymous caller, an
applicant and a clerk; the results must be identical (data, errors, their paths, codes and messages; a masked error's
random `errorId` is checked for shape and left out).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any

import pytest
import strawberry
from graphql import GraphQLObjectType, get_nullable_type
from strawberry import relay
from strawberry.extensions import FieldExtension
from strawberry.types import Info

from chalicelib.api import _strawberry_seam
from chalicelib.api.errors import ApiError
from chalicelib.api.permissions import PUBLIC, STAFF, AccessExtension, access_guard, field, visible_to
from chalicelib.api.schema_config import make_schema
from chalicelib.config import get_settings
from chalicelib.domain.identity import ANONYMOUS, Principal, Role

CALLED: list[str] = []


class Marking(FieldExtension):
    """An extension that is not the access rule: the fast path must leave its field alone."""

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        return f"marked:{next_(source, info, **kwargs)}"


class StricterAccess(AccessExtension):
    """A subclass may do more than its rule: left to strawberry too."""


@visible_to(PUBLIC)
@strawberry.type
class Thing(relay.Node):
    thing_id: relay.NodeID[str]
    label: str
    secret: str = field(access=STAFF)

    @field(access=PUBLIC)
    def shout(self) -> str:
        CALLED.append("shout")
        return self.label.upper()

    @field(access=PUBLIC)
    def principal_kind(self, info: Info) -> str:
        return "staff" if info.context.principal.roles else "other"

    @field(access=STAFF)
    def staff_note(self) -> str:
        return f"note {self.thing_id}"

    @field(access=STAFF)
    def staff_path(self, info: Info) -> str:
        return ".".join(str(p) for p in info.path.as_list())

    @field(access=PUBLIC)
    def broken(self) -> str:
        raise ValueError("internal detail that must be masked")

    @field(access=PUBLIC)
    def refused(self) -> str:
        raise ApiError("NOT_FOUND", "未找到")

    @field(access=PUBLIC)
    def repeat(self, times: int = 2) -> str:
        return self.label * times

    @field(access=PUBLIC)
    async def later(self) -> str:
        return self.label

    @strawberry.field(extensions=[Marking()])
    def marked(self) -> str:
        return self.label

    @strawberry.field(extensions=[StricterAccess(STAFF)])
    def stricter(self) -> str:
        return self.label


@strawberry.type
class Query:
    @field(access=PUBLIC)
    def things(self) -> list[Thing]:
        return [Thing(thing_id="t1", label="one", secret="s1"), Thing(thing_id="t2", label="two", secret="s2")]


FAST = {"shout", "principalKind", "secret", "staffNote", "staffPath", "broken", "refused", "id", "things"}
KEPT = {"repeat", "later", "marked", "stricter"}

DOCUMENTS = (
    "{ things { id label shout principalKind repeat(times: 3) marked } }",
    "{ things { secret } }",
    "{ things { id staffNote staffPath } }",
    "{ things { label broken } }",
    "{ things { refused } }",
    "{ things { stricter } }",
    "{ things { ... on Thing { id shout } ...F } } fragment F on Thing { staffNote }",
)

CALLERS = {
    "anonymous": ANONYMOUS,
    "applicant": Principal(subject="applicant-1", roles=frozenset({Role.APPLICANT})),
    "clerk": Principal(subject="clerk-1", roles=frozenset({Role.CLERK}), centre_id="c1"),
}


class Context:
    def __init__(self, principal: Principal) -> None:
        self.principal = principal


def _schema() -> Any:
    return make_schema(get_settings(), query=Query, types=[Thing])


def _thing_fields(schema: Any) -> dict[str, Any]:
    thing = _strawberry_seam.graphql_schema(schema).type_map["Thing"]
    assert isinstance(thing, GraphQLObjectType)
    query = _strawberry_seam.graphql_schema(schema).type_map["Query"]
    assert isinstance(query, GraphQLObjectType)
    return {**thing.fields, "things": query.fields["things"]}


def _run(schema: Any, document: str, principal: Principal) -> dict[str, Any]:
    if "later" in document:
        result = asyncio.run(schema.execute(document, context_value=Context(principal)))
    else:
        result = schema.execute_sync(document, context_value=Context(principal))
    return {"data": result.data, "errors": [_without_error_id(e.formatted) for e in result.errors or ()]}


def _without_error_id(error: dict[str, Any]) -> dict[str, Any]:
    """A masked error's id is new for every error (it names its log line): checked, then left out."""
    extensions = dict(error.get("extensions") or {})
    if "errorId" in extensions:
        assert re.fullmatch(r"[0-9a-f]{32}", extensions.pop("errorId"))
    return {**error, "extensions": extensions}


def test_the_fast_path_takes_exactly_the_fields_it_can_answer_alike() -> None:
    fields = _thing_fields(_schema())
    taken = {name for name, f in fields.items() if hasattr(f.resolve, "strawberry_resolver")}
    assert taken == FAST
    assert not taken & KEPT
    assert not hasattr(fields["label"].resolve, "strawberry_resolver"), "a plain field keeps strawberry's basic path"


@pytest.mark.parametrize("caller", sorted(CALLERS))
@pytest.mark.parametrize("document", DOCUMENTS)
def test_fast_and_strawberry_paths_give_identical_answers_and_errors(document: str, caller: str) -> None:
    schema = _schema()
    principal = CALLERS[caller]
    fast = _run(schema, document, principal)
    restored = _strawberry_seam.strawberry_resolvers(schema)
    assert restored, "nothing was on the fast path"
    try:
        slow = _run(schema, document, principal)
    finally:
        for graphql_field, resolver in restored:
            graphql_field.resolve = resolver
    assert fast == slow


def test_answers_and_errors_are_what_the_rules_say() -> None:
    """Not only equal to strawberry's: right (so the comparison cannot pass on two wrong paths)."""
    schema = _schema()
    CALLED.clear()
    public = _run(schema, "{ things { id shout principalKind } }", ANONYMOUS)
    assert public["errors"] == []
    assert public["data"]["things"][0]["shout"] == "ONE"
    assert public["data"]["things"][0]["principalKind"] == "other"
    assert public["data"]["things"][0]["id"] == relay.to_base64("Thing", "t1")
    assert CALLED == ["shout", "shout"], "each resolver runs once per object"
    denied = _run(schema, "{ things { staffNote } }", ANONYMOUS)
    assert {e["extensions"]["code"] for e in denied["errors"]} == {"UNAUTHENTICATED"}
    forbidden = _run(schema, "{ things { secret } }", CALLERS["applicant"])
    assert {e["extensions"]["code"] for e in forbidden["errors"]} == {"FORBIDDEN"}
    allowed = _run(schema, "{ things { secret staffPath } }", CALLERS["clerk"])
    assert allowed["data"]["things"][1] == {"secret": "s2", "staffPath": "things.1.staffPath"}
    masked = _run(schema, "{ things { broken } }", ANONYMOUS)
    assert masked["errors"] and all("internal detail" not in str(e) for e in masked["errors"])


def test_access_guard_inlines_only_the_access_rule_itself() -> None:
    assert access_guard(AccessExtension(STAFF)) is not None
    assert access_guard(StricterAccess(STAFF)) is None
    assert access_guard(Marking()) is None


def test_the_full_schema_and_the_catalogue_part_both_take_the_fast_path() -> None:
    """Both are made by `make_schema`: the page's `id`, `department` and `centres` are fast in each."""
    from chalicelib.api.schema import build_schema
    from chalicelib.api.schema_parts import PARTS, part_schema

    for schema in (build_schema(get_settings()), part_schema(PARTS[0], get_settings())):
        item = _strawberry_seam.graphql_schema(schema).type_map["ServiceItem"]
        assert isinstance(item, GraphQLObjectType)
        for name in ("id", "department", "centres", "materials"):
            assert hasattr(item.fields[name].resolve, "strawberry_resolver"), name
        assert not hasattr(item.fields["history"].resolve, "strawberry_resolver"), "arguments: strawberry's path"


def test_relay_ids_are_answered_encoded_as_the_id_scalar_encodes_them() -> None:
    """The fast `id` is the text graphql-core's `ID` answers for strawberry's `GlobalID`, and the
    remembered encodings are a pure function of (type name, node id), bounded in number."""
    schema = _schema()
    fields = _strawberry_seam.graphql_schema(schema).type_map["Thing"].fields  # type: ignore[union-attr]
    assert hasattr(fields["id"].resolve, "strawberry_resolver"), "the Relay id is on the fast path"
    for type_name, node_id in (("Thing", "t1"), ("ServiceItem", "ZS-ZRZY-001"), ("Centre", "中心/甲:1")):
        expected = get_nullable_type(fields["id"].type).serialize(relay.GlobalID(type_name, node_id))
        assert expected == relay.to_base64(type_name, node_id)
        assert _strawberry_seam.encoded_global_id(type_name, node_id) == expected
        assert _strawberry_seam._ENCODED_IDS[(type_name, node_id)] == expected
    for n in range(_strawberry_seam.ENCODED_IDS_MAX + 10):
        assert _strawberry_seam.encoded_global_id("Thing", f"n{n}") == relay.to_base64("Thing", f"n{n}")
    assert len(_strawberry_seam._ENCODED_IDS) <= _strawberry_seam.ENCODED_IDS_MAX
    assert _run(schema, "{ things { id } }", ANONYMOUS)["data"]["things"][1]["id"] == relay.to_base64("Thing", "t2")
