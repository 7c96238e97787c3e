"""Written decisions owed to applicants, produced as sealed PDFs (domain/written_decision.py).

How a document comes to be (never half made):
1. The owing event's transaction (`ApplicationService._apply` calls `stage`) also creates the
   document PENDING with its text fixed from the case as the event left it: the event and the
   debt to write it down commit together or not at all.
2. Right after that commit (`produce_soon`) the document is rendered, sealed with the seal of the
   bureau of the centre that made the decision (the bureau above it where the centre has none),
   stored under a fresh key, and ONE transaction marks it SEALED with its SHA-256 and registers
   the digest. A failure anywhere (no registered seal, KMS down, storage refusing) is logged and
   leaves it PENDING: the request that made the decision still succeeds.
3. The hourly sweep (`produce_pending`, phase `written_decisions`) retries every PENDING document.
   Of two producers racing, exactly one commits (revision guard); the loser's stored file is
   never referenced.

Verification is a certificate's: the seal pinned to the registered seal of the sealing bureau at
the signing time (`certificate_parts.verify`), and the file found by its SHA-256.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from chalicelib.domain import written_decision as wd
from chalicelib.domain.application import Transition, storage_owner
from chalicelib.domain.errors import CONFLICT, DomainError
from chalicelib.domain.identity import Principal
from chalicelib.domain.organisation import Centre, Department
from chalicelib.domain.pages import Page
from chalicelib.services import clock
from chalicelib.services.applications import ApplicationService
from chalicelib.services.budget import UNLIMITED, Budget
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.unit_of_work import UnitOfWork
from chalicelib.storage.written_decision_repository import WrittenDecisionRepository

log = logging.getLogger(__name__)

SEAL_REASON = "行政审批专用章 书面决定"
MAX_PDF_BYTES = 10 * 1024 * 1024


class Blobs(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> Any: ...
    def get(self, key: str) -> bytes | None: ...


Renderer = Callable[[wd.WrittenDecisionDocument, str], bytes]  # (document, issuer) -> unsealed PDF
Sealer = Callable[[bytes, str, str], bytes]  # (pdf, bureau code, bureau name) -> sealed PDF
Verifier = Callable[..., Any]  # (sealed PDF, bureau code or None) -> signing.VerificationReport


class SealingUnavailableError(Exception):
    """The deciding centre's bureau has no registered seal valid now (or no key for it)."""


class WrittenDecisionCode:
    NOT_FOUND = "NOT_FOUND"
    PDF_TOO_LARGE = "PDF_TOO_LARGE"


@dataclass(frozen=True)
class DecisionCheck:
    """An uploaded written decision: seal valid (pinned), file identical to a registered one."""

    report: Any
    document: wd.WrittenDecisionDocument | None

    @property
    def registry_match(self) -> bool:
        return self.document is not None

    @property
    def valid(self) -> bool:
        return bool(self.report.indication.value == "PASSED" and self.document is not None)


