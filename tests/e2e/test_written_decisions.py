"""Written decisions owed to the applicant as sealed PDFs (issue 13 point 1), through `/graphql`.

行政许可法 art. 32 (one notice of everything missing; a written refusal to accept) and art. 38 (a
written refusal with reasons and the right to 行政复议 or 行政诉讼); seed 004 一次告知制 (「应一次性告知需要
补办的手续、材料……告知单应注明工程名称、法律依据、办事程序、申报条件、所需材料……」) and 否认报备制 (「应当将
否认依据及时书面告知服务对象」); seed 002 四(七) and seed 003 二(七): the bureau's electronic seal gives
the document legal effect, so each is sealed with the seal the registry lists for the bureau of the
centre that decided, and anyone can check it like a certificate.
"""

from __future__ import annotations

import base64
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from chalice.test import Client

from tests.conftest import Api, CallCounter, Clock
from tests.e2e.test_seal_registry import rogue_reseal
from tests.flows import Case
from tests.lifecycle_desk import MONDAY, Desk, gid

ITEM = "ZS-SCJG-001"
DOCS = """query($id: ID!) { writtenDecisions(applicationId: $id, first: 10) { edges { node {
  id kind status number title paragraphs issuer authorityName issuedOn sha256 size sealedAt applicationId pdfBase64 } } } }"""
ONE = """query($id: ID!) { writtenDecision(id: $id) { id kind status number pdfBase64 } }"""
VERIFY = """query($pdf: String!) { writtenDecisionVerifyUpload(pdfBase64: $pdf) {
  valid sealValid registryMatch document { kind number title issuer authorityName issuedOn }
  report { indication findings { code } registration { registered code authorityCode authorityName } } } }"""
REFUSAL = {
    "ground": "OUTSIDE_COMPETENCE",
    "reason": "申请事项属于省级事权,不属于本中心职权范围",
    "legalBasis": "《中华人民共和国行政许可法》第三十二条第一款第(二)项",
    "competentAgency": "浙江省市场监督管理局",
}


@pytest.fixture
def desk(api: Api, clock: Clock) -> Desk:
    clock.set_china(MONDAY)
    return Desk(api)


def documents(api: Api, case_id: str, as_: str = "applicant-wang") -> list[dict[str, Any]]:
    body = api.gql(DOCS, {"id": case_id}, as_=as_)
    assert "errors" not in body, body
    return [e["node"] for e in body["data"]["writtenDecisions"]["edges"]]


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "decision.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pinned(pdf: bytes, seal_pki: Path, bureau: str) -> Any:
    """pyHanko's own validation against the dev CA, pinned to `bureau`'s registered seal."""
    from signing import verify_pdf
    from signing.registry import load_registry, pin_registered_seal

    report = verify_pdf(pdf, [(seal_pki / "ca.pem").read_bytes()])
    registry = load_registry((seal_pki / "seal-registry.json").read_bytes())
    return pin_registered_seal(report, registry, bureau)


def check_sealed(
    api: Api, doc: dict[str, Any], seal_pki: Path, tmp_path: Path, bureau: str, bureau_name: str
) -> tuple[bytes, str]:
    """Sealed and stored with its digest, sealed by `bureau` (pinned), verifiable by anyone."""
    import hashlib

    assert doc["status"] == "SEALED" and doc["authorityName"] == bureau_name, doc
    pdf = base64.b64decode(doc["pdfBase64"])
    assert hashlib.sha256(pdf).hexdigest() == doc["sha256"] and len(pdf) == doc["size"]
    report = pinned(pdf, seal_pki, bureau)
    assert report.passed and report.registration.code == "SEAL_REGISTERED", report.to_dict()
    assert report.registration.authority_code == bureau
    # Another bureau's registered seal is not this document's seal.
    other = "dinghai-bureau" if bureau == "city-bureau" else "city-bureau"
    assert pinned(pdf, seal_pki, other).registration.code == "SEAL_OF_ANOTHER_AUTHORITY"
    # GraphQL verification (public) and POST /verify: genuine and registered.
    verified = api.gql(VERIFY, {"pdf": doc["pdfBase64"]})["data"]["writtenDecisionVerifyUpload"]
    assert verified["valid"] is True and verified["sealValid"] is True and verified["registryMatch"] is True
    assert verified["document"]["number"] == doc["number"] and verified["document"]["kind"] == doc["kind"]
    assert verified["report"]["registration"]["authorityCode"] == bureau
    rest = post_verify(pdf)
    assert rest["valid"] is True and rest["writtenDecision"]["number"] == doc["number"], rest
    assert rest["certificate"] is None and rest["registryMatch"] is True
    return pdf, pdf_text(pdf, tmp_path)


