from pathlib import Path
import json
import pytest
from tests.conftest import ROOT, Api
from tests.flows import document
from tests.e2e.test_contract import scenario

NAMES = ["ApplicationDetail", "ServiceItemDetail", "CatalogueBrowse", "Inbox", "CertificateIssue", "PublicProgress", "Warnings", "MyApplications", "CertificateDetail", "Centres", "Departments"]

@pytest.mark.parametrize("name", NAMES)
def test_measure(api: Api, ddb_calls, name: str) -> None:
    path = ROOT / "graphql" / "operations" / f"{name}.graphql"
    variables, caller = scenario(name, api)
    ddb_calls.reset()
    body = api.gql(document(path.read_text(encoding="utf-8")), variables, as_=caller)
    assert "errors" not in body, body
    calls = dict(ddb_calls.calls)
    with open("/tmp/i14/counts.txt", "a") as f:
        f.write(f"{name}: {json.dumps(calls)} total={sum(calls.values())}\n")
