"""Local tuning storage (seed 003 二(五)1).

Key scheme (see infra/ACCESS_PATTERNS.md):
    TUNING#<item code>@<centre> / #    a centre's tuning of a delegated item (revision-guarded)
                    GSI1: TUNINGS#<centre> / <item code>     a centre's tunings
"""

from __future__ import annotations

from chalicelib.domain.local_tuning import LocalTuning
from chalicelib.storage.codec import decode_as, encode
from chalicelib.storage.pagination import Page, query_page
from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import UnitOfWork

HEAD = "#"


class TuningRepository:
    def get(self, item_code: str, centre_id: str) -> tuple[LocalTuning, int] | None:
        try:
            record = Record.get(f"TUNING#{item_code}@{centre_id}", HEAD)
        except Record.DoesNotExist:
            return None
        return decode_as(LocalTuning, record.data), int(record.rev)

    def of_centre(self, centre_id: str, first: int, after: str | None) -> Page[LocalTuning]:
        page = query_page(f"TUNINGS#{centre_id}", first=first, after=after, index="GSI1")
        return Page([(decode_as(LocalTuning, r.data), c) for r, c in page.items], page.has_next_page, page.end_cursor)

    def stage(self, uow: UnitOfWork, tuning: LocalTuning, rev: int | None) -> None:
        record = Record(
            f"TUNING#{tuning.item_code}@{tuning.centre_id}",
            HEAD,
            entity="LocalTuning",
            data=encode(tuning),
            gsi1pk=f"TUNINGS#{tuning.centre_id}",
            gsi1sk=tuning.item_code,
        )
        if rev is None:
            uow.create(record)
        else:
            uow.replace(record, rev)
