"""Credit records of a verified identity (seed 002 四(八) 失信名单, 四(十一) 一处违法、处处受限).

A broken credit pledge is a credit default; a serious violation found by a supervising department
(or a false pledge) is a serious record and puts the identity on the 失信名单 of the centre where
it happened. Any record in force bars the fast tracks that rest on the applicant's word
(deficiency acceptance, approval on pledge) everywhere, whichever account applies.
"""

from __future__ import annotations

from collections.abc import Iterable
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
