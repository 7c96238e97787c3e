"""Offline verification kit: the signed QR payload and the offline verdict (issue 13 point 7).

Why: a bank branch or an inspector without network (or not wanting to reveal which licence it
checks) must still tell a genuine, current licence from a forged or revoked one. The certificate's
QR code therefore carries, after the verification URL's ``#`` (a fragment: phones opening the URL
never send it to the server), a compact JWS signed with the issuing bureau's seal key: licence
reference, holder masked, type, issue date, validity end, issuing bureau and status at issue.
With the seal registry export (whose certificates the bureaus publish, seed 003 二(七)) and the
bureau's signed status list (``signing/status_list.py``), :func:`offline_verdict` answers without
any request, and says how fresh its status data is.

Size (measured, level M, 108 pt QR box): a realistic ES256 payload is ~430 characters; with a
47-character URL the code is version 17 (85 modules, 0.45 mm a module); an RSA-2048 seal gives
~690 characters, version 22 (105 modules, 0.36 mm), both above the ~0.3 mm phone cameras need.
CBOR/COSE would be ~25% smaller but needs two more dependencies; JWS uses PyJWT, already pinned.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .jose import JwsError, read_unverified, seals_for_kid, sign_compact, verify_compact
from .keys import KeyBackend
from .registry import SealRegistry
from .report import Indication
from .status_list import StatusListCheck

__all__ = [
    "CODES",
    "TYP",
    "OfflineVerdict",
    "QrCheck",
    "QrClaims",
    "export_registry",
    "offline_verdict",
    "qr_text",
    "sign_qr_payload",
    "token_of",
    "verify_qr_payload",
]

TYP = "uap-qr"

#: code -> (Chinese, English): what a verifier is told.
CODES: dict[str, tuple[str, str]] = {
    "QR_PAYLOAD_VALID": (
        "二维码签名有效,由发证机关登记的电子印章签发",
        "QR payload signed by the bureau's registered seal",
    ),
    "QR_PAYLOAD_MALFORMED": ("二维码内容不是有效的签名数据", "the QR text is not a signed licence payload"),
    "QR_SIGNER_NOT_REGISTERED": (
        "二维码不是由印章登记册在册的电子印章签发",
        "the QR payload was signed by a key that is not a registered seal",
    ),
    "QR_SIGNATURE_INVALID": ("二维码签名无效(内容被篡改)", "the QR payload's signature is invalid (tampered)"),
    "QR_SEAL_OF_ANOTHER_AUTHORITY": (
        "二维码由其他机关的电子印章签发",
        "the QR payload was signed by another bureau's seal",
    ),
    "QR_SEAL_OUTSIDE_REGISTERED_VALIDITY": (
        "签发二维码时该电子印章不在登记有效期内",
        "the seal was outside its registered validity when the QR payload was signed",
    ),
    "STATUS_LIST_MISSING": ("没有该发证机关的状态列表,无法确认证照当前状态", "no status list of the issuing bureau"),
    "STATUS_LIST_MALFORMED": ("状态列表文件无效", "the status list is not a signed status list"),
    "STATUS_LIST_SIGNER_NOT_REGISTERED": (
        "状态列表不是由发证机关登记的电子印章签发",
        "the status list was not signed by a registered seal of the bureau",
    ),
    "STATUS_LIST_SIGNATURE_INVALID": ("状态列表签名无效(伪造或被篡改)", "the status list's signature is invalid"),
    "STATUS_LIST_OF_ANOTHER_AUTHORITY": ("状态列表属于其他发证机关", "the status list is another bureau's"),
    "STATUS_LIST_NOT_YET_VALID": ("状态列表的签发时间在未来", "the status list is dated in the future"),
    "STATUS_LIST_STALE": (
        "状态列表已过下次更新时间,证照当前状态无法确认,请重新下载",
        "the status list is past its next update: download it again",
    ),
    "STATUS_LIST_CURRENT": ("状态列表在有效期内", "the status list is current"),
    "CERTIFICATE_LISTED": ("证照已被列入状态列表,不再有效", "the certificate is listed as no longer valid"),
    "CERTIFICATE_EXPIRED": ("证照已超过有效期", "the certificate is past its validity"),
    "CERTIFICATE_NOT_LISTED": ("证照未列入状态列表(未被吊销)", "the certificate is not listed"),
}


@dataclass(frozen=True)
class QrClaims:
    """What the QR code states; short JSON keys keep the code scannable."""

    licence: str  # number now; the GB/T 36904 identifier once issued (chalicelib.domain.offline_kit)
    holder: str  # masked
    type_code: str
    type_name: str
    issued_on: str  # ISO date
    valid_until: str | None
    authority: str  # seal registry code of the issuing bureau
    status: str  # status at issue
    signed_at: int  # seconds since the epoch: the seal must be registered as valid then

    _KEYS = (
        ("licence", "lic"),
        ("holder", "hld"),
        ("type_code", "tc"),
        ("type_name", "tn"),
        ("issued_on", "isd"),
        ("valid_until", "vu"),
        ("authority", "iss"),
        ("status", "st"),
        ("signed_at", "iat"),
    )

    def to_payload(self) -> dict[str, Any]:
        return {short: getattr(self, name) for name, short in self._KEYS if getattr(self, name) is not None}

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> QrClaims:
        values = {name: payload.get(short) for name, short in cls._KEYS}
        missing = [short for name, short in cls._KEYS if values[name] is None and name != "valid_until"]
        if missing:
            raise ValueError(f"missing claims: {', '.join(missing)}")
        if not isinstance(values["signed_at"], int):
            raise ValueError("iat must be an integer")
        dt.date.fromisoformat(str(values["issued_on"]))
        if values["valid_until"] is not None:
            dt.date.fromisoformat(str(values["valid_until"]))
        converted: dict[str, Any] = {k: (v if k == "signed_at" or v is None else str(v)) for k, v in values.items()}
        return cls(**converted)

    @property
    def signed_time(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.signed_at, dt.UTC)


def sign_qr_payload(backend: KeyBackend, claims: QrClaims) -> str:
    return sign_compact(backend, TYP, claims.to_payload())


def qr_text(verification_url: str, token: str) -> str:
    """What the QR code encodes: the page URL, and the signed payload as its fragment."""
    return f"{verification_url}#{token}"


def token_of(scanned: str) -> str:
    """The JWS from what a scanner read: ``URL#JWS`` or the bare JWS."""
    text = scanned.strip()
    return text.rsplit("#", 1)[1] if "#" in text else text


