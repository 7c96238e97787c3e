"""Cold start (issue 14 point 2): `import app` and the first catalogue page load no heavy module.

The modules below are for issuing and verifying certificates (pyHanko, reportlab, fontTools,
Pillow, lxml, aiohttp, qrcode, uharfbuzz), for working-day deadlines (chinese_calendar,
lunar_python), for logs and metrics inside Lambda only (Powertools), and boto3 (the S3 client
for uploads; DynamoDB goes through PynamoDB's botocore client). Each is imported where it is
used, so the Lambda's cold start and the public catalogue never pay for them. Checked in a
fresh interpreter, through `sys.modules`; no timing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from tests.conftest import ROOT

HEAVY = (
    "pyhanko",
    "pyhanko_certvalidator",
    "asn1crypto",
    "reportlab",
    "fontTools",
    "PIL",
    "lxml",
    "aiohttp",
    "qrcode",
    "uharfbuzz",
    "chinese_calendar",
    "lunar_python",
    "aws_lambda_powertools",
    "boto3",
)

# Step 1: `import app`. Step 2: moto with the seeded catalogue (moto itself imports boto3, so
# that one is checked only before). Step 3: the first catalogue page through the Lambda handler.
_CHILD = """
import json, sys
HEAVY = {heavy!r}

def loaded():
    return sorted(m for m in HEAVY if m in sys.modules)

import app
after_import = loaded()
ours_after_import = sorted(m for m in sys.modules if m.startswith("chalicelib."))
schema_at_import = "chalicelib.api.schema" in sys.modules

from moto import mock_aws
with mock_aws():
    from chalicelib.storage.tables import configure, create_table
    from infra.seed import apply, load
    configure({table!r}, None, "cn-north-1")
    create_table()
    apply(load())
    before_page = loaded()
    from bench._common import api_gateway_event
    from tests.flows import op
    ours_before_page = {{m for m in sys.modules if m.startswith("chalicelib.")}}
    response = app.app(api_gateway_event(op({operation!r}), {variables!r}), None)
    body = json.loads(response["body"])
    print(json.dumps({{
        "after_import": after_import,
        "schema_at_import": schema_at_import,
        "schema_after_page": "chalicelib.api.schema" in sys.modules,
        "before_page": before_page,
        "after_page": loaded(),
        "ours_loaded_by_page": sorted(m for m in sys.modules if m.startswith("chalicelib.") and m not in ours_before_page),
        "ours_after_import": ours_after_import,
        "parts_built": sys.modules["chalicelib.api.schema_parts"].part_schema.cache_info().currsize
        if "chalicelib.api.schema_parts" in sys.modules else 0,
        "status": response["statusCode"],
        "data": body.get("data"),
        "errors": body.get("errors"),
    }}))
"""


def _child(operation: str = "CatalogueBrowse", variables: dict[str, object] | None = None) -> dict[str, Any]:
    from bench._common import TABLE, bench_environ

    env = {**bench_environ(), "PYTHONPATH": str(ROOT)}
    env.pop("AWS_LAMBDA_FUNCTION_NAME", None)
    code = _CHILD.format(heavy=HEAVY, table=TABLE, operation=operation, variables=variables or {"first": 20})
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=240
    )
    assert result.returncode == 0, result.stdout + result.stderr
    found: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


def test_import_app_and_the_first_catalogue_page_load_no_heavy_module() -> None:
    found = _child()
    assert found["after_import"] == [], found
    # No GraphQL types come with `import app` (the scheduled functions and the other routes never
    # need them), and the first catalogue page is answered by the catalogue's part of the schema:
    # the full schema is never built (api/view.py `schema_for_document`, api/schema_parts.py).
    assert found["schema_at_import"] is False and found["schema_after_page"] is False, found
    # Seeding must not load one either, or the page's check below would prove nothing.
    assert found["before_page"] in (["boto3"], []), found
    assert found["errors"] is None and len(found["data"]["serviceItems"]["edges"]) == 20, found
    assert [m for m in found["after_page"] if m != "boto3"] == [], found


# The catalogue's part: its queries and types, the organisation types its centres and departments
# reach (their version histories), and what every schema shares. Nothing of another domain.
CATALOGUE_PAGE_LOADS = {
    "chalicelib.api.catalogue",
    "chalicelib.api.catalogue.deficiency_types",
    "chalicelib.api.catalogue.form_types",
    "chalicelib.api.catalogue.keywords",
    "chalicelib.api.catalogue.listing_selection",
    "chalicelib.api.catalogue.queries",
    "chalicelib.api.catalogue.types",
    "chalicelib.api.organisation",
    "chalicelib.api.organisation.types",
    "chalicelib.api.observability",
    "chalicelib.api.per_document",
    "chalicelib.api.permissions",
    "chalicelib.api.relay",
    "chalicelib.api.scalars",
    "chalicelib.api.schema_config",
    "chalicelib.api.schema_parts",
}


def test_the_first_catalogue_page_loads_only_the_catalogue_part() -> None:
    found = _child()
    assert found["errors"] is None and found["status"] == 200 and found["parts_built"] == 1, found
    assert set(found["ours_loaded_by_page"]) <= CATALOGUE_PAGE_LOADS, found["ours_loaded_by_page"]
    ours = found["ours_after_import"] + found["ours_loaded_by_page"]  # not what seeding the table loaded
    api_domains = {m.split(".")[2] for m in ours if m.startswith("chalicelib.api.") and m.count(".") >= 3}
    assert api_domains == {"catalogue", "organisation"}, api_domains
    # Nor, through `import app` or the request context, another domain's rules, services or storage.
    others = [m for m in ours if m in OTHER_DOMAINS or m.startswith(tuple(f"{o}." for o in OTHER_DOMAINS))]
    assert others == [], others


OTHER_DOMAINS = {
    f"chalicelib.{module}"
    for module in (
        "domain.application",
        "domain.certificate",
        "domain.supervision",
        "domain.complaint",
        "domain.rating",
        "domain.working_days",
        "services.applications",
        "services.application_reads",
        "services.certificates",
        "services.certificate_reads",
        "services.staff",
        "services.sweep",
        "services.outbox",
        "storage.application_repository",
        "storage.certificate_repository",
        "storage.staff_repository",
        "storage.blobs",
    )
}


def test_a_document_of_another_domain_on_a_fresh_process_is_answered_by_the_full_schema() -> None:
    found = _child("PublicOnTimeRates", {"month": "2026-11"})
    assert found["status"] == 200 and found["errors"] is None, found
    assert isinstance(found["data"]["publicOnTimeRates"], list), found
    assert found["schema_after_page"] is True, found  # built lazily, as before the parts existed
    assert found["parts_built"] == 0, found  # no catalogue part was built for it


def test_the_heavy_modules_exist() -> None:
    """A renamed or dropped package would make the check above pass for nothing."""
    import importlib.util

    missing = [name for name in HEAVY if importlib.util.find_spec(name) is None]
    assert missing == [], missing
