"""Local tuning use cases (seed 003 二(五)1): set a centre's tuning, read the effective item."""

from __future__ import annotations

from chalicelib.domain import local_tuning as dlt
from chalicelib.domain.catalogue import ProcedureStep, ServiceItem
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal
from chalicelib.domain.local_tuning import LocalTuning, TuningCode
from chalicelib.services.clock import now_iso
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.pagination import Page
from chalicelib.storage.tuning_repository import TuningRepository


def effective_for(item: ServiceItem, centre_id: str, repo: TuningRepository | None = None) -> ServiceItem:
    """The version a centre publishes and files: tuned only at a centre the power is delegated to
    (one GetItem there; none at the item's home centre)."""
    if centre_id not in item.delegated_centre_ids:
        return item
    found = (repo or TuningRepository()).get(item.code, centre_id)
    return dlt.effective(item, found[0] if found else None)


class TuningService:
    def __init__(self, catalogue: CatalogueRepository, repo: TuningRepository | None = None) -> None:
        self.catalogue = catalogue
        self.repo = repo or TuningRepository()

    def set(
        self,
        principal: Principal,
        item_code: str,
        centre_id: str,
        procedure: list[ProcedureStep],
        deficiency_codes: list[str],
        reason: str,
    ) -> LocalTuning:
        found = self.catalogue.get_item(item_code)
        if found is None:
            raise DomainError.one(TuningCode.NOT_FOUND, "事项不存在", "itemId")
        tuning = dlt.tune(found[0], centre_id, tuple(procedure), tuple(deficiency_codes), principal, now_iso(), reason)
        earlier = self.repo.get(item_code, centre_id)
        from chalicelib.storage.unit_of_work import UnitOfWork

        uow = UnitOfWork()
        self.repo.stage(uow, tuning, earlier[1] if earlier else None)
        uow.commit()
        return tuning

    def effective(self, item_code: str, centre_id: str) -> ServiceItem | None:
        found = self.catalogue.get_item(item_code)
        if found is None:
            return None
        item = found[0]
        if centre_id not in item.centre_ids:
            return None
        return effective_for(item, centre_id, self.repo)

    def of_centre(self, centre_id: str, first: int, after: str | None) -> Page[LocalTuning]:
        return self.repo.of_centre(centre_id, first, after)
