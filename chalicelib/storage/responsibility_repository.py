"""Responsibility matrices: `RESP#<centre>#<item code>` / `#` (revision-guarded), one per item and
centre, and its immutable versions `RESP#<centre>#<item code>` / `V#<000001>`."""

from __future__ import annotations

from chalicelib.domain.responsibility import Matrix
from chalicelib.storage.codec import decode_as, encode
from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import UnitOfWork

HEAD = "#"


def _pk(centre_id: str, item_code: str) -> str:
    return f"RESP#{centre_id}#{item_code}"


class ResponsibilityRepository:
    def get(self, centre_id: str, item_code: str) -> tuple[Matrix, int] | None:
        try:
            record = Record.get(_pk(centre_id, item_code), HEAD)
        except Record.DoesNotExist:
            return None
        return decode_as(Matrix, record.data), int(record.rev or 0)

    def stage(self, uow: UnitOfWork, matrix: Matrix, rev: int | None) -> None:
        head = Record(_pk(matrix.centre_id, matrix.item_code), HEAD, entity="Responsibility", data=encode(matrix))
        if rev is None:
            uow.create(head)
        else:
            uow.replace(head, rev)
        pk = _pk(matrix.centre_id, matrix.item_code)
        uow.create(Record(pk, f"V#{matrix.version:06d}", entity="ResponsibilityVersion", data=encode(matrix)))
