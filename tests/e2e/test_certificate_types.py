"""Certificate types and their templates through `/graphql` (seed 002 四(六)-(七)).

Seed 002 四(六) 统一制证发证: 「各行业主管部门将空白证照(批文)和电子证照模板全部移交行政审批和营商环境服务局
统一制发证,原审批部门不再留存。」 A department defines its type's template, hands it over, and from then
on only the bureau issues (and edits) it; issuance renders the type's own fields from the case's
form; an item whose type issues an approval letter (批文) gets a sealed letter through the same
path (seed 002 四(七): every result carries the approval seal).
"""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests import certificate_type_flows as ctf
from tests.conftest import Api, CallCounter
from tests.e2e.test_result_push import elements_input
from tests.flows import Case, gid, op
from tests.forms import answers

ITEM = "ZS-ZRZY-001"  # 建设工程规划许可证核发, city-natural-resources
DEPARTMENT = "city-natural-resources"
APPROVER = "approver-nr-chen"
BUREAU = "bureau-sun"
NEW_TYPE = "ZJ-GHXK-2026"

ISSUE = """mutation($input: CertificateIssueInput!) { certificateIssue(input: $input) {
  certificate { id number typeCode typeName typeVersion validUntil }
  userErrors { field code message } } }"""
CORRECT = """mutation($input: CertificateCorrectInput!) { certificateCorrect(input: $input) {
  certificate { id typeVersion } userErrors { field code message } } }"""
CASE_STATE = "query($id: ID!) { application(id: $id) { state } }"

PLANNING_FIELDS = [
    {"label": "建设单位", "fact": "HOLDER_NAME"},
    {"label": "建设项目名称", "formField": "projectName"},
    {"label": "建设位置", "formField": "projectAddress"},
    {"label": "建设规模（平方米）", "formField": "buildingArea"},
    {"label": "有效期限", "fact": "VALIDITY"},
]


def pdf_of(api: Api, cert_id: str) -> bytes:
    body = api.gql("query($id: ID!) { certificate(id: $id) { pdfBase64 } }", {"id": cert_id}, as_="applicant-wang")
    return base64.b64decode(body["data"]["certificate"]["pdfBase64"])


def pdf_text(pdf: bytes, tmp_path: Path, name: str = "cert") -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def issue(api: Api, case_id: str, as_: str = BUREAU, token: str | None = None) -> dict[str, Any]:
    body = api.gql(ISSUE, {"input": {"applicationId": case_id}}, as_=None if token else as_, token=token)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["certificateIssue"]
    return result


def codes(payload: dict[str, Any]) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


def retype(api: Api, code: str, name: str) -> None:
    """An administrator points the item at a type the registry does not know yet."""
    seeded = next(i for i in api.seed.items if i.code == ITEM)
    current = api.gql("query($id: ID!) { serviceItem(id: $id) { version } }", {"id": gid("ServiceItem", ITEM)})
    value = {
        "id": gid("ServiceItem", ITEM),
        "expectedVersion": current["data"]["serviceItem"]["version"],
        "elements": elements_input(seeded.elements, certificateType={"code": code, "name": name, "validityYears": 3}),
        "reason": "证照改版:新版建设工程规划许可证",
    }
    body = api.gql(op("ServiceItemChange"), {"input": value}, as_=api.staff_with("admin"))
    assert body["data"]["serviceItemChange"]["userErrors"] == [], body


# --- define -> hand over -> issue ---------------------------------------------------------------------


