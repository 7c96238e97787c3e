"""Idempotent backfills of data written before a rule existed, run by an operator
(`python -m infra.migrate <name>`; see the README's operations part). Each repairs only what still
lacks the new shape, one transaction per record, so running it again (or after an interruption)
changes nothing already repaired.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from chalicelib.domain import application as da
from chalicelib.domain import certificate as dcert
from chalicelib.domain import licence_identifier as dli
from chalicelib.domain import organisation as org
from chalicelib.domain.errors import DomainError
from chalicelib.services import clock
from chalicelib.storage import migration_repository as scan
from chalicelib.storage.application_repository import ApplicationRepository
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.certificate_repository import CertificateRepository
from chalicelib.storage.unit_of_work import UnitOfWork

DEFAULT_LIMIT = 500  # cases repaired per run


def backfill_oversight_centres(
    repo: ApplicationRepository, catalogue: CatalogueRepository, limit: int = DEFAULT_LIMIT
) -> Counter[str]:
    """Cases filed before the multi-level round have no oversight centres, so every supervisor
    sees them. Give each the centres computed from the organisation as it stands (the intake and
    competent centres and every centre above them, `org.oversight_centres`), re-deriving its
    projections (a rejection report then reaches the right centres' worklists) in one transaction
    guarded by the case's revision. At most `limit` cases per run; `more` says whether to run again."""
    centres = catalogue.all_centres()
    today = da.china_date(clock.utc_now())
    done: Counter[str] = Counter()
    for case_id in scan.application_head_ids():
        if done["repaired"] >= limit:
            done["more"] = 1
            break
        found = repo.get(case_id)
        if found is None or found[0].oversight_centre_ids:
            continue
        case, rev = found
        try:
            centres_of_case = org.oversight_centres(case.centre_id, case.handling_centre_id, centres)
        except DomainError:
            done["unroutable"] += 1  # a centre no longer stored or a loop: left for a person to fix
            continue
        if not centres_of_case:
            done["unroutable"] += 1
            continue
        uow = UnitOfWork()
        repo.stage_refresh(uow, replace(case, oversight_centre_ids=centres_of_case), rev, today)
        try:
            uow.commit()
        except DomainError:
            done["conflict"] += 1  # changed meanwhile: the next run looks at it again
            continue
        done["repaired"] += 1
    return done


def _per_published_item(counted: str, stage: Callable[[UnitOfWork, Any], int]) -> Counter[str]:
    """`stage` for every published item, one transaction per item (the stage functions upsert, so
    a backfill is safe to repeat); counts `items` and what `stage` returns under `counted`."""
    done: Counter[str] = Counter()
    for item in scan.published_items():
        uow = UnitOfWork()
        done[counted] += stage(uow, item)
        uow.commit()
        done["items"] += 1
    return done


def backfill_department_references(catalogue: CatalogueRepository) -> Counter[str]:
    """The `DEPTREF#<department>` rows of items published before the rows existed."""
    return _per_published_item("references", catalogue.stage_references)


def backfill_listing_replicas(catalogue: CatalogueRepository) -> Counter[str]:
    """The read replicas of `LIST#ALL` for items listed before the replicas existed (infra/CAPACITY.md)."""
    return _per_published_item("replicas", catalogue.stage_listing_replicas)


def backfill_listing_summaries(catalogue: CatalogueRepository) -> Counter[str]:
    """Every listing row of a published item rewritten with its listing summary, for rows written
    before summaries existed (a catalogue page meeting a row without one reads the page in full
    meanwhile)."""
    return _per_published_item("rows", catalogue.stage_listing_summaries)


_NUMBER_TAIL = re.compile(r"-(\d{4})-(\d{6})$")  # dcert.format_number: <authority>-<year>-<sequence>


def backfill_certificate_identifiers(
    certificates: CertificateRepository, catalogue: CatalogueRepository, limit: int = DEFAULT_LIMIT
) -> Counter[str]:
    """Certificates issued before GB/T 36904 identifiers get one, from the serial their human
    number already carries (year and sequence), the issuing bureau's credit code and version 001,
    with the GB/T 36903 metadata; the rewrite also stores the status in the current spelling.
    One transaction per record (the record and its identifier lookup); at most `limit` per run,
    `more` says whether to run again. A bureau without a valid credit code is counted
    (`no_issuer_code`) and left for after its code is recorded."""
    departments: dict[str, org.Department | None] = {}
    done: Counter[str] = Counter()
    for certificate_id in scan.certificate_ids():
        if done["assigned"] >= limit:
            done["more"] = 1
            break
        found = certificates.get(certificate_id)
        if found is None or found[0].identifier:
            continue
        cert, rev = found
        issuer = cert.issuer_department_id or cert.authority_code.lower()
        if issuer not in departments:
            departments[issuer] = catalogue.get_department(issuer)
        department = departments[issuer]
        number = _NUMBER_TAIL.search(cert.number)
        if department is None or not dli.valid_issuer_code(department.credit_code) or number is None:
            done["no_issuer_code" if number is not None else "unparsable_number"] += 1
            continue
        identifier = dli.new_identifier(cert.type_code, department.credit_code, int(number[1]), int(number[2]))
        updated = replace(
            cert,
            identifier=str(identifier),
            holder_code_type=dcert.holder_code_type(cert.holder_identifier),
            issuer_code=department.credit_code,
            jurisdiction_code=department.division_code,
            valid_from=cert.valid_from or cert.issued_on,
        )
        uow = UnitOfWork()
        certificates.stage_identifier(uow, updated, rev)
        try:
            uow.commit()
        except DomainError:
            done["conflict"] += 1  # changed meanwhile: the next run looks again
            continue
        done["assigned"] += 1
    return done
