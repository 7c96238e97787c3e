"""The one place that reaches into strawberry's private names (checked against strawberry-graphql 0.341.2).

Why it exists: a document with several operations and no `operationName` must be refused with a
clear error (`request_errors.RequestErrorCodes`). strawberry's public
`ExecutionContext.operation_name` cannot tell "the client named none" from "the client named the
first one": it falls back to the document's first operation. The name the request actually
carried is kept only in the private `ExecutionContext._provided_operation_name` (set from the
`provided_operation_name` init argument).

A per-domain part of the schema (`api/schema_parts.py`) validates a document against the part
before it answers it; strawberry has no public accessor for the graphql-core schema it built, which
it keeps in `Schema._schema`. `cached_parse` and `cached_validation` parse and validate as
strawberry's `ParserCache` and `ValidationCache` extensions do (with `MaxTokensLimiter` and
`AddValidationRules`), through their module-level caches (`_get_parse_cache`,
`_get_validate_cache`) with the same keys, so the request that follows finds the document parsed
and validated instead of doing both again.

Two start-up costs strawberry adds without need (issue 14 point 2, bench/README.md `cold_start`):

- **String annotations** (every types module has `from __future__ import annotations`).
  `StrawberryAnnotation.evaluate` turns each one into a `typing.ForwardRef` (a `compile`), then
  `strawberry.utils.typing.eval_type` parses it with `ast`, walks the tree for `strawberry.lazy`
  references, unparses it and makes a second `ForwardRef` (another `compile`) before
  `typing._eval_type` evaluates it. A field whose type is declared further down its module is
  evaluated like that again on every look-up until the type exists. That was ~35% of declaring
  the types. `fast_annotation_evaluation` evaluates an annotation that names no lazy type with
  one `ForwardRef` per distinct text (compiled once) and the same `typing._eval_type` call, so
  the result is the same object strawberry would get; anything that could involve
  `strawberry.lazy` (`Annotated` or `lazy` in the text, or a name bound to an `Annotated` alias)
  takes strawberry's own path. `python -m infra.schema_export --check` and the seam tests hold the
  schema and the results to be unchanged.
- **The federation check**: `Schema.__init__` calls `_warn_for_federation_directives`, which
  imports strawberry's federation package only to warn if a federation directive is used; we
  use none. `WithoutFederationCheck` skips it, as strawberry's own `federation.Schema` does.

Two per-request costs (issue 14 point 3, bench/README.md `warm`):

- **Validation look-up**: strawberry's `ValidationCache` is an `lru_cache` keyed by the document,
  and a graphql-core 3.3 `DocumentNode` is a dataclass whose hash walks every node of the
  document (~0.2 ms for `ApplicationDetail`) on every request. `ParserCache` hands every request
  that sends the same text the same document object, so `IdentityValidationCache` finds the
  answer by the document's identity first (keeping the document alive with its entry, so the id
  cannot be reused by another while the entry lives) and asks strawberry's cache otherwise.
- **Selected arguments**: `info.selected_fields` converts the whole selection tree on every
  request; a resolver that wants one child's arguments finds the child's node once per document
  and converts only its arguments, as strawberry would (`field_arguments`, from the private
  `Info._raw_info` that `selected_fields` itself converts from).
- **Enum answers**: strawberry's `CustomGraphQLEnumType.coerce_output_value` finds a member's
  name by scanning the enum's values and reading the member's `.value` (an enum property) at
  each step, for every enum value of every answer (76 per item detail). `fast_enum_output`
  gives each such type of a built schema an instance-level `coerce_output_value` that asks
  strawberry's own method once per member and remembers its answer (a pure function of the
  member); anything that is not a member of the enum still goes to strawberry's method.
- **Interface objects**: for an object type implementing an interface (every Relay node),
  strawberry installs an `is_type_of` that graphql-core calls for every such object of an answer
  (50 on a catalogue page): it reads the object's `strawberry.cast` mark, looks for a generic
  origin, then `isinstance` against the interfaces' classes and the type's own.
  `fast_is_type_of` answers True first for an object of exactly the type's class that carries no
  such mark in its `__dict__` (what strawberry's check answers for it); any other goes to it.
- **Extension hooks**: strawberry's `ExtensionContextManagerBase.get_hook` inspects each
  extension's hook method and wraps it in a new `contextlib.contextmanager` for each of the four
  stages of every request (32 look-ups for our 8 extensions, ~25 us). `KnownHooks` gives the
  schema a runner (`_known_hooks_runner`) whose stage context managers classify each (stage,
  extension class) once and make the same `_GeneratorContextManager` from a `contextmanager` made
  once; other hook kinds keep strawberry's `get_hook`.
- **Masking**: `MaskErrors._process_result` checks `isinstance` against a runtime-checkable
  Protocol (`errors` attribute) on every request (~0.05 ms); `PlainMaskingCheck` reads the
  attribute instead, which is what that check tests.

- **Resolver fields** (`fast_resolvers`, applied by `make_schema`): for every field with a
  resolver (or an access rule), strawberry's `from_resolver` installs a graphql-core resolver that
  builds an `Info`, runs `get_arguments` (argument conversion, each extension's `map_arguments`,
  the reserved `self`/`root`/parent/`info` parameters) and chains the field extensions with
  `functools.partial` before it calls ours: ~20 us a field whatever the resolver does. For a
  field that takes no arguments, is not async, not a root mutation or subscription, has no exception handler,
  and whose extensions the caller can check inline (`permissions.access_guard`: an
  `AccessExtension` is its rule's `check` on the caller), the graphql-core field gets a resolver
  that does what that chain does for such a field: the check, then ours with the same positional
  `self` and the same keyword `root`/parent/`info` (the same `Info` class strawberry would build),
  or strawberry's default resolver for a field without one. A Relay `id` (`Node._id`, with `root`
  and `info`) of a node type that keeps strawberry's `resolve_id`/`resolve_typename` is built as
  `Node._id` builds it, `GlobalID(path's type name, the NodeID attribute)`, when the source is an
  object of that type and its id a str (anything else goes to `Node._id`), and answered already
  encoded: the text the `ID` scalar would make of that `GlobalID` (graphql-core's `serialize_id`
  calls its `__str__`, strawberry's `to_base64`), remembered per (type name, node id) in a bounded
  table (`encoded_global_id`; a pure function of its key, so shared by all callers). A page of 50
  items has 158 such ids; each was a `GlobalID` built and validated, then base64-encoded. Root
  mutation and subscription fields, and everything else, keep strawberry's path.
  `tests/unit/test_fast_resolvers.py` and `tests/e2e/test_fast_resolvers.py` compare both paths.

`tests/unit/test_library_seams.py` fails with a clear message when the installed strawberry is not
the pinned one or one of these attributes changed shape.
"""

