"""一把手督办 records (see infra/ACCESS_PATTERNS.md).

HEADOVERSIGHT#<application> / #                 the flag on a case (create-only)
HEADWORK#<head staff>   / <flagged_at>#<application>   the head's own worklist
"""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.domain.oversight import Oversight
from chalicelib.storage.codec import decode_as, encode
from chalicelib.storage.pagination import Page, query_page
from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import UnitOfWork


class OversightRepository:
    def stage(self, uow: UnitOfWork, oversight: Oversight) -> None:
        data = encode(oversight)
        uow.create(Record(f"HEADOVERSIGHT#{oversight.application_id}", "#", entity="Oversight", data=data))
        sk = f"{oversight.flagged_at}#{oversight.application_id}"
        uow.create(Record(f"HEADWORK#{oversight.head_staff_id}", sk, entity="HeadWork", data=data))

    def of_cases(self, application_ids: Iterable[str]) -> dict[str, Oversight]:
        keys = [(f"HEADOVERSIGHT#{i}", "#") for i in sorted(set(application_ids))]
        out: dict[str, Oversight] = {}
        for i in range(0, len(keys), 100):
            for record in Record.batch_get(keys[i : i + 100]):
                found = decode_as(Oversight, record.data)
                out[found.application_id] = found
        return out

    def of_head(self, staff_id: str, first: int, after: str | None) -> Page[Oversight]:
        page = query_page(f"HEADWORK#{staff_id}", first=first, after=after)
        return Page([(decode_as(Oversight, r.data), c) for r, c in page.items], page.has_next_page, page.end_cursor)
