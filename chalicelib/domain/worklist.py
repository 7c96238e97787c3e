"""Read models of worklists and ledgers (inbox rows, the rejection ledger, a post's worklist, the
certificate verification log): what a row shows without loading what it points at.

Storage writes and reads them as projections; services return them in pages; the API turns them
into GraphQL types. They live here so no layer above storage has to import storage to name them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from chalicelib.domain import application as da
from chalicelib.domain.application import State


@dataclass(frozen=True)
class InboxEntry:
    """What a worklist row shows without loading the case."""

    application_id: str
    tracking_code: str
    item_code: str
    item_name: str
    applicant_name: str
    state: State
    due_on: date
    queue: str
    red_flag: bool


@dataclass(frozen=True)
class LedgerEntry:
    application_id: str
    tracking_code: str
    item_name: str
    department_id: str
    report: da.RejectionReport
    origin: str = "review"  # "review" (an approver's refusal) or "window" (不予受理 at intake)


@dataclass(frozen=True)
class PostWorkEntry:
    """One item in a post's worklist: a complaint addressed to the window, or a yellow supervision
    warning about work sitting at it."""

    kind: str  # "complaint" | "warning"
    ref: str  # the complaint id, or `<subject>|<warning key>`
    post_ref: str
    label: str
    text: str
    at: str


@dataclass(frozen=True)
class VerificationLogEntry:
    """One verification of a certificate (who looked, how, and what the seal check said)."""

    at: str
    channel: str  # graphql-lookup | graphql-upload | rest-upload | public-page
    indication: str
    registry_match: bool
    status: str
    caller: str
    reason_for_use: str = ""  # 用证事由 stated by a third party looking the licence up (issue 13)
