"""The notification outbox delivers each message exactly once, across a crash between the write
and the publish, across a crash between the publish and the bookkeeping, and between two relays
racing for the same message."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import boto3
import pytest

from chalicelib.domain.errors import DomainError
from chalicelib.domain.notification import Message, MessageKind, make_message
from chalicelib.domain.working_days import DEFAULT_CALENDAR
from chalicelib.services.outbox import NoChannel, Relay, SnsChannel
from chalicelib.services.sweep import sweep
from chalicelib.storage.application_repository import ApplicationRepository
from chalicelib.storage.outbox_repository import OutboxRepository
from chalicelib.storage.unit_of_work import UnitOfWork
from tests.conftest import Api, Clock
from tests.flows import Case


class Crash(Exception):
    """Stands for the process dying (Lambda timeout, out of memory) at that point."""


class CrashingChannel:
    def __init__(self) -> None:
        self.calls = 0

    def publish(self, message: Message) -> None:
        self.calls += 1
        raise Crash


def _message(n: int = 1) -> Message:
    return make_message(
        MessageKind.WARNING,
        ("test", str(n)),
        ("reviewer-x", "department:city-market"),
        f"测试消息{n}",
        f"case-{n}",
        "2026-11-02T02:00:00+00:00",
        {"level": "yellow"},
    )


def _write(message: Message) -> None:
    uow = UnitOfWork()
    OutboxRepository().stage(uow, message)
    uow.commit()


def _feed(recipient: str) -> list[Message]:
    return [m for m, _ in OutboxRepository().feed(recipient, 100, None).items]


def test_a_crash_between_write_and_publish_delivers_once_on_the_next_run(seeded: Any) -> None:
    message = _message()
    _write(message)
    crashing = CrashingChannel()
    Relay(channel=crashing).deliver_soon([message])  # the request's best effort dies
    assert crashing.calls == 1
    assert _feed("reviewer-x") == [] and OutboxRepository().pending() == [message]

    assert Relay(channel=NoChannel()).run() == 1  # the scheduled relay
    assert Relay(channel=NoChannel()).run() == 0  # and again: nothing left, nothing repeated
    assert _feed("reviewer-x") == [message]
    assert _feed("department:city-market") == [message]


def test_one_cause_makes_one_message(seeded: Any) -> None:
    _write(_message())
    with pytest.raises(DomainError):
        _write(_message())
    assert len(OutboxRepository().pending()) == 1


def test_racing_relays_deliver_once(seeded: Any) -> None:
    message = _message()
    _write(message)
    first, second = Relay(channel=NoChannel()), Relay(channel=NoChannel())
    assert first.deliver([message]) == 1
    assert second.deliver([message]) == 0  # the pending marker is gone: its transaction fails whole
    assert _feed("reviewer-x") == [message]


@pytest.fixture
def fifo(seeded: Any) -> tuple[Any, str, str]:
    """An SNS FIFO topic with a FIFO queue subscribed, as production's subscribers would be."""
    sns = boto3.client("sns", region_name="cn-north-1")
    sqs = boto3.client("sqs", region_name="cn-north-1")
    topic = sns.create_topic(
        Name="uap-test-events.fifo", Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "false"}
    )["TopicArn"]
    queue = sqs.create_queue(QueueName="subscriber.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    return sqs, topic, queue


def _received(sqs: Any, queue: str) -> list[dict[str, Any]]:
    out = []
    while True:
        batch = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
        if not batch:
            return out
        out += [json.loads(m["Body"]) for m in batch]
        for m in batch:
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"])


def test_a_crash_between_publish_and_bookkeeping_is_deduplicated_by_the_topic(
    fifo: tuple[Any, str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sqs, topic, queue = fifo
    message = _message()
    _write(message)
    channel = SnsChannel(topic, boto3.client("sns", region_name="cn-north-1"))
    repo = OutboxRepository()
    original = repo.stage_delivered

    def crash_after_publish(uow: UnitOfWork, m: Message) -> None:
        raise Crash

    monkeypatch.setattr(repo, "stage_delivered", crash_after_publish)
    with pytest.raises(Crash):
        Relay(repo, channel).run()  # published, then died before recording it
    monkeypatch.setattr(repo, "stage_delivered", original)
    assert repo.pending() == [message]

    assert Relay(repo, channel).run() == 1  # publishes again with the same deduplication id
    received = _received(sqs, queue)
    assert [m["id"] for m in received] == [message.id]
    assert received[0]["kind"] == "warning" and received[0]["title"] == message.title
    assert _feed("reviewer-x") == [message]


def test_a_sweep_warning_survives_a_failed_delivery(api: Api, clock: Clock) -> None:
    """End to end: the warning and its message commit together; the failed inline delivery is
    made good by the scheduled relay, once."""
    case = Case(api, "ZS-SCJG-004").accepted()  # due Wednesday: warned the same Monday
    clock.set_china(date(2026, 11, 2), 21)
    crashing = CrashingChannel()
    done = sweep(ApplicationRepository(DEFAULT_CALENDAR), relay=Relay(channel=crashing))
    assert done["warning_yellow"] == 1 and crashing.calls == 1
    head = next(d.head_staff_id for d in api.seed.departments if d.id == "city-market")
    assert head and _feed(head) == []
    assert Relay(channel=NoChannel()).run() == 1
    assert Relay(channel=NoChannel()).run() == 0
    (delivered,) = _feed(head)
    assert delivered.kind is MessageKind.WARNING and delivered.data["level"] == "yellow"
    assert case.id


def test_a_message_that_cannot_be_published_does_not_hold_up_the_others(seeded: Any) -> None:
    poisoned, *others = [_message(n) for n in range(3)]
    for message in (poisoned, *others):
        _write(message)

    class RejectsOne:
        def publish(self, message: Message) -> None:
            if message.id == poisoned.id:
                raise RuntimeError("topic rejected the message")

    assert Relay(channel=RejectsOne()).run() == 2
    assert OutboxRepository().pending() == [poisoned]  # kept for the next run, not lost
    assert {m.id for m in _feed("reviewer-x")} == {m.id for m in others}
    assert Relay(channel=NoChannel()).run() == 1  # once the channel takes it again


def test_a_whole_batch_of_refused_messages_does_not_block_the_rest(seeded: Any) -> None:
    messages = [_message(n) for n in range(5)]
    for message in messages:
        _write(message)
    refused = {m.id for m in messages[:3]}  # the three oldest fill a whole batch of three

    class RefusesThree:
        def publish(self, message: Message) -> None:
            if message.id in refused:
                raise RuntimeError("topic rejected the message")

    assert Relay(channel=RefusesThree()).run(limit=3) == 2
    assert {m.id for m in OutboxRepository().pending()} == refused
    assert Relay(channel=NoChannel()).run(limit=3) == 3