class WrittenDecisionService:
    def __init__(
        self,
        documents: WrittenDecisionRepository,
        applications: ApplicationService | None,
        catalogue: CatalogueRepository,
        blobs: Blobs,
        render: Renderer,
        seal: Sealer,
        verify: Verifier,
    ) -> None:
        self.documents = documents
        self.applications = applications
        self.catalogue = catalogue
        self.blobs = blobs
        self.render = render
        self.seal = seal
        self.verify = verify
        self._of_case: dict[str, list[wd.WrittenDecisionDocument]] = {}  # per request (the context builds one)

    # --- the hook in the owing event's transaction -------------------------------------------------

    def stage(self, uow: UnitOfWork, transition: Transition) -> list[str]:
        """Create the document the transition's event owes, PENDING, in the event's transaction."""
        doc = wd.owed_document(transition.case, transition.event)
        if doc is None:
            return []
        self.documents.stage_pending(uow, doc)
        return [doc.id]

    def on_transition(self, uow: UnitOfWork, transition: Transition) -> Callable[[], None] | None:
        """The application lifecycle's after-commit hook: stage the document the event owes, and
        produce it once the transaction has committed (services/applications.py `after_commit`)."""
        owed = self.stage(uow, transition)
        return (lambda: self.produce_soon(owed)) if owed else None

    def produce_soon(self, document_ids: list[str]) -> None:
        """Right after the commit; a failure leaves the document PENDING for the sweep."""
        for document_id in document_ids:
            try:
                self.produce(document_id)
            except Exception:
                log.exception("written decision %s not produced now; the sweep retries", document_id)

    # --- production --------------------------------------------------------------------------------

    def produce(self, document_id: str) -> wd.WrittenDecisionDocument | None:
        """Render, seal, store and register one PENDING document (idempotent)."""
        found = self.documents.get(document_id)
        if found is None:
            return None  # the owing event never committed (a retried call answered from its key)
        doc, rev = found
        if doc.sealed:
            return doc
        centre, bureau = self._sealing_bureau(doc.centre_id)
        issuer = centre.name if centre is not None else doc.centre_id
        if bureau is None:
            raise SealingUnavailableError(f"no approval bureau at or above centre {doc.centre_id!r}")
        pdf = self.seal(self.render(doc, issuer), bureau.id, bureau.name)
        key = f"certificates/{storage_owner(doc.applicant_account)}/wd-{doc.id}-{secrets.token_hex(6)}"
        self.blobs.put(key, pdf, "application/pdf")  # a fresh key: a racing producer's file is never overwritten
        now = clock.utc_now().isoformat(timespec="seconds")
        done = wd.sealed(
            doc,
            issuer=issuer,
            authority=bureau.id,
            authority_name=bureau.name,
            sha256=hashlib.sha256(pdf).hexdigest(),
            blob_key=key,
            size=len(pdf),
            at=now,
        )
        uow = UnitOfWork()
        self.documents.stage_sealed(uow, done, rev)
        try:
            uow.commit()
        except DomainError as error:
            if error.violations[0].code != CONFLICT:
                raise
            again = self.documents.get(document_id)  # another producer sealed it first
            return again[0] if again else None
        return done

    def _sealing_bureau(self, centre_id: str) -> tuple[Centre | None, Department | None]:
        """The deciding centre and the bureau whose seal it decides under: its own approval bureau,
        else the nearest one above it (as for certificates, seed 000 同权审批)."""
        centres = self.catalogue.all_centres()
        current: str | None = centre_id
        seen: set[str] = set()
        while current and current not in seen:
            seen.add(current)
            bureau = self.catalogue.bureau_of(current)
            if bureau is not None:
                return centres.get(centre_id), bureau
            parent = centres.get(current)
            current = parent.parent_id if parent is not None else None
        return centres.get(centre_id), None

    def produce_pending(self, budget: Budget = UNLIMITED, limit: int = 50) -> Counter[str]:
        """The sweep's retry of every document still PENDING; one failing never stops the rest."""
        done: Counter[str] = Counter()
        for doc in self.documents.pending(limit):
            if budget.exhausted():
                done["stopped_early"] += 1
                break
            try:
                produced = self.produce(doc.id)
            except Exception:
                log.exception("written decision %s still not produced; next run retries", doc.id)
                done["failed"] += 1
                continue
            done["sealed" if produced is not None and produced.sealed else "skipped"] += 1
        return done

    # --- reads (the applicant of the case, staff who may see it) ------------------------------------

    def page_of_case(
        self, principal: Principal, application_id: str, first: int, after: str | None
    ) -> Page[wd.WrittenDecisionDocument]:
        self._visible(application_id, principal)
        return self.documents.of_case(application_id, first, after)

    def read_document(self, principal: Principal, document_id: str) -> wd.WrittenDecisionDocument:
        found = self.documents.get(document_id)
        if found is None:
            raise DomainError.one(WrittenDecisionCode.NOT_FOUND, "书面决定不存在", "id")
        try:
            self._visible(found[0].application_id, principal)
        except DomainError:
            raise DomainError.one(WrittenDecisionCode.NOT_FOUND, "书面决定不存在", "id") from None
        return found[0]

    def _visible(self, application_id: str, principal: Principal) -> None:
        """The case's applicant (own case only) and staff in scope: who may see the case."""
        assert self.applications is not None, "reads need the application service"
        self.applications.load(application_id, principal)  # unknown and hidden cases look the same

    def read_owed(
        self, application_id: str, kind: wd.DecisionKind, at: str | None
    ) -> wd.WrittenDecisionDocument | None:
        """The document of `kind` a case event at `at` owed, for a case the caller was already
        allowed to see (reached through its `Application`); one Query."""
        if application_id not in self._of_case:  # one Query per case per request, however many refusals
            self._of_case[application_id] = [d for d, _ in self.documents.of_case(application_id, 100, None).items]
        return next((d for d in self._of_case[application_id] if d.kind is kind and d.created_at == at), None)

    def read_pdf(self, doc: wd.WrittenDecisionDocument) -> bytes | None:
        return self.blobs.get(doc.blob_key) if doc.sealed else None

    # --- verification (public) ---------------------------------------------------------------------

    def match(self, pdf: bytes) -> wd.WrittenDecisionDocument | None:
        """The registered written decision this exact file is (one GetItem, two when found)."""
        return self.documents.by_sha256(hashlib.sha256(pdf).hexdigest())

    def verify_upload(self, pdf: bytes, document: wd.WrittenDecisionDocument | None = None) -> DecisionCheck:
        """Seal pinned to the sealing bureau's registered seal, file identical to the registered one."""
        if len(pdf) > MAX_PDF_BYTES:
            raise DomainError.one(
                WrittenDecisionCode.PDF_TOO_LARGE, f"文件不能超过{MAX_PDF_BYTES // 1048576} MiB", "pdfBase64"
            )
        doc = document if document is not None else self.match(pdf)
        report = self.verify(pdf, doc.authority if doc is not None else None)
        return DecisionCheck(report, doc)


