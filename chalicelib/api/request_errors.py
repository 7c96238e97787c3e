"""Request errors (the document or its variables are wrong) get a code and never a crash.

GraphQL-over-HTTP calls an error *before* execution a request error: the document does not
parse, does not validate, names no runnable operation, or its variables do not coerce. Such a
response has no `data`, and under `application/graphql-response+json` the view answers it with
HTTP 400 (see `chalicelib/api/view.py`). This module gives each kind its code:

- `GRAPHQL_PARSE_FAILED`: syntax error (also too many tokens);
- `GRAPHQL_VALIDATION_FAILED`: unknown field or fragment, wrong argument, depth or alias limit;
- `OPERATION_NAME_REQUIRED`: several operations and no `operationName` (strawberry would
  silently run the first one; the GraphQL spec says this is an error);
- `BAD_USER_INPUT`: a variable of the wrong type, a missing required variable, an unknown input
  field.

Their text reaches staff and applicants through the front ends, so each is answered in Chinese
first (`MESSAGES`), with graphql-core's English detail kept after it for the developer (it names
the variable, the path and the expected type). Chalice's own 415 for a wrong `Content-Type` on
`/graphql` is rewritten to the shape of every other refusal (`unsupported_media_type`).

It also keeps strawberry's depth and alias limiters from crashing on documents the standard
rules reject anyway (an unknown fragment raised `KeyError` and answered its raw text; a fragment
cycle recursed without end).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from chalice.app import Request, Response
from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    ValidationContext,
    visit,
)
from graphql.language import Visitor
from graphql.validation import ASTValidationRule
from strawberry.extensions import SchemaExtension

from chalicelib.api._strawberry_seam import requested_operation_name

PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
OPERATION_NAME_REQUIRED = "OPERATION_NAME_REQUIRED"
BAD_USER_INPUT = "BAD_USER_INPUT"


# What a staff member or applicant reads first; graphql-core's English detail follows it.
MESSAGES = {
    PARSE_FAILED: "请求的 GraphQL 文档有语法错误",
    VALIDATION_FAILED: "请求的 GraphQL 文档不符合接口定义",
    BAD_USER_INPUT: "请求变量的类型或取值不符合要求",
}
UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
UNSUPPORTED_MEDIA_TYPE_MESSAGE = "请求须带 Content-Type: application/json"


def _chinese_first(message: str) -> bool:
    return bool(message) and "\u4e00" <= message[0] <= "\u9fff"


def _code(errors: list[GraphQLError] | None, code: str) -> None:
    for error in errors or []:
        if not (error.extensions or {}).get("code"):
            error.extensions = {**(error.extensions or {}), "code": code}
            if code in MESSAGES and not _chinese_first(error.message):
                error.message = f"{MESSAGES[code]}:{error.message}"


def unsupported_media_type(request: Request) -> Response:
    """Chalice refuses a `/graphql` body of another content type before our view runs, with its own
    `{"Code", "Message"}` body: answer it as the view answers a missing `Content-Type` instead."""
    from chalicelib.api.view import APPLICATION_JSON, _error, negotiate

    media = negotiate(request.headers.get("accept")) or APPLICATION_JSON
    return _error(415, UNSUPPORTED_MEDIA_TYPE, UNSUPPORTED_MEDIA_TYPE_MESSAGE, media)


def is_chalice_media_type_refusal(request: Request, response: Response) -> bool:
    """Chalice's own 415 on the GraphQL route (ours already carries `errors`)."""
    path = (request.context or {}).get("resourcePath") or request.path
    return (
        response.status_code == 415
        and path == "/graphql"
        and isinstance(response.body, dict)
        and response.body.get("Code") == "UnsupportedMediaType"
    )


def code_uncoded(errors: list[GraphQLError]) -> None:
    """For request errors that bypassed the hooks: strawberry's ParserCache parses before the
    parse hooks yield, so a syntax error leaves through strawberry's catch-all, uncoded."""
    for error in errors:
        if not (error.extensions or {}).get("code"):
            _code([error], PARSE_FAILED if isinstance(error, GraphQLSyntaxError) else VALIDATION_FAILED)


def is_request_error(data: Any, errors: list[GraphQLError] | None) -> bool:
    """No data and no error tied to a field: nothing was executed."""
    return data is None and bool(errors) and all(error.path is None for error in errors or [])


class RequestErrorCodes(SchemaExtension):
    """Codes request errors by the phase that found them; refuses ambiguous documents."""

    def on_parse(self) -> Iterator[None]:
        yield
        context = self.execution_context
        _code(context.pre_execution_errors, PARSE_FAILED)
        document = context.graphql_document
        if document is None or context.pre_execution_errors:
            return
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if len(operations) > 1 and requested_operation_name(context) is None:
            raise GraphQLError(
                "文档包含多个操作,请用 operationName 指定要执行的一个",
                extensions={"code": OPERATION_NAME_REQUIRED},
            )

    def on_validate(self) -> Iterator[None]:
        yield
        _code(self.execution_context.pre_execution_errors, VALIDATION_FAILED)

    def on_execute(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and is_request_error(result.data, result.errors):
            _code(result.errors, BAD_USER_INPUT)


def fragments_are_sound(document: DocumentNode) -> bool:
    """Every spread names a defined fragment and no fragment reaches itself."""
    spreads: dict[str | None, set[str]] = {}
    current: list[str | None] = [None]

    class Collect(Visitor):
        def enter_fragment_definition(self, node: FragmentDefinitionNode, *_: Any) -> None:
            current[0] = node.name.value
            spreads.setdefault(current[0], set())

        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            current[0] = None

        def enter_fragment_spread(self, node: FragmentSpreadNode, *_: Any) -> None:
            spreads.setdefault(current[0], set()).add(node.name.value)

    visit(document, Collect())
    defined = {d.name.value for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    if any(name not in defined for names in spreads.values() for name in names):
        return False
    done: set[str] = set()
    for start in defined:  # iterative depth-first search for a cycle
        if start in done:
            continue
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(spreads.get(start, ())))]
        on_path = {start}
        while stack:
            name, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                on_path.discard(name)
                done.add(name)
            elif child in on_path:
                return False
            elif child not in done:
                on_path.add(child)
                stack.append((child, iter(spreads.get(child, ()))))
    return True


def guarded(rule: type[ASTValidationRule]) -> type[ASTValidationRule]:
    """`rule` runs only on documents whose fragments are sound; on the others the standard rules
    (KnownFragmentNames, NoFragmentCycles) already report the problem with a proper message."""

    class Guarded(ASTValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.inner = rule(context) if fragments_are_sound(context.document) else None

        def __getattr__(self, name: str) -> Any:
            inner = self.__dict__.get("inner")
            if inner is None or not name.startswith(("enter", "leave")):
                raise AttributeError(name)
            return getattr(inner, name)

    Guarded.__name__ = f"Guarded{rule.__name__}"
    return Guarded
