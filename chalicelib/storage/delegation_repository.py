"""Delegation lifecycle storage: guidance catalogues, tier assignments, adjustment requests, memos.

Key scheme (see infra/ACCESS_PATTERNS.md):
    GUIDE#<tier> / #            a guidance catalogue (一类/二类指导目录), replaced at its revision
    TIER#<centre> / #           the tier a receiving centre follows   GSI1: TIERS / <centre>
    ADJREQ#<id> / #             an adjustment request (revision-guarded)
                    GSI1: ADJREQS#<centre> / <submitted_at>#<id>     a centre's requests
                    GSI2: ADJREQS#<status> / <submitted_at>#<id>     the reform office's worklist
    MEMO#<id> / #               a published adjustment memo (revision-guarded: applied once)
                    GSI1: MEMOS / <published_at>#<id>                every memo, newest first
                    GSI2: MEMOS#<centre> / <published_at>#<id>       a centre's memos
"""

from __future__ import annotations

from typing import Any

from chalicelib.domain.delegation import (
    AdjustmentMemo,
    AdjustmentRequest,
    GuidanceCatalogue,
    GuidanceTier,
    RequestStatus,
    TierAssignment,
)
from chalicelib.storage.codec import decode_as, encode
from chalicelib.storage.pagination import Page, query_page
from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import UnitOfWork

HEAD = "#"


def _stage(uow: UnitOfWork, record: Record, rev: int | None) -> None:
    if rev is None:
        uow.create(record)
    else:
        uow.replace(record, rev)


def _get(pk: str, cls: type[Any]) -> tuple[Any, int] | None:
    try:
        record = Record.get(pk, HEAD)
    except Record.DoesNotExist:
        return None
    return decode_as(cls, record.data), int(record.rev)


def _page(cls: type[Any], hash_value: str, index: str, first: int, after: str | None) -> Page[Any]:
    page = query_page(hash_value, first=first, after=after, index=index, forward=False)
    return Page([(decode_as(cls, r.data), c) for r, c in page.items], page.has_next_page, page.end_cursor)


class DelegationRepository:
    # --- guidance catalogues and tiers -----------------------------------------------------------

    def catalogue(self, tier: GuidanceTier) -> tuple[GuidanceCatalogue, int] | None:
        found: tuple[GuidanceCatalogue, int] | None = _get(f"GUIDE#{tier.value}", GuidanceCatalogue)
        return found

    def catalogues(self) -> dict[GuidanceTier, GuidanceCatalogue]:
        """Both tiers in one BatchGetItem."""
        keys = [(f"GUIDE#{t.value}", HEAD) for t in GuidanceTier]
        found = (decode_as(GuidanceCatalogue, r.data) for r in Record.batch_get(keys))
        return {c.tier: c for c in found}

    def stage_catalogue(self, uow: UnitOfWork, catalogue: GuidanceCatalogue, rev: int | None) -> None:
        _stage(
            uow, Record(f"GUIDE#{catalogue.tier.value}", HEAD, entity="GuidanceCatalogue", data=encode(catalogue)), rev
        )

    def tier(self, centre_id: str) -> tuple[TierAssignment, int] | None:
        found: tuple[TierAssignment, int] | None = _get(f"TIER#{centre_id}", TierAssignment)
        return found

    def tiers(self) -> dict[str, TierAssignment]:
        """Every assignment (one per receiving centre: tens), one Query on GSI1."""
        return {a.centre_id: a for a in (decode_as(TierAssignment, r.data) for r in Record.gsi1.query("TIERS"))}

    def stage_tier(self, uow: UnitOfWork, assignment: TierAssignment, rev: int | None) -> None:
        record = Record(
            f"TIER#{assignment.centre_id}",
            HEAD,
            entity="TierAssignment",
            data=encode(assignment),
            gsi1pk="TIERS",
            gsi1sk=assignment.centre_id,
        )
        _stage(uow, record, rev)

    # --- requests and memos ----------------------------------------------------------------------

    def request(self, request_id: str) -> tuple[AdjustmentRequest, int] | None:
        found: tuple[AdjustmentRequest, int] | None = _get(f"ADJREQ#{request_id}", AdjustmentRequest)
        return found

    def stage_request(self, uow: UnitOfWork, request: AdjustmentRequest, rev: int | None) -> None:
        sk = f"{request.submitted_at}#{request.id}"
        record = Record(
            f"ADJREQ#{request.id}",
            HEAD,
            entity="AdjustmentRequest",
            data=encode(request),
            gsi1pk=f"ADJREQS#{request.centre_id}",
            gsi1sk=sk,
            gsi2pk=f"ADJREQS#{request.status.value}",
            gsi2sk=sk,
        )
        _stage(uow, record, rev)

    def requests_of_centre(self, centre_id: str, first: int, after: str | None) -> Page[AdjustmentRequest]:
        """Newest first: one Query per page."""
        page: Page[AdjustmentRequest] = _page(AdjustmentRequest, f"ADJREQS#{centre_id}", "GSI1", first, after)
        return page

    def requests_in(self, status: RequestStatus, first: int, after: str | None) -> Page[AdjustmentRequest]:
        page: Page[AdjustmentRequest] = _page(AdjustmentRequest, f"ADJREQS#{status.value}", "GSI2", first, after)
        return page

    def memo(self, memo_id: str) -> tuple[AdjustmentMemo, int] | None:
        found: tuple[AdjustmentMemo, int] | None = _get(f"MEMO#{memo_id}", AdjustmentMemo)
        return found

    def stage_memo(self, uow: UnitOfWork, memo: AdjustmentMemo, rev: int | None) -> None:
        sk = f"{memo.published_at}#{memo.id}"
        record = Record(
            f"MEMO#{memo.id}",
            HEAD,
            entity="AdjustmentMemo",
            data=encode(memo),
            gsi1pk="MEMOS",
            gsi1sk=sk,
            gsi2pk=f"MEMOS#{memo.centre_id}",
            gsi2sk=sk,
        )
        _stage(uow, record, rev)

    def memos(self, centre_id: str | None, first: int, after: str | None) -> Page[AdjustmentMemo]:
        """Published memos, newest first (all, or one centre's): one Query per page."""
        if centre_id is None:
            page: Page[AdjustmentMemo] = _page(AdjustmentMemo, "MEMOS", "GSI1", first, after)
        else:
            page = _page(AdjustmentMemo, f"MEMOS#{centre_id}", "GSI2", first, after)
        return page
