"""Request errors reach staff and applicants through the front ends: every one carries an English
`extensions.code` and a Chinese message first (graphql-core's English detail after it), and Chalice's
415 for a wrong content type has the shape of every other refusal (chalicelib/api/request_errors.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Api

JSON = {"Content-Type": "application/json", "Accept": "application/json"}


def _post(body: bytes, headers: dict[str, str]) -> Any:
    from chalice.test import Client

    from app import app

    with Client(app, stage_name="local") as client:
        return client.http.post("/graphql", headers=headers, body=body)


def _chinese_first(message: str) -> bool:
    return "\u4e00" <= message[0] <= "\u9fff"


@pytest.mark.parametrize(
    ("document", "variables", "code", "detail"),
    [
        ("{", None, "GRAPHQL_PARSE_FAILED", "Syntax Error"),
        ("query { serviceItems(first: 5) { edges { cursor } ", None, "GRAPHQL_PARSE_FAILED", "Syntax Error"),
        ("{ noSuchField }", None, "GRAPHQL_VALIDATION_FAILED", "noSuchField"),
        ("query($f: Int!) { serviceItems(first: $f) { edges { cursor } } }", None, "BAD_USER_INPUT", "$f"),
        ("query($f: Int!) { serviceItems(first: $f) { edges { cursor } } }", {"f": "x"}, "BAD_USER_INPUT", "$f"),
        (
            "mutation($i: ApplicationWithdrawInput!) { applicationWithdraw(input: $i) { userErrors { code } } }",
            {"i": {"id": "x", "reason": "r", "nope": 1}},
            "BAD_USER_INPUT",
            "nope",
        ),
    ],
)
def test_request_errors_have_a_code_and_a_chinese_message(
    api: Api, document: str, variables: dict[str, Any] | None, code: str, detail: str
) -> None:
    for accept in ("application/json", "application/graphql-response+json"):
        body = json.dumps({"query": document, "variables": variables}).encode()
        response = _post(body, {"Content-Type": "application/json", "Accept": accept})
        errors = json.loads(response.body)["errors"]
        assert errors and all(e["extensions"]["code"] == code for e in errors), errors
        assert all(_chinese_first(e["message"]) for e in errors), errors
        assert any(detail in e["message"] for e in errors), errors  # the developer's detail is kept


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/graphql"])
def test_a_wrong_content_type_gets_the_same_error_shape(api: Api, content_type: str) -> None:
    body = json.dumps({"query": "{ __typename }"}).encode()
    wrong = _post(body, {"Content-Type": content_type, "Accept": "application/json"})
    missing = _post(body, {"Accept": "application/json"})
    assert wrong.status_code == missing.status_code == 415
    assert json.loads(wrong.body) == json.loads(missing.body)
    answer = json.loads(wrong.body)
    assert answer["data"] is None and answer["errors"][0]["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert _chinese_first(answer["errors"][0]["message"])
    strict = _post(body, {"Content-Type": content_type, "Accept": "application/graphql-response+json"})
    assert strict.status_code == 415 and "data" not in json.loads(strict.body)
    assert strict.headers["Content-Type"].startswith("application/graphql-response+json")
