"""Archival time-stamps of certificates (PAdES B-LTA): when each must be renewed.

A sealed certificate stays verifiable for as long as its newest time-stamp can be validated,
i.e. until that time-stamp authority's certificate expires. The archive therefore records, per
certificate, the day the newest time-stamp's TSA certificate expires, and a scheduled job adds
a new document time-stamp (with fresh validation data for the old one) once that day comes within
a configured margin. A renewal only counts when the new time-stamp outlives the old one (a TSA
whose own certificate is about to expire cannot extend anything); otherwise the old file stays
and the job tries again. Plain Python: the PDF work is `signing.archive`'s.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from chalicelib.domain import application as da
from chalicelib.domain.application import Application, Transition
from chalicelib.domain.audit import make_event

ACTION = "retimestamp_certificate"
DEFAULT_MARGIN_DAYS = 180
MAX_MARGIN_DAYS = 3650


@dataclass(frozen=True)
class TimestampDue:
    """A certificate whose newest time-stamp's TSA certificate expires on ``expires_on``."""

    certificate_id: str
    expires_on: date


def margin_days(raw: str | None) -> int:
    """``UAP_RETIMESTAMP_MARGIN_DAYS``: how long before the expiry to renew (1..3650, default 180)."""
    try:
        value = int(raw) if raw and raw.strip() else DEFAULT_MARGIN_DAYS
    except ValueError:
        return DEFAULT_MARGIN_DAYS
    return min(max(value, 1), MAX_MARGIN_DAYS)


def renewal_cutoff(today: date, margin: int) -> date:
    """Time-stamps expiring on or before this day are renewed today."""
    return today + timedelta(days=margin)


def extends(old: date, new: date | None) -> bool:
    """Does the new time-stamp outlive the old one (else the renewal achieved nothing)?"""
    return new is not None and new > old


def record_renewal(case: Application, now: datetime, number: str, old: date, new: date, sha256: str) -> Transition:
    """The case's audit event for a renewed archival time-stamp (the system acted; state unchanged)."""
    reason = f"证照{number}加盖新的存档时间戳:原时间戳证书{old.isoformat()}到期,新时间戳证书{new.isoformat()}到期;文件SHA-256 {sha256}"
    event = make_event(
        case.last_hash,
        case.events + 1,
        now.isoformat(timespec="seconds"),
        ACTION,
        da.SYSTEM,
        da.SYSTEM,
        case.state.value,
        case.state.value,
        reason,
    )
    return Transition(replace(case, events=event.seq, last_hash=event.hash), event)
