"""Idempotent data backfills for a deployed table (operator tool; see README "Operations").

    python -m infra.migrate oversight-centres [--limit 500]   # cases filed before the hierarchy
    python -m infra.migrate department-references             # DEPTREF rows of published items
    python -m infra.migrate listing-replicas                  # LIST#ALL#<n> copies of the listing
    python -m infra.migrate listing-summaries                 # listing rows' summary (catalogue pages)
    python -m infra.migrate certificate-identifiers [--limit 500]  # GB/T 36904 identifiers of old certificates

Each prints its counts as JSON; `oversight-centres` and `certificate-identifiers` say `"more": 1`
when they stopped at the limit (run it again until it does not). Running either again repairs nothing twice.
"""

from __future__ import annotations

import argparse
import json
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "name",
        choices=[
            "oversight-centres",
            "department-references",
            "listing-replicas",
            "listing-summaries",
            "certificate-identifiers",
        ],
    )
    parser.add_argument(
        "--limit", type=int, default=None, help="records repaired per run (oversight-centres, certificate-identifiers)"
    )
    args = parser.parse_args(argv)
    from chalicelib.services import migrations
    from chalicelib.storage.catalogue_repository import CatalogueRepository

    catalogue = CatalogueRepository()
    if args.name == "oversight-centres":
        from chalicelib.services.calendar import current_calendar  # the arrangement in force
        from chalicelib.storage.application_repository import ApplicationRepository

        limit = args.limit if args.limit is not None else migrations.DEFAULT_LIMIT
        result = migrations.backfill_oversight_centres(ApplicationRepository(current_calendar()), catalogue, limit)
    elif args.name == "certificate-identifiers":
        from chalicelib.storage.certificate_repository import CertificateRepository

        limit = args.limit if args.limit is not None else migrations.DEFAULT_LIMIT
        result = migrations.backfill_certificate_identifiers(CertificateRepository(), catalogue, limit)
    elif args.name == "listing-replicas":
        result = migrations.backfill_listing_replicas(catalogue)
    elif args.name == "listing-summaries":
        result = migrations.backfill_listing_summaries(catalogue)
    else:
        result = migrations.backfill_department_references(catalogue)
    print(json.dumps(dict(result), sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