from __future__ import annotations

import inspect
import re
import typing
from collections import OrderedDict
from collections.abc import Callable, Iterator
from functools import cache
from types import ModuleType
from typing import Annotated, Any, ForwardRef, get_origin

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLField,
    GraphQLID,
    GraphQLObjectType,
    GraphQLSchema,
    get_nullable_type,
)
from graphql.validation import ASTValidationRule, specified_rules
from strawberry import Schema
from strawberry.annotation import StrawberryAnnotation
from strawberry.extensions import ValidationCache
from strawberry.types import ExecutionContext, Info
from strawberry.types.nodes import convert_arguments

__all__ = [
    "CHECKED_VERSION",
    "IdentityValidationCache",
    "KnownHooks",
    "PlainMaskingCheck",
    "WithoutFederationCheck",
    "cached_parse",
    "cached_validation",
    "child_fields",
    "encoded_global_id",
    "fast_annotation_evaluation",
    "fast_enum_output",
    "fast_is_type_of",
    "fast_resolvers",
    "field_arguments",
    "graphql_schema",
    "requested_operation_name",
    "strawberry_resolvers",
]

#: The strawberry-graphql release this was read from (requirements.txt pins it).
CHECKED_VERSION = "0.341.2"


def requested_operation_name(context: ExecutionContext) -> str | None:
    """The `operationName` the request carried (None when it named none)."""
    return context._provided_operation_name  # type: ignore[no-any-return]


