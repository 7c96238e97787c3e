"""Moves credit records that hung on an account (`CREDIT#<account>`, written before credit followed
the verified identity) to the identity the account was verified with, so a default follows the
person across accounts for old records too (seed 002 四(十一) 一处违法、处处受限).

Idempotent and bounded: each run moves at most `limit` records, one transaction each (the old
record deleted, the new one written); a moved record is gone, so a rerun continues where the last
stopped and a finished migration finds nothing. Records of accounts never verified stay where they
are (reported): they are moved by a later run once the account is linked to an identity.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chalicelib.domain import credit as dcr
from chalicelib.domain.errors import DomainError
from chalicelib.storage.application_repository import ApplicationRepository
from chalicelib.storage.certificate_repository import CertificateRepository
from chalicelib.storage.identity_repository import IdentityRepository
from chalicelib.storage.unit_of_work import UnitOfWork


@dataclass
class MigrationReport:
    migrated: int = 0
    unlinked: list[str] = field(default_factory=list)  # accounts without a verified identity (left)
    conflicts: int = 0  # moved meanwhile by another run
    more: bool = False  # the limit was reached: run again


def migrate_account_credit(
    applications: ApplicationRepository, limit: int = 100, dry_run: bool = False
) -> MigrationReport:
    identities = IdentityRepository()
    certificates = CertificateRepository()
    found, more = identities.legacy_credit(limit)
    report = MigrationReport(more=more)
    for account, sk, data in found:
        identifier = identities.account_identity(account)
        if identifier is None:
            report.unlinked.append(account)
            continue
        identity = identities.identity(identifier)
        record = dcr.from_legacy(
            data, identifier, identity.name if identity else "", _centre(applications, certificates, data)
        )
        if dry_run:
            report.migrated += 1
            continue
        uow = UnitOfWork()
        identities.stage_migration(uow, account, sk, record)
        try:
            uow.commit()
        except DomainError:
            report.conflicts += 1
            continue
        report.migrated += 1
    return report


def _centre(applications: ApplicationRepository, certificates: CertificateRepository, data: dict[str, object]) -> str:
    """Where the record arose (a 失信名单 is per centre): the case's centre, or the centre of the
    certificate's case for an inspection's finding."""
    cause = str(data.get("application_id", ""))
    case = applications.get(cause) if cause else None
    if case is None and cause:
        cert = certificates.get(cause)
        case = applications.get(cert[0].application_id) if cert else None
    return case[0].centre_id if case else ""
