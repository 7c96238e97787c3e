"""Per-domain schemas for a cold process's first requests (issue 14 point 2).

Declaring every domain's GraphQL types and building the full schema is most of a Lambda cold
start (bench/README.md `cold_start`). A public catalogue page needs none of it but the
catalogue's own types. So, until the process has built the full schema, a document that belongs
wholly to one domain's *part* is answered by a schema built from that domain's query type alone
(and the types it reaches), importing only its modules:

- every operation of the document is a query whose root fields (no fragments at the root) are
  fields of that part's query type (`__typename` allowed beside them), and
- the document parses within the token limit and validates against the part, with the same
  rules as the full schema (the specification's and the depth, alias and introspection limits).

Anything else goes to the full schema (`api/view.py` `schema_for`): other root fields,
mutations, introspection, `node`, a document that does not parse or validate against the part.
A part is made by `schema_config.make_schema`, so it runs the same extensions (permissions, limits,
error codes, masking, logging, parser and validation caches); its types are the full schema's
own classes, printed identically in both (tests/unit/test_schema_parts.py), so a document valid
against the part gets the same answer and the same errors from either.

A new domain that wants a part: give it a query type that imports only its own types (and
those they reach), add a `SchemaPart` below, list its root fields; the tests check the list
against the type and the part against the full schema (CONTRIBUTING.md).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import lru_cache

import strawberry
from graphql import DocumentNode, FieldNode, GraphQLError, OperationDefinitionNode, OperationType

from chalicelib.api._strawberry_seam import cached_parse, cached_validation
from chalicelib.api.schema_config import CACHE_SIZE, ApiSchema, make_schema, validation_rules
from chalicelib.config import Settings

__all__ = ["PARTS", "SchemaPart", "part_for", "part_schema"]


@dataclass(frozen=True)
class SchemaPart:
    """One domain's query type, named by import path so that nothing is imported until it is needed."""

    name: str
    module: str
    query: str
    root_fields: frozenset[str]  # GraphQL names of the query type's fields (checked by a test)

    def query_type(self) -> type:
        found: type = getattr(importlib.import_module(self.module), self.query)
        return found


PARTS: tuple[SchemaPart, ...] = (
    SchemaPart(
        "catalogue",
        "chalicelib.api.catalogue.queries",
        "CatalogueQuery",
        frozenset({"serviceItems", "serviceItem", "departments", "department", "centres", "centre"}),
    ),
)


@lru_cache(maxsize=8)
def part_schema(part: SchemaPart, settings: Settings) -> ApiSchema:
    """The part's schema: its query type under the root name `Query`, as in the full schema."""
    from chalicelib.startup import collector_paused

    with collector_paused():  # long-lived objects only, as the full schema's (chalicelib/startup.py)
        root = strawberry.type(name="Query")(type(f"{part.name.title()}PartQuery", (part.query_type(),), {}))
        return make_schema(settings, query=root)


def _owner(document: DocumentNode) -> SchemaPart | None:
    """The one part every root field of every operation belongs to, else None."""
    owner: SchemaPart | None = None
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue  # fragment definitions are checked by validation
        if definition.operation is not OperationType.QUERY:
            return None
        for selection in definition.selection_set.selections:
            if not isinstance(selection, FieldNode):
                return None  # a fragment at the root: left to the full schema
            name = selection.name.value
            if name == "__typename":
                continue
            part = owner or next((p for p in PARTS if name in p.root_fields), None)
            if part is None or name not in part.root_fields:
                return None
            owner = part
    return owner


@lru_cache(maxsize=256)
def part_for(query: str, settings: Settings) -> ApiSchema | None:
    """The part's schema that answers this document exactly as the full schema would, or None.

    Cached per document text: the decision depends only on the text and the settings."""
    # Parsed and validated as the request will be, through the same caches: it does neither again.
    try:
        document = cached_parse(query, settings.max_query_tokens, CACHE_SIZE)
    except GraphQLError:
        return None  # the full schema answers with the syntax error
    part = _owner(document)
    if part is None:
        return None
    schema = part_schema(part, settings)
    if cached_validation(schema, document, validation_rules(settings), CACHE_SIZE):
        return None  # the full schema answers with its own validation errors
    return schema