def test_seed002_department_hands_over_its_template_and_only_then_the_bureau_issues_it(
    api: Api, ddb_calls: CallCounter, tmp_path: Path
) -> None:
    """seed 002 四(六): 「各行业主管部门将空白证照(批文)和电子证照模板全部移交…统一制发证,原审批部门不再留存」."""
    retype(api, NEW_TYPE, "建设工程规划许可证(2026版)")
    case = Case(api, ITEM).approved()

    # No template registered: refused with its own code, nothing written.
    ddb_calls.reset()
    assert codes(issue(api, case.id)) == [(None, "NO_TEMPLATE")]
    assert ddb_calls.calls["TransactWriteItems"] == 0

    # The department registers the template; still not issuable before the handover.
    value = ctf.template(DEPARTMENT, PLANNING_FIELDS, name="建设工程规划许可证(2026版)", layout="LICENCE_LANDSCAPE")
    created = ctf.create(api, NEW_TYPE, value, as_=APPROVER)
    assert created["userErrors"] == [], created
    assert created["certificateType"]["version"] == 1 and created["certificateType"]["handover"] is None
    ddb_calls.reset()
    assert codes(issue(api, case.id)) == [(None, "TEMPLATE_NOT_HANDED_OVER")]
    assert ddb_calls.calls["TransactWriteItems"] == 0
    state = api.gql(CASE_STATE, {"id": case.id}, as_="applicant-wang")["data"]["application"]
    assert state == {"state": "APPROVED"}

    # A handover of a version the department has not seen is refused; the current one is recorded.
    assert codes(ctf.hand_over(api, NEW_TYPE, 2, as_=APPROVER)) == [("expectedVersion", "STALE_VERSION")]
    handed = ctf.hand_over(api, NEW_TYPE, 1, as_=APPROVER)
    assert handed["userErrors"] == [], handed
    record = handed["certificateType"]["handover"]
    assert (record["departmentId"], record["by"], record["version"]) == (gid("Department", DEPARTMENT), APPROVER, 1)
    assert record["at"]

    # After the handover the department no longer edits it (原审批部门不再留存).
    change = {
        "id": gid(ctf.NODE, NEW_TYPE),
        "expectedVersion": 1,
        "template": value,
        "reason": "部门自行修改",
    }
    refused = ctf.payload(
        api.gql(op("CertificateTypeChange"), {"input": change}, as_=APPROVER), "certificateTypeChange"
    )
    assert codes(refused) == [(None, "HANDED_OVER")]

    # The bureau issues it with the type's own fields from the case's form.
    issued = issue(api, case.id)
    assert issued["userErrors"] == [], issued
    cert = issued["certificate"]
    assert (cert["typeCode"], cert["typeName"], cert["typeVersion"]) == (NEW_TYPE, "建设工程规划许可证(2026版)", 1)
    text = pdf_text(pdf_of(api, cert["id"]), tmp_path)
    form = answers(next(i for i in api.seed.items if i.code == ITEM).elements.form)
    for label in ("建设单位", "建设项目名称", "建设位置", "建设规模（平方米）", "有效期限"):
        assert label in text, label
    assert str(form["projectName"]) in text and str(form["projectAddress"]) in text and "王海燕" in text

    # The bureau edits it after the handover: a new version; a correction renders that version.
    change = {
        **change,
        "template": {
            **value,
            "fields": [*PLANNING_FIELDS[:3], {"label": "用地面积（平方米）", "formField": "landArea"}],
        },
    }
    change["reason"] = "审批局按新规范调整栏目"
    bureau_change = ctf.payload(
        api.gql(op("CertificateTypeChange"), {"input": change}, as_=BUREAU), "certificateTypeChange"
    )
    assert bureau_change["userErrors"] == [], bureau_change
    assert (bureau_change["certificateType"]["version"], bureau_change["certificateType"]["changedBy"]) == (2, BUREAU)
    body = api.gql(CORRECT, {"input": {"id": cert["id"], "reason": "按新版模板更正"}}, as_=BUREAU)
    corrected = body["data"]["certificateCorrect"]
    assert corrected["userErrors"] == [] and corrected["certificate"]["typeVersion"] == 2, body
    assert "用地面积（平方米）" in pdf_text(pdf_of(api, corrected["certificate"]["id"]), tmp_path, "corrected")

    # Both versions stay readable: what each certificate was rendered with.
    old = api.gql(op("CertificateTypeDetail"), {"code": NEW_TYPE, "version": 1}, as_=BUREAU)["data"]["certificateType"]
    assert [f["label"] for f in old["fields"]] == [f["label"] for f in PLANNING_FIELDS]
    assert old["handover"]["version"] == 1  # the version handed over says so


