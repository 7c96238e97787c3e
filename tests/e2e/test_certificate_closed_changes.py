"""A licence's closed scheduled changes stay bounded on its registry record, through `/graphql`.

Each cancellation or application of a change scheduled for a later day is kept on the record
(`Certificate.closedStatusChanges`), but only the most recent `MAX_CLOSED_CHANGES`: however often a
licence is rescheduled, its DynamoDB item stays small. The case's audit trail keeps every one.
"""

from __future__ import annotations

from datetime import timedelta

from chalicelib.domain.certificate import MAX_CLOSED_CHANGES
from tests.conftest import Api, CallCounter, Clock
from tests.e2e.test_certificates import bureau, issued
from tests.e2e.test_licence_status import cancel, codes, scheduled, timeline

CLOSED = "query($id: ID!) { certificate(id: $id) { closedStatusChanges { id outcome note } } }"


def test_the_record_keeps_the_most_recent_closed_changes_and_the_trail_keeps_all(
    api: Api, clock: Clock, ddb_calls: CallCounter
) -> None:
    case, cert = issued(api)
    staff = bureau(case)
    day = clock.now.date() + timedelta(days=3)
    ids = []
    for n in range(MAX_CLOSED_CHANGES + 2):
        change_id = scheduled(api, staff, cert["id"], "SUSPENDED", day, f"第{n + 1}次暂扣安排")
        ddb_calls.reset()
        assert codes(cancel(api, staff, change_id, f"第{n + 1}次撤回")) == []
        # still 2 GetItems and one transaction, whatever the record's history
        assert dict(ddb_calls.calls) == {"GetItem": 2, "TransactWriteItems": 1}
        ids.append(change_id)

    kept = api.gql(CLOSED, {"id": cert["id"]}, as_=staff)["data"]["certificate"]["closedStatusChanges"]
    assert [c["id"] for c in kept] == ids[-MAX_CLOSED_CHANGES:]  # the most recent, oldest first
    assert [c["note"] for c in kept][-1] == f"第{MAX_CLOSED_CHANGES + 2}次撤回"
    assert {c["outcome"] for c in kept} == {"CANCELLED"}
    # Every cancellation, the oldest two included, is on the case's trail.
    assert timeline(api, case).count("CANCEL_CERTIFICATE_STATUS_CHANGE") == MAX_CLOSED_CHANGES + 2
    # A retry of a recent cancellation answers the same; one that left the record is unknown now.
    assert codes(cancel(api, staff, ids[-1], f"第{MAX_CLOSED_CHANGES + 2}次撤回")) == []
    assert codes(cancel(api, staff, ids[0], "第1次撤回")) == ["NOT_FOUND"]
