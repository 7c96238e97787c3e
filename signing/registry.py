"""The seal registry (印章登记册): which seal certificate is each bureau's, and when (seed 003 二(七)).

A signature that chains to the trusted CA is not yet *the bureau's* seal: any key the CA ever
certified would pass. Verifiers therefore pin the registered seal certificate(s) of the issuing
authority, at the signing time. The registry is a versioned JSON document an operator publishes
(and rotates without a deploy: the API re-reads it, see ``chalicelib/services/seal_registry.py``);
third parties download the same file and check it offline with ``python -m signing verify
--registry``. It carries no key material: only certificates, validity and the legal basis.

Format (``"format": "uap-seal-registry/1"``)::

    {"format": "uap-seal-registry/1", "version": 3, "published_at": "2026-12-01T00:00:00+08:00",
     "authorities": {"city-bureau": {"name": "舟山市行政审批局",
                                     "legal_basis": "《…关于…电子印章法律效力的公告》"}},
     "seals": [{"authority": "city-bureau", "certificate": "-----BEGIN CERTIFICATE-----…",
                "valid_from": "2026-01-01T00:00:00+08:00", "valid_to": null,
                "replaces": null, "note": "…"}],
     "trust_anchors": [{"role": "ca", "certificate": "-----BEGIN CERTIFICATE-----…", "note": "…"}]}

``trust_anchors`` (optional) are the CA certificates that certified the seal certificates and the
time-stamping authorities: a verifier holding only the downloaded registry anchors the seal's chain
and the time-stamps' chains at them (``verify --offline`` without ``--trust``). They are published
as the seals are, by the operator in the same document, never taken from the PDF being checked.

A rotation adds a seal entry (``replaces`` names the old fingerprint) and closes the old one
with ``valid_to``: certificates sealed before keep verifying against the old entry, seals made
with the old key after ``valid_to`` fail. Plain Python (``cryptography`` only), cheap to import.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from .report import Finding, Indication, Registration, VerificationReport, finding

__all__ = [
    "FORMAT",
    "RegisteredSeal",
    "RegistryError",
    "SealAuthority",
    "SealRegistry",
    "TrustAnchor",
    "load_registry",
    "pin_registered_seal",
]

FORMAT = "uap-seal-registry/1"
MAX_LEGAL_BASIS = 500


class RegistryError(ValueError):
    """The registry document is malformed; ``problems`` lists every defect at once."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class SealAuthority:
    """A bureau that seals: its name and the notice giving its e-seal legal effect."""

    code: str
    name: str
    legal_basis: str


@dataclass(frozen=True)
class RegisteredSeal:
    """One seal certificate of one bureau, valid for sealing in ``[valid_from, valid_to)``."""

    authority: str
    fingerprint: str  # SHA-256 of the certificate DER, lower-case hex
    certificate: x509.Certificate
    valid_from: dt.datetime
    valid_to: dt.datetime | None
    replaces: str | None = None
    note: str = ""

    def valid_at(self, when: dt.datetime) -> bool:
        return self.valid_from <= when and (self.valid_to is None or when < self.valid_to)


TRUST_ANCHOR_ROLES = ("ca", "tsa")


@dataclass(frozen=True)
class TrustAnchor:
    """A certificate the registry vouches for as a chain anchor: ``ca`` (it certified seal
    certificates) or ``tsa`` (it certified, or is, a time-stamping authority)."""

    role: str
    certificate: x509.Certificate
    note: str = ""


@dataclass(frozen=True)
class SealRegistry:
    version: int
    published_at: dt.datetime
    authorities: dict[str, SealAuthority]
    seals: tuple[RegisteredSeal, ...]
    #: CA and TSA certificates the operator publishes as anchors for offline verification.
    trust_anchors: tuple[TrustAnchor, ...] = ()

    def seals_of(self, authority: str) -> list[RegisteredSeal]:
        return [s for s in self.seals if s.authority == authority]

    def by_fingerprint(self, fingerprint: str) -> RegisteredSeal | None:
        wanted = _normalise_fp(fingerprint)
        return next((s for s in self.seals if s.fingerprint == wanted), None)

    def current_seal(self, authority: str, when: dt.datetime) -> RegisteredSeal | None:
        """The seal the bureau uses at ``when`` (the latest-starting valid entry)."""
        valid = [s for s in self.seals_of(authority) if s.valid_at(when)]
        return max(valid, key=lambda s: s.valid_from) if valid else None


def _normalise_fp(value: str) -> str:
    return "".join(c for c in value.lower() if c in "0123456789abcdef")


