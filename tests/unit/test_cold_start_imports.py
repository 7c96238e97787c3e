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
    response = app.app(api_gateway_event(op("CatalogueBrowse"), {{"first": 20}}), None)
    body = json.loads(response["body"])
    edges = body["data"]["serviceItems"]["edges"] if response["statusCode"] == 200 and "data" in body else []
    print(json.dumps({{
        "after_import": after_import,
        "schema_at_import": schema_at_import,
        "schema_after_page": "chalicelib.api.schema" in sys.modules,
        "before_page": before_page,
        "after_page": loaded(),
        "items": len(edges),
        "errors": body.get("errors"),
    }}))
"""


def _child() -> dict[str, object]:
    from bench._common import TABLE, bench_environ

    env = {**bench_environ(), "PYTHONPATH": str(ROOT)}
    env.pop("AWS_LAMBDA_FUNCTION_NAME", None)
    code = _CHILD.format(heavy=HEAVY, table=TABLE)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=240
    )
    assert result.returncode == 0, result.stdout + result.stderr
    found: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


def test_import_app_and_the_first_catalogue_page_load_no_heavy_module() -> None:
    found = _child()
    assert found["after_import"] == [], found
    # Every domain's GraphQL types come with the first GraphQL request, not with `import app`
    # (the scheduled functions and the other routes never need them): api/view.py `schema_for`.
    assert found["schema_at_import"] is False and found["schema_after_page"] is True, found
    # Seeding must not load one either, or the page's check below would prove nothing.
    assert found["before_page"] in (["boto3"], []), found
    assert found["errors"] is None and found["items"] == 20, found
    assert [m for m in found["after_page"] if m != "boto3"] == [], found  # type: ignore[attr-defined]


def test_the_heavy_modules_exist() -> None:
    """A renamed or dropped package would make the check above pass for nothing."""
    import importlib.util

    missing = [name for name in HEAVY if importlib.util.find_spec(name) is None]
    assert missing == [], missing
