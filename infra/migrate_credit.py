"""Move account-keyed credit records to the verified identities (issue 12; seed 002 四(十一)).

python -m infra.migrate_credit               # move up to 100 records, print what was done
python -m infra.migrate_credit --limit 500   # a bigger batch
python -m infra.migrate_credit --dry-run     # count what would move, change nothing

Run with operator credentials (it Scans the table, which the Lambda role may not). Idempotent:
rerun until it reports `more: false`; accounts never verified are listed and left in place.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from chalicelib.domain.working_days import DEFAULT_CALENDAR
from chalicelib.services.credit_migration import MigrationReport, migrate_account_credit
from chalicelib.storage.application_repository import ApplicationRepository


def main(argv: list[str] | None = None) -> MigrationReport:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=100, help="records to move in this run (1-1000)")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    if not 1 <= args.limit <= 1000:
        parser.error("--limit must be between 1 and 1000")
    report = migrate_account_credit(ApplicationRepository(DEFAULT_CALENDAR), args.limit, args.dry_run)
    print(json.dumps(asdict(report), ensure_ascii=False))
    return report


if __name__ == "__main__":
    main()
