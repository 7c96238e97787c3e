"""A bare strawberry schema of the same shape as one of our operations, answering from plain objects.

Issue 14 point 3's floor: what strawberry itself costs to answer exactly the fields an operation
selects, with none of our code behind them. Built per operation from our schema and the
operation's document: every object type the operation reaches becomes a strawberry type with
exactly the selected fields (same names, same GraphQL types, enums as strawberry enums, the same
arguments on the fields that take them), and the data is *our own answer* to that operation turned
into `SimpleNamespace` objects (dates and enums parsed back into Python values), so both schemas
produce the same JSON and resolve the same number of fields. Default resolvers are plain attribute
reads; a field with arguments has a method that returns the stored value.

The floor gets strawberry's own ParserCache and the validation cache our schema uses
(`api/_strawberry_seam.IdentityValidationCache`: strawberry's ValidationCache finding repeats by
the parsed document's identity instead of hashing it): the floor is what a well-configured bare
strawberry costs, not one that re-validates (or re-hashes) every request, so a cut we made inside
strawberry's request path does not count as our code costing less.
"""

from __future__ import annotations

import datetime
import json
import keyword
import sys
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)

SCALARS = {
    "String": "str",
    "Int": "int",
    "Float": "float",
    "Boolean": "bool",
    "ID": "strawberry.ID",
    "Date": "datetime.date",
    "DateTime": "datetime.datetime",
    "JSON": "JSON",
}


@dataclass
class _Shape:
    """The selected fields of one object type (the union of every place the operation selects it)."""

    fields: dict[str, GraphQLField] = field(default_factory=dict)


def _named(gtype: GraphQLType) -> Any:
    while isinstance(gtype, GraphQLNonNull | GraphQLList):
        gtype = gtype.of_type
    return gtype


class _Collector:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.schema = schema
        self.fragments = fragments
        self.shapes: dict[str, _Shape] = {}
        self.enums: dict[str, GraphQLEnumType] = {}

    def visit(self, parent: GraphQLObjectType, selections: SelectionSetNode) -> None:
        shape = self.shapes.setdefault(parent.name, _Shape())
        for node in selections.selections:
            if isinstance(node, FragmentSpreadNode):
                self._fragment(parent, self.fragments[node.name.value].selection_set)
            elif isinstance(node, InlineFragmentNode):
                self._fragment(parent, node.selection_set)
            elif isinstance(node, FieldNode):
                name = node.name.value
                if name == "__typename":
                    continue
                if node.alias is not None:
                    raise NotImplementedError("aliases are not needed by the measured operations")
                definition = parent.fields[name]
                shape.fields[name] = definition
                for arg in definition.args.values():
                    self._type(arg.type)
                target = _named(definition.type)
                self._type(definition.type)
                if isinstance(target, GraphQLObjectType):
                    assert node.selection_set is not None
                    self.visit(target, node.selection_set)
                elif not isinstance(target, GraphQLScalarType | GraphQLEnumType):
                    raise NotImplementedError(f"{parent.name}.{name}: abstract type {target}")

    def _fragment(self, parent: GraphQLObjectType, selections: SelectionSetNode) -> None:
        self.visit(parent, selections)

    def _type(self, gtype: GraphQLType) -> None:
        named = _named(gtype)
        if isinstance(named, GraphQLEnumType):
            self.enums[named.name] = named
        elif isinstance(named, GraphQLInputObjectType):
            raise NotImplementedError(f"input object argument {named.name}")


def _annotation(gtype: GraphQLType) -> str:
    if isinstance(gtype, GraphQLNonNull):
        return _annotation_inner(gtype.of_type)
    return f"typing.Optional[{_annotation_inner(gtype)}]"


def _annotation_inner(gtype: GraphQLType) -> str:
    if isinstance(gtype, GraphQLList):
        return f"list[{_annotation(gtype.of_type)}]"
    if isinstance(gtype, GraphQLScalarType):
        return SCALARS.get(gtype.name, "str")
    # unquoted: the whole annotation is a string (future import) evaluated in this floor's module;
    # a quoted name would become a typing.ForwardRef that typing caches across floors
    return str(_named(gtype).name)


def _py(name: str) -> str:
    return f"{name}_" if keyword.iskeyword(name) else name