def graphql_schema(schema: Schema) -> GraphQLSchema:
    """The graphql-core schema strawberry built (what it validates and executes documents against)."""
    built: GraphQLSchema = schema._schema
    return built


def cached_parse(query: str, max_tokens: int, cache_size: int) -> DocumentNode:
    """The document, as a request with `MaxTokensLimiter(max_tokens)` and `ParserCache(cache_size)`
    parses it, through the same cache. Raises the parser's GraphQLError (syntax, too many tokens)."""
    from strawberry.extensions.parser_cache import _get_parse_cache

    document: DocumentNode = _get_parse_cache(cache_size)(query, max_tokens=max_tokens)
    return document


def cached_validation(
    schema: Schema, document: DocumentNode, rules: tuple[type[ASTValidationRule], ...], cache_size: int
) -> list[GraphQLError]:
    """The validation errors a request to `schema` with `AddValidationRules(rules)` and
    `ValidationCache(cache_size)` gets for the document, through the same cache."""
    from strawberry.extensions.validation_cache import _get_validate_cache

    errors: list[GraphQLError] = _get_validate_cache(cache_size)(
        graphql_schema(schema), document, (*specified_rules, *rules)
    )
    return errors


# (id(schema), id(document), rules) -> (schema, document, errors); bounded as strawberry's cache.
_VALIDATED: OrderedDict[tuple[int, int, tuple[type[ASTValidationRule], ...]], tuple[object, object, list[GraphQLError]]]
_VALIDATED = OrderedDict()


class IdentityValidationCache(ValidationCache):
    """strawberry's `ValidationCache`, with its hits found by the parsed document's identity
    (the document strawberry's `ParserCache` returns) instead of hashing the whole document.
    The same errors list strawberry's cache would give (a pure function of schema, document and
    rules); a document not seen here goes through strawberry's cache as before."""

    def __init__(self, maxsize: int) -> None:
        super().__init__(maxsize=maxsize)
        self.maxsize = maxsize

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        schema, document, rules = graphql_schema(context.schema), context.graphql_document, context.validation_rules
        key = (id(schema), id(document), rules)
        found = _VALIDATED.get(key)
        if found is not None and found[0] is schema and found[1] is document:
            errors = found[2]
        else:
            errors = self.cached_validate_document(schema, document, rules)
            _VALIDATED[key] = (schema, document, errors)
            while len(_VALIDATED) > self.maxsize:
                _VALIDATED.popitem(last=False)
        context.pre_execution_errors = errors
        yield


class PlainMaskingCheck:
    """Mixed into a `MaskErrors` subclass: masks a result's errors as strawberry does, testing
    for the `errors` attribute directly (what its runtime-checkable Protocol's `isinstance` tests)."""

    def _process_result(self, result: object) -> None:
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = self._process_errors(errors)  # type: ignore[attr-defined]


def child_fields(info: Info, name: str) -> tuple[FieldNode, ...]:
    """The fields called `name` selected right under this field (not in fragments), in the order
    `info.selected_fields` lists them, from the private `Info._raw_info` it converts from."""
    return tuple(
        child
        for node in info._raw_info.field_nodes
        for child in (node.selection_set.selections if node.selection_set else ())
        if isinstance(child, FieldNode) and child.name.value == name
    )