def post_verify(pdf: bytes) -> dict[str, Any]:
    from app import app

    with Client(app, stage_name="local") as client:
        response = client.http.post(
            "/verify?reasonForUse=行政复议材料核验", headers={"Content-Type": "application/pdf"}, body=pdf
        )
    assert response.status_code == 200, response.body
    result: dict[str, Any] = json.loads(response.body)
    return result


def hidden_from(api: Api, case_id: str, doc_id: str, who: str) -> None:
    """Another applicant: the case and its documents do not exist for them."""
    body = api.gql(DOCS, {"id": case_id}, as_=who)
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "NOT_FOUND", body
    body = api.gql(ONE, {"id": doc_id}, as_=who)
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "NOT_FOUND", body


def test_seed004_one_time_notice_is_a_sealed_document_listing_every_missing_material(
    desk: Desk, seal_pki: Path, tmp_path: Path
) -> None:
    missing = [m.code for m in desk.item(ITEM).elements.materials if not m.applies_when][-2:]
    filed = desk.file(ITEM, omit=tuple(missing))
    entries = [{"materialCode": c, "problem": "MISSING", "description": f"未提交{c}"} for c in missing]
    desk.ok(
        "applicationNoticeIssue",
        {"id": filed["id"], "entries": entries, "procedure": "补齐后在窗口或网上一并提交"},
        as_="clerk-li",
    )
    [doc] = documents(desk.api, filed["id"])
    assert doc["kind"] == "ONE_TIME_NOTICE" and doc["title"] == "一次性告知书"
    assert doc["number"].startswith("补正告知〔2026〕") and doc["issuer"] == "舟山市行政审批服务中心"
    assert doc["applicationId"] == filed["id"] and doc["issuedOn"] == "2026-11-02"
    _, text = check_sealed(desk.api, doc, seal_pki, tmp_path, "city-bureau", "舟山市行政审批局")
    flat = text.replace("\n", "")
    for code in missing:  # the full list, each with its basis and form
        material = desk.material(ITEM, code)
        assert material.name in flat and f"未提交{code}" in flat and material.legal_basis in flat, flat
    assert "形式:原件" in flat or "形式:复印件" in flat or "形式:电子件" in flat, flat  # forms in Chinese
    assert "补齐后在窗口或网上一并提交" in flat and "一次性告知" in flat and desk.item(ITEM).elements.name in flat
    # The clerk and a supervisor (staff who see the case) may download; another applicant may not.
    assert [d["id"] for d in documents(desk.api, filed["id"], as_="clerk-li")] == [doc["id"]]
    mine = desk.api.gql(ONE, {"id": doc["id"]}, as_="applicant-wang")["data"]["writtenDecision"]
    assert mine["pdfBase64"] == doc["pdfBase64"]
    hidden_from(desk.api, filed["id"], doc["id"], "applicant-zhou")


def test_law38_intake_refusal_decision_is_sealed_with_reasons_and_remedies(
    desk: Desk, seal_pki: Path, tmp_path: Path
) -> None:
    filed = desk.file(ITEM)
    desk.ok("intakeRefusalIssue", {"id": filed["id"], **REFUSAL}, as_="clerk-li")
    [doc] = documents(desk.api, filed["id"])
    assert doc["kind"] == "INTAKE_REFUSAL" and doc["title"] == "不予受理决定书"
    _, text = check_sealed(desk.api, doc, seal_pki, tmp_path, "city-bureau", "舟山市行政审批局")
    flat = text.replace("\n", "")
    for part in (REFUSAL["reason"], "请向浙江省市场监督管理局提出申请", "行政复议", "行政诉讼"):
        assert part in flat, flat
    # The refusal's own field serves the same sealed copy (pdfBase64 kept, deprecated).
    body = desk.api.gql(
        """query($id: ID!) { application(id: $id) { intakeRefusals { writtenDecision {
        number pdfBase64 document { id status } } } } }""",
        {"id": filed["id"]},
        as_="applicant-wang",
    )
    written = body["data"]["application"]["intakeRefusals"][0]["writtenDecision"]
    assert written["pdfBase64"] == doc["pdfBase64"] and written["document"] == {"id": doc["id"], "status": "SEALED"}
    assert written["number"] == doc["number"]
    hidden_from(desk.api, filed["id"], doc["id"], "applicant-zhou")


