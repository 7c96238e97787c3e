"""`GET /status-lists/{bureau}` and `GET /seal-registry`: the downloadable offline kit (issue 13).

Public and cacheable, no personal data: the status list names licence references and statuses
only, signed by the bureau's registered seal (`application/jose`, a compact JWS); the registry
export carries the seal certificates, their validity and legal basis (seed 003 二(七)). A bureau
the registry does not list gets the same 404 as any unknown path segment. Status lists count
against the caller's public per-minute limit (each one is a Query and a signature).
"""

from __future__ import annotations

import json
import re
from typing import Any

from chalice.app import Request, Response

from chalicelib.api.context import RequestContext
from chalicelib.config import Settings, get_settings
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import ANONYMOUS
from chalicelib.services.offline_kit import STATUS_LIST_MAX_AGE, StatusListService

_BUREAU = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
_JSON = "application/json; charset=utf-8"


def _error(status: int, code: str, message: str) -> Response:
    body = json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False)
    return Response(body, status_code=status, headers={"Content-Type": _JSON, "Cache-Control": "no-store"})


def _cacheable(body: str, content_type: str) -> dict[str, Any]:
    return {
        "body": body,
        "status_code": 200,
        "headers": {
            "Content-Type": content_type,
            "Cache-Control": f"public, max-age={STATUS_LIST_MAX_AGE}",
            "X-Content-Type-Options": "nosniff",
        },
    }


def handle_status_list(bureau: str, request: Request, settings: Settings | None = None) -> Response:
    if not isinstance(bureau, str) or not _BUREAU.fullmatch(bureau):
        return _error(404, "NOT_FOUND", "没有该发证机关的状态列表")
    source = (request.context or {}).get("identity", {}).get("sourceIp") or "unknown"
    context = RequestContext(principal=ANONYMOUS, settings=settings or get_settings(), caller_key=f"ip:{source}")
    try:
        context.public_limit.count("status-list", context.caller_key)
    except DomainError as error:
        return _error(429, error.violations[0].code, error.violations[0].message)
    token = StatusListService().signed_list(bureau)
    if token is None:
        return _error(404, "NOT_FOUND", "没有该发证机关的状态列表")
    return Response(**_cacheable(token, "application/jose"))


def handle_seal_registry() -> Response:
    document = StatusListService.registry_export()
    if document is None:
        return _error(503, "SEAL_REGISTRY_UNAVAILABLE", "印章登记册暂不可用")
    return Response(**_cacheable(json.dumps(document, ensure_ascii=False), _JSON))


__all__ = ["handle_seal_registry", "handle_status_list"]