def field_arguments(info: Info, node: FieldNode) -> dict[str, Any]:
    """A selected field's arguments as `info.selected_fields` gives them (literals as their text,
    variables as this request's values)."""
    return convert_arguments(info._raw_info, node.arguments)


def fast_enum_output(schema: GraphQLSchema) -> None:
    """Remember each enum member's GraphQL name in every strawberry enum type of `schema` (once)."""
    from strawberry.schema.schema_converter import CustomGraphQLEnumType

    for named in schema.type_map.values():
        if isinstance(named, CustomGraphQLEnumType) and "coerce_output_value" not in named.__dict__:
            named.coerce_output_value = _remembering_enum_output(named)  # type: ignore[method-assign,assignment]


def _remembering_enum_output(enum_type: Any) -> Callable[[Any], Any]:
    original: Callable[[Any], Any] = enum_type.coerce_output_value  # strawberry's, bound
    members: type = enum_type.wrapped_cls
    names: dict[int, Any] = {}  # id(member) -> name: members live as long as their class

    def coerce_output_value(value: Any) -> Any:
        if type(value) is not members:
            return original(value)
        name = names.get(id(value))
        if name is None:
            name = names[id(value)] = original(value)
        return name

    return coerce_output_value


def fast_is_type_of(schema: GraphQLSchema) -> int:
    """Give each object type whose `is_type_of` is strawberry's interface check (a type that
    implements an interface, e.g. a Relay node, declaring none of its own) a first test for the
    common case: an object of exactly the type's class, not cast (no `strawberry.cast` mark on
    it). strawberry's check answers True for it (`isinstance` of its own class); anything else
    goes to strawberry's check. The number of types changed. Once per schema."""
    from strawberry.types.base import StrawberryObjectDefinition
    from strawberry.types.cast import TYPE_CAST_ATTRIBUTE

    changed = 0
    for named in schema.type_map.values():
        if not isinstance(named, GraphQLObjectType) or named.is_type_of is None or not named.interfaces:
            continue
        definition = (named.extensions or {}).get(_definition_key())
        if not isinstance(definition, StrawberryObjectDefinition) or definition.is_type_of is not None:
            continue  # a type's own is_type_of is its business
        origin = definition.origin
        if hasattr(origin, TYPE_CAST_ATTRIBUTE) or hasattr(origin, "__getattr__") or hasattr(origin, "__slots__"):
            continue  # the mark could come from elsewhere than the instance's __dict__: strawberry's check
        if getattr(named.is_type_of, "strawberry_is_type_of", None) is not None:
            continue
        named.is_type_of = _exact_class_first(origin, named.is_type_of, TYPE_CAST_ATTRIBUTE)
        changed += 1
    return changed


def _exact_class_first(origin: type, original: Callable[[Any, Any], Any], mark: str) -> Callable[[Any, Any], Any]:
    def is_type_of(obj: Any, info: Any) -> Any:
        if type(obj) is origin and mark not in obj.__dict__:
            return True
        return original(obj, info)

    is_type_of.strawberry_is_type_of = original  # type: ignore[attr-defined]
    return is_type_of


class KnownHooks:
    """Mixed into a `strawberry.Schema` subclass: the extensions' hooks found per class, not per
    request (`_KnownHooksRunner`)."""

    def create_extensions_runner(self, execution_context: ExecutionContext, extensions: list[Any]) -> Any:
        return _known_hooks_runner()(execution_context=execution_context, extensions=extensions)