def test_law38_a_district_refusal_is_sealed_by_the_district_bureau(desk: Desk, seal_pki: Path, tmp_path: Path) -> None:
    """The seal of the bureau of the centre that made the decision: dinghai's window, dinghai's bureau."""
    filed = desk.file("DH-SCJG-001", centre="dinghai")
    desk.ok("intakeRefusalIssue", {"id": filed["id"], **REFUSAL}, as_="clerk-dh-sun")
    [doc] = documents(desk.api, filed["id"])
    bureau = next(d for d in desk.api.seed.departments if d.id == "dinghai-bureau")
    check_sealed(desk.api, doc, seal_pki, tmp_path, "dinghai-bureau", bureau.name)


def test_law38_refusal_decision_is_sealed_once_the_supervisor_confirms(
    api: Api, seal_pki: Path, tmp_path: Path
) -> None:
    case = Case(api).refused()
    assert documents(api, case.id) == []  # 否认报备: the applicant is told only once it is confirmed
    case.run("RejectionReportConfirm", {"input": {"id": case.id, "note": "依据充分"}}, case.supervisor)
    [doc] = documents(api, case.id)
    assert doc["kind"] == "REFUSAL_DECISION" and doc["title"] == "不予许可决定书"
    _, text = check_sealed(api, doc, seal_pki, tmp_path, "city-bureau", "舟山市行政审批局")
    flat = text.replace("\n", "")
    for part in ("不符合规划条件", "《城乡规划法》第四十条", "行政复议", "行政诉讼", "决定不予许可"):
        assert part in flat, flat
    hidden_from(api, case.id, doc["id"], "applicant-zhou")


def test_a_document_whose_sealing_fails_stays_pending_and_the_sweep_produces_it_once(
    desk: Desk, monkeypatch: pytest.MonkeyPatch, seal_pki: Path, tmp_path: Path
) -> None:
    """Never a half state: the refusal commits with its document PENDING (no file, no digest);
    the hourly sweep's `written_decisions` phase seals it; a second run changes nothing."""
    from chalicelib.services import written_decisions
    from chalicelib.services.sweep import run_phases

    def broken(pdf: bytes, bureau: str, name: str) -> bytes:
        raise written_decisions.SealingUnavailableError("KMS unavailable")

    filed = desk.file(ITEM)
    with monkeypatch.context() as patch:
        patch.setattr(written_decisions, "seal", broken)
        refused = desk.ok("intakeRefusalIssue", {"id": filed["id"], **REFUSAL}, as_="clerk-li")
    assert refused["state"] == "INTAKE_REFUSED"  # the decision itself stands
    [doc] = documents(desk.api, filed["id"])
    assert doc["status"] == "PENDING" and doc["pdfBase64"] is None and doc["sha256"] == "" and doc["sealedAt"] is None
    assert REFUSAL["reason"] in "".join(doc["paragraphs"])  # its text was fixed with the event

    assert run_phases()["written_decisions"] == {"sealed": 1}
    [done] = documents(desk.api, filed["id"])
    assert done["id"] == doc["id"] and done["number"] == doc["number"]
    check_sealed(desk.api, done, seal_pki, tmp_path, "city-bureau", "舟山市行政审批局")
    assert run_phases()["written_decisions"] == {}  # nothing pending any more
    assert documents(desk.api, filed["id"]) == [done]


