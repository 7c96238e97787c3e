"""Nothing is half-written: a change that fails midway leaves no trace (unit of work)."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal, Role
from chalicelib.services import catalogue as service
from chalicelib.services.catalogue import CatalogueChange
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.tables import Record
from tests.conftest import Api

ADMIN = Principal("admin-test", frozenset({Role.ADMIN}), department_id="x", centre_id="zs-city")  # a city administrator


def test_concurrent_change_conflicts_and_writes_nothing(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = CatalogueRepository()
    item = api.seed.items[0]
    current, rev = repo.get_item(item.code)  # type: ignore[misc]
    # Another administrator commits first: the head moves on to rev + 1.
    service.change_item(repo, ADMIN, item.code, current.elements, CatalogueChange("他人先改", current.version))
    before = {(r.pk, r.sk) for r in Record.query(f"ITEM#{item.code}")}

    real_get = CatalogueRepository.get_item
    monkeypatch.setattr(
        CatalogueRepository,
        "get_item",
        lambda self, code: (current, rev) if code == item.code else real_get(self, code),
    )
    with pytest.raises(DomainError) as error:
        service.change_item(repo, ADMIN, item.code, current.elements, CatalogueChange("晚到的修改"))
    assert error.value.violations[0].code == "CONFLICT"
    # The version record staged before the failing head write was rolled back with it.
    assert {(r.pk, r.sk) for r in Record.query(f"ITEM#{item.code}")} == before


def test_transaction_failing_on_its_last_write_rolls_back_the_first(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the transaction midway: the listing upserts after the version and head never land."""
    from chalicelib.storage import unit_of_work

    original_upsert = unit_of_work.UnitOfWork.upsert
    calls: list[Any] = []

    def failing_upsert(self: unit_of_work.UnitOfWork, record: Record) -> None:
        calls.append(record)
        if len(calls) == 2:
            # A condition that can never hold makes DynamoDB cancel the whole transaction.
            self._stage(record, lambda tx: tx.save(record, condition=Record.pk.does_not_exist() & Record.pk.exists()))
            return
        original_upsert(self, record)

    monkeypatch.setattr(unit_of_work.UnitOfWork, "upsert", failing_upsert)
    elements = api.seed.items[0].elements
    with pytest.raises(DomainError):
        service.create_item(CatalogueRepository(), ADMIN, "ZS-HALF-001", elements, CatalogueChange("新增"))
    assert list(Record.query("ITEM#ZS-HALF-001")) == []
    assert Record.count("LIST#ALL", Record.sk == "ZS-HALF-001") == 0
