"""What every resolver gets in `info.context`: the caller, settings, repositories, loaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from chalicelib.api.loaders import BatchLoader
from chalicelib.config import Settings
from chalicelib.domain.catalogue import Centre, Department
from chalicelib.domain.certificate import Certificate
from chalicelib.domain.identity import Principal
from chalicelib.domain.oversight import Oversight
from chalicelib.domain.working_days import DEFAULT_CALENDAR, WorkingDayCalendar
from chalicelib.services.applications import ApplicationService
from chalicelib.services.certificates import CertificateService
from chalicelib.storage.application_repository import ApplicationRepository
from chalicelib.storage.blobs import BlobStore
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.certificate_repository import CertificateRepository

if TYPE_CHECKING:
    from chalicelib.services.complaints import ComplaintService
    from chalicelib.services.conduct import ConductService
    from chalicelib.services.duty import DutyService
    from chalicelib.services.inspections import InspectionService
    from chalicelib.services.oversight import OversightService
    from chalicelib.services.public_progress import PublicProgressService
    from chalicelib.services.ratings import RatingService
    from chalicelib.services.responsibility import ResponsibilityService
    from chalicelib.services.staff import StaffService
    from chalicelib.services.supervision import SupervisionService


@dataclass
class RequestContext:
    principal: Principal
    settings: Settings
    catalogue: CatalogueRepository = field(default_factory=CatalogueRepository)
    # Public transparency: who a public lookup counts against (rate limit): the token subject
    # when logged in, else the source IP (set by the view).
    caller_key: str = "anonymous"
    departments: BatchLoader[Department] = field(init=False)
    centres: BatchLoader[Centre] = field(init=False)
    oversights: BatchLoader[Oversight] = field(init=False)  # 一把手督办 flags of cases

    def __post_init__(self) -> None:
        self.departments = BatchLoader(self.catalogue.departments_by_id)
        self.centres = BatchLoader(self.catalogue.centres_by_id)
        self.oversights = BatchLoader(lambda ids: self.oversight.of_cases(ids))

    @property
    def calendar(self) -> WorkingDayCalendar:
        return DEFAULT_CALENDAR

    @cached_property
    def application_repository(self) -> ApplicationRepository:
        return ApplicationRepository(self.calendar)

    @cached_property
    def blobs(self) -> BlobStore:
        from chalicelib.storage.blobs import blob_store_from_config

        return blob_store_from_config(self.settings)

    @cached_property
    def certificate_repository(self) -> CertificateRepository:
        return CertificateRepository()

    @cached_property
    def certificates(self) -> CertificateService:
        from chalicelib.services import certificate_parts

        return CertificateService(
            self.certificate_repository,
            self.applications,
            self.catalogue,
            self.blobs,
            certificate_parts.render,
            certificate_parts.seal,
            certificate_parts.verify,
        )

    @cached_property
    def applications(self) -> ApplicationService:
        """Built on first use: catalogue-only requests never pay for it."""
        from chalicelib.storage.blobs import BlobError

        store = self.blobs

        def blob_check(key: str) -> tuple[int, str] | None:
            try:
                info = store.stat(key)
            except BlobError:  # a malformed key names no file
                return None
            return (info.size, info.sha256) if info else None

        service = ApplicationService(
            self.application_repository, self.catalogue, blob_check, certificate_lookup=self._certificate
        )
        service.person_charges = self.conduct.charge_transition  # staff conduct ledger (seed 004 四.2)
        return service

    @cached_property
    def supervision(self) -> SupervisionService:
        from chalicelib.services.supervision import SupervisionService

        return SupervisionService(self.catalogue)

    @cached_property
    def public_progress(self) -> PublicProgressService:
        from chalicelib.services.public_progress import PublicProgressService

        return PublicProgressService(self.application_repository, self.settings.public_lookups_per_minute)

    # --- result push and inspections (审管联动, seed 002) ---------------------------------------
    @cached_property
    def inspections(self) -> InspectionService:
        from chalicelib.services.inspections import InspectionService

        return InspectionService(self.certificate_repository, self.application_repository, self.catalogue)

    # --- ratings and complaints (好差评) ---------------------------------------------------------

    @cached_property
    def ratings(self) -> RatingService:
        from chalicelib.services.ratings import RatingService
        from chalicelib.storage.rating_repository import RatingRepository

        return RatingService(self.applications, RatingRepository(self.calendar), self.catalogue)

    @cached_property
    def complaints(self) -> ComplaintService:
        from chalicelib.services.complaints import ComplaintService
        from chalicelib.storage.complaint_repository import ComplaintRepository

        return ComplaintService(self.applications, ComplaintRepository(), self.catalogue)

    # --- staff, window posts and AB cover (seeds 001, 004) ---------------------------------------
    @cached_property
    def staff(self) -> StaffService:
        from chalicelib.services.staff import StaffService

        return StaffService(self.catalogue)

    @cached_property
    def responsibility(self) -> ResponsibilityService:
        from chalicelib.services.responsibility import ResponsibilityService

        return ResponsibilityService(self.catalogue, self.applications)

    @cached_property
    def oversight(self) -> OversightService:
        from chalicelib.services.oversight import OversightService

        return OversightService(self.catalogue, self.applications)

    @cached_property
    def duty(self) -> DutyService:
        from chalicelib.services.duty import DutyService

        return DutyService(self.catalogue, self.calendar)

    @cached_property
    def conduct(self) -> ConductService:
        from chalicelib.services.conduct import ConductService

        return ConductService(self.catalogue)

    def _certificate(self, certificate_id: str) -> Certificate | None:
        found = self.certificate_repository.get(certificate_id)
        return found[0] if found else None