# --- the real parts (rendering and signing load on first use) --------------------------------------


def producer() -> WrittenDecisionService:
    """The service as the scheduled sweep uses it: production only (no caller, no case reads)."""
    from chalicelib.config import get_settings
    from chalicelib.services import certificate_parts
    from chalicelib.storage.blobs import blob_store_from_config

    return WrittenDecisionService(
        WrittenDecisionRepository(),
        None,
        CatalogueRepository(),
        blob_store_from_config(get_settings()),
        render,
        seal,
        certificate_parts.verify,
    )


def render(doc: wd.WrittenDecisionDocument, issuer: str) -> bytes:
    from chalicelib.rendering.written_decision import render_written_decision

    return render_written_decision(doc.title, doc.number, doc.paragraphs, issuer, doc.issued_on)


def seal(pdf: bytes, bureau: str, bureau_name: str) -> bytes:
    """Seal with the bureau's own registered seal valid now (signing's public API: one sealer per
    bureau and seal per process), the visible seal on the last page over the issuer's name."""
    import signing
    from chalicelib.services.seal_registry import current_registry
    from signing.config import UnregisteredSealError, sealer_for

    registry = current_registry()
    if registry is None:
        raise SealingUnavailableError("no seal registry is configured or loadable")
    try:
        sealer = sealer_for(bureau, registry, datetime.now(UTC))  # the real signing time, as for certificates
    except UnregisteredSealError as error:
        raise SealingUnavailableError(str(error)) from error
    appearance = signing.SealAppearance(authority_name=bureau_name, page=-1)
    sealed: bytes = sealer.seal(pdf, appearance, reason=SEAL_REASON)
    return sealed
