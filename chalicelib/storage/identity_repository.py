"""Verified identities, their accounts and their credit records.

Key scheme (see infra/ACCESS_PATTERNS.md):
    IDENTITY#<identifier> / #                         the verified identity (kind, name, how verified)
    IDENTITY#<identifier> / ACCOUNT#<account>         an account linked to it
    ACCOUNT#<account> / IDENTITY                      the identity an account was verified with
    ACCOUNT#<account> / BINDCODE                      the account's window binding code (digest only)
    CREDIT#<identifier> / DEFAULT#<at>#<cause>        credit records of the identity (any account)
    BLACKLIST#<centre> / <expires on>#<identifier>#<at>  serious records (失信名单) of a centre,
                                                      soonest expiry first: `SK >= today` is "in force"
    CREDIT#<account> / DEFAULT#<at>#<cause>           legacy (entity CreditDefault): records that hung on
                                                      an account; moved by `python -m infra.migrate_credit`
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from pynamodb.expressions.operand import Path

from chalicelib.domain.credit import LEGACY_ENTITY, CreditRecord, Severity
from chalicelib.domain.identity_binding import BindingCode
from chalicelib.domain.verified_identity import VerifiedIdentity
from chalicelib.storage.batch_reads import Ref, get_all
from chalicelib.storage.codec import decode_as, encode
from chalicelib.storage.pagination import Page, query_page
from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import UnitOfWork


def _verification(r: Record) -> tuple[str, str]:
    return str(r.data["identifier"]), str(r.data.get("name", ""))


class IdentityRepository:
    def account_identity(self, account: str) -> str | None:
        found = self.account_verification(account)
        return found[0] if found else None

    def account_verification(self, account: str) -> tuple[str, str] | None:
        """The identifier an account was verified with and the name verified with it ("" for links
        recorded before names were kept): one GetItem."""
        try:
            data = Record.get(f"ACCOUNT#{account}", "IDENTITY").data
        except Record.DoesNotExist:
            return None
        return str(data["identifier"]), str(data.get("name", ""))

    def account_standing(
        self, account: str, also: Sequence[Ref[Any]] = ()
    ) -> tuple[tuple[str, str] | None, list[Any | None]]:
        """The account's verification (as `account_verification`) and the records of `also` (another
        repository's refs: whether the account is a staff member's), in one BatchGetItem."""
        found = get_all([Ref(f"ACCOUNT#{account}", "IDENTITY", _verification), *also])
        return found[0], found[1:]

    def window_filing(
        self, account: str, identifier: str, with_code: bool, also: Sequence[Ref[Any]] = ()
    ) -> tuple[tuple[str, str] | None, tuple[BindingCode, int] | None, VerifiedIdentity | None, list[Any | None]]:
        """What a window filing checks, in one BatchGetItem: the account's verification (as
        `account_verification`), its binding code with the code's revision (when a code was given),
        the identity the clerk checked, if it was verified before (its name), and the records of
        `also` (another repository's refs: whether the account is a staff member's)."""
        refs: list[Ref[Any]] = [
            Ref(f"ACCOUNT#{account}", "IDENTITY", lambda r: (str(r.data["identifier"]), str(r.data.get("name", "")))),
            Ref(f"IDENTITY#{identifier}", "#", lambda r: decode_as(VerifiedIdentity, r.data)),
            *also,
        ]
        if with_code:
            refs.append(
                Ref(f"ACCOUNT#{account}", "BINDCODE", lambda r: (decode_as(BindingCode, r.data), int(r.rev or 0)))
            )
        found = get_all(refs)
        binding = found[-1] if with_code else None
        return found[0], binding, found[1], found[2 : 2 + len(also)]

    def stage_binding(self, uow: UnitOfWork, code: BindingCode, rev: int | None) -> None:
        """A new code replaces the old whatever it was; a redeemed or missed one is written at the
        revision it was read (two windows cannot both redeem it)."""
        record = Record(f"ACCOUNT#{code.account}", "BINDCODE", entity="BindingCode", data=encode(code))
        if rev is None:
            uow.upsert(record)
        else:
            uow.replace(record, rev)

    def identity(self, identifier: str) -> VerifiedIdentity | None:
        try:
            return decode_as(VerifiedIdentity, Record.get(f"IDENTITY#{identifier}", "#").data)
        except Record.DoesNotExist:
            return None

    def credit_records(self, identifier: str) -> list[CreditRecord]:
        """Every record of the identity (one Query; a handful at most)."""
        condition = Path("SK").startswith("DEFAULT#")
        return [
            decode_as(CreditRecord, r.data) for r in Record.query(f"CREDIT#{identifier}", range_key_condition=condition)
        ]

    def blacklist(self, centre_id: str, today: date, first: int, after: str | None) -> Page[CreditRecord]:
        """Serious records in force of a centre, soonest expiry first (one Query per page)."""
        page = query_page(
            f"BLACKLIST#{centre_id}", first=first, after=after, range_condition=Record.sk >= today.isoformat()
        )
        return Page([(decode_as(CreditRecord, r.data), c) for r, c in page.items], page.has_next_page, page.end_cursor)

    def stage_link(self, uow: UnitOfWork, identity: VerifiedIdentity, account: str) -> None:
        """Record a verification: the identity (latest verification wins) and the account's link."""
        uow.upsert(Record(f"IDENTITY#{identity.identifier}", "#", entity="Identity", data=encode(identity)))
        uow.upsert(
            Record(
                f"IDENTITY#{identity.identifier}",
                f"ACCOUNT#{account}",
                entity="IdentityAccount",
                data={"account": account, "at": identity.verified_at},
            )
        )
        uow.upsert(
            Record(
                f"ACCOUNT#{account}",
                "IDENTITY",
                entity="AccountIdentity",
                data={"identifier": identity.identifier, "name": identity.name},
            )
        )

    def legacy_credit(self, limit: int) -> tuple[list[tuple[str, str, dict[str, object]]], bool]:
        """Up to `limit` account-keyed credit records (account, sort key, data) and whether more may
        remain. Operator migration only (infra/migrate_credit.py): it Scans, which no request path does
        and the Lambda role may not; migrated records are deleted, so each run starts afresh."""
        found: list[tuple[str, str, dict[str, object]]] = []
        for r in Record.scan(filter_condition=Record.entity == LEGACY_ENTITY, page_size=100):
            if len(found) == limit:
                return found, True
            found.append((r.pk.removeprefix("CREDIT#"), r.sk, dict(r.data)))
        return found, False

    def stage_migration(self, uow: UnitOfWork, account: str, sk: str, record: CreditRecord) -> None:
        """Move one legacy record to its identity in one transaction: the old one must still be there
        (a concurrent run makes this CONFLICT), the new one is written whatever was there (a rerun)."""
        uow.delete_existing(Record(f"CREDIT#{account}", sk))
        data = encode(record)
        uow.upsert(
            Record(
                f"CREDIT#{record.identifier}",
                f"DEFAULT#{record.at}#{record.cause_id}",
                entity="CreditRecord",
                data=data,
            )
        )
        if record.severity is Severity.SERIOUS and record.centre_id:
            key = f"{record.expires_on.isoformat()}#{record.identifier}#{record.at}"
            uow.upsert(Record(f"BLACKLIST#{record.centre_id}", key, entity="Blacklisted", data=data))

    def stage_credit(self, uow: UnitOfWork, record: CreditRecord) -> None:
        data = encode(record)
        uow.create(
            Record(
                f"CREDIT#{record.identifier}",
                f"DEFAULT#{record.at}#{record.cause_id}",
                entity="CreditRecord",
                data=data,
            )
        )
        if record.severity is Severity.SERIOUS and record.centre_id:
            sk = f"{record.expires_on.isoformat()}#{record.identifier}#{record.at}"
            uow.upsert(Record(f"BLACKLIST#{record.centre_id}", sk, entity="Blacklisted", data=data))
