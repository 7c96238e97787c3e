"""The outbox relay: delivers stored messages to their recipients, exactly once.

Messages are written in the same transaction as their cause, so a crash after that commit loses
nothing: the relay (right after the request, and every minute on a schedule) finds them still
pending. Delivery is:

1. `publish` to the external channel, if one is configured (SNS FIFO topic in production). The
   message id is the deduplication id, so publishing again after a crash that hit between
   publishing and step 2 is dropped by SNS (5-minute window; the relay runs every minute).
2. one transaction that removes the pending marker, only if it is still there, and writes each
   recipient's feed. Of two relays delivering the same message, exactly one commits.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

from chalicelib import observability
from chalicelib.domain.errors import DomainError
from chalicelib.domain.notification import Message
from chalicelib.services import clock
from chalicelib.services.budget import UNLIMITED, Budget
from chalicelib.storage.codec import encode
from chalicelib.storage.outbox_repository import OutboxRepository
from chalicelib.storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

# The scheduled relay stops taking new messages with this much of its invocation left.
RELAY_RESERVE_MS = 5_000


class Channel(Protocol):
    def publish(self, message: Message) -> None: ...


class NoChannel:
    """The local stage: the stored feeds are the delivery."""

    def publish(self, message: Message) -> None:
        return None


class SnsChannel:
    """Production: an SNS FIFO topic; subscribers (SMS, mail, the supervising departments'
    systems, EventBridge pipes) filter on the `kind` attribute."""

    def __init__(self, topic_arn: str, client: Any = None) -> None:
        self.topic_arn = topic_arn
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3

            self._client = boto3.client("sns")
        return self._client

    def publish(self, message: Message) -> None:
        self.client.publish(
            TopicArn=self.topic_arn,
            Message=json.dumps(encode(message), ensure_ascii=False),
            MessageGroupId=message.subject_id[:128] or "uap",
            MessageDeduplicationId=message.id,
            MessageAttributes={"kind": {"DataType": "String", "StringValue": message.kind.value}},
        )


def channel_from_settings() -> Channel:
    from chalicelib.config import get_settings

    arn = get_settings().events_topic_arn
    return SnsChannel(arn) if arn else NoChannel()


class Relay:
    def __init__(self, repo: OutboxRepository | None = None, channel: Channel | None = None) -> None:
        self.repo = repo or OutboxRepository()
        self.channel = channel if channel is not None else channel_from_settings()
        # What the last `run` left: messages it could not publish, and whether the budget ran out.
        self.failed = 0
        self.stopped_early = False

    def deliver(self, messages: Iterable[Message], *, isolate: bool = False, budget: Budget = UNLIMITED) -> int:
        """Deliver these messages now; returns how many this call delivered. With `isolate`, a
        message that cannot be published is logged and left pending, and the others go on (one
        poisoned message must not hold up every later one)."""
        delivered = 0
        for message in messages:
            if budget.exhausted():
                self.stopped_early = True
                break
            try:
                self.channel.publish(message)
            except Exception:
                if not isolate:
                    raise
                self.failed += 1
                log.exception("outbox message %s not published; retried next run", message.id)
                continue
            uow = UnitOfWork()
            self.repo.stage_delivered(uow, message)
            try:
                uow.commit()
            except DomainError:
                continue  # another relay delivered it first
            delivered += 1
        return delivered

    def run(self, limit: int = 100, budget: Budget = UNLIMITED) -> int:
        """Deliver everything pending (the scheduled relay), oldest first, one Query per batch.
        It pages past messages it could not deliver, so refused ones never block later ones;
        they are tried again on the next run, as is everything left when the budget runs out."""
        self.failed, self.stopped_early = 0, False
        total = 0
        after: Message | None = None
        while not self.stopped_early:
            if budget.exhausted():
                self.stopped_early = True
                break
            batch = self.repo.pending(limit, after)
            if not batch:
                return total
            total += self.deliver(batch, isolate=True, budget=budget)
            after = batch[-1]
        log.warning("outbox relay stopped before the timeout after %d messages: the rest next run", total)
        return total

    def deliver_soon(self, messages: Iterable[Message]) -> None:
        """Best effort right after a request; anything that fails stays pending for `run`."""
        try:
            self.deliver(messages)
        except Exception:  # the scheduled relay retries; the request itself already succeeded
            log.exception("outbox delivery deferred to the scheduled relay")


class RelayFailed(Exception):
    """Raised after a scheduled relay run in which messages could not be published (the others
    were delivered), so Lambda's Errors metric and its alarm see it."""


def scheduled_relay(context: object, relay: Relay | None = None) -> int:
    """The `outbox_relay` Lambda: deliver within the invocation's remaining time, report the
    backlog left (size, age of the oldest message) as metrics, fail if anything failed."""
    relay = relay or Relay()
    delivered = relay.run(budget=Budget.of(context, RELAY_RESERVE_MS))
    backlog, oldest = relay.repo.backlog()
    age = (clock.utc_now() - datetime.fromisoformat(oldest)).total_seconds() if oldest else 0.0
    observability.emit(
        {"phase": "relay"},
        {
            "OutboxDelivered": delivered,
            "OutboxPublishFailed": relay.failed,
            "OutboxBacklog": backlog,
            "StoppedEarly": int(relay.stopped_early),
        },
        {"OutboxOldestAge": max(age, 0.0)},
    )
    log.info(
        "outbox relay done",
        extra={"delivered": delivered, "failed": relay.failed, "backlog": backlog, "oldest_age_s": round(age)},
    )
    if relay.failed:
        raise RelayFailed(f"{relay.failed} outbox messages could not be published (see the log lines before)")
    return delivered