@cache
def _known_hooks_runner() -> type:
    """strawberry's `SchemaExtensionsRunner` whose four stages' context managers look each hook up
    once per (stage, extension class). strawberry's `get_hook` inspects every extension's method
    and wraps it in a fresh `contextlib.contextmanager` on every request (32 look-ups a request
    for our 8 extensions). A generator hook (all of ours and strawberry's) becomes the same
    `_GeneratorContextManager` over the same function and extension, from a `contextmanager`
    made once; a class without the hook is skipped as strawberry skips it; anything else (plain
    or async hooks) goes to strawberry's `get_hook`. Same hooks, same order, same exit stack."""
    import contextlib
    from functools import partial

    from strawberry.extensions import SchemaExtension
    from strawberry.extensions import context as hook_context
    from strawberry.extensions.runner import SchemaExtensionsRunner

    kinds: dict[tuple[str, type], Callable[..., Any] | str | None] = {}  # str: strawberry's own path

    def get_hook(self: Any, extension: Any) -> Any:
        key = (self.HOOK_NAME, type(extension))
        kind = kinds.get(key)
        if kind is None and key not in kinds:
            hook_fn = getattr(type(extension), self.HOOK_NAME)
            if hook_fn is getattr(SchemaExtension, self.HOOK_NAME):
                kind = None  # strawberry: no hook for this stage
            elif inspect.isgeneratorfunction(hook_fn):
                kind = contextlib.contextmanager(hook_fn)
            else:
                kind = "strawberry"
            kinds[key] = kind
        if kind is None:
            return None
        if isinstance(kind, str):
            return self._strawberry_get_hook(extension)
        return hook_context.WrappedHook(extension=extension, hook=partial(kind, extension), is_async=False)

    def stage(base: Any) -> Any:
        return type(
            base.__name__, (base,), {"__slots__": (), "get_hook": get_hook, "_strawberry_get_hook": base.get_hook}
        )

    operation = stage(hook_context.OperationContextManager)
    validation = stage(hook_context.ValidationContextManager)
    parsing = stage(hook_context.ParsingContextManager)
    executing = stage(hook_context.ExecutingContextManager)

    class Runner(SchemaExtensionsRunner):
        def operation(self) -> Any:
            return operation(self.extensions)

        def validation(self) -> Any:
            return validation(self.extensions)

        def parsing(self) -> Any:
            return parsing(self.extensions)

        def executing(self) -> Any:
            return executing(self.extensions)

    return Runner


class WithoutFederationCheck:
    """Mixed into a `strawberry.Schema` subclass: no federation directive check (we use none)."""

    def _warn_for_federation_directives(self) -> None:
        """strawberry's own `federation.Schema` skips the check the same way."""


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@cache
def _forward_ref(text: str) -> ForwardRef:
    """One ForwardRef per annotation text: it compiles the text once. Safe to share: with no
    local namespace `ForwardRef._evaluate` evaluates again in each caller's namespace."""
    return ForwardRef(text)


@cache
def _names(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_NAME.findall(text)))


def _names_no_lazy_type(text: str, namespace: dict[str, Any]) -> bool:
    """Whether strawberry's `ast` walk would find nothing to add for this annotation text."""
    if "Annotated" in text or "lazy" in text:
        return False
    for name in _names(text):
        value = namespace.get(name)
        if value is None or isinstance(value, type | ModuleType):
            continue  # a class or a module is never an `Annotated` alias
        if get_origin(value) is Annotated:
            return False
    return True


def fast_annotation_evaluation() -> None:
    """Install the short path for string annotations (once; chalicelib/api/__init__.py)."""
    current = StrawberryAnnotation.evaluate
    if getattr(current, "fast_path", False):
        return
    original: Callable[[StrawberryAnnotation], type] = current

    def evaluate(self: StrawberryAnnotation) -> type:
        annotation = self.raw_annotation
        if isinstance(annotation, str):
            namespace = self.namespace or {}
            if _names_no_lazy_type(annotation, namespace):
                evaluated: type = typing._eval_type(_forward_ref(annotation), namespace, None)  # type: ignore[attr-defined]
                return evaluated
        return original(self)

    evaluate.fast_path = True  # type: ignore[attr-defined]
    evaluate.original = original  # type: ignore[attr-defined]
    StrawberryAnnotation.evaluate = evaluate  # type: ignore[method-assign]


