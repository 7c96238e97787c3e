"""Reads for one-off data migrations run by an operator (`python -m infra.migrate`), never by a
request path: finding records written before a field existed needs a Scan, which the request
paths never use (infra/ACCESS_PATTERNS.md). Each page is bounded and resumable from its cursor.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from chalicelib.domain.catalogue import ServiceItem
from chalicelib.storage.codec import decode_as
from chalicelib.storage.tables import Record

SCAN_PAGE = 200


def application_head_ids(start: dict[str, Any] | None = None) -> Iterator[tuple[str, dict[str, Any] | None]]:
    """The ids of every case head, each with the scan position after it (paged Scan, filtered to
    `APP#…` / `#`)."""
    condition = (Record.entity == "Application") & (Record.sk == "#")
    result = Record.scan(condition, page_size=SCAN_PAGE, last_evaluated_key=start)
    for record in result:
        yield record.pk.removeprefix("APP#"), result.last_evaluated_key


def published_items() -> Iterator[ServiceItem]:
    """Every published item, from the `LIST#ALL` listing (Query pages, no Scan)."""
    for record in Record.query("LIST#ALL"):
        yield decode_as(ServiceItem, record.data)
