"""Referral projections (上报件, seed 004 三级联动), derived from the case like its worklists.

Key scheme (see infra/ACCESS_PATTERNS.md):
    REFERRALS#<tracker> / <expected_by>#<case>#<seq>   the tracker's worklist (while pending)
    DUE#referral / <expected_by>#<case>#<seq>          the sweep's warning day, until warned
"""

from __future__ import annotations

from typing import Any

from chalicelib.domain import referral as dr
from chalicelib.domain.application import Application
from chalicelib.domain.referral import ReferralEntry, ReferralStatus
from chalicelib.storage.codec import decode_as
from chalicelib.storage.pagination import Page, query_page

DUE_KIND = "referral"


def case_projection(case: Application) -> dict[tuple[str, str], tuple[str, Any]]:
    """Merged into the case's projections (storage/application_repository.py)."""
    from chalicelib.storage.application_repository import DueEntry

    out: dict[tuple[str, str], tuple[str, Any]] = {}
    for referral in case.referrals:
        if referral.status is not ReferralStatus.PENDING:
            continue
        sk = f"{referral.expected_by.isoformat()}#{case.id}#{referral.seq}"
        out[(f"REFERRALS#{referral.tracker_id}", sk)] = ("ReferralEntry", dr.entry(case, referral))
        if referral.key not in case.warned:
            due = DueEntry(DUE_KIND, referral.expected_by, case.id, referral.key)
            out[(f"DUE#{DUE_KIND}", sk)] = ("DueEntry", due)
    return out


class ReferralRepository:
    def worklist(self, tracker_id: str, first: int, after: str | None) -> Page[ReferralEntry]:
        """Soonest expected first: one Query per page."""
        page = query_page(f"REFERRALS#{tracker_id}", first=first, after=after)
        return Page([(decode_as(ReferralEntry, r.data), c) for r, c in page.items], page.has_next_page, page.end_cursor)