def test_seed002_the_department_that_handed_over_cannot_issue_the_type_itself(api: Api, ddb_calls: CallCounter) -> None:
    """seed 002 四(六) 原审批部门不再留存: a producer of the owning department is refused, nothing written."""
    case = Case(api, ITEM).approved()
    token = api.token("nr-producer", ["bureau"], department=DEPARTMENT, centre="zs-city", name="部门制证员")
    ddb_calls.reset()
    refused = issue(api, case.id, token=token)
    assert codes(refused) == [(None, "DEPARTMENT_CANNOT_ISSUE")], refused
    assert ddb_calls.calls["TransactWriteItems"] == 0


def test_seed002_template_naming_a_form_field_the_item_lacks_is_refused_with_its_path(
    api: Api, ddb_calls: CallCounter
) -> None:
    """Every problem at once, each with its input path; nothing is written."""
    retype(api, NEW_TYPE, "建设工程规划许可证(2026版)")
    fields = [
        {"label": "建设项目名称", "formField": "projectName"},
        {"label": "容积率", "formField": "plotRatio"},  # ZS-ZRZY-001's form has no such field
        {"label": "建设项目名称", "fact": "ITEM_NAME"},  # a duplicate label
        {"label": "两个来源", "formField": "projectAddress", "fact": "HOLDER_NAME"},
    ]
    value = ctf.template(DEPARTMENT, fields, kind="APPROVAL_LETTER", layout="LICENCE_PORTRAIT", validity_years=0)
    ddb_calls.reset()
    refused = ctf.create(api, NEW_TYPE, value, as_=APPROVER)
    assert sorted(codes(refused)) == sorted(
        [
            ("validityYears", "OUT_OF_RANGE"),
            ("layout", "LAYOUT_MISMATCH"),
            ("fields[2].label", "DUPLICATE_LABEL"),
            ("fields[3]", "FIELD_SOURCE"),
            ("fields[1].formField", "UNKNOWN_FORM_FIELD"),
        ]
    ), refused
    assert all(re.search(r"[\u4e00-\u9fff]", e["message"]) for e in refused["userErrors"])  # Chinese messages
    assert ddb_calls.calls["TransactWriteItems"] == 0
    found = api.gql(op("CertificateTypeDetail"), {"code": NEW_TYPE}, as_=BUREAU)["data"]["certificateType"]
    assert found is None


def test_template_commands_check_who_and_which_version(api: Api) -> None:
    """Another department's approver may not define it; a stale version is refused; a handover is once."""
    value = ctf.template(DEPARTMENT, ctf.FACT_FIELDS)
    other = ctf.create(api, "ZJ-OTHER-DEPT", value, as_="approver-market-mao")
    assert codes(other) == [(None, "FORBIDDEN")]
    assert ctf.create(api, "ZJ-NEW-TYPE", value, as_=APPROVER)["userErrors"] == []
    duplicate = ctf.create(api, "ZJ-NEW-TYPE", value, as_=APPROVER)
    assert codes(duplicate) == [("code", "DUPLICATE_CODE")]
    change = {"id": gid(ctf.NODE, "ZJ-NEW-TYPE"), "expectedVersion": 1, "template": value, "reason": "修订"}
    first = ctf.payload(api.gql(op("CertificateTypeChange"), {"input": change}, as_=APPROVER), "certificateTypeChange")
    assert first["certificateType"]["version"] == 2
    stale = ctf.payload(api.gql(op("CertificateTypeChange"), {"input": change}, as_=APPROVER), "certificateTypeChange")
    assert codes(stale) == [("expectedVersion", "STALE_VERSION")]
    # The bureau may not edit a template the department still holds, nor hand it over for them.
    by_bureau = ctf.payload(
        api.gql(op("CertificateTypeChange"), {"input": {**change, "expectedVersion": 2}}, as_=BUREAU),
        "certificateTypeChange",
    )
    assert codes(by_bureau) == [(None, "FORBIDDEN")]
    assert ctf.hand_over(api, "ZJ-NEW-TYPE", 2, as_=APPROVER)["userErrors"] == []
    assert codes(ctf.hand_over(api, "ZJ-NEW-TYPE", 2, as_=APPROVER)) == [(None, "ALREADY_HANDED_OVER")]
    unknown = ctf.hand_over(api, "ZJ-NO-SUCH", 1, as_=APPROVER)
    assert codes(unknown) == [("code", "NOT_FOUND")]