@dataclass(frozen=True)
class QrCheck:
    code: str
    claims: QrClaims | None
    detail: str = ""

    @property
    def valid(self) -> bool:
        return self.code == "QR_PAYLOAD_VALID"


def verify_qr_payload(scanned: str, registry: SealRegistry) -> QrCheck:
    """The payload's signature against the registered seals of the bureau it names."""
    token = token_of(scanned)
    try:
        claimed = read_unverified(token, TYP)
        claims = QrClaims.from_payload(claimed.payload)
    except (JwsError, ValueError, TypeError) as exc:
        return QrCheck("QR_PAYLOAD_MALFORMED", None, str(exc))
    seals = seals_for_kid(registry, claimed.kid)
    signer = next((s for s in seals if verify_compact(token, s, claimed.algorithm)), None)
    if not seals:
        return QrCheck("QR_SIGNER_NOT_REGISTERED", claims, claimed.kid)
    if signer is None:
        return QrCheck("QR_SIGNATURE_INVALID", claims)
    if signer.authority != claims.authority:
        return QrCheck("QR_SEAL_OF_ANOTHER_AUTHORITY", claims, f"{signer.authority} ≠ {claims.authority}")
    if not signer.valid_at(claims.signed_time):
        return QrCheck("QR_SEAL_OUTSIDE_REGISTERED_VALIDITY", claims, claims.signed_time.isoformat())
    return QrCheck("QR_PAYLOAD_VALID", claims)


