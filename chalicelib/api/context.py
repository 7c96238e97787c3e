"""What every resolver gets in `info.context`: the caller, settings, repositories, loaders."""

from __future__ import annotations

from dataclasses import dataclass, field

from chalicelib.api.loaders import BatchLoader
from chalicelib.config import Settings
from chalicelib.domain.catalogue import Centre, Department
from chalicelib.domain.identity import Principal
from chalicelib.storage.catalogue_repository import CatalogueRepository


@dataclass
class RequestContext:
    principal: Principal
    settings: Settings
    catalogue: CatalogueRepository = field(default_factory=CatalogueRepository)
    departments: BatchLoader[Department] = field(init=False)
    centres: BatchLoader[Centre] = field(init=False)

    def __post_init__(self) -> None:
        self.departments = BatchLoader(self.catalogue.departments_by_id)
        self.centres = BatchLoader(self.catalogue.centres_by_id)
