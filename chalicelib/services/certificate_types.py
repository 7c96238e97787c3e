"""Certificate type use cases: define and change a template, hand it over to the bureau (交接),
read the registry (seed 002 四(六): 空白证照(批文)和电子证照模板全部移交行政审批局统一制发证).

A saved or handed-over template is checked against the application forms of the items that
issue its type and name its owning department (the department's reference rows: one Query and
one BatchGetItem), so a field the form does not have is refused with its path. Issuance checks
the case's own item once more (`domain.certificate_type.rows`). Every change is one transaction
(the head and the new version's copy); a refused change writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from chalicelib.domain import application as da
from chalicelib.domain import certificate_type as dt
from chalicelib.domain import organisation as org
from chalicelib.domain.certificate_type import CertificateType, CertificateTypeCode, CertificateTypeDraft
from chalicelib.domain.errors import CONFLICT, DomainError, Violation
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.renewal import renewed_valid_from, renewed_valid_until
from chalicelib.services import clock
from chalicelib.storage.batch_reads import Ref
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.certificate_type_repository import CertificateTypeRepository
from chalicelib.storage.pagination import Page
from chalicelib.storage.unit_of_work import UnitOfWork

MAX_REASON = dt.MAX_REASON


class CertificateTypeService:
    def __init__(
        self, repo: CertificateTypeRepository | None = None, catalogue: CatalogueRepository | None = None
    ) -> None:
        self.repo = repo or CertificateTypeRepository()
        self.catalogue = catalogue or CatalogueRepository()

    # --- reads -----------------------------------------------------------------------------------

    def get(self, code: str) -> CertificateType | None:
        found = self.repo.get(code)
        return found[0] if found else None

    def page(self, first: int, after: str | None) -> Page[CertificateType]:
        return self.repo.page(first, after)

    def version(self, code: str, version: int) -> CertificateType | None:
        return self.repo.get_version(code, version)

    # --- commands --------------------------------------------------------------------------------

    def create(self, principal: Principal, draft: CertificateTypeDraft, reason: str) -> CertificateType:
        department = self.catalogue.get_department(draft.department_id)
        dt.may_edit(None, draft.department_id, principal, owner_centres=self._owner_centres(principal, department))
        self._check(draft, reason, department)
        assert principal.subject is not None
        created = dt.create(draft, principal.subject, clock.now_iso(), reason.strip())
        uow = UnitOfWork()
        self.repo.stage(uow, created, None)
        try:
            uow.commit()
        except DomainError as error:
            if error.violations[0].code == CONFLICT:
                raise DomainError.one(CertificateTypeCode.DUPLICATE_CODE, "该证照类型编码已登记", "code") from error
            raise
        return created

    def change(
        self, principal: Principal, draft: CertificateTypeDraft, expected_version: int, reason: str
    ) -> CertificateType:
        current, rev = self._load(draft.code)
        department = None if current.handed_over else self.catalogue.get_department(current.department_id)
        owner = self._owner_centres(principal, department)
        dt.may_edit(current, draft.department_id, principal, self._holder(current), owner)
        assert principal.subject is not None
        changed = dt.change(current, draft, expected_version, principal.subject, clock.now_iso(), reason.strip())
        self._check(draft, reason, department if department and department.id == draft.department_id else None)
        uow = UnitOfWork()
        self.repo.stage(uow, changed, rev)
        uow.commit()  # a concurrent change makes this CONFLICT: nothing written
        return changed

    def hand_over(self, principal: Principal, code: str, expected_version: int) -> CertificateType:
        """交接: the owning department hands the current version to the bureau; the template is
        checked against its items' forms once more (an item may have changed since it was saved)."""
        current, rev = self._load(code)
        handed = dt.hand_over(current, expected_version, principal, clock.now_iso())
        problems = dt.form_problems(current.fields, self._forms(current.code, current.department_id))
        if problems:
            raise DomainError(problems)
        uow = UnitOfWork()
        self.repo.stage(uow, handed, rev)
        uow.commit()
        return handed

    # --- helpers ---------------------------------------------------------------------------------

    def _load(self, code: str) -> tuple[CertificateType, int]:
        found = self.repo.get(code)
        if found is None:
            raise DomainError.one(CertificateTypeCode.NOT_FOUND, "证照类型不存在", "code")
        return found

    def _holder(self, current: CertificateType) -> dt.TemplateHolder | None:
        """Who holds a handed-over template (None before the handover): the bureau of the owning
        department's centre, else the nearest bureau above it (it issues that centre's
        certificates), and that centre's chain for catalogue administrators. A GetItem and a
        Query or two, only for edits of handed-over templates."""
        if not current.handed_over:
            return None
        department = self.catalogue.get_department(current.department_id)
        if department is None:
            return dt.TemplateHolder(None, ())
        centres = self.catalogue.all_centres()
        chain = org.chain_up(department.centre_id, centres)
        bureau = next((b for b in map(self.catalogue.bureau_of, chain) if b is not None), None)
        return dt.TemplateHolder(bureau.id if bureau is not None else None, chain)

    def _owner_centres(self, principal: Principal, department: org.Department | None) -> tuple[str, ...] | None:
        """For a catalogue administrator editing a template its department still holds: the
        department's centre and every centre above it (one Query for the hierarchy; nothing read
        for anyone else). None: the department is unknown (the draft check says so)."""
        if not principal.has_any(Role.ADMIN):
            return ()
        if department is None:
            return None
        return org.chain_up(department.centre_id, self.catalogue.all_centres())

    def _check(self, draft: CertificateTypeDraft, reason: str, department: org.Department | None = None) -> None:
        """Every problem at once: the draft itself, the reason, and the items' forms (the owning
        department read once: passed in when the caller already has it)."""
        if department is None or department.id != draft.department_id:
            department = self.catalogue.get_department(draft.department_id)
        problems = dt.draft_problems(draft, [department.id] if department is not None else [])
        if not reason.strip() or len(reason) > MAX_REASON:
            problems.append(
                Violation(CertificateTypeCode.REQUIRED, f"请说明编制或修改的理由(不超过{MAX_REASON}字)", "reason")
            )
        if department is not None:
            problems += dt.form_problems(draft.fields, self._forms(draft.code, draft.department_id))
        if problems:
            raise DomainError(problems)

    def _forms(self, code: str, department_id: str) -> dict[str, list[str]]:
        """The form keys of each current item of the department that issues this type."""
        return {
            item.code: [f.key for f in item.elements.form]
            for item in self.catalogue.items_naming(department_id)
            if item.elements.certificate_type is not None and item.elements.certificate_type.code == code
        }