@dataclass(frozen=True)
class OfflineVerdict:
    """PASSED / INDETERMINATE / FAILED with every finding, and the freshness of the status data."""

    indication: Indication
    codes: tuple[tuple[str, str], ...]  # (code, detail)
    claims: QrClaims | None
    status: str | None  # the status the list gives (``VALID`` when not listed), None if unknown
    freshness: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "indication": self.indication.value,
            "status": self.status,
            "findings": [{"code": c, "zh": CODES[c][0], "en": CODES[c][1], "detail": d or None} for c, d in self.codes],
            "licence": self.claims.to_payload() if self.claims else None,
            "statusData": self.freshness or None,
        }

    def to_text(self) -> str:
        lines = [f"offline verification: {self.indication.value}"]
        if self.claims is not None:
            c = self.claims
            lines.append(
                f"licence {c.licence} ({c.type_name}), holder {c.holder}, issued {c.issued_on} by {c.authority}"
            )
        if self.status is not None:
            lines.append(f"status: {self.status}")
        if self.freshness:
            f = self.freshness
            hours = f["age_seconds"] / 3600
            lines.append(
                f"status list issued {f['issued_at']}, next update {f['next_update']}, age {hours:.1f} h"
                + (" (STALE)" if f["stale"] else "")
            )
        lines += [f"  {c}: {CODES[c][0]}" + (f" [{d}]" if d else "") for c, d in self.codes]
        return "\n".join(lines)


def offline_verdict(qr: QrCheck, lists: list[StatusListCheck], today: dt.date, now: dt.datetime) -> OfflineVerdict:
    """Combine the QR payload check with the issuing bureau's status list.

    A listed certificate is FAILED whether or not the list is still fresh (revocation is final);
    an unlisted one is PASSED only against a current list, else INDETERMINATE (stale, missing or
    untrusted status data).
    """
    codes: list[tuple[str, str]] = [(qr.code, qr.detail)]
    if not qr.valid or qr.claims is None:
        return OfflineVerdict(Indication.FAILED, tuple(codes), qr.claims, None)
    claims = qr.claims
    mine = [c for c in lists if c.status_list is not None and c.status_list.authority == claims.authority]
    chosen = max(mine, key=lambda c: (c.trusted, c.status_list.issued_at if c.status_list else now), default=None)
    if chosen is None:
        untrusted = [c for c in lists if not c.trusted and c.code != "STATUS_LIST_OF_ANOTHER_AUTHORITY"]
        codes += [(c.code, c.detail) for c in untrusted] or [("STATUS_LIST_MISSING", claims.authority)]
        return OfflineVerdict(Indication.INDETERMINATE, tuple(codes), claims, None)
    codes.append((chosen.code, chosen.detail))
    freshness = chosen.freshness(now)
    if not chosen.trusted or chosen.status_list is None:
        return OfflineVerdict(Indication.INDETERMINATE, tuple(codes), claims, None, freshness)
    listed = chosen.status_list.status_of(claims.licence)
    if listed is not None:
        codes.append(("CERTIFICATE_LISTED", f"{listed.status} since {listed.since}"))
        return OfflineVerdict(Indication.FAILED, tuple(codes), claims, listed.status, freshness)
    if claims.valid_until is not None and dt.date.fromisoformat(claims.valid_until) < today:
        codes.append(("CERTIFICATE_EXPIRED", claims.valid_until))
        return OfflineVerdict(Indication.FAILED, tuple(codes), claims, "expired", freshness)
    codes.append(("CERTIFICATE_NOT_LISTED", ""))
    if not chosen.current:
        return OfflineVerdict(Indication.INDETERMINATE, tuple(codes), claims, None, freshness)
    return OfflineVerdict(Indication.PASSED, tuple(codes), claims, "VALID", freshness)


def export_registry(registry: SealRegistry) -> dict[str, Any]:
    """The registry as a publishable document (``load_registry`` reads it back unchanged): what
    ``GET /seal-registry`` serves and ``fetch-kit`` saves next to the status lists."""
    from cryptography.hazmat.primitives import serialization

    from .registry import FORMAT

    return {
        "format": FORMAT,
        "version": registry.version,
        "published_at": registry.published_at.isoformat(),
        "authorities": {a.code: {"name": a.name, "legal_basis": a.legal_basis} for a in registry.authorities.values()},
        "seals": [
            {
                "authority": s.authority,
                "certificate": s.certificate.public_bytes(serialization.Encoding.PEM).decode(),
                "fingerprint": s.fingerprint,
                "valid_from": s.valid_from.isoformat(),
                "valid_to": s.valid_to.isoformat() if s.valid_to else None,
                "replaces": s.replaces,
                "note": s.note,
            }
            for s in registry.seals
        ],
        "trust_anchors": [
            {
                "role": a.role,
                "certificate": a.certificate.public_bytes(serialization.Encoding.PEM).decode(),
                "note": a.note,
            }
            for a in registry.trust_anchors
        ],
    }
