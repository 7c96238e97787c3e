"""Supervision storage: warnings and the violation ledger.

Key scheme (see infra/ACCESS_PATTERNS.md):
    WARN#<subject> / <kind>:<ref>:<due>:<level>   a warning (create-only: stored once)
                    GSI1: WARNINGS#<department> / <raised_at>#<subject>   a department's warnings
    VIOLATION#<department> / <at>#<case>#<kind>    the ledger of one department
                    GSI1: VIOLATIONS#<year> / <at>#<department>#<case>  every department's year
    VIOLSEQ#<department> / <year>                  violations so far this year (revision-guarded)

A violation's ordinal in its department's year is fixed when it is written: the year counter is
read and replaced at its revision in the same transaction, so two racing violations cannot both
be "the first".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from pynamodb.expressions.operand import Path

from chalicelib.domain import application as da
from chalicelib.domain import supervision as ds
from chalicelib.domain.supervision import SupervisionWarning, Violation
from chalicelib.storage.codec import decode_as, encode
from chalicelib.storage.pagination import Page, query_page
from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import UnitOfWork


def _year(at: str) -> int:
    return da.china_date(datetime.fromisoformat(at)).year


def violation_sk(violation: Violation) -> str:
    return f"{violation.at}#{violation.application_id}#{violation.kind}"


class SupervisionRepository:
    # --- warnings --------------------------------------------------------------------------------

    def warning(self, subject_id: str, key: str) -> tuple[SupervisionWarning, int] | None:
        try:
            record = Record.get(f"WARN#{subject_id}", key)
        except Record.DoesNotExist:
            return None
        return decode_as(SupervisionWarning, record.data), int(record.rev)

    def _warning_record(self, warning: SupervisionWarning) -> Record:
        return Record(
            f"WARN#{warning.subject_id}",
            warning.key,
            entity="Warning",
            data=encode(warning),
            gsi1pk=f"WARNINGS#{warning.department_id or 'applicant'}",
            gsi1sk=f"{warning.raised_at}#{warning.subject_id}",
        )

    def stage_warning(self, uow: UnitOfWork, warning: SupervisionWarning) -> None:
        uow.create(self._warning_record(warning))

    def stage_warning_update(self, uow: UnitOfWork, warning: SupervisionWarning, rev: int) -> None:
        uow.replace(self._warning_record(warning), rev)

    def warnings(self, department_id: str, first: int, after: str | None) -> Page[SupervisionWarning]:
        """A department's warnings, newest first (one Query)."""
        page = query_page(f"WARNINGS#{department_id}", first=first, after=after, index="GSI1", forward=False)
        return Page(
            [(decode_as(SupervisionWarning, r.data), c) for r, c in page.items], page.has_next_page, page.end_cursor
        )

    # --- violations ------------------------------------------------------------------------------

    def stage_violations(self, uow: UnitOfWork, violations: Iterable[Violation]) -> list[Violation]:
        """Number each department's incidents within its year and write their violations (one
        GetItem per department concerned, usually one). Call once per change."""
        by_key: dict[tuple[str, int], list[Violation]] = {}
        for v in violations:
            by_key.setdefault((v.department_id, _year(v.at)), []).append(v)
        written: list[Violation] = []
        for (subject, year), group in sorted(by_key.items()):
            try:
                counter = Record.get(f"VIOLSEQ#{subject}", str(year))
                count, rev = int(counter.data["count"]), int(counter.rev)
            except Record.DoesNotExist:
                count, rev = 0, 0
            # One lapse is one incident: violations a single change records for one department
            # (a missed deadline and its ignored warning) share their number, so a department's
            # first lapse of the year is a notice even when it breaks two rules at once.
            count += 1
            for v in group:
                numbered = replace(v, ordinal=count, escalation=ds.escalation_for(count))
                uow.create(self._violation_record(numbered))
                written.append(numbered)
            record = Record(f"VIOLSEQ#{subject}", str(year), entity="ViolationCount", data={"count": count})
            if rev:
                uow.replace(record, rev)
            else:
                uow.create(record)
        return written

    def _violation_record(self, violation: Violation) -> Record:
        sk = violation_sk(violation)
        return Record(
            f"VIOLATION#{violation.department_id}",
            sk,
            entity="Violation",
            data=encode(violation),
            gsi1pk=f"VIOLATIONS#{_year(violation.at)}",
            gsi1sk=f"{violation.at}#{violation.department_id}#{violation.application_id}",
        )

    def violation(self, subject: str, sk: str) -> tuple[Violation, int] | None:
        try:
            record = Record.get(f"VIOLATION#{subject}", sk)
        except Record.DoesNotExist:
            return None
        return decode_as(Violation, record.data), int(record.rev)

    def stage_violation_update(self, uow: UnitOfWork, violation: Violation, rev: int) -> None:
        uow.replace(self._violation_record(violation), rev)

    def ledger(self, year: int, department_id: str | None, first: int, after: str | None) -> Page[Violation]:
        """A year's violations in time order: of one department, or of all (one Query per page)."""
        if department_id:
            low, high = ds.china_year_bounds(year)
            page = query_page(
                f"VIOLATION#{department_id}", first=first, after=after, range_condition=Path("SK").between(low, high)
            )
        else:
            page = query_page(f"VIOLATIONS#{year}", first=first, after=after, index="GSI1")
        return Page([(decode_as(Violation, r.data), c) for r, c in page.items], page.has_next_page, page.end_cursor)