def test_seed002_the_seeded_types_are_handed_over_and_listed(api: Api, ddb_calls: CallCounter) -> None:
    """Every type the seeded items issue has a template handed over by its department (seed 002 四(六))."""
    ddb_calls.reset()
    body = api.gql(op("CertificateTypes"), {"first": 100}, as_=BUREAU)
    assert ddb_calls.calls == {"Query": 1}, ddb_calls.calls  # one Query a page
    nodes = [e["node"] for e in body["data"]["certificateTypes"]["edges"]]
    named = {i.elements.certificate_type.code for i in api.seed.items if i.elements.certificate_type}
    assert named <= {n["code"] for n in nodes}
    assert all(n["handover"] is not None and n["handover"]["version"] == n["version"] for n in nodes)
    assert {n["kind"] for n in nodes} == {"CERTIFICATE", "APPROVAL_LETTER"}
    ddb_calls.reset()
    one = api.gql(op("CertificateTypeDetail"), {"code": "ZJ-SPJYXKZ"}, as_=BUREAU)["data"]["certificateType"]
    assert ddb_calls.calls == {"GetItem": 1}, ddb_calls.calls
    assert one["layout"] == "LICENCE_PORTRAIT" and one["validityYears"] == 5
    # Staff reference data: an applicant is refused.
    refused = api.gql(op("CertificateTypes"), {"first": 5}, as_="applicant-wang")
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_template_writes_cost_a_small_constant(api: Api, ddb_calls: CallCounter) -> None:
    """Create: the department (GetItem), the items naming it (Query + BatchGetItem), one transaction;
    hand over: the type (GetItem) instead of the department."""
    retype(api, NEW_TYPE, "建设工程规划许可证(2026版)")
    ddb_calls.reset()
    created = ctf.create(api, NEW_TYPE, ctf.template(DEPARTMENT, PLANNING_FIELDS), as_=APPROVER)
    assert created["userErrors"] == []
    assert ddb_calls.calls == {"GetItem": 1, "Query": 1, "BatchGetItem": 1, "TransactWriteItems": 1}, ddb_calls.calls
    ddb_calls.reset()
    assert ctf.hand_over(api, NEW_TYPE, 1, as_=APPROVER)["userErrors"] == []
    assert ddb_calls.calls == {"GetItem": 1, "Query": 1, "BatchGetItem": 1, "TransactWriteItems": 1}, ddb_calls.calls


# --- three types, each with its own fields (and the approval letter) -----------------------------------

THREE = {
    # item: (type name, its own labels, the form keys whose answers it prints)
    "ZS-SCJG-001": ("食品经营许可证", ("经营者名称", "经营场所", "主体业态"), ("premises",)),
    "ZS-ZRZY-001": (
        "建设工程规划许可证",
        ("建设项目名称", "建设位置", "建设规模（平方米）"),
        ("projectName", "projectAddress"),
    ),
    "ZS-FGW-001": (
        "企业投资项目核准文件",
        ("项目单位", "项目总投资（万元）", "所属行业"),
        ("projectName", "projectAddress"),
    ),
}


def _raster(pdf: bytes, tmp_path: Path, name: str, dpi: int = 72) -> tuple[int, int, bytes]:
    """The page as 8-bit grey pixels (pdftoppm -gray, PGM)."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-singlefile", str(path), str(tmp_path / name)], check=True)
    data = (tmp_path / f"{name}.pgm").read_bytes()
    match = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    assert match
    width, height = int(match[1]), int(match[2])
    return width, height, data[match.end() :]


def _dark_near(pixels: tuple[int, int, bytes], box: tuple[float, float, float, float], scale: float) -> int:
    """Dark pixels inside a word's box (pdftotext -bbox coordinates, points from the top left)."""
    width, _, grey = pixels
    x1, y1, x2, y2 = (round(v * scale) for v in box)
    return sum(1 for y in range(y1, y2 + 1) for x in range(x1, x2 + 1) if grey[y * width + x] < 200)


