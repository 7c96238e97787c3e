"""How long the files of a case are kept, and which uploads a change newly cites.

Seed 002 四(九) asks every centre for an approval archive system (建立行政审批档案管理制度): what
was filed and what was issued are records. The seeds name no period; the default figure, 10
years, is the 10-year term of 《机关文件材料归档范围和文书档案保管期限规定》(国家档案局令第8号),
the shortest term for archived files of an organ, and a deployment sets its own
(`RecordRetentionYears`) as its archive authority decides.

An upload nobody cites is not a record: an applicant who uploads and never files leaves a file
that must go away (`PENDING_UPLOAD_DAYS`). So a file is kept as a record from the moment a
change cites it (filing, supplement, a referral's result) or, for files the system writes
itself (certificates), from the moment it is written.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.application import Application

RETENTION_YEARS = 10
PENDING_UPLOAD_DAYS = 7
UPLOAD_AREA = "materials/"


def retain_until(now: datetime, years: int) -> datetime:
    """`years` after `now` (29 February becomes 28 February in a common year)."""
    try:
        return now.replace(year=now.year + years)
    except ValueError:
        return now.replace(year=now.year + years, day=28)


def _uploads(case: Application | None) -> set[str]:
    if case is None:
        return set()
    keys = {m.blob_key for m in case.materials}
    keys |= {r.document.blob_key for r in case.referrals if r.document is not None}
    return {key for key in keys if key.startswith(UPLOAD_AREA)}


def newly_cited_uploads(before: Application | None, after: Application) -> list[str]:
    """Uploaded files `after` cites that `before` did not (certificates cited as materials are
    records already), in a stable order."""
    return sorted(_uploads(after) - _uploads(before))