def _time(value: Any, where: str, problems: list[str], *, optional: bool = False) -> dt.datetime | None:
    if value is None and optional:
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except (TypeError, ValueError):
        problems.append(f"{where}: not an ISO 8601 time: {value!r}")
        return None
    if parsed.tzinfo is None:
        problems.append(f"{where}: a time zone is required ({value!r})")
        return None
    return parsed


def load_registry(data: bytes | str | dict[str, Any]) -> SealRegistry:
    """Parse and check a registry document; raises :class:`RegistryError` listing every problem."""
    problems: list[str] = []
    try:
        doc = data if isinstance(data, dict) else json.loads(data)
    except ValueError as exc:
        raise RegistryError([f"not JSON: {exc}"]) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise RegistryError([f"format must be {FORMAT!r}"])
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problems.append("version must be a positive integer")
    published = _time(doc.get("published_at"), "published_at", problems)
    authorities: dict[str, SealAuthority] = {}
    raw_authorities = doc.get("authorities")
    if not isinstance(raw_authorities, dict) or not raw_authorities:
        problems.append("authorities must be a non-empty object")
        raw_authorities = {}
    for code, entry in raw_authorities.items():
        if not isinstance(entry, dict) or not str(entry.get("name") or "").strip():
            problems.append(f"authorities.{code}: a name is required")
            continue
        basis = str(entry.get("legal_basis") or "").strip()
        if not basis or len(basis) > MAX_LEGAL_BASIS:
            problems.append(f"authorities.{code}: legal_basis is required (at most {MAX_LEGAL_BASIS} characters)")
        authorities[code] = SealAuthority(code, str(entry["name"]).strip(), basis)
    seals: list[RegisteredSeal] = []
    raw_seals = doc.get("seals")
    if not isinstance(raw_seals, list):
        problems.append("seals must be a list")
        raw_seals = []
    for index, entry in enumerate(raw_seals):
        where = f"seals[{index}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be an object")
            continue
        authority = entry.get("authority")
        if authority not in authorities:
            problems.append(f"{where}: authority {authority!r} is not listed under authorities")
        try:
            cert = x509.load_pem_x509_certificate(str(entry.get("certificate") or "").encode())
        except ValueError:
            problems.append(f"{where}: certificate must be one PEM certificate")
            continue
        fingerprint = cert.fingerprint(hashes.SHA256()).hex()
        claimed = entry.get("fingerprint")
        if claimed is not None and _normalise_fp(str(claimed)) != fingerprint:
            problems.append(f"{where}: fingerprint does not match the certificate")
        start = _time(entry.get("valid_from"), f"{where}.valid_from", problems)
        end = _time(entry.get("valid_to"), f"{where}.valid_to", problems, optional=True)
        if start is not None and end is not None and end <= start:
            problems.append(f"{where}: valid_to must be after valid_from")
        if start is None:
            continue
        replaces = entry.get("replaces")
        seals.append(
            RegisteredSeal(
                authority=str(authority),
                fingerprint=fingerprint,
                certificate=cert,
                valid_from=start,
                valid_to=end,
                replaces=_normalise_fp(str(replaces)) if replaces else None,
                note=str(entry.get("note") or ""),
            )
        )
    anchors: list[TrustAnchor] = []
    raw_anchors = doc.get("trust_anchors", [])
    if not isinstance(raw_anchors, list):
        problems.append("trust_anchors must be a list")
        raw_anchors = []
    for index, entry in enumerate(raw_anchors):
        where = f"trust_anchors[{index}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be an object")
            continue
        if entry.get("role") not in TRUST_ANCHOR_ROLES:
            problems.append(f"{where}: role must be one of {', '.join(TRUST_ANCHOR_ROLES)}")
        try:
            anchor = x509.load_pem_x509_certificate(str(entry.get("certificate") or "").encode())
        except ValueError:
            problems.append(f"{where}: certificate must be one PEM certificate")
            continue
        anchors.append(TrustAnchor(str(entry.get("role")), anchor, str(entry.get("note") or "")))
    seen: dict[str, str] = {}
    for seal in seals:
        other = seen.setdefault(seal.fingerprint, seal.authority)
        if other != seal.authority:
            problems.append(f"seal {seal.fingerprint[:16]}… is registered to both {other} and {seal.authority}")
    if problems:
        raise RegistryError(problems)
    assert published is not None and isinstance(version, int)
    return SealRegistry(version, published, authorities, tuple(seals), tuple(anchors))