@pytest.mark.skipif(not (shutil.which("pdftotext") and shutil.which("pdftoppm")), reason="poppler-utils missing")
def test_seed002_three_types_render_their_own_fields(api: Api, tmp_path: Path) -> None:
    """Issue 13 point 1: each type's certificate shows its own fields with the case's form answers
    (text extraction) and draws them (raster: ink at each field's value, page images differ)."""
    pages: dict[str, tuple[int, int, bytes]] = {}
    for item, (name, labels, keys) in THREE.items():
        case = Case(api, item).approved()
        issued = issue(api, case.id)
        assert issued["userErrors"] == [], (item, issued)
        pdf = pdf_of(api, issued["certificate"]["id"])
        text = pdf_text(pdf, tmp_path, item).replace("\n", "")
        form = answers(case.item.elements.form)
        assert name in text and "王海燕" in text
        for label in labels:
            assert label in text, (item, label)
        for key in keys:
            assert str(form[key]) in text, (item, key)
        for other, (_, other_labels, _) in THREE.items():  # no other type's own lines
            if other != item:
                assert not [lab for lab in other_labels if lab not in labels and lab in text], (item, other)
        # Visual: the page drawn, with ink where each of the type's values is.
        path = tmp_path / f"{item}.pdf"
        bbox = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
        page = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', bbox)
        assert page
        pixels = pages[item] = _raster(pdf, tmp_path, item)
        scale = pixels[0] / float(page[1])
        words = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)<', bbox)
        for key in keys:
            value = str(form[key])
            boxes = [tuple(map(float, w[:4])) for w in words if w[4] in value or value in w[4]]
            assert boxes, (item, value)
            assert all(_dark_near(pixels, box, scale) > 0 for box in boxes), (item, value)
    food, planning, letter = (pages[i] for i in THREE)
    assert planning[0] > planning[1] and food[0] < food[1] and letter[0] < letter[1]  # landscape vs portrait
    same_size = [(food, letter)]
    for a, b in same_size:
        differing = sum(1 for p, q in zip(a[2], b[2], strict=True) if abs(p - q) > 64)
        assert differing > len(a[2]) // 50, "the letter and the licence look alike"


def test_seed002_approval_letter_is_sealed_and_verifies_like_a_certificate(api: Api, tmp_path: Path) -> None:
    """seed 002 四(六)-(七): an item whose type issues a 批文 gets a sealed approval letter through the
    same issuance, verifiable by its number like any certificate."""
    case = Case(api, "ZS-FGW-001").approved()
    issued = issue(api, case.id)
    assert issued["userErrors"] == [], issued
    cert = issued["certificate"]
    text = pdf_text(pdf_of(api, cert["id"]), tmp_path)
    assert "（批文）" in text and "特此批复" in text and "关于企业投资项目核准的批复" in text.replace("\n", "")
    assert "王海燕：" in text  # addressed to the applicant
    verify = """query($number: String, $holder: String) {
      certificateVerify(number: $number, holderName: $holder, reasonForUse: "招投标资格审查") {
        valid report { indication } } }"""
    body = api.gql(verify, {"number": cert["number"], "holder": "王海燕"})
    assert body["data"]["certificateVerify"]["valid"] is True, body
    assert body["data"]["certificateVerify"]["report"]["indication"] == "PASSED"


