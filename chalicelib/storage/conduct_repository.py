"""The staff conduct ledger and 通报 bulletins (see infra/ACCESS_PATTERNS.md).

CONDUCT#<staff>      / <at>#<id>     a person's violation   GSI1: CONDUCTS#<year> / <at>#<staff>
CONDUCTSEQ#<staff>   / <year>        incidents so far this year (revision-guarded, like the unit ledger)
CHARGE#<key>         / #             an automatic charge's proof key (create-only: charged once)
BULLETIN#<centre>    / <at>#<id>     a published 通报        GSI1: BULLETINS / <at>#<id>
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from chalicelib.domain import application as da
from chalicelib.domain import conduct as dc
from chalicelib.domain.bulletin import Bulletin
from chalicelib.domain.conduct import StaffViolation
from chalicelib.storage.codec import decode_as, encode
from chalicelib.storage.pagination import Page, query_page
from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import UnitOfWork


def _year(at: str) -> int:
    return da.china_date(datetime.fromisoformat(at)).year


class ConductRepository:
    def charged(self, key: str) -> bool:
        """Whether the automatic charge proved by `key` was written already (one GetItem)."""
        try:
            Record.get(f"CHARGE#{key}", "#")
        except Record.DoesNotExist:
            return False
        return True

    def stage_charge_key(self, uow: UnitOfWork, key: str, violation_id: str) -> None:
        """Create-only: a racing second charge for the same proof fails its whole transaction."""
        uow.create(Record(f"CHARGE#{key}", "#", entity="ChargeKey", data=violation_id))

    def stage(self, uow: UnitOfWork, violation: StaffViolation) -> StaffViolation:
        """Number the incident within the person's year and write it (one GetItem)."""
        year = _year(violation.at)
        try:
            counter = Record.get(f"CONDUCTSEQ#{violation.staff_id}", str(year))
            count, rev = int(counter.data["count"]), int(counter.rev)
        except Record.DoesNotExist:
            count, rev = 0, 0
        count += 1
        numbered = replace(violation, ordinal=count, consequence=dc.consequence_for(count))
        uow.create(
            Record(
                f"CONDUCT#{numbered.staff_id}",
                f"{numbered.at}#{numbered.id}",
                entity="StaffViolation",
                data=encode(numbered),
                gsi1pk=f"CONDUCTS#{year}",
                gsi1sk=f"{numbered.at}#{numbered.staff_id}",
            )
        )
        record = Record(f"CONDUCTSEQ#{numbered.staff_id}", str(year), entity="ConductCount", data={"count": count})
        if rev:
            uow.replace(record, rev)
        else:
            uow.create(record)
        return numbered

    def of_staff(self, staff_id: str, first: int, after: str | None) -> Page[StaffViolation]:
        page = query_page(f"CONDUCT#{staff_id}", first=first, after=after, forward=False)
        return _page(page, StaffViolation)

    def of_year(self, year: int, first: int, after: str | None) -> Page[StaffViolation]:
        page = query_page(f"CONDUCTS#{year}", first=first, after=after, index="GSI1")
        return _page(page, StaffViolation)

    # --- bulletins --------------------------------------------------------------------------------

    def stage_bulletin(self, uow: UnitOfWork, bulletin: Bulletin) -> None:
        uow.create(
            Record(
                f"BULLETIN#{bulletin.centre_id}",
                f"{bulletin.at}#{bulletin.id}",
                entity="Bulletin",
                data=encode(bulletin),
                gsi1pk="BULLETINS",
                gsi1sk=f"{bulletin.at}#{bulletin.id}",
            )
        )

    def bulletins(self, centre_id: str | None, first: int, after: str | None) -> Page[Bulletin]:
        if centre_id:
            page = query_page(f"BULLETIN#{centre_id}", first=first, after=after, forward=False)
        else:
            page = query_page("BULLETINS", first=first, after=after, index="GSI1", forward=False)
        return _page(page, Bulletin)


def _page(page: Page[Record], cls: type) -> Page:  # type: ignore[type-arg]
    return Page([(decode_as(cls, r.data), c) for r, c in page.items], page.has_next_page, page.end_cursor)
