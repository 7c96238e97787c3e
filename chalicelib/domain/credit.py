"""Credit records of a verified identity (seed 002 四(八) 失信名单, 四(十一) 一处违法、处处受限).

A broken credit pledge is a credit default; a serious violation found by a supervising department
(or a false pledge) is a serious record and puts the identity on the 失信名单 of the centre where
it happened. Any record in force bars the fast tracks that rest on the applicant's word
(deficiency acceptance, approval on pledge) everywhere, whichever account applies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

RECORD_DAYS = 365  # how long a record is in force


class Severity(StrEnum):
    DEFAULT = "default"  # 失信: a broken pledge
    SERIOUS = "serious"  # 严重失信: on the 失信名单


@dataclass(frozen=True)
class CreditRecord:
    identifier: str
    severity: Severity
    cause_id: str  # the case or certificate
    centre_id: str
    detail: str
    at: str
    expires_on: date
    name: str = ""

    def in_force(self, today: date) -> bool:
        return self.expires_on >= today


def new_record(
    identifier: str, severity: Severity, cause_id: str, centre_id: str, detail: str, at: str, today: date, name: str
) -> CreditRecord:
    return CreditRecord(
        identifier, severity, cause_id, centre_id, detail, at, today + timedelta(days=RECORD_DAYS), name
    )


def barred(records: Iterable[CreditRecord], today: date) -> bool:
    """Whether any record in force bars the fast tracks."""
    return any(r.in_force(today) for r in records)


# --- records written before credit followed the identity ----------------------------------------

LEGACY_ENTITY = "CreditDefault"  # `CREDIT#<account>`: {application_id, at, expires_on, detail}


def from_legacy(data: Mapping[str, object], identifier: str, name: str, centre_id: str) -> CreditRecord:
    """A record that hung on an account, re-keyed to the identity the account was verified with.
    Its severity follows what wrote it: the supervising department's inspection finding a serious
    violation (its detail says so) is serious; a broken pledge is a default. Dates are kept."""
    detail = str(data.get("detail", ""))
    severity = Severity.SERIOUS if "serious" in detail else Severity.DEFAULT
    return CreditRecord(
        identifier,
        severity,
        str(data.get("application_id", "")),
        centre_id,
        detail,
        str(data["at"]),
        date.fromisoformat(str(data["expires_on"])),
        name,
    )
