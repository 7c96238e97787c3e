"""Storage behaviour on DynamoDB Local, where moto's emulation could hide a real difference.

Covers the seed's idempotency, the unit of work's all-or-nothing commit, a GraphQL page end to
end, and optimistic locking under a real race between two writers.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from chalicelib.domain.errors import DomainError
from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import CONFLICT, UnitOfWork
from infra.seed import apply
from tests.conftest import Api

PAGE = (
    "query($after: String) { serviceItems(first: 5, after: $after) { "
    "edges { node { code name } } pageInfo { hasNextPage endCursor } } }"
)


def _count() -> int:
    return sum(1 for _ in Record.scan())


def _record(pk: str, **data: Any) -> Record:
    return Record(pk, "#", entity="ItTest", data=data)


def test_seed_applies_once(local_table: str, seed_data: Any) -> None:
    first = apply(seed_data)
    stored = _count()
    assert first == len(seed_data.items) > 0
    assert apply(seed_data) == 0
    assert _count() == stored


def test_unit_of_work_is_all_or_nothing(local_table: str) -> None:
    existing = UnitOfWork()
    existing.create(_record("IT#EXISTING", n=1))
    existing.commit()

    uow = UnitOfWork()
    uow.create(_record("IT#NEW", n=2))
    uow.replace(_record("IT#EXISTING", n=3), expected_rev=7)  # stored rev is 1: condition fails
    with pytest.raises(DomainError) as raised:
        uow.commit()

    assert [v.code for v in raised.value.violations] == [CONFLICT]
    assert not uow.committed
    with pytest.raises(Record.DoesNotExist):
        Record.get("IT#NEW", "#")
    kept = Record.get("IT#EXISTING", "#")
    assert (kept.rev, kept.data) == (1, {"n": 1})


def test_catalogue_page_through_graphql(local_table: str, seed_data: Any, issuer_keys: tuple[bytes, bytes]) -> None:
    apply(seed_data)
    api = Api(issuer_keys[0], seed_data)

    codes: list[str] = []
    after: str | None = None
    while True:
        body = api.gql(PAGE, {"after": after})
        assert "errors" not in body, body
        page = body["data"]["serviceItems"]
        assert len(page["edges"]) <= 5
        codes += [edge["node"]["code"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert len(codes) == len(set(codes)) == len(seed_data.items)
    assert set(codes) == {item.code for item in seed_data.items}


def test_concurrent_replace_at_same_rev_conflicts(local_table: str) -> None:
    created = UnitOfWork()
    created.create(_record("IT#RACE", writer=None))
    created.commit()
    Record.get("IT#RACE", "#")  # open the shared connection before the threads race for it
    start = threading.Barrier(2)

    def write(writer: int) -> str:
        uow = UnitOfWork()
        uow.replace(_record("IT#RACE", writer=writer), expected_rev=1)
        start.wait()
        try:
            uow.commit()
        except DomainError as error:
            return error.violations[0].code
        return f"ok:{writer}"

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(write, [1, 2]))

    assert sorted(o.split(":")[0] for o in outcomes) == [CONFLICT, "ok"]
    winner = int(next(o for o in outcomes if o.startswith("ok")).split(":")[1])
    stored = Record.get("IT#RACE", "#")
    assert (stored.rev, stored.data) == (2, {"writer": winner})
