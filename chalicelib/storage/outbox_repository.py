"""The notification outbox: messages written with their cause, delivered exactly once.

Key scheme (see infra/ACCESS_PATTERNS.md):
    MSG#<id> / #                       the message (create-only: one cause, one message)
    OUTBOX#PENDING / <created_at>#<id> not yet delivered (the relay's one Query)
    NOTIFY#<recipient> / <created_at>#<id>  a recipient's feed (create-only)

Delivering removes the pending marker (only if still there) and writes the feeds in one
transaction: of two relays racing for a message, exactly one delivers it.
"""

from __future__ import annotations

from chalicelib.domain.notification import Message
from chalicelib.storage.codec import decode_as, encode
from chalicelib.storage.pagination import Page, query_page
from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import UnitOfWork

PENDING = "OUTBOX#PENDING"


def _sk(message: Message) -> str:
    return f"{message.created_at}#{message.id}"


class OutboxRepository:
    def stage(self, uow: UnitOfWork, message: Message) -> None:
        """Store the message with its cause; a second message for one cause fails the commit."""
        uow.create(Record(f"MSG#{message.id}", "#", entity="Message", data=encode(message)))
        uow.create(Record(PENDING, _sk(message), entity="Pending", data={"id": message.id}))

    def pending(self, limit: int = 100, after: Message | None = None) -> list[Message]:
        """Oldest first, from after `after` (so a relay can page past messages it cannot deliver);
        the message body is kept on the marker's message record."""
        condition = Record.sk > _sk(after) if after is not None else None
        ids = [r.data["id"] for r in Record.query(PENDING, range_key_condition=condition, limit=limit)]
        if not ids:
            return []
        found = {r.pk: r for r in Record.batch_get([(f"MSG#{i}", "#") for i in ids])}
        return [decode_as(Message, found[f"MSG#{i}"].data) for i in ids if f"MSG#{i}" in found]

    def backlog(self) -> tuple[int, str | None]:
        """How many messages wait, and when the oldest was created (operators' metrics): a COUNT
        Query over the pending markers and one Query of the first; no message is read."""
        count = Record.count(PENDING)
        first = next(iter(Record.query(PENDING, limit=1)), None)
        return count, first.sk.rsplit("#", 1)[0] if first is not None else None

    def stage_delivered(self, uow: UnitOfWork, message: Message) -> None:
        """Remove the pending marker (only if no one else did) and fill the recipients' feeds."""
        uow.delete_existing(Record(PENDING, _sk(message)))
        for recipient in message.recipients:
            uow.create(Record(f"NOTIFY#{recipient}", _sk(message), entity="Notification", data=encode(message)))

    def feed(self, recipient: str, first: int, after: str | None) -> Page[Message]:
        """Newest first: one Query per page."""
        page = query_page(f"NOTIFY#{recipient}", first=first, after=after, forward=False)
        return Page([(decode_as(Message, r.data), c) for r, c in page.items], page.has_next_page, page.end_cursor)
