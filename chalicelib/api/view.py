"""The `/graphql` HTTP endpoint: one JSON request in, one JSON response out.

Synchronous on purpose (Lambda handles one request per process at a time; strawberry's own
Chalice view cannot run async resolvers anyway, see DESIGN.md). Refuses what a public endpoint
must not accept: batches, oversized bodies, GET execution, bad tokens.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from chalice.app import Request, Response
from graphql import GraphQLError
from strawberry.schema.exceptions import CannotGetOperationTypeError

from chalicelib.api.auth import TOKEN_SCOPE, TokenError, principal_from_header
from chalicelib.api.context import RequestContext
from chalicelib.api.errors import BAD_REQUEST
from chalicelib.api.schema import build_schema
from chalicelib.config import Settings, get_settings
from chalicelib.services.staff import standing

log = logging.getLogger(__name__)

_GRAPHIQL = """<!doctype html><html><head><meta charset="utf-8"><title>统一审批平台 GraphiQL</title>
<link rel="stylesheet" href="https://unpkg.com/graphiql@3/graphiql.min.css"></head>
<body style="margin:0"><div id="g" style="height:100vh"></div>
<script src="https://unpkg.com/react@18/umd/react.production.min.js"></script>
<script src="https://unpkg.com/react-dom@18/umd/react-dom.production.min.js"></script>
<script src="https://unpkg.com/graphiql@3/graphiql.min.js"></script>
<script>ReactDOM.createRoot(document.getElementById('g')).render(React.createElement(GraphiQL,
{fetcher: GraphiQL.createFetcher({url: location.pathname})}));</script></body></html>"""

JSON_HEADERS: dict[str, str | list[str]] = {
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "no-store",
}


def _error(status: int, code: str, message: str) -> Response:
    body = {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]}
    return Response(json.dumps(body, ensure_ascii=False), status_code=status, headers=dict(JSON_HEADERS))


def _parse(request: Request, settings: Settings) -> dict[str, Any] | Response:
    raw = request.raw_body or b""
    if len(raw) > settings.max_body_bytes:
        return _error(413, "PAYLOAD_TOO_LARGE", f"请求体不能超过{settings.max_body_bytes}字节")
    try:
        payload = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError):
        return _error(400, BAD_REQUEST, "请求体不是有效的JSON")
    if isinstance(payload, list):
        return _error(400, "BATCHING_NOT_SUPPORTED", "不支持批量查询,请逐个发送")
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return _error(400, BAD_REQUEST, "请求须包含 query 字符串")
    if payload.get("variables") is not None and not isinstance(payload["variables"], dict):
        return _error(400, BAD_REQUEST, "variables 必须是对象")
    if payload.get("operationName") is not None and not isinstance(payload["operationName"], str):
        return _error(400, BAD_REQUEST, "operationName 必须是字符串")
    return payload


def caller_key(request: Request, subject: str | None) -> str:
    """Who a rate limit counts against: the signed-in account, else the source address."""
    if subject:
        return f"user:{subject}"
    identity = (request.context or {}).get("identity") or {}
    return f"ip:{identity.get('sourceIp') or 'unknown'}"


def graphql_response(request: Request, settings: Settings | None = None) -> Response:
    settings = settings or get_settings()
    if request.method == "GET":
        if settings.is_local:
            html: dict[str, str | list[str]] = {"Content-Type": "text/html; charset=utf-8"}
            return Response(_GRAPHIQL, headers=html)
        return _error(405, "METHOD_NOT_ALLOWED", "请使用 POST 发送 GraphQL 请求")
    parsed = _parse(request, settings)
    if isinstance(parsed, Response):
        return parsed
    try:
        principal = principal_from_header(request.headers.get("authorization"), settings)
        refusal, principal = standing(principal)  # token claims vs the staff record (seed 004 三(二))
        if refusal is not None:
            raise TokenError(TOKEN_SCOPE, refusal)
    except TokenError as error:
        response = _error(401, error.code, str(error))
        response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    try:
        result = build_schema(settings).execute_sync(
            parsed["query"],
            variable_values=parsed.get("variables"),
            context_value=RequestContext(
                principal=principal, settings=settings, caller_key=caller_key(request, principal.subject)
            ),
            operation_name=parsed.get("operationName"),
        )
    except (GraphQLError, CannotGetOperationTypeError) as error:  # unknown operationName, no operation
        return _error(400, BAD_REQUEST, f"请求中没有可执行的操作:{error}")
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [error.formatted for error in result.errors]
    return Response(json.dumps(body, ensure_ascii=False), status_code=200, headers=dict(JSON_HEADERS))
