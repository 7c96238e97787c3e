"""Reads for one-off data migrations run by an operator (`python -m infra.migrate`), never by a
request path: finding records written before a field existed needs a Scan, which the request
paths never use (infra/ACCESS_PATTERNS.md). Pages are bounded; the backfills stop at their limit.
"""

from __future__ import annotations

from collections.abc import Iterator

from chalicelib.domain.catalogue import ServiceItem
from chalicelib.storage.codec import decode_as
from chalicelib.storage.tables import Record

SCAN_PAGE = 200


def application_head_ids() -> Iterator[str]:
    """The ids of every case head (a Scan filtered to `APP#…` / `#`, read page by page)."""
    condition = (Record.entity == "Application") & (Record.sk == "#")
    for record in Record.scan(condition, page_size=SCAN_PAGE):
        yield record.pk.removeprefix("APP#")


def certificate_ids() -> Iterator[str]:
    """The ids of every certificate registry record (a Scan filtered to `CERT#…` / `#`)."""
    condition = (Record.entity == "Certificate") & (Record.sk == "#")
    for record in Record.scan(condition, page_size=SCAN_PAGE):
        yield record.pk.removeprefix("CERT#")


def published_items() -> Iterator[ServiceItem]:
    """Every published item, from the `LIST#ALL` listing (Query pages, no Scan)."""
    for record in Record.query("LIST#ALL"):
        yield decode_as(ServiceItem, record.data)
