"""The `/graphql` HTTP endpoint, following the GraphQL-over-HTTP specification.

Synchronous on purpose (Lambda handles one request per process at a time; strawberry's own
Chalice view cannot run async resolvers anyway, see DESIGN.md). Refuses what a public endpoint
must not accept: batches, oversized or deeply nested bodies, GET execution, bad tokens.

Media types (the `Accept` header): `application/graphql-response+json` answers request errors
(parse, validation, variable coercion, no runnable operation) with HTTP 400 and no `data`;
`application/json` (also `*/*` and no `Accept`) keeps the classic behaviour, HTTP 200 with
`data: null` and the errors. Transport errors (bad JSON, missing query, bad token) are 4xx in
both. Other `Accept` values get 406. GET never executes: a query in a URL lands in access logs
and caches with whatever personal data its variables hold, so GET is 405 (`Allow: POST`); only
the local stage answers a plain GET with GraphiQL.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import strawberry
from chalice.app import Request, Response
from graphql import GraphQLError
from strawberry.schema.exceptions import CannotGetOperationTypeError

from chalicelib.api.auth import TOKEN_SCOPE, KeySourceUnavailable, TokenError, principal_from_header
from chalicelib.api.context import RequestContext
from chalicelib.api.errors import BAD_REQUEST, should_mask_error
from chalicelib.api.graphiql import graphiql_page
from chalicelib.api.request_errors import code_uncoded, is_request_error
from chalicelib.config import Settings, get_settings
from chalicelib.startup import collector_paused

log = logging.getLogger(__name__)

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
APPLICATION_JSON = "application/json"
MAX_JSON_DEPTH = 32  # of the request body; the deepest input our schema takes is far shallower
MASKED = "服务内部错误,请稍后重试"


def negotiate(accept: str | None) -> str | None:
    """The response media type for an `Accept` header; None when we can serve none it allows.

    The highest q-value wins, the earlier entry on a tie; `*/*` and `application/*` mean
    `application/json`, and so does a missing header (the spec's advice for legacy clients)."""
    if not accept or not accept.strip():
        return APPLICATION_JSON
    best: tuple[float, str] | None = None
    for part in accept.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        media = media.lower()
        if media == GRAPHQL_RESPONSE_JSON:
            candidate = GRAPHQL_RESPONSE_JSON
        elif media in {APPLICATION_JSON, "application/*", "*/*"}:
            candidate = APPLICATION_JSON
        else:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0 and (best is None or quality > best[0]):
            best = (quality, candidate)
    return best[1] if best else None


def _headers(media: str) -> dict[str, str | list[str]]:
    return {"Content-Type": f"{media}; charset=utf-8", "Cache-Control": "no-store", "Vary": "Accept"}


def _error(status: int, code: str, message: str, media: str = APPLICATION_JSON) -> Response:
    """A request the server refused before executing: no `data` under graphql-response+json,
    `data: null` under application/json (as this API always answered)."""
    body: dict[str, Any] = {"errors": [{"message": message, "extensions": {"code": code}}]}
    if media == APPLICATION_JSON:
        body = {"data": None, **body}
    return Response(json.dumps(body, ensure_ascii=False), status_code=status, headers=_headers(media))


def _too_deep(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Nesting deeper than `limit` (iterative: a recursive walk is the bug it guards against)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth >= limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def _lone_surrogate(value: Any) -> bool:
    """A string holding half of a UTF-16 pair (JSON allows the escape `\\udc80`; UTF-8 cannot
    encode it). Stored, it would break every later answer that contains it, so it never gets in."""
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _parse(request: Request, settings: Settings, media: str) -> dict[str, Any] | Response:
    raw = request.raw_body or b""
    if len(raw) > settings.max_body_bytes:
        return _error(413, "PAYLOAD_TOO_LARGE", f"请求体不能超过{settings.max_body_bytes}字节", media)
    if not raw.strip():
        return _error(400, BAD_REQUEST, "请求体为空,应为包含 query 的 JSON 对象", media)
    try:
        payload = json.loads(raw)
    except RecursionError:
        return _error(400, "JSON_TOO_DEEP", f"请求体 JSON 嵌套超过{MAX_JSON_DEPTH}层", media)
    except (ValueError, UnicodeDecodeError):
        return _error(400, BAD_REQUEST, "请求体不是有效的JSON", media)
    if isinstance(payload, list):
        return _error(400, "BATCHING_NOT_SUPPORTED", "不支持批量查询,请逐个发送", media)
    if _too_deep(payload):
        return _error(400, "JSON_TOO_DEEP", f"请求体 JSON 嵌套超过{MAX_JSON_DEPTH}层", media)
    if _lone_surrogate(payload):
        return _error(400, "INVALID_UNICODE", "请求中含有无效的 Unicode 字符(孤立的代理项)", media)
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return _error(400, BAD_REQUEST, "请求须包含 query 字符串", media)
    if not payload["query"].strip():
        return _error(400, BAD_REQUEST, "query 不能为空", media)
    if payload.get("variables") is not None and not isinstance(payload["variables"], dict):
        return _error(400, BAD_REQUEST, "variables 必须是对象", media)
    if payload.get("operationName") is not None and not isinstance(payload["operationName"], str):
        return _error(400, BAD_REQUEST, "operationName 必须是字符串", media)
    if payload.get("extensions") is not None and not isinstance(payload["extensions"], dict):
        return _error(400, BAD_REQUEST, "extensions 必须是对象", media)
    return payload


def caller_key(request: Request, subject: str | None) -> str:
    """Who a rate limit counts against: the signed-in account, else the source address."""
    if subject:
        return f"user:{subject}"
    identity = (request.context or {}).get("identity") or {}
    return f"ip:{identity.get('sourceIp') or 'unknown'}"


@lru_cache(maxsize=1)
def _schema_builder() -> Callable[[Settings], strawberry.Schema]:
    """`build_schema`, imported by the first GraphQL request rather than by `import app`: every
    domain's GraphQL types are most of our start-up, and the scheduled functions and the other
    routes never need them. Imported with the collector paused, as `import app` (chalicelib/startup.py)."""
    with collector_paused():
        from chalicelib.api.schema import build_schema
    return build_schema


def schema_for(settings: Settings) -> strawberry.Schema:
    """The schema for these settings (built once per process: `build_schema` caches it)."""
    return _schema_builder()(settings)


def _full_schema_built() -> bool:
    schema = sys.modules.get("chalicelib.api.schema")
    return schema is not None and schema.build_schema.cache_info().currsize > 0


def schema_for_document(query: str, settings: Settings) -> strawberry.Schema:
    """The schema that answers this document: until the process has built the full schema, the
    one domain's part it belongs to, when there is one (api/schema_parts.py: a cold process's
    public catalogue page never imports the other domains' types); the full schema otherwise.
    Both give the same answer; once the full schema exists it answers everything."""
    if not _full_schema_built():
        from chalicelib.api.schema_parts import part_for

        part = part_for(query, settings)
        if part is not None:
            return part
    return schema_for(settings)


def graphql_response(request: Request, settings: Settings | None = None) -> Response:
    settings = settings or get_settings()
    media = negotiate(request.headers.get("accept"))
    if request.method == "GET":
        if settings.is_local and not (request.query_params or {}):
            return graphiql_page()
        response = _error(405, "METHOD_NOT_ALLOWED", "请使用 POST 发送 GraphQL 请求", media or APPLICATION_JSON)
        response.headers["Allow"] = "POST"
        return response
    if media is None:
        return _error(406, "NOT_ACCEPTABLE", f"只能以 {GRAPHQL_RESPONSE_JSON} 或 {APPLICATION_JSON} 应答")
    if not request.headers.get("content-type"):
        return _error(415, "UNSUPPORTED_MEDIA_TYPE", "请求须带 Content-Type: application/json", media)
    parsed = _parse(request, settings, media)
    if isinstance(parsed, Response):
        return parsed
    try:
        principal = principal_from_header(request.headers.get("authorization"), settings)
        if principal.is_staff and principal.subject is not None:  # else `standing` has nothing to check
            from chalicelib.services.staff import standing  # staff only: the public never loads it

            refusal, principal = standing(principal)  # token claims vs the staff record (seed 004 三(二))
            if refusal is not None:
                raise TokenError(TOKEN_SCOPE, refusal)
    except TokenError as error:
        response = _error(401, error.code, str(error), media)
        response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    except KeySourceUnavailable as error:
        log.error("JWT key set unavailable: %s", error.__cause__)
        return _error(503, error.code, str(error), media)
    operation_name = parsed.get("operationName")
    try:
        result = schema_for_document(parsed["query"], settings).execute_sync(
            parsed["query"],
            variable_values=parsed.get("variables"),
            context_value=RequestContext(
                principal=principal, settings=settings, caller_key=caller_key(request, principal.subject)
            ),
            operation_name=operation_name,
        )
    except (GraphQLError, CannotGetOperationTypeError):  # unknown operationName, no operation
        message = f"文档中没有名为 {operation_name} 的操作" if operation_name else "文档中没有可执行的操作"
        return _error(400, BAD_REQUEST, message, media)
    errors = [_safe(error) for error in result.errors or []]
    request_error = is_request_error(result.data, errors)
    if request_error:
        code_uncoded(errors)
    if media == GRAPHQL_RESPONSE_JSON and request_error:
        body: dict[str, Any] = {"errors": [error.formatted for error in errors]}
        return Response(json.dumps(body, ensure_ascii=False), status_code=400, headers=_headers(media))
    body = {"data": result.data}
    if errors:
        body["errors"] = [error.formatted for error in errors]
    return Response(json.dumps(body, ensure_ascii=False), status_code=200, headers=_headers(media))


def _safe(error: GraphQLError) -> GraphQLError:
    """Last net under MaskErrors: strawberry returns an error raised outside execution (e.g. by a
    validation rule) without masking it; its text would reach the caller raw."""
    if not should_mask_error(error):
        return error
    return GraphQLError(MASKED, nodes=error.nodes, path=error.path, extensions={"code": "INTERNAL_ERROR"})
