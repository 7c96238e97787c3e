"""What resolvers read about cases: pages of cases, worklists, the rejection ledger, the audit trail.

The pattern every area follows (README "Layers"): resolvers and GraphQL types never call a
repository; they call a service's `read_*` (one thing or a short list) or `page_*` (a
`chalicelib.domain.pages.Page`) method, which returns domain objects or read models from
`chalicelib/domain/`. Each method is exactly one repository read, so the request counts pinned by
the tests are those of the repository.
"""

from __future__ import annotations

from functools import lru_cache

from chalicelib.domain.application import Application
from chalicelib.domain.audit import ChainCheck, Event, verify_chain
from chalicelib.domain.pages import Page
from chalicelib.domain.worklist import InboxEntry, LedgerEntry
from chalicelib.storage.application_repository import ApplicationRepository, inbox_queue


class ApplicationReads:
    """Reads of cases and their projections; who may see them is checked by the caller (the
    field's access rule and the scope it computes), as before."""

    def __init__(self, applications: ApplicationRepository) -> None:
        self.applications = applications
        # Audit trails already read in this request (with the head, `ApplicationService.load_with_events`):
        # `timeline` and `historyVerification` reuse them instead of querying the same events again.
        self._events: dict[str, list[Event]] = {}

    def remember_events(self, application_id: str, events: list[Event]) -> None:
        self._events[application_id] = events

    def page_of_applicant(self, applicant_id: str, first: int, after: str | None) -> Page[Application]:
        """An applicant's own cases, newest first (one Query)."""
        return self.applications.of_applicant(applicant_id, first, after)

    def page_inbox(self, queue: str, scope: str, first: int, after: str | None) -> Page[InboxEntry]:
        """One worklist (`queue` of a centre, department or supervision scope), soonest deadline first."""
        return self.applications.inbox(inbox_queue(queue, scope), first, after)

    def page_rejection_ledger(self, month: str, first: int, after: str | None) -> Page[LedgerEntry]:
        """否认报备台帐 of one month (YYYY-MM), unfiltered."""
        return self.applications.ledger(month, first, after)

    def page_events(self, application_id: str, first: int, after: str | None) -> Page[Event]:
        """The case's audit trail, oldest first (no request when this request read it already)."""
        if application_id in self._events:
            return self.applications.events_page_of(application_id, self._events[application_id], first, after)
        return self.applications.events_page(application_id, first, after)

    def verify_history(self, application_id: str, expected_head: str | None) -> ChainCheck:
        """The hash chain of the case's whole trail recomputed (`domain.audit.verify_chain`)."""
        return _chain_check(tuple(self.read_events(application_id)), expected_head)

    def read_events(self, application_id: str) -> list[Event]:
        """The whole audit trail (to recompute its hash chain)."""
        if application_id in self._events:
            return self._events[application_id]
        return self.applications.events(application_id)


#: Chain checks remembered per process.
CHAIN_CHECKS = 256


@lru_cache(maxsize=CHAIN_CHECKS)
def _chain_check(events: tuple[Event, ...], expected_head: str | None) -> ChainCheck:
    """`verify_chain` of exactly these events (every field of each: frozen dataclasses, compared
    in full on a hit) and this expected head: a pure function of its arguments, so a hit is the
    answer recomputing gives, for any caller who read the same trail. A tampered or longer trail
    is another key, checked afresh. Application detail verifies the whole trail on every request."""
    return verify_chain(events, expected_head=expected_head)
