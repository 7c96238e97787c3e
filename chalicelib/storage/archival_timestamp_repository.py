"""When each certificate's archival time-stamp must be renewed (domain/archival_timestamp.py).

Key scheme (see infra/ACCESS_PATTERNS.md):
    DUE#ts_renewal / <expiry YYYY-MM-DD>#<certificate id>   the newest time-stamp's TSA certificate
                                                            expiry; the job Queries sk < cutoff
"""

from __future__ import annotations

from datetime import date

from chalicelib.domain.archival_timestamp import TimestampDue
from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import UnitOfWork

PK = "DUE#ts_renewal"


def _record(due: TimestampDue) -> Record:
    return Record(
        PK, f"{due.expires_on.isoformat()}#{due.certificate_id}", entity="DueEntry", data={"id": due.certificate_id}
    )


class ArchivalTimestampRepository:
    def due_by(self, cutoff: date, limit: int = 100) -> list[TimestampDue]:
        """Entries whose expiry is on or before ``cutoff``, oldest first (one Query)."""
        upper = cutoff.isoformat() + "#\uffff"
        records = Record.query(PK, range_key_condition=Record.sk <= upper, limit=limit)
        return [TimestampDue(str(r.data["id"]), date.fromisoformat(str(r.sk).split("#", 1)[0])) for r in records]

    def stage_due(self, uow: UnitOfWork, due: TimestampDue) -> None:
        uow.upsert(_record(due))

    def stage_renewed(self, uow: UnitOfWork, old: TimestampDue, new: TimestampDue) -> None:
        """The old entry goes, the new one comes, in the renewal's transaction (idempotent job)."""
        uow.delete(_record(old))
        uow.create(_record(new))