def _source(collector: _Collector, root: str) -> str:
    lines = [
        "from __future__ import annotations",
        "import datetime, enum, typing",
        "import strawberry",
        "from strawberry.scalars import JSON",
    ]
    for enum in collector.enums.values():
        lines.append(f"@strawberry.enum(name={enum.name!r})")
        lines.append(f"class {enum.name}(enum.Enum):")
        for value in enum.values:
            lines.append(f"    {_py(value)} = {value!r}")
    for type_name, shape in collector.shapes.items():
        lines.append(f"@strawberry.type(name={type_name!r})")
        lines.append(f"class {type_name}:")
        for name, definition in shape.fields.items():
            annotation = _annotation(definition.type)
            if not definition.args:
                lines.append(f"    {_py(name)}: {annotation} = strawberry.field(name={name!r})")
                continue
            params = ["self"]
            for arg_name, arg in definition.args.items():
                default = "" if isinstance(arg.type, GraphQLNonNull) else " = None"
                params.append(f"{_py(arg_name)}: {_annotation(arg.type)}{default}")
            lines.append(f"    @strawberry.field(name={name!r})")
            lines.append(f"    def {_py(name)}({', '.join(params)}) -> {annotation}:")
            lines.append(f"        return self.{_py(name)}")
        if not shape.fields:
            lines.append("    pass")
    lines.append(f"ROOT = {root}")
    return "\n".join(lines) + "\n"


@dataclass
class Floor:
    """The bare schema, the plain objects it answers from, and a call shaped like our view's."""

    schema: Any
    root: Any
    source: str

    def call(self, body: str) -> str:
        """Parse the request body, execute, encode the answer: what our view does around execution."""
        payload = json.loads(body)
        result = self.schema.execute_sync(
            payload["query"], variable_values=payload.get("variables"), root_value=self.root
        )
        if result.errors:
            raise RuntimeError(f"bare floor failed: {result.errors}")
        return json.dumps({"data": result.data}, ensure_ascii=False)


_COUNTER = [0]


def build_floor(schema: GraphQLSchema, document: str, answer: dict[str, Any]) -> Floor:
    """The bare schema for `document` and plain objects holding `answer` (our view's `data`)."""
    import strawberry
    from strawberry.extensions import ParserCache

    from chalicelib.api._strawberry_seam import IdentityValidationCache

    ast = parse(document)
    fragments = {d.name.value: d for d in ast.definitions if isinstance(d, FragmentDefinitionNode)}
    (operation,) = [d for d in ast.definitions if isinstance(d, OperationDefinitionNode)]
    query_type = schema.query_type
    assert query_type is not None
    collector = _Collector(schema, fragments)
    collector.visit(query_type, operation.selection_set)
    source = _source(collector, query_type.name)
    _COUNTER[0] += 1
    module = types.ModuleType(f"bench._bare_floor_{_COUNTER[0]}")
    sys.modules[module.__name__] = module
    exec(compile(source, module.__name__, "exec"), module.__dict__)
    bare = strawberry.Schema(
        query=module.ROOT, extensions=[lambda: ParserCache(maxsize=16), lambda: IdentityValidationCache(maxsize=16)]
    )
    root = _objects(module, query_type, answer, collector)
    return Floor(bare, root, source)


def _objects(module: types.ModuleType, gtype: GraphQLType, value: Any, collector: _Collector) -> Any:
    """Our JSON answer as plain objects: SimpleNamespace per object, Python dates and enum members."""
    if value is None:
        return None
    if isinstance(gtype, GraphQLNonNull):
        return _objects(module, gtype.of_type, value, collector)
    if isinstance(gtype, GraphQLList):
        return [_objects(module, gtype.of_type, v, collector) for v in value]
    if isinstance(gtype, GraphQLEnumType):
        return getattr(module, gtype.name)(value)
    if isinstance(gtype, GraphQLScalarType):
        parse_value: Callable[[Any], Any] | None = {
            "Date": datetime.date.fromisoformat,
            "DateTime": datetime.datetime.fromisoformat,
        }.get(gtype.name)
        return parse_value(value) if parse_value else value
    assert isinstance(gtype, GraphQLObjectType)
    shape = collector.shapes[gtype.name]
    return types.SimpleNamespace(
        **{_py(name): _objects(module, d.type, value.get(name), collector) for name, d in shape.fields.items()}
    )


def comparable(body: str) -> Any:
    """An answer with date-times normalised (the two schemas may format the same instant differently)."""

    def norm(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: norm(v) for k, v in value.items()}
        if isinstance(value, list):
            return [norm(v) for v in value]
        if isinstance(value, str) and len(value) >= 19 and value[4:5] == "-" and value[10:11] == "T":
            try:
                return datetime.datetime.fromisoformat(value).isoformat()
            except ValueError:
                return value
        return value

    return norm(json.loads(body))
