"""Certificate type rules (domain/certificate_type.py, seed 002 四(六)): no I/O."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from chalicelib.domain import certificate_type as dt
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal, Role

AT = "2026-11-20T02:00:00Z"
FIELDS = (
    dt.TemplateField("持证人", fact=dt.CaseFact.HOLDER_NAME),
    dt.TemplateField("项目名称", form_field="projectName"),
    dt.TemplateField("有效期限", fact=dt.CaseFact.VALIDITY),
)
DRAFT = dt.CertificateTypeDraft(
    code="ZJ-GHXK",
    name="建设工程规划许可证",
    kind=dt.IssuingKind.CERTIFICATE,
    department_id="nr",
    layout=dt.Layout.LICENCE_LANDSCAPE,
    fields=FIELDS,
    validity_years=2,
)


def person(subject: str, *roles: Role, department: str = "nr") -> Principal:
    return Principal(subject=subject, roles=frozenset(roles), department_id=department, centre_id="city")


APPROVER = person("approver-nr", Role.APPROVER)
BUREAU = person("bureau-sun", Role.BUREAU, department="city-bureau")
ADMIN = person("admin-xu", Role.ADMIN, department="service-office")


def codes(error: pytest.ExceptionInfo[DomainError]) -> list[tuple[str | None, str]]:
    return [(v.field, v.code) for v in error.value.violations]


def test_a_well_made_draft_has_no_problems() -> None:
    assert dt.draft_problems(DRAFT, ["nr"]) == []


def test_every_draft_problem_is_reported_at_once_with_its_path() -> None:
    bad = replace(
        DRAFT,
        code="bad code",
        name="",
        department_id="nowhere",
        validity_years=0,
        kind=dt.IssuingKind.APPROVAL_LETTER,  # with a licence layout
        fields=(
            dt.TemplateField("", form_field="a"),
            dt.TemplateField("标签", form_field="a", fact=dt.CaseFact.ITEM_NAME),
            dt.TemplateField("标签", fact=dt.CaseFact.ITEM_NAME),
            dt.TemplateField("无来源"),
        ),
    )
    found = {(v.field, v.code) for v in dt.draft_problems(bad, ["nr"])}
    assert found == {
        ("code", "INVALID_CODE"),
        ("name", "REQUIRED"),
        ("departmentId", "UNKNOWN_DEPARTMENT"),
        ("validityYears", "OUT_OF_RANGE"),
        ("layout", "LAYOUT_MISMATCH"),
        ("fields[0].label", "REQUIRED"),
        ("fields[1]", "FIELD_SOURCE"),
        ("fields[2].label", "DUPLICATE_LABEL"),
        ("fields[3]", "FIELD_SOURCE"),
    }


def test_too_many_fields_for_one_page() -> None:
    many = tuple(dt.TemplateField(f"栏目{i}", fact=dt.CaseFact.ITEM_NAME) for i in range(dt.MAX_FIELDS + 1))
    assert ("fields", "TOO_MANY_FIELDS") in {
        (v.field, v.code) for v in dt.draft_problems(replace(DRAFT, fields=many), ["nr"])
    }


def test_seed002_a_form_field_an_issuing_item_lacks_is_refused_per_item() -> None:
    """The template is checked against the form of every item that issues the type."""
    problems = dt.form_problems(FIELDS, {"ITEM-A": ["projectName"], "ITEM-B": ["projectAddress"]})
    assert [(v.field, v.code) for v in problems] == [("fields[1].formField", "UNKNOWN_FORM_FIELD")]
    assert "ITEM-B" in problems[0].message and "projectName" in problems[0].message


def test_seed002_department_edits_before_the_handover_and_the_bureau_after() -> None:
    """seed 002 四(六): 「模板全部移交…原审批部门不再留存」."""
    created = dt.create(DRAFT, "approver-nr", AT, "新设")
    dt.may_edit(created, "nr", APPROVER)
    dt.may_edit(created, "nr", ADMIN, owner_centres=("city",))  # an administrator of the department's centre
    dt.may_edit(created, "nr", ADMIN, owner_centres=("dinghai", "city"))  # ... or of a centre above it
    with pytest.raises(DomainError) as refused:  # not an administrator of a lower or sibling centre
        dt.may_edit(created, "nr", ADMIN, owner_centres=("jintang",))
    assert codes(refused) == [(None, "FORBIDDEN")]
    with pytest.raises(DomainError) as refused:
        dt.may_edit(created, "nr", BUREAU)  # the department still holds it
    assert codes(refused) == [(None, "FORBIDDEN")]
    with pytest.raises(DomainError) as refused:
        dt.may_edit(None, "nr", person("approver-market", Role.APPROVER, department="market"))
    assert codes(refused) == [(None, "FORBIDDEN")]

    handed = dt.hand_over(created, 1, APPROVER, AT)
    assert handed.handover == dt.TemplateHandover("nr", "approver-nr", AT, 1)
    holder = dt.TemplateHolder("city-bureau", ("city",))  # the bureau of the department's centre
    dt.may_edit(handed, "nr", BUREAU, holder)
    dt.may_edit(handed, "nr", ADMIN, holder)
    with pytest.raises(DomainError) as refused:
        dt.may_edit(handed, "nr", APPROVER, holder)
    assert codes(refused) == [(None, "HANDED_OVER")]
    with pytest.raises(DomainError) as refused:  # nor a bureau role held inside the department
        dt.may_edit(handed, "nr", person("nr-producer", Role.BUREAU), holder)
    assert codes(refused) == [(None, "HANDED_OVER")]
    with pytest.raises(DomainError) as refused:  # nor another bureau (a district's)
        dt.may_edit(handed, "nr", person("bureau-dh", Role.BUREAU, department="dinghai-bureau"), holder)
    assert codes(refused) == [(None, "HANDED_OVER")]


def test_handover_is_by_the_owning_department_once_of_the_current_version() -> None:
    created = dt.create(DRAFT, "approver-nr", AT, "新设")
    with pytest.raises(DomainError) as refused:
        dt.hand_over(created, 1, BUREAU, AT)
    assert codes(refused) == [(None, "FORBIDDEN")]
    with pytest.raises(DomainError) as refused:
        dt.hand_over(created, 2, APPROVER, AT)
    assert codes(refused) == [("expectedVersion", "STALE_VERSION")]
    handed = dt.hand_over(created, 1, APPROVER, AT)
    with pytest.raises(DomainError) as refused:
        dt.hand_over(handed, 1, APPROVER, AT)
    assert codes(refused) == [(None, "ALREADY_HANDED_OVER")]


def test_every_change_is_a_new_version_and_the_owner_stays() -> None:
    created = dt.create(DRAFT, "approver-nr", AT, "新设")
    changed = dt.change(created, replace(DRAFT, name="新版许可证"), 1, "approver-nr", AT, "改名")
    assert (changed.version, changed.name, created.version) == (2, "新版许可证", 1)
    with pytest.raises(DomainError) as refused:
        dt.change(changed, DRAFT, 1, "approver-nr", AT, "旧版上修改")
    assert codes(refused) == [("expectedVersion", "STALE_VERSION")]
    with pytest.raises(DomainError) as refused:
        dt.change(changed, replace(DRAFT, department_id="market"), 2, "approver-nr", AT, "换部门")
    assert codes(refused) == [("departmentId", "UNKNOWN_DEPARTMENT")]


def test_seed002_only_a_handed_over_template_is_issued_and_never_by_its_department() -> None:
    created = dt.create(DRAFT, "approver-nr", AT, "新设")
    for found, actor, code in (
        (None, BUREAU, "NO_TEMPLATE"),
        (created, BUREAU, "TEMPLATE_NOT_HANDED_OVER"),
        (dt.hand_over(created, 1, APPROVER, AT), person("nr-producer", Role.BUREAU), "DEPARTMENT_CANNOT_ISSUE"),
    ):
        with pytest.raises(DomainError) as refused:
            dt.check_issuable(found, "ZJ-GHXK", actor)
        assert codes(refused) == [(None, code)]
    handed = dt.hand_over(created, 1, APPROVER, AT)
    assert dt.check_issuable(handed, "ZJ-GHXK", BUREAU) is handed


FACTS = dt.CaseFacts("王海燕", "330902199003151226", "建设工程规划许可证核发", "2026年11月20日", "长期有效", "T-1")


def test_rows_fill_the_template_from_facts_and_form_answers() -> None:
    cert_type = dt.create(
        replace(
            DRAFT,
            fields=(
                *FIELDS,
                dt.TemplateField("用途", form_field="uses"),
                dt.TemplateField("面积", form_field="area"),
                dt.TemplateField("备注", form_field="remarks"),
                dt.TemplateField("临时", form_field="temporary"),
            ),
        ),
        "a",
        AT,
        "r",
    )
    answers = {"projectName": "海星冷链", "uses": ["office", "shop"], "area": 1250.0, "temporary": False}
    rows = dt.rows(
        cert_type, FACTS, answers, ["projectName", "uses", "area", "remarks", "temporary"], {"uses": {"office": "办公"}}
    )
    assert rows == (
        ("持证人", "王海燕"),
        ("项目名称", "海星冷链"),
        ("有效期限", "长期有效"),
        ("用途", "办公、shop"),
        ("面积", "1250"),
        ("备注", "无"),  # an optional answer left empty
        ("临时", "否"),
    )


def test_rows_refuse_a_form_field_the_case_item_lacks() -> None:
    cert_type = dt.create(DRAFT, "a", AT, "r")
    with pytest.raises(DomainError) as refused:
        dt.rows(cert_type, FACTS, {}, ["projectAddress"])
    assert codes(refused) == [(None, "UNKNOWN_FORM_FIELD")]
    assert "projectName" in refused.value.violations[0].message


def test_validity_counts_from_the_decision_date() -> None:
    cert_type = dt.create(DRAFT, "a", AT, "r")  # two years
    assert dt.validity(cert_type, date(2026, 11, 20), date(2026, 11, 25)) == date(2028, 11, 19)
    assert dt.validity(replace(cert_type, validity_years=None), date(2026, 11, 20), date(2026, 11, 25)) is None
    with pytest.raises(DomainError) as refused:
        dt.validity(cert_type, date(2020, 1, 1), date(2026, 11, 25))
    assert codes(refused) == [(None, "VALIDITY_LAPSED")]
    assert dt.validity_text(date(2026, 11, 20), date(2028, 11, 19)) == "自2026年11月20日至2028年11月19日"


def test_seed002_seed_file_templates_match_the_seeded_items_forms() -> None:
    """infra/seed/certificate_types.json: every seeded type is well made and names only fields of
    its items' forms; a template naming a missing field is refused with the type and path."""
    from infra import certificate_type_seed
    from infra.seed import check, load

    seed = load()
    check(seed)  # raises on any problem
    broken = replace(seed.certificate_types[0], fields=(dt.TemplateField("容积率", form_field="plotRatio"),))
    items = [v.item for v in check(seed)]
    with pytest.raises(ValueError, match=rf"{broken.code}\.fields\[0\]\.formField: UNKNOWN_FORM_FIELD"):
        certificate_type_seed.check([broken], items, [d.id for d in seed.departments])
