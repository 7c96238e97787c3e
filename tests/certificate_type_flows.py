"""Certificate types through `/graphql` (seed 002 四(六)): a template input, create, hand over."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api
from tests.flows import gid, op

NODE = "RegisteredCertificateType"


def template(
    department: str,
    fields: list[dict[str, Any]],
    *,
    name: str = "测试许可证",
    kind: str = "CERTIFICATE",
    layout: str = "LICENCE_PORTRAIT",
    validity_years: int | None = 3,
) -> dict[str, Any]:
    return {
        "name": name,
        "kind": kind,
        "departmentId": gid("Department", department),
        "layout": layout,
        "fields": fields,
        "validityYears": validity_years,
    }


FACT_FIELDS = [
    {"label": "持证人", "fact": "HOLDER_NAME"},
    {"label": "事项名称", "fact": "ITEM_NAME"},
    {"label": "有效期限", "fact": "VALIDITY"},
]


def payload(body: Any, name: str) -> dict[str, Any]:
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"][name]
    return result


def create(api: Api, code: str, value: dict[str, Any], *, as_: str | None = None, token: str | None = None) -> Any:
    body = api.gql(
        op("CertificateTypeCreate"),
        {"input": {"code": code, "template": value, "reason": "新设证照模板"}},
        as_=as_,
        token=token,
    )
    return payload(body, "certificateTypeCreate")


def hand_over(api: Api, code: str, version: int, *, as_: str | None = None, token: str | None = None) -> Any:
    body = api.gql(
        op("CertificateTypeHandOver"),
        {"input": {"id": gid(NODE, code), "expectedVersion": version}},
        as_=as_,
        token=token,
    )
    return payload(body, "certificateTypeHandOver")


def registered(api: Api, code: str, value: dict[str, Any], *, token: str | None = None, as_: str | None = None) -> None:
    """Create and hand over in one go (for tests that only need an issuable type)."""
    created = create(api, code, value, as_=as_, token=token)
    assert created["userErrors"] == [], created
    handed = hand_over(api, code, created["certificateType"]["version"], as_=as_, token=token)
    assert handed["userErrors"] == [], handed
