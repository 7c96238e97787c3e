"""Keyword input for catalogue search: trimmed, length-limited, case-folded."""

from __future__ import annotations

from chalicelib.api.errors import BAD_REQUEST, ApiError

MAX_KEYWORD = 50


def normalise_keyword(keyword: str | None) -> str | None:
    if keyword is None or not keyword.strip():
        return None
    if len(keyword) > MAX_KEYWORD:
        raise ApiError(BAD_REQUEST, f"关键字不能超过{MAX_KEYWORD}个字符", field="keyword")
    return keyword.strip().casefold()