def registry_document(
    version: int,
    published_at: dt.datetime,
    authorities: Iterable[SealAuthority],
    seals: Iterable[tuple[str, bytes, dt.datetime, dt.datetime | None]],
    trust_anchors: Iterable[tuple[str, bytes]] = (),
) -> dict[str, Any]:
    """A registry document (for the dev PKI and tests): seals as (authority, PEM, from, to),
    trust anchors as (role, PEM)."""
    return {
        "format": FORMAT,
        "version": version,
        "published_at": published_at.isoformat(),
        "authorities": {a.code: {"name": a.name, "legal_basis": a.legal_basis} for a in authorities},
        "seals": [
            {
                "authority": code,
                "certificate": pem.decode(),
                "valid_from": start.isoformat(),
                "valid_to": end.isoformat() if end else None,
            }
            for code, pem, start, end in seals
        ],
        "trust_anchors": [{"role": role, "certificate": pem.decode()} for role, pem in trust_anchors],
    }


def _signing_time(report: VerificationReport) -> dt.datetime | None:
    """The time-stamp's time when one was validated, else the time the signer claims."""
    t = report.timing
    text = t.timestamp_time if t.timestamp_valid else t.claimed_signing_time
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


_WORSE = {Indication.PASSED: 0, Indication.INDETERMINATE: 1, Indication.FAILED: 2}


def pin_registered_seal(
    report: VerificationReport,
    registry: SealRegistry | None,
    authority: str | None,
) -> VerificationReport:
    """``report`` with the registry's verdict on its signer folded in.

    ``authority`` is the issuing bureau the certificate record names (None when the document is
    not in the registry of certificates: then the signer must be *some* bureau's registered
    seal). The verdict never improves a report: a FAILED seal stays FAILED.
    Codes: ``SEAL_REGISTERED`` (info); ``SEAL_NOT_REGISTERED``, ``SEAL_OF_ANOTHER_AUTHORITY``,
    ``SEAL_OUTSIDE_REGISTERED_VALIDITY`` (FAILED); ``SEAL_REGISTRY_UNAVAILABLE``,
    ``AUTHORITY_NOT_IN_REGISTRY``, ``SIGNING_TIME_UNKNOWN`` (INDETERMINATE).
    """
    fingerprint = report.identity.sha256_fingerprint
    if fingerprint is None:  # nothing was signed (or the file was refused): nothing to pin
        return report
    when = _signing_time(report)
    seal = registry.by_fingerprint(fingerprint) if registry is not None else None
    expected = registry.authorities.get(authority) if registry is not None and authority else None
    owner = registry.authorities.get(seal.authority) if registry is not None and seal is not None else None
    shown = owner or expected
    verdict: Indication | None = None
    code: str
    detail: str | None = None
    if registry is None:
        verdict, code = Indication.INDETERMINATE, "SEAL_REGISTRY_UNAVAILABLE"
    elif authority is not None and not registry.seals_of(authority):
        verdict, code, detail = Indication.INDETERMINATE, "AUTHORITY_NOT_IN_REGISTRY", authority
    elif seal is None:
        verdict, code, detail = Indication.FAILED, "SEAL_NOT_REGISTERED", fingerprint
    elif authority is not None and seal.authority != authority:
        verdict, code, detail = Indication.FAILED, "SEAL_OF_ANOTHER_AUTHORITY", f"{seal.authority} ≠ {authority}"
    elif when is None:
        verdict, code = Indication.INDETERMINATE, "SIGNING_TIME_UNKNOWN"
    elif not seal.valid_at(when):
        verdict, code, detail = Indication.FAILED, "SEAL_OUTSIDE_REGISTERED_VALIDITY", when.isoformat()
    else:
        code = "SEAL_REGISTERED"
    registration = Registration(
        registered=code == "SEAL_REGISTERED",
        code=code,
        authority_code=(seal.authority if seal is not None else authority),
        authority_name=shown.name if shown is not None else None,
        legal_basis=shown.legal_basis if shown is not None else None,
        valid_from=seal.valid_from.isoformat() if seal is not None else None,
        valid_to=seal.valid_to.isoformat() if seal is not None and seal.valid_to else None,
        registry_version=registry.version if registry is not None else None,
    )
    findings: tuple[Finding, ...] = (*report.findings, finding(code, detail))
    indication, sub = report.indication, report.sub_indication
    if verdict is not None and _WORSE[verdict] > _WORSE[indication]:
        indication, sub = verdict, "SIG_CONSTRAINTS_FAILURE"
        findings = tuple(f for f in findings if f.code != "SEAL_VALID")
    return dataclasses.replace(
        report,
        indication=indication,
        sub_indication=sub,
        pades_level=report.pades_level if indication is Indication.PASSED else None,
        findings=findings,
        registration=registration,
    )
