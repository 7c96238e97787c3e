"""The signed status list (证照状态列表): which certificates of a bureau are no longer valid.

Why: a verifier without network (or who must not reveal which licence it checks) needs the
current status from somewhere it can trust. Each issuing bureau publishes one list, signed with
its registered seal key (the same key and backend that seal its certificates, so the seal
registry export is all a verifier needs to trust it; no separate status-list key to register),
dated with ``issued_at`` and ``next_update``. It carries licence references and statuses only,
no personal data. A list past ``next_update`` is stale: the verifier is told, and the status it
gives is not taken as current.

Wire format: a compact JWS (``typ`` ``uap-status-list``) whose payload is::

    {"format": "uap-status-list/1", "authority": "city-bureau",
     "issued_at": "2026-12-06T08:00:00+00:00", "next_update": "2026-12-07T08:00:00+00:00",
     "entries": [{"licence": "1.2.156.3005.2.ZJYYZZ.113309000026140576.2026000001.001.9", "status": "REVOKED",
                  "since": "2026-12-05T09:30:00+00:00"}]}
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .jose import JwsError, read_unverified, seals_for_kid, sign_compact, verify_compact
from .keys import KeyBackend
from .registry import SealRegistry

__all__ = [
    "FORMAT",
    "TYP",
    "ListedCertificate",
    "StatusList",
    "StatusListCheck",
    "sign_status_list",
    "verify_status_list",
]

FORMAT = "uap-status-list/1"
TYP = "uap-status-list"


@dataclass(frozen=True)
class ListedCertificate:
    licence: str  # the licence reference the QR payload names (number, later the GB/T 36904 id)
    status: str
    since: str


@dataclass(frozen=True)
class StatusList:
    authority: str
    issued_at: dt.datetime
    next_update: dt.datetime
    entries: tuple[ListedCertificate, ...]

    def status_of(self, licence: str) -> ListedCertificate | None:
        return next((e for e in self.entries if e.licence == licence), None)

    def to_payload(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "authority": self.authority,
            "issued_at": self.issued_at.isoformat(timespec="seconds"),
            "next_update": self.next_update.isoformat(timespec="seconds"),
            "entries": [{"licence": e.licence, "status": e.status, "since": e.since} for e in self.entries],
        }


def sign_status_list(backend: KeyBackend, status_list: StatusList) -> str:
    return sign_compact(backend, TYP, status_list.to_payload())


@dataclass(frozen=True)
class StatusListCheck:
    """The verdict on a downloaded list: ``code`` says what is wrong (or ``STATUS_LIST_CURRENT``)."""

    code: str
    status_list: StatusList | None
    detail: str = ""

    @property
    def trusted(self) -> bool:
        """Signed by the bureau's registered seal (whether or not it is still fresh)."""
        return self.code in {"STATUS_LIST_CURRENT", "STATUS_LIST_STALE"}

    @property
    def current(self) -> bool:
        return self.code == "STATUS_LIST_CURRENT"

    def freshness(self, now: dt.datetime) -> dict[str, Any]:
        """Issued-at, next-update and age: what the verifier must be told about its status data."""
        if self.status_list is None:
            return {}
        age = now - self.status_list.issued_at
        return {
            "issued_at": self.status_list.issued_at.isoformat(timespec="seconds"),
            "next_update": self.status_list.next_update.isoformat(timespec="seconds"),
            "age_seconds": int(age.total_seconds()),
            "stale": now >= self.status_list.next_update,
        }


def _parse(payload: dict[str, Any]) -> StatusList:
    if payload.get("format") != FORMAT:
        raise ValueError(f"format must be {FORMAT!r}")
    issued = dt.datetime.fromisoformat(str(payload["issued_at"]))
    nxt = dt.datetime.fromisoformat(str(payload["next_update"]))
    if issued.tzinfo is None or nxt.tzinfo is None or nxt <= issued:
        raise ValueError("issued_at and next_update need time zones and next_update must be later")
    entries = payload.get("entries")
    if not isinstance(entries, list):
        raise ValueError("entries must be a list")
    listed = tuple(ListedCertificate(str(e["licence"]), str(e["status"]), str(e.get("since") or "")) for e in entries)
    return StatusList(str(payload["authority"]), issued, nxt, listed)


def verify_status_list(
    token: str, registry: SealRegistry, now: dt.datetime, authority: str | None = None
) -> StatusListCheck:
    """Check signature, signer (a registered seal of the list's bureau at ``issued_at``) and date.

    Codes: ``STATUS_LIST_MALFORMED``, ``STATUS_LIST_SIGNER_NOT_REGISTERED``,
    ``STATUS_LIST_SIGNATURE_INVALID``, ``STATUS_LIST_OF_ANOTHER_AUTHORITY`` (not the bureau asked
    for), ``STATUS_LIST_NOT_YET_VALID`` (issued in the future), ``STATUS_LIST_STALE`` (past
    ``next_update``), ``STATUS_LIST_CURRENT``.
    """
    try:
        claimed = read_unverified(token.strip(), TYP)
        status_list = _parse(claimed.payload)
    except (JwsError, ValueError, KeyError, TypeError) as exc:
        return StatusListCheck("STATUS_LIST_MALFORMED", None, str(exc))
    candidates = [s for s in seals_for_kid(registry, claimed.kid) if s.authority == status_list.authority]
    if not candidates:
        return StatusListCheck("STATUS_LIST_SIGNER_NOT_REGISTERED", None, claimed.kid)
    if not any(verify_compact(token.strip(), s, claimed.algorithm) for s in candidates):
        return StatusListCheck("STATUS_LIST_SIGNATURE_INVALID", None)
    if not any(s.valid_at(status_list.issued_at) for s in candidates):
        return StatusListCheck("STATUS_LIST_SIGNER_NOT_REGISTERED", None, "seal not valid at issued_at")
    if authority is not None and status_list.authority != authority:
        return StatusListCheck("STATUS_LIST_OF_ANOTHER_AUTHORITY", status_list, status_list.authority)
    if status_list.issued_at > now + dt.timedelta(minutes=5):
        return StatusListCheck("STATUS_LIST_NOT_YET_VALID", status_list)
    if now >= status_list.next_update:
        return StatusListCheck("STATUS_LIST_STALE", status_list, status_list.next_update.isoformat())
    return StatusListCheck("STATUS_LIST_CURRENT", status_list)
