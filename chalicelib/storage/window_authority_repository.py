"""Window posts' approval authority for immediate items (seed 004 三(三)).

Key scheme (see infra/ACCESS_PATTERNS.md):
    WINAUTH#<centre> / <post>    the items the post may decide at the window, who granted them,
                                 when and why (created, then replaced at its revision: of two
                                 racing grants one wins)
"""

from __future__ import annotations

from chalicelib.domain.window_authority import WindowAuthority
from chalicelib.storage.codec import decode_as, encode
from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import UnitOfWork


class WindowAuthorityRepository:
    def get(self, centre_id: str, post_id: str) -> tuple[WindowAuthority, int] | None:
        """One GetItem."""
        try:
            record = Record.get(f"WINAUTH#{centre_id}", post_id)
        except Record.DoesNotExist:
            return None
        return decode_as(WindowAuthority, record.data), int(record.rev)

    def stage(self, uow: UnitOfWork, authority: WindowAuthority, rev: int | None) -> None:
        record = Record(
            f"WINAUTH#{authority.centre_id}", authority.post_id, entity="WindowAuthority", data=encode(authority)
        )
        if rev is None:
            uow.create(record)
        else:
            uow.replace(record, rev)
