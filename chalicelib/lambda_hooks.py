"""Where each Lambda invocation starts and ends, for the logs (app.py wires these in).

- `http_middleware` (Chalice middleware for every HTTP route): the request's log lines carry
  API Gateway's request id as `correlation_id` (the id in API Gateway's access log and in the
  `x-request-id` header answered to the caller), plus method and path. Chalice's own 415 on
  `/graphql` gets the GraphQL error shape (`chalicelib/api/request_errors.py`).
- `scheduled`: a scheduled run's lines carry the Lambda request id and the function.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from chalice.app import Request, Response

from chalicelib import observability


def in_lambda() -> bool:
    return bool(os.environ.get("AWS_LAMBDA_FUNCTION_NAME"))


def http_middleware(event: Request, get_response: Callable[[Request], Response]) -> Response:
    context = event.context or {}
    request_id = context.get("requestId") or None
    with observability.scope(request_id, method=event.method, path=context.get("resourcePath") or event.path):
        response = get_response(event)
    if response.status_code == 415:  # Chalice's own refusal of a content type: our error shape on /graphql
        from chalicelib.api.request_errors import is_chalice_media_type_refusal, unsupported_media_type

        if is_chalice_media_type_refusal(event, response):
            response = unsupported_media_type(event)
    if request_id:
        response.headers.setdefault("x-request-id", request_id)
    return response


@contextmanager
def scheduled(event: Any, function: str) -> Iterator[None]:
    lambda_context = getattr(event, "context", None)
    request_id = getattr(lambda_context, "aws_request_id", None)
    with observability.scope(request_id, function=function):
        yield
