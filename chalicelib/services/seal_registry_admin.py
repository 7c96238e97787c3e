"""Seal registry administration over GraphQL (issue 13 point 4; seed 003 二(七)).

Reads the registry the API already uses (`services/seal_registry.py`, parsed and checked by
`signing/registry.py`) and publishes a rotation as the next version of the same document: the new
seal entry names the seal it `replaces`, the current seal is closed at the new seal's start, the
bureau's legal basis is updated when given. The rotation's own rules are
`domain/seal_rotation.py`; the document's structural rules stay `signing.registry.load_registry`'s,
run on the new version before it is written. Nothing is written when anything is wrong.

Who: administrators of the bureau's centre or of a centre above it (a city administrator for its
subtree); a bureau outside the caller's scope answers as an unknown one (`NOT_FOUND`).
Concurrency: the caller names the registry version it read (`expectedVersion`); a different
current version is `STALE_VERSION`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chalicelib.domain import organisation as org
from chalicelib.domain import seal_rotation as rot
from chalicelib.domain.errors import DomainError, Violation
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.organisation import Department, DepartmentKind
from chalicelib.services import seal_registry
from chalicelib.storage.catalogue_repository import CatalogueRepository

Code = rot.SealRotationCode


@dataclass(frozen=True)
class RegisteredSealView:
    fingerprint: str
    subject: str
    valid_from: datetime
    valid_to: datetime | None
    certificate_not_before: datetime
    certificate_not_after: datetime
    replaces: str | None
    note: str
    current: bool
    certificate_pem: str


@dataclass(frozen=True)
class BureauSeals:
    """A bureau's entry in the seal registry: its legal basis and every seal, oldest first."""

    bureau_id: str
    name: str
    legal_basis: str
    registry_version: int
    published_at: datetime
    seals: tuple[RegisteredSealView, ...]


class SealRegistryAdmin:
    def __init__(self, catalogue: CatalogueRepository) -> None:
        self.catalogue = catalogue

    def _bureau(self, principal: Principal, bureau_id: str) -> Department:
        department = self.catalogue.departments_by_id([bureau_id]).get(bureau_id)
        hidden = DomainError.one(Code.NOT_FOUND, "审批局不存在", "bureauId")
        if department is None or department.kind is not DepartmentKind.BUREAU:
            raise hidden
        if not principal.has_any(Role.ADMIN) or not principal.centre_id:
            raise hidden
        if not org.in_subtree(department.centre_id, principal.centre_id, self.catalogue.all_centres()):
            raise hidden  # unknown == hidden: another subtree's bureaus cannot be probed
        return department

    def read_bureau(self, principal: Principal, bureau_id: str) -> BureauSeals:
        department = self._bureau(principal, bureau_id)
        registry = seal_registry.current_registry()
        if registry is None:
            raise DomainError.one(Code.REGISTRY_UNAVAILABLE, "印章登记册无法读取,请稍后重试")
        return _view(registry, department)

    def register_rotation(
        self,
        principal: Principal,
        bureau_id: str,
        certificate_pem: str,
        valid_from: datetime,
        valid_to: datetime | None,
        legal_basis: str,
        note: str,
        expected_version: int,
    ) -> BureauSeals:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes
        from cryptography.x509.oid import NameOID

        department = self._bureau(principal, bureau_id)
        valid_from, valid_to = _aware(valid_from), _aware(valid_to) if valid_to is not None else None
        seal_registry.REGISTRY.invalidate()  # decide on the version published now, not a cached one
        registry = seal_registry.current_registry()
        document = seal_registry.read_document()
        if registry is None or document is None:
            raise DomainError.one(Code.REGISTRY_UNAVAILABLE, "印章登记册无法读取,请稍后重试")
        if registry.version != expected_version or document.get("version") != registry.version:
            raise DomainError.one(
                Code.STALE_VERSION,
                f"印章登记册已更新为第{registry.version}版,请刷新后重试",
                "expectedVersion",
            )
        try:
            cert = x509.load_pem_x509_certificate(certificate_pem.strip().encode())
        except ValueError:
            raise DomainError.one(Code.CERTIFICATE_INVALID, "请提供一份PEM格式的印章证书", "certificatePem") from None
        fingerprint = cert.fingerprint(hashes.SHA256()).hex()
        authority = registry.authorities.get(bureau_id)
        name = authority.name if authority is not None else department.name
        basis = legal_basis.strip() or (authority.legal_basis if authority is not None else "")
        own = registry.seals_of(bureau_id)
        now = datetime.now(UTC)  # seals are checked against real signing times (as sealing does)
        current = registry.current_seal(bureau_id, max(now, valid_from)) if own else None
        candidate = rot.Candidate(
            fingerprint=fingerprint,
            subject_organisations=tuple(
                str(a.value) for a in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
            ),
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
        )
        problems = rot.check_rotation(
            bureau_name=name,
            candidate=candidate,
            valid_from=valid_from,
            valid_to=valid_to,
            now=now,
            seals=tuple(rot.SealSpan(s.fingerprint, s.valid_from, s.valid_to) for s in own),
            current=current.fingerprint if current is not None else None,
            registered_anywhere=registry.by_fingerprint(fingerprint) is not None,
            legal_basis=basis,
            note=note,
        )
        if not _issued_by_trusted_ca(cert):
            problems.append(
                Violation(Code.CERTIFICATE_NOT_TRUSTED, "印章证书不是由受信任的电子认证机构签发", "certificatePem")
            )
        if problems:
            raise DomainError(problems)
        who = principal.subject or "?"
        at = now.isoformat(timespec="seconds")
        seals: list[dict[str, Any]] = []
        for entry in document["seals"]:
            entry = dict(entry)
            if _closes(entry, bureau_id, current.fingerprint if current is not None else None, valid_from):
                entry["valid_to"] = valid_from.isoformat()  # closed where the new seal starts
            seals.append(entry)
        seals.append(
            {
                "authority": bureau_id,
                "certificate": cert.public_bytes(_pem()).decode(),
                "valid_from": valid_from.isoformat(),
                "valid_to": valid_to.isoformat() if valid_to is not None else None,
                "replaces": current.fingerprint if current is not None else None,
                "note": f"{note.strip()}(由{who}于{at}登记)" if note.strip() else f"由{who}于{at}登记",
            }
        )
        authorities = dict(document["authorities"])
        authorities[bureau_id] = {**authorities.get(bureau_id, {"name": name}), "legal_basis": basis}
        new = {
            **document,
            "version": registry.version + 1,
            "published_at": at,
            "authorities": authorities,
            "seals": seals,
        }
        from signing.registry import RegistryError

        try:
            seal_registry.publish(new)
        except RegistryError as error:
            raise DomainError(
                [Violation(Code.REGISTRY_INVALID, f"印章登记册校验未通过:{p}", None) for p in error.problems]
            ) from None
        published = seal_registry.current_registry()
        assert published is not None
        return _view(published, department)