# --- issuance (called by services/certificates.py) ------------------------------------------------


def issuance_ref(case: da.Application) -> Ref[tuple[CertificateType, int]]:
    """The case's certificate type, read in issuance's one BatchGetItem (no extra request)."""
    assert case.item.elements.certificate_type is not None
    return CertificateTypeRepository.ref(case.item.elements.certificate_type.code)


@dataclass(frozen=True)
class IssuedTemplate:
    """The type's template as one certificate uses it: the version, the dates, the filled lines."""

    cert_type: CertificateType
    decided_on: date
    valid_until: date | None
    fields: tuple[tuple[str, str], ...]
    valid_from: date  # the decision date; a renewal's: the day after the licence it renews ends


def fill(
    found: tuple[CertificateType, int] | None, case: da.Application, actor: Principal, today: date
) -> IssuedTemplate:
    """Check the type may be issued by `actor` and fill its template from the case (seed 002 四(六));
    raises before anything is rendered or written."""
    assert case.item.elements.certificate_type is not None
    cert_type = dt.check_issuable(found[0] if found else None, case.item.elements.certificate_type.code, actor)
    decided_on = da.china_date(datetime.fromisoformat(case.decision.decided_at)) if case.decision else today
    start, last = decided_on, dt.validity(cert_type, decided_on, today)
    if case.renewal is not None:  # 延续 (art. 50): the validity continues from the previous end
        start = max(today, renewed_valid_from(case.renewal))
        last = renewed_valid_until(case.renewal, cert_type.validity_years)
    facts = dt.CaseFacts(
        holder_name=case.applicant.name,
        holder_code=case.applicant.identifier,
        item_name=case.item.elements.name,
        decision_date=dt.cn_date(decided_on),
        validity=dt.validity_text(start, last),
        tracking_code=case.tracking_code,
    )
    form = case.item.elements.form
    choices = {f.key: {c.value: c.label for c in f.choices} for f in form if f.choices}
    rows = dt.rows(cert_type, facts, case.form_data, [f.key for f in form], choices)
    return IssuedTemplate(cert_type, decided_on, last, rows, start)


def does_not_fit(template: IssuedTemplate) -> DomainError:
    """The filled template is longer than its layout's one page (long form answers)."""
    return DomainError.one(
        CertificateTypeCode.CONTENT_DOES_NOT_FIT,
        f"{template.cert_type.name}的内容超出一页,请审批局调整模板栏目或版式后再制证,办件仍为待制证",
    )
