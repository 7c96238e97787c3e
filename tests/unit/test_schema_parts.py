"""Per-domain parts of the schema are exact pieces of the full schema (chalicelib/api/schema_parts.py).

A part answers a document only if the document validates against it, and then it must answer as
the full schema would. That holds when every type the part has is the full schema's type, field
for field, argument for argument, description and directive alike: checked here by printing both.
(tests/e2e/test_schema_parts.py compares the answers themselves.)
"""

from __future__ import annotations

import pytest
from graphql import GraphQLNamedType, GraphQLObjectType, print_type
from graphql.utilities.print_schema import print_description

from chalicelib.api._strawberry_seam import graphql_schema
from chalicelib.api.schema import build_schema
from chalicelib.api.schema_parts import PARTS, SchemaPart, part_for, part_schema
from chalicelib.config import Settings

SETTINGS = Settings(stage="parts-test")


def _types(part: SchemaPart) -> dict[str, GraphQLNamedType]:
    return {n: t for n, t in graphql_schema(part_schema(part, SETTINGS)).type_map.items() if not n.startswith("__")}


@pytest.mark.parametrize("part", PARTS, ids=lambda p: p.name)
def test_the_root_fields_listed_are_the_query_types_fields(part: SchemaPart) -> None:
    query = graphql_schema(part_schema(part, SETTINGS)).query_type
    assert query is not None and query.name == "Query"
    assert set(query.fields) == set(part.root_fields)
    assert graphql_schema(part_schema(part, SETTINGS)).mutation_type is None


@pytest.mark.parametrize("part", PARTS, ids=lambda p: p.name)
def test_every_type_of_the_part_is_the_full_schemas_type(part: SchemaPart) -> None:
    full = graphql_schema(build_schema(SETTINGS))
    for name, mine in _types(part).items():
        theirs = full.get_type(name)
        assert theirs is not None, f"{part.name}: {name} is not in the full schema"
        if name == "Query":
            assert isinstance(mine, GraphQLObjectType) and isinstance(theirs, GraphQLObjectType)
            for field_name, field in mine.fields.items():
                assert field_name in theirs.fields, field_name
                other = theirs.fields[field_name]
                assert str(field.type) == str(other.type), field_name
                assert {a: str(x.type) for a, x in field.args.items()} == {
                    a: str(x.type) for a, x in other.args.items()
                }, field_name
                assert print_description(field) == print_description(other), field_name
            continue
        assert print_type(mine) == print_type(theirs), f"{part.name}: {name} differs from the full schema's"


@pytest.mark.parametrize("part", PARTS, ids=lambda p: p.name)
def test_a_part_is_much_smaller_than_the_full_schema(part: SchemaPart) -> None:
    """What makes it worth having (bench/README.md `cold_start`)."""
    full = [n for n in graphql_schema(build_schema(SETTINGS)).type_map if not n.startswith("__")]
    assert len(_types(part)) * 4 < len(full)


@pytest.mark.parametrize(
    ("query", "answered"),
    [
        ("{ serviceItems { edges { node { id } } } }", True),
        ("query A { centres { nodes { id } } } query B { department(id: 1) { name __typename } }", True),
        ("{ __typename serviceItem(id: 1) { code } }", True),
        ("{ __typename }", False),
        ("{ serviceItems { edges { node { id } } } publicProgress(trackingCode: 1) { stage } }", False),
        ("mutation { serviceItemCancel(input: {}) { userErrors { code } } }", False),
        ("subscription { centres { nodes { id } } }", False),
        ("{ ...R } fragment R on Query { centres { nodes { id } } }", False),
        ("{ ... on Query { centres { nodes { id } } } }", False),
        ("{ centres { nodes { nope } } }", False),
        ("{ centres { nodes { id } }", False),
        ("fragment F on Centre { id }", False),
        ('{ node(id: "x") { id } }', False),
    ],
)
def test_which_documents_a_part_answers(query: str, answered: bool) -> None:
    assert (part_for(query, SETTINGS) is not None) is answered


def test_the_decision_is_cached_per_document() -> None:
    query = "{ centres(first: 1) { nodes { id } } }"
    first = part_for(query, SETTINGS)
    hits = part_for.cache_info().hits
    assert part_for(query, SETTINGS) is first and part_for.cache_info().hits == hits + 1


def test_no_root_field_belongs_to_two_parts() -> None:
    seen: dict[str, str] = {}
    for part in PARTS:
        for name in part.root_fields:
            assert name not in seen, f"{name} is in both {seen[name]} and {part.name}"
            seen[name] = part.name