def test_issuance_refuses_a_template_naming_a_field_the_case_item_lacks(api: Api, ddb_calls: CallCounter) -> None:
    """An item repointed at another department's type after that template was saved: the case's own
    form is checked again at issuance, before anything is rendered or written."""
    retype(api, "ZJ-SPJYXKZ", "食品经营许可证")  # its template prints premises and businessType
    case = Case(api, ITEM).approved()
    ddb_calls.reset()
    refused = issue(api, case.id)
    assert codes(refused) == [(None, "UNKNOWN_FORM_FIELD")], refused
    assert "premises" in refused["userErrors"][0]["message"]
    assert ddb_calls.calls["TransactWriteItems"] == 0
    assert api.gql(CASE_STATE, {"id": case.id}, as_="applicant-wang")["data"]["application"]["state"] == "APPROVED"


def test_template_text_is_checked_like_other_text_and_every_problem_is_reported_at_once(api: Api) -> None:
    """Control, zero-width and bidi characters are refused (domain/text.py); a name of invisible
    characters only is missing; a form field must have the form-key shape (bounded)."""
    fields = [{"label": "\u0000\u202e", "formField": "x" * 10_000}, *ctf.FACT_FIELDS]
    value = ctf.template(DEPARTMENT, fields, name="a\u0000\u202eb")
    refused = ctf.create(api, "ZJ-BAD-TEXT", value, as_=APPROVER)
    assert codes(refused) == [
        ("name", "INVALID_CHARACTERS"),
        ("fields[0].label", "INVALID_CHARACTERS"),
        ("fields[0].formField", "INVALID_FORM_FIELD"),
    ], refused
    assert all(len(e["message"]) < 100 for e in refused["userErrors"])  # the 10,000 characters are not echoed
    blank = ctf.create(api, "ZJ-BAD-TEXT", {**value, "name": "\u200b\u200b", "fields": ctf.FACT_FIELDS}, as_=APPROVER)
    assert codes(blank) == [("name", "REQUIRED")], blank
    # A change is checked the same way (nothing written: the version stays 1).
    assert ctf.create(api, "ZJ-GOOD-TEXT", ctf.template(DEPARTMENT, ctf.FACT_FIELDS), as_=APPROVER)["userErrors"] == []
    change = {"id": gid(ctf.NODE, "ZJ-GOOD-TEXT"), "expectedVersion": 1, "template": value, "reason": "修订"}
    changed = ctf.payload(
        api.gql(op("CertificateTypeChange"), {"input": change}, as_=APPROVER), "certificateTypeChange"
    )
    assert [c for _, c in codes(changed)] == ["INVALID_CHARACTERS", "INVALID_CHARACTERS", "INVALID_FORM_FIELD"]
    detail = api.gql(op("CertificateTypeDetail"), {"code": "ZJ-GOOD-TEXT"}, as_=BUREAU)["data"]["certificateType"]
    assert detail["version"] == 1


def test_after_the_handover_only_the_receiving_bureau_and_admins_of_its_centre_or_above_edit(
    api: Api, ddb_calls: CallCounter
) -> None:
    """A city department's template handed to the city bureau: a district bureau (Dinghai) or a
    district administrator gets the refusal any other editor gets; the city bureau and a city
    administrator edit it."""
    value = ctf.template(DEPARTMENT, ctf.FACT_FIELDS)
    ctf.registered(api, "ZJ-HANDED", value, as_=APPROVER)

    def change(as_: str, version: int) -> dict[str, Any]:
        body = {"id": gid(ctf.NODE, "ZJ-HANDED"), "expectedVersion": version, "template": value, "reason": "修订"}
        return ctf.payload(api.gql(op("CertificateTypeChange"), {"input": body}, as_=as_), "certificateTypeChange")

    for outsider in ("bureau-dh-jiang", "admin-jt-cai", APPROVER):
        assert codes(change(outsider, 1)) == [(None, "HANDED_OVER")], outsider
    ddb_calls.reset()
    assert change(BUREAU, 1)["certificateType"]["version"] == 2
    # Who holds it: the department (GetItem), the centres (Query) and the centre's bureau (Query).
    assert ddb_calls.calls == {"GetItem": 3, "Query": 3, "BatchGetItem": 1, "TransactWriteItems": 1}, ddb_calls.calls
    assert change("admin-xu", 2)["certificateType"]["version"] == 3
