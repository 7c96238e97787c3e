"""Renewal (延续, Administrative Licensing Law art. 50) storage: the licence's latest renewal case
and the sweep's due day, derived from the case like its other projections.

Key scheme (see infra/ACCESS_PATTERNS.md):
    RENEWAL#<certificate id> / #                   the licence's latest renewal case (create-only;
                                                   replaced at its revision by a new application
                                                   once the earlier case closed without renewing)
    DUE#renewal / <valid until>#<case>#-           projection of a renewal case the sweep may deem
                                                   granted the day after the licence's last valid
                                                   day (while in review), and whose renewed
                                                   licence it then issues (deemed, not yet issued)
"""

from __future__ import annotations

from datetime import date
from typing import Any

from chalicelib.domain import renewal as dr
from chalicelib.domain.application import Application, State
from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import UnitOfWork

DUE_KIND = "renewal"
HEAD = "#"


def case_projection(case: Application) -> dict[tuple[str, str], tuple[str, Any]]:
    """Merged into the case's projections (storage/application_repository.py)."""
    from chalicelib.storage.application_repository import DueEntry

    renewal = case.renewal
    if renewal is None:
        return {}
    in_time = case.state is State.IN_REVIEW and case.clock_start is not None and case.clock_start <= renewal.valid_until
    if not (in_time or dr.awaiting_deemed_issue(case)):
        return {}
    due = DueEntry(DUE_KIND, renewal.valid_until, case.id, "-")
    return {(f"DUE#{DUE_KIND}", f"{renewal.valid_until.isoformat()}#{case.id}#-"): ("DueEntry", due)}


class RenewalRepository:
    def latest_of(self, certificate_id: str) -> tuple[str, int] | None:
        """The licence's latest renewal case id and the pointer's revision (one GetItem)."""
        try:
            record = Record.get(f"RENEWAL#{certificate_id}", HEAD)
        except Record.DoesNotExist:
            return None
        return str(record.data["id"]), int(record.rev)

    def stage_latest(self, uow: UnitOfWork, certificate_id: str, application_id: str, rev: int | None) -> None:
        """Create-only for a first renewal, revision-guarded after: of two racing applications for
        one licence exactly one commits (the other gets CONFLICT)."""
        record = Record(f"RENEWAL#{certificate_id}", HEAD, entity="RenewalPointer", data={"id": application_id})
        if rev is None:
            uow.create(record)
        else:
            uow.replace(record, rev)

    def due(self, before: date, limit: int = 100) -> list[str]:
        """Renewal cases whose licence's last valid day is before `before` (one Query)."""
        records = Record.query(f"DUE#{DUE_KIND}", range_key_condition=Record.sk < before.isoformat(), limit=limit)
        return [str(r.data["application_id"]) for r in records]
