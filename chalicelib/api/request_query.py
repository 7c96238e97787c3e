"""A request's query string as a plain mapping (Chalice gives None when there is none)."""

from __future__ import annotations

from collections.abc import Mapping

from chalice.app import Request


def query(request: Request) -> Mapping[str, str]:
    params: Mapping[str, str] | None = request.query_params
    return params or {}
