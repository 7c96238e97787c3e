"""How many writes one change of a case may need, against DynamoDB's limit per transaction.

Every change of a case is one TransactWriteItems (the case head at its revision, the audit event,
every projection that moved, the change's effects, the idempotency key): all or nothing, never half
a change. DynamoDB takes at most 100 items per transaction, so what a case can grow to is bounded
here, in one place: the catalogue refuses an item (or a delegation) whose worst-case case
transaction would exceed it, and the storage refuses to send a transaction over it.

What grows with the item is its co-reviewers (并联审批): each has its own review worklist row, due
date and yellow-warning day. The worst changes move every deadline at once — an extension, a
clock-pausing special step re-filed by the sweep, a resumption — and so delete and rewrite all
three rows of every co-reviewer. Everything else such a change writes is a fixed handful, measured
end to end in `tests/e2e/test_transaction_budget.py` (a case filed at a township window, where the
intake and competent centres each keep an open-case marker).
"""

from __future__ import annotations

TRANSACTION_LIMIT = 100  # DynamoDB: items per TransactWriteItems

CO_REVIEWER_PROJECTIONS = 3  # review worklist row, due date, yellow-warning day
WRITES_PER_CO_REVIEWER = 2 * CO_REVIEWER_PROJECTIONS  # each deleted at its old date, written at its new one

# The worst change's writes besides the co-reviewers' (measured: 12 for an extension with an
# idempotency key at a township-filed case — head, event, key, open-case markers, the lead's due
# date, warning day and worklist rows, counters), with headroom for effects a rule may add to that
# change (an outbox message, a counterpart copy of a warning, a credit record, a violation).
CASE_FIXED_WRITES = 24


def worst_case_writes(co_reviewers: int) -> int:
    """The items of the largest transaction a case of an item with `co_reviewers` may need."""
    return CASE_FIXED_WRITES + WRITES_PER_CO_REVIEWER * co_reviewers


def max_co_reviewers() -> int:
    """The most co-reviewers an item (or a delegation of it) may name: 12 today."""
    return (TRANSACTION_LIMIT - CASE_FIXED_WRITES) // WRITES_PER_CO_REVIEWER


def fits(co_reviewers: int) -> bool:
    return worst_case_writes(co_reviewers) <= TRANSACTION_LIMIT