def _closes(entry: dict[str, Any], bureau_id: str, current: str | None, start: datetime) -> bool:
    """The current seal's entry, still open at the new seal's start."""
    if current is None or entry.get("authority") != bureau_id or _fp(entry) != current:
        return False
    return entry.get("valid_to") is None or datetime.fromisoformat(entry["valid_to"]) > start


def _fp(entry: dict[str, Any]) -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    cert = x509.load_pem_x509_certificate(str(entry.get("certificate") or "").encode())
    return cert.fingerprint(hashes.SHA256()).hex()


def _pem() -> Any:
    from cryptography.hazmat.primitives.serialization import Encoding

    return Encoding.PEM


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _issued_by_trusted_ca(cert: Any) -> bool:
    """Signed by one of the configured trust anchors (or a chain certificate under them)."""
    from cryptography import x509

    paths = [p for p in (os.environ.get("UAP_SEAL_TRUST_ROOTS", "") + os.pathsep).split(os.pathsep) if p.strip()]
    paths += [p for p in os.environ.get("UAP_SEAL_CHAIN", "").split(os.pathsep) if p.strip()]
    for path in paths:
        try:
            issuers = x509.load_pem_x509_certificates(Path(path).read_bytes())
        except (OSError, ValueError):
            continue
        for issuer in issuers:
            try:
                cert.verify_directly_issued_by(issuer)
            except Exception:
                continue
            return True
    return False


def _view(registry: Any, department: Department) -> BureauSeals:
    authority = registry.authorities.get(department.id)
    current = registry.current_seal(department.id, datetime.now(UTC))
    return BureauSeals(
        bureau_id=department.id,
        name=authority.name if authority is not None else department.name,
        legal_basis=authority.legal_basis if authority is not None else "",
        registry_version=registry.version,
        published_at=registry.published_at,
        seals=tuple(
            RegisteredSealView(
                fingerprint=s.fingerprint,
                subject=s.certificate.subject.rfc4514_string(),
                valid_from=s.valid_from,
                valid_to=s.valid_to,
                certificate_not_before=s.certificate.not_valid_before_utc,
                certificate_not_after=s.certificate.not_valid_after_utc,
                replaces=s.replaces,
                note=s.note,
                current=current is not None and s.fingerprint == current.fingerprint,
                certificate_pem=s.certificate.public_bytes(_pem()).decode(),
            )
            for s in registry.seals_of(department.id)
        ),
    )
