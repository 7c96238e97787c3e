"""What every resolver gets in `info.context`: the caller, settings, services, loaders.

The composition root: the one module under `chalicelib/api/` that imports `chalicelib/storage/`
(import-linter contract `storage-behind-services`). It builds repositories and hands them to
services; resolvers then call services only (`<area>_reads.read_*` / `page_*` for reads, the
command services for changes). Members named `*_repository` and `blobs` are wiring, not for
resolvers (tests/unit/test_import_contracts.py refuses them outside this module).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from chalicelib.api.loaders import BatchLoader, JointBatch
from chalicelib.config import Settings
from chalicelib.domain.identity import Principal
from chalicelib.services.catalogue_reads import CatalogueReads
from chalicelib.storage.catalogue_repository import CatalogueRepository

# Only the catalogue's reads are imported with this module: every other domain's service and
# repository is imported by the member that builds it, on first use, so a catalogue request
# (the public page a cold start usually serves) never loads them (bench/README.md `cold_start`).
if TYPE_CHECKING:
    from chalicelib.domain.catalogue import Centre, Department
    from chalicelib.domain.certificate import Certificate
    from chalicelib.domain.oversight import Oversight
    from chalicelib.domain.working_days import WorkingDayCalendar
    from chalicelib.services.application_reads import ApplicationReads
    from chalicelib.services.applications import ApplicationService
    from chalicelib.services.approval_on_pledge import ApprovalOnPledgeService
    from chalicelib.services.calendar import CalendarService
    from chalicelib.services.catalogue import CatalogueService
    from chalicelib.services.certificate_reads import CertificateReads
    from chalicelib.services.certificate_types import CertificateTypeService
    from chalicelib.services.certificates import CertificateService
    from chalicelib.services.complaints import ComplaintService
    from chalicelib.services.conduct import ConductService
    from chalicelib.services.consultations import ConsultationService
    from chalicelib.services.counterpart import CounterpartService
    from chalicelib.services.credit import CreditService
    from chalicelib.services.delegation import DelegationService
    from chalicelib.services.duty import DutyService
    from chalicelib.services.emergency_handling import EmergencyHandlingService
    from chalicelib.services.handover import HandoverService
    from chalicelib.services.identity_binding import IdentityBindingService
    from chalicelib.services.inspections import InspectionService
    from chalicelib.services.intake_refusals import IntakeRefusalService
    from chalicelib.services.local_tuning import TuningService
    from chalicelib.services.organisation import OrganisationService
    from chalicelib.services.oversight import OversightService
    from chalicelib.services.public_limits import PublicLimit
    from chalicelib.services.public_progress import PublicProgressService
    from chalicelib.services.ratings import RatingService
    from chalicelib.services.referrals import ReferralService
    from chalicelib.services.renewals import RenewalService
    from chalicelib.services.responsibility import ResponsibilityService
    from chalicelib.services.revocation_review import RevocationReviewService
    from chalicelib.services.seal_registry_admin import SealRegistryAdmin
    from chalicelib.services.staff import StaffService
    from chalicelib.services.supervision import SupervisionService
    from chalicelib.services.verification_uploads import VerificationUploadService
    from chalicelib.services.window_authority import WindowAuthorityService
    from chalicelib.services.written_decisions import WrittenDecisionService
    from chalicelib.storage.application_repository import ApplicationRepository
    from chalicelib.storage.blobs import BlobStore
    from chalicelib.storage.certificate_repository import CertificateRepository


@dataclass
class RequestContext:
    principal: Principal
    settings: Settings
    catalogue_repository: CatalogueRepository = field(default_factory=CatalogueRepository)
    # Public transparency: who a public lookup counts against (rate limit): the token subject
    # when logged in, else the source IP (set by the view).
    caller_key: str = "anonymous"
    departments: BatchLoader[Department] = field(init=False)
    centres: BatchLoader[Centre] = field(init=False)
    oversights: BatchLoader[Oversight] = field(init=False)  # 一把手督办 flags of cases

    def __post_init__(self) -> None:
        # Centres and departments share one BatchGetItem (issue 14: a catalogue page is 2 requests).
        references = JointBatch(self.catalogue_reads.read_references)
        self.departments = references.loader("department")
        self.centres = references.loader("centre")
        self.oversights = BatchLoader(lambda ids: self.oversight.of_cases(ids))

    @cached_property
    def calendar(self) -> WorkingDayCalendar:
        """The calendar in force, fixed for the whole request (services/calendar.py caches it
        per process with a bounded staleness)."""
        from chalicelib.services.calendar import current_calendar

        return current_calendar()

    @cached_property
    def credit(self) -> CreditService:
        from chalicelib.services.credit import CreditService

        return CreditService()

    @cached_property
    def calendar_service(self) -> CalendarService:
        from chalicelib.services.calendar import CalendarService

        return CalendarService()

    @cached_property
    def catalogue(self) -> CatalogueService:
        """Catalogue commands (serviceItem* mutations)."""
        from chalicelib.services.catalogue import CatalogueService

        return CatalogueService(self.catalogue_repository)

    # --- reads: what resolvers call instead of repositories (README "Layers") ---------------------
    @cached_property
    def catalogue_reads(self) -> CatalogueReads:
        return CatalogueReads(self.catalogue_repository)

    @cached_property
    def application_reads(self) -> ApplicationReads:
        from chalicelib.services.application_reads import ApplicationReads

        return ApplicationReads(self.application_repository)

    @cached_property
    def certificate_reads(self) -> CertificateReads:
        from chalicelib.services.certificate_reads import CertificateReads

        return CertificateReads(self.certificate_repository, lambda: self.blobs)

    # --- repositories (wiring only) ------------------------------------------------------------
    @cached_property
    def application_repository(self) -> ApplicationRepository:
        from chalicelib.storage.application_repository import ApplicationRepository

        return ApplicationRepository(self.calendar)

    @cached_property
    def blobs(self) -> BlobStore:
        from chalicelib.storage.blobs import blob_store_from_config

        return blob_store_from_config(self.settings)

    @cached_property
    def certificate_repository(self) -> CertificateRepository:
        from chalicelib.storage.certificate_repository import CertificateRepository

        return CertificateRepository()

    @cached_property
    def certificates(self) -> CertificateService:
        from chalicelib.services import certificate_parts
        from chalicelib.services.certificates import CertificateService

        return CertificateService(
            self.certificate_repository,
            self.applications,
            self.catalogue_repository,
            self.blobs,
            certificate_parts.render,
            certificate_parts.seal,
            certificate_parts.verify,
        )

    @cached_property
    def renewals(self) -> RenewalService:
        """延续 (art. 50): renewal applications and the links between licences."""
        from chalicelib.services.renewals import RenewalService

        return RenewalService(self.applications, self.certificate_repository)

    @cached_property
    def verification_uploads(self) -> VerificationUploadService:
        """Public verification of files uploaded to storage first (too large for one request)."""
        from chalicelib.services.verification_uploads import VerificationUploadService
        from chalicelib.storage.verification_uploads import verification_uploads_from_config

        return VerificationUploadService(
            verification_uploads_from_config(self.settings),
            lambda: self.certificates,
            self.settings.public_lookups_per_minute,
        )

    @cached_property
    def applications(self) -> ApplicationService:
        """Built on first use: catalogue-only requests never pay for it."""
        from chalicelib.domain.uploads import BlobError
        from chalicelib.services.applications import ApplicationService

        # The blob store is made on the first check (filing), not for every read of a case.
        checked: dict[str, str | None] = {}  # key -> the version whose size and hash were checked

        def blob_check(key: str) -> tuple[int, str] | None:
            try:
                info = self.blobs.stat(key)
            except BlobError:  # a malformed key names no file
                return None
            if info is None:
                return None
            checked[key] = info.version
            return (info.size, info.sha256)

        def retain_uploads(keys: list[str]) -> None:
            for key in keys:
                self.blobs.retain(key, checked.get(key))

        service = ApplicationService(
            self.application_repository, self.catalogue_repository, blob_check, certificate_lookup=self._certificate
        )
        service.person_charges = self.conduct.charge_transition  # staff conduct ledger (seed 004 四.2)
        service.retain_uploads = retain_uploads  # cited uploads become records (S3 object lock)
        service.first_contact_charges = self.conduct.charge_first_contact  # 首问负责制 (seed 004 二(五))
        # Written decisions owed to the applicant, sealed (issue 13): services/written_decisions.py.
        service.after_commit.append(lambda uow, transition: self.written_decisions.on_transition(uow, transition))
        return service

    @cached_property
    def seal_registry_admin(self) -> SealRegistryAdmin:
        """The seal registry's administration (issue 13 point 4): services/seal_registry_admin.py."""
        from chalicelib.services.seal_registry_admin import SealRegistryAdmin

        return SealRegistryAdmin(self.catalogue_repository)

    @cached_property
    def written_decisions(self) -> WrittenDecisionService:
        """一次性告知书, 不予受理决定书, 不予许可决定书 as sealed PDFs (domain/written_decision.py)."""
        from chalicelib.services import certificate_parts
        from chalicelib.services import written_decisions as parts
        from chalicelib.services.written_decisions import WrittenDecisionService
        from chalicelib.storage.written_decision_repository import WrittenDecisionRepository

        return WrittenDecisionService(
            WrittenDecisionRepository(),
            self.applications,
            self.catalogue_repository,
            self.blobs,
            parts.render,
            parts.seal,
            certificate_parts.verify,
        )

    @cached_property
    def supervision(self) -> SupervisionService:
        from chalicelib.services.supervision import SupervisionService

        return SupervisionService(self.catalogue_repository)

    @cached_property
    def public_progress(self) -> PublicProgressService:
        from chalicelib.services.public_progress import PublicProgressService

        return PublicProgressService(self.application_repository, self.settings.public_lookups_per_minute)

    @cached_property
    def public_limit(self) -> PublicLimit:
        """Per-caller limit on public certificate verification (GraphQL and `POST /verify`)."""
        from chalicelib.services.public_limits import PublicLimit

        return PublicLimit(self.settings.public_lookups_per_minute)

    # --- result push and inspections (审管联动, seed 002) ---------------------------------------
    @cached_property
    def inspections(self) -> InspectionService:
        from chalicelib.services.inspections import InspectionService

        return InspectionService(self.certificate_repository, self.application_repository, self.catalogue_repository)

    # --- ratings and complaints (好差评) ---------------------------------------------------------

    @cached_property
    def ratings(self) -> RatingService:
        from chalicelib.services.ratings import RatingService
        from chalicelib.storage.rating_repository import RatingRepository

        return RatingService(self.applications, RatingRepository(self.calendar), self.catalogue_repository)

    @cached_property
    def complaints(self) -> ComplaintService:
        from chalicelib.services.complaints import ComplaintService
        from chalicelib.storage.complaint_repository import ComplaintRepository

        return ComplaintService(self.applications, ComplaintRepository(), self.catalogue_repository)

    # --- delegation lifecycle, referrals, counterpart oversight (seed 003, 004) -------------------

    @cached_property
    def delegation(self) -> DelegationService:
        from chalicelib.services.delegation import DelegationService

        return DelegationService(self.catalogue_repository)

    @cached_property
    def counterpart(self) -> CounterpartService:
        from chalicelib.services.counterpart import CounterpartService
        from chalicelib.storage.counterpart_repository import CounterpartRepository

        return CounterpartService(CounterpartRepository(self.calendar), self.catalogue_repository)

    @cached_property
    def certificate_types(self) -> CertificateTypeService:
        from chalicelib.services.certificate_types import CertificateTypeService

        return CertificateTypeService(catalogue=self.catalogue_repository)

    @cached_property
    def handovers(self) -> HandoverService:
        from chalicelib.services.handover import HandoverService

        return HandoverService()

    @cached_property
    def identity_binding(self) -> IdentityBindingService:
        from chalicelib.services.identity_binding import IdentityBindingService

        return IdentityBindingService()

    @cached_property
    def tuning(self) -> TuningService:
        from chalicelib.services.local_tuning import TuningService

        return TuningService(self.catalogue_repository)

    @cached_property
    def referrals(self) -> ReferralService:
        from chalicelib.services.referrals import ReferralService

        return ReferralService(self.applications, self.catalogue_repository)

    # --- refusal at intake (不予受理, 否认报备) --------------------------------------------------
    @cached_property
    def intake_refusals(self) -> IntakeRefusalService:
        from chalicelib.services.intake_refusals import IntakeRefusalService

        return IntakeRefusalService(self.applications, self.catalogue_repository)

    # --- approval on pledge (告知承诺制) -----------------------------------------------------------
    @cached_property
    def approval_on_pledge(self) -> ApprovalOnPledgeService:
        from chalicelib.services.approval_on_pledge import ApprovalOnPledgeService

        return ApprovalOnPledgeService(self.applications, self.certificate_repository)

    # --- window approval of immediate items (seed 004 三(三)) ----------------------------------------
    @cached_property
    def window_authority(self) -> WindowAuthorityService:
        from chalicelib.services.window_authority import WindowAuthorityService
        from chalicelib.storage.window_authority_repository import WindowAuthorityRepository

        return WindowAuthorityService(self.applications, self.catalogue_repository, WindowAuthorityRepository())

    # --- emergency first handling (先予办理) ------------------------------------------------------
    @cached_property
    def emergency_handling(self) -> EmergencyHandlingService:
        from chalicelib.services.emergency_handling import EmergencyHandlingService

        return EmergencyHandlingService(self.applications)

    # --- 容缺后补 revocation reviews closed keeping the certificate -----------------------------------
    @cached_property
    def revocation_reviews(self) -> RevocationReviewService:
        from chalicelib.services.revocation_review import RevocationReviewService

        return RevocationReviewService(self.applications)

    # --- consultations (咨询, 首问负责制) -----------------------------------------------------------
    @cached_property
    def consultations(self) -> ConsultationService:
        from chalicelib.services.consultations import ConsultationService
        from chalicelib.storage.consultation_repository import ConsultationRepository

        return ConsultationService(ConsultationRepository(), self.catalogue_repository)

    # --- organisation administration (seed 000 一) ---------------------------------------------

    @cached_property
    def organisation(self) -> OrganisationService:
        from chalicelib.services.organisation import OrganisationService

        return OrganisationService(self.catalogue_repository)

    # --- staff, window posts and AB cover (seeds 001, 004) ---------------------------------------
    @cached_property
    def staff(self) -> StaffService:
        from chalicelib.services.staff import StaffService

        return StaffService(self.catalogue_repository)

    @cached_property
    def responsibility(self) -> ResponsibilityService:
        from chalicelib.services.responsibility import ResponsibilityService

        return ResponsibilityService(self.catalogue_repository, self.applications)

    @cached_property
    def oversight(self) -> OversightService:
        from chalicelib.services.oversight import OversightService

        return OversightService(self.catalogue_repository, self.applications)

    @cached_property
    def duty(self) -> DutyService:
        from chalicelib.services.duty import DutyService

        return DutyService(self.catalogue_repository, self.calendar)

    @cached_property
    def conduct(self) -> ConductService:
        from chalicelib.services.conduct import ConductService

        return ConductService(self.catalogue_repository)

    def _certificate(self, certificate_id: str) -> Certificate | None:
        found = self.certificate_repository.get(certificate_id)
        return found[0] if found else None


def forget_process_state() -> None:
    """Drop what this process caches across requests: the DynamoDB connection and the calendar,
    centre-hierarchy, staff-standing and seal-registry caches (after a SnapStart restore:
    chalicelib/api/snapstart.py)."""
    from chalicelib.services.calendar import CALENDAR_CACHE
    from chalicelib.services.reference_cache import CENTRE_HIERARCHY
    from chalicelib.services.seal_registry import REGISTRY
    from chalicelib.services.staff import clear_standing_cache
    from chalicelib.storage.tables import forget_clients

    forget_clients()
    CALENDAR_CACHE.invalidate()
    CENTRE_HIERARCHY.invalidate()
    clear_standing_cache()
    REGISTRY.invalidate()