def test_forged_and_unknown_written_decisions_are_told_apart(desk: Desk, seal_pki: Path, tmp_path: Path) -> None:
    filed = desk.file(ITEM)
    desk.ok("intakeRefusalIssue", {"id": filed["id"], **REFUSAL}, as_="clerk-li")
    [doc] = documents(desk.api, filed["id"])
    genuine = base64.b64decode(doc["pdfBase64"])
    forged = rogue_reseal(genuine, seal_pki, tmp_path)  # same content, another key of the same CA
    verified = desk.api.gql(VERIFY, {"pdf": base64.b64encode(forged).decode()})["data"]["writtenDecisionVerifyUpload"]
    assert verified["valid"] is False and verified["registryMatch"] is False and verified["document"] is None
    assert verified["report"]["indication"] == "FAILED"
    assert verified["report"]["registration"]["code"] == "SEAL_NOT_REGISTERED"
    rest = post_verify(forged)
    assert rest["valid"] is False and rest["writtenDecision"] is None and rest["sealValid"] is False
    # Bad input: not base64, an unknown or malformed id.
    body = desk.api.gql(VERIFY, {"pdf": "not base64!"})
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    body = desk.api.gql(ONE, {"id": gid("WrittenDecisionDocument", "nope")}, as_="applicant-wang")
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    body = desk.api.gql(ONE, {"id": "???"}, as_="applicant-wang")
    assert body["errors"][0]["extensions"]["code"] == "INVALID_ID"
    body = desk.api.gql(DOCS, {"id": gid("Certificate", filed["id"])}, as_="applicant-wang")
    assert body["errors"][0]["extensions"]["code"] == "INVALID_ID"
    body = desk.api.gql(DOCS, {"id": filed["id"]})  # anonymous
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_written_decision_request_counts(desk: Desk, ddb_calls: CallCounter) -> None:
    """Listing a case's documents: the case (visibility) and one Query; one document: two GetItems;
    verifying an upload: the rate counter, the digest pointer and the document."""
    filed = desk.file(ITEM)
    desk.ok("intakeRefusalIssue", {"id": filed["id"], **REFUSAL}, as_="clerk-li")
    [doc] = documents(desk.api, filed["id"])
    ddb_calls.reset()
    body = desk.api.gql(DOCS.replace("pdfBase64", ""), {"id": filed["id"]}, as_="applicant-wang")
    assert "errors" not in body
    assert ddb_calls.calls == {"GetItem": 1, "Query": 1}, ddb_calls.calls
    ddb_calls.reset()
    desk.api.gql(ONE, {"id": doc["id"]}, as_="applicant-wang")
    assert ddb_calls.calls == {"GetItem": 2}, ddb_calls.calls
    ddb_calls.reset()
    desk.api.gql(VERIFY, {"pdf": doc["pdfBase64"]})
    assert ddb_calls.calls == {"UpdateItem": 1, "GetItem": 2}, ddb_calls.calls


def test_a_malformed_cursor_is_invalid_cursor_and_a_hidden_case_stays_not_found(desk: Desk) -> None:
    """`writtenDecisions(after: "zzz")` answered NOT_FOUND; a cursor the list did not make is
    INVALID_CURSOR, as in every other connection, while another applicant's case stays NOT_FOUND
    whatever the cursor (unknown == hidden)."""
    paged = """query($id: ID!, $after: String) { writtenDecisions(applicationId: $id, first: 1, after: $after) {
      edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }"""
    filed = desk.file(ITEM)
    desk.ok("intakeRefusalIssue", {"id": filed["id"], **REFUSAL}, as_="clerk-li")
    other = desk.file(ITEM)
    desk.ok("intakeRefusalIssue", {"id": other["id"], **REFUSAL}, as_="clerk-li")
    first = desk.api.gql(paged, {"id": filed["id"]}, as_="applicant-wang")["data"]["writtenDecisions"]
    cursor = first["edges"][0]["cursor"]
    for bad in ("zzz", cursor[:-3] + "AAA", desk_cursor_of(desk, other["id"])):
        body = desk.api.gql(paged, {"id": filed["id"], "after": bad}, as_="applicant-wang")
        assert body["data"] is None, body
        (error,) = body["errors"]
        assert (error["extensions"]["code"], error["extensions"]["field"]) == ("INVALID_CURSOR", "after"), error
        assert "游标" in error["message"]
    # The list's own cursor still pages on.
    rest = desk.api.gql(paged, {"id": filed["id"], "after": cursor}, as_="applicant-wang")
    assert "errors" not in rest and rest["data"]["writtenDecisions"]["edges"] == []
    body = desk.api.gql(paged, {"id": filed["id"], "after": "zzz"}, as_="applicant-zhou")
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def desk_cursor_of(desk: Desk, case_id: str) -> str:
    """A genuine cursor of another case's list (refused on this one)."""
    body = desk.api.gql(
        """query($id: ID!) { writtenDecisions(applicationId: $id, first: 1) { edges { cursor } } }""",
        {"id": case_id},
        as_="applicant-wang",
    )
    cursor: str = body["data"]["writtenDecisions"]["edges"][0]["cursor"]
    return cursor