#: What `fast_resolvers` asks of the caller for each field extension: a check of the request's
#: context that does exactly what the extension does before it calls the resolver (raising the
#: same error), or None when the extension does anything else (the field keeps strawberry's path).
Guard = Callable[[Any], None]


def fast_resolvers(schema: Schema, guard_of: Callable[[Any], Guard | None]) -> int:
    """Give each eligible field of `schema` a resolver that skips strawberry's per-field wrapper
    (see the module docstring); the number of fields changed. Once per schema."""
    from strawberry.schema.schema_converter import GraphQLCoreConverter

    built = graphql_schema(schema)
    converter = schema.schema_converter
    info_class = schema.config.info_class
    changed = 0
    roots_left_alone = (built.mutation_type, built.subscription_type)  # cost nothing that matters here
    for named in built.type_map.values():
        if not isinstance(named, GraphQLObjectType) or named.name.startswith("__") or named in roots_left_alone:
            continue
        for graphql_field in named.fields.values():
            field = (graphql_field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            original = graphql_field.resolve
            if field is None or original is None or hasattr(original, "strawberry_resolver"):
                continue
            if field.base_resolver is None and not field.extensions:
                continue  # strawberry's basic-field path already (no Info, no extensions)
            fast = _relay_id(field, named, graphql_field, original) or _fast_resolver(
                field, converter, info_class, guard_of
            )
            if fast is None:
                continue
            fast.strawberry_resolver = original  # type: ignore[attr-defined]
            fast._is_default = getattr(original, "_is_default", False)  # type: ignore[attr-defined]
            graphql_field.resolve = fast
            changed += 1
    return changed


def strawberry_resolvers(schema: Schema) -> list[tuple[GraphQLField, Callable[..., Any]]]:
    """Put strawberry's own resolvers back on every field `fast_resolvers` changed; returns what
    to restore (`(field, fast)` pairs) for tests that compare both paths."""
    restored: list[tuple[GraphQLField, Callable[..., Any]]] = []
    for named in graphql_schema(schema).type_map.values():
        if isinstance(named, GraphQLObjectType):
            for graphql_field in named.fields.values():
                original = getattr(graphql_field.resolve, "strawberry_resolver", None)
                if original is not None:
                    restored.append((graphql_field, graphql_field.resolve))
                    graphql_field.resolve = original
    return restored


def _fast_resolver(
    field: Any, converter: Any, info_class: type, guard_of: Callable[[Any], Guard | None]
) -> Callable[..., Any] | None:
    """The direct resolver for one strawberry field, or None when it must keep strawberry's path."""
    if field.arguments or field.is_async or field.is_subscription:
        return None
    if converter._get_field_exception_handlers(field):
        return None
    guards = [guard_of(extension) for extension in field.extensions]
    if any(guard is None for guard in guards):
        return None
    guard: Guard | None = None
    if len(guards) == 1:
        guard = guards[0]
    elif guards:
        return None  # more than one extension: their order matters, left to strawberry
    resolver = field.base_resolver
    if resolver is None:
        if guard is None:
            return None  # strawberry's basic-field path already (no Info, no extensions)
        return _guarded_attribute(guard, field.default_resolver, field.python_name)
    func = resolver.wrapped_func
    if not callable(func):
        return None  # strawberry raises UncallableResolverError on the call: keep that
    takes_self = resolver.self_parameter is not None
    source_names = tuple(p.name for p in (resolver.parent_parameter, resolver.root_parameter) if p is not None)
    info_name = resolver.info_parameter.name if resolver.info_parameter is not None else None
    if takes_self and not source_names and info_name is None:
        return _self_only(guard, func)
    return _general(guard, func, field, info_class, takes_self, source_names, info_name)


def _relay_id(
    field: Any, named: GraphQLObjectType, graphql_field: GraphQLField, original: Callable[..., Any]
) -> Callable[..., Any] | None:
    """A Relay `id` as `Node._id` makes it for a node of the type itself with strawberry's own
    `resolve_id`/`resolve_typename` (its `NodeID` attribute, the path's type name), already encoded
    as the field's `ID` scalar would encode it; or None. Anything else (another source object, an
    id that is not a str) goes to strawberry's resolver."""
    from strawberry.relay import Node
    from strawberry.types.base import StrawberryObjectDefinition

    definition = (named.extensions or {}).get(_definition_key())
    origin = definition.origin if isinstance(definition, StrawberryObjectDefinition) else None
    resolver = field.base_resolver
    if resolver is None or resolver.name != "_id" or origin is None or field.extensions or field.arguments:
        return None
    if get_nullable_type(graphql_field.type) is not GraphQLID:
        return None  # a legacy `GlobalID` scalar or another: its own serialisation, left alone
    if getattr(resolver.wrapped_func, "__func__", None) is not Node._id.__func__:
        return None
    if not issubclass(origin, Node) or any(
        getattr(origin, name).__func__ is not getattr(Node, name).__func__
        for name in ("resolve_id", "resolve_typename")
    ):
        return None
    id_attr = origin.resolve_id_attr()
    encoded = _ENCODED_IDS

    def resolve(_source: Any, info: Any, **_kwargs: Any) -> Any:
        node_id = getattr(_source, id_attr, None) if type(_source) is origin else None
        if type(node_id) is not str:
            return original(_source, info, **_kwargs)
        key = (info.path.typename, node_id)
        text = encoded.get(key)
        if text is None:
            text = encoded_global_id(*key)
        return text

    return resolve


#: (type name, node id) -> the encoded global ID; a pure function of its key, so shared by every
#: request and caller; emptied when full (bounded memory whatever the ids).
_ENCODED_IDS: dict[tuple[str, str], str] = {}
ENCODED_IDS_MAX = 4096


def encoded_global_id(type_name: str, node_id: str) -> str:
    """What the `ID` scalar answers for `GlobalID(type_name, node_id)` (graphql-core's `serialize_id`
    calls its `__str__`, strawberry's `to_base64`), remembered per (type name, node id)."""
    from strawberry.relay import GlobalID

    text = str(GlobalID(type_name=type_name, node_id=node_id))
    if len(_ENCODED_IDS) >= ENCODED_IDS_MAX:
        _ENCODED_IDS.clear()
    _ENCODED_IDS[(type_name, node_id)] = text
    return text


def _definition_key() -> str:
    from strawberry.schema.schema_converter import GraphQLCoreConverter

    return GraphQLCoreConverter.DEFINITION_BACKREF


def _guarded_attribute(guard: Guard, default_resolver: Callable[[Any, str], Any], name: str) -> Callable[..., Any]:
    def resolve(_source: Any, info: Any, **_kwargs: Any) -> Any:
        guard(info.context)
        return default_resolver(_source, name)

    return resolve


def _self_only(guard: Guard | None, func: Callable[..., Any]) -> Callable[..., Any]:
    if guard is None:

        def resolve(_source: Any, info: Any, **_kwargs: Any) -> Any:
            return func(_source)

        return resolve

    def guarded(_source: Any, info: Any, **_kwargs: Any) -> Any:
        guard(info.context)
        return func(_source)

    return guarded


def _general(
    guard: Guard | None,
    func: Callable[..., Any],
    field: Any,
    info_class: type,
    takes_self: bool,
    source_names: tuple[str, ...],
    info_name: str | None,
) -> Callable[..., Any]:
    def resolve(_source: Any, info: Any, **_kwargs: Any) -> Any:
        if guard is not None:
            guard(info.context)
        kwargs: dict[str, Any] = dict.fromkeys(source_names, _source)
        if info_name is not None:
            kwargs[info_name] = info_class(_raw_info=info, _field=field)
        if takes_self:
            return func(_source, **kwargs)
        return func(**kwargs)

    return resolve
