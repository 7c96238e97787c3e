"""Catalogue elements for intake: application forms, conditional materials, time-limit rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from chalicelib.domain import application_form as df
from chalicelib.domain import catalogue as dc
from chalicelib.domain import material_condition as dm
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identifiers import IdentifierKind
from tests.factories import DEPARTMENTS, elements
from tests.forms import ORGANISATION_ID, PERSON_ID, answers

FORM = (
    df.FormField("entityName", "申请单位名称", df.FieldType.TEXT, min_length=2, max_length=20),
    df.FormField("creditCode", "统一社会信用代码", df.FieldType.ORGANISATION_ID),
    df.FormField("representativeId", "法定代表人身份证号码", df.FieldType.PERSON_ID),
    df.FormField("site", "建设地点", df.FieldType.ADDRESS),
    df.FormField("landArea", "用地面积(平方米)", df.FieldType.AREA, minimum=1, maximum=10000),
    df.FormField("floors", "层数", df.FieldType.NUMBER, integer=True, minimum=1, maximum=100),
    df.FormField("start", "开工日期", df.FieldType.DATE, earliest=date(2026, 1, 1)),
    df.FormField(
        "use",
        "用途",
        df.FieldType.CHOICE,
        choices=(df.FormChoice("housing", "住宅"), df.FormChoice("factory", "厂房")),
    ),
    df.FormField("phone", "联系电话", df.FieldType.TEXT, pattern=r"1[3-9][0-9]{9}"),
    df.FormField("historic", "是否涉及历史建筑", df.FieldType.BOOLEAN),
    df.FormField("remarks", "备注", df.FieldType.TEXT, required=False),
)


def violations(error: pytest.ExceptionInfo[DomainError]) -> list[tuple[str | None, str]]:
    return [(v.field, v.code) for v in error.value.violations]


# --- forms -------------------------------------------------------------------------------------


def test_seed001_form_answers_are_normalised() -> None:
    given = answers(FORM, creditCode=ORGANISATION_ID.lower(), entityName="  舟山海星  ", landArea=120.5)
    checked = df.check_answers(FORM, given)
    assert checked["creditCode"] == ORGANISATION_ID
    assert checked["entityName"] == "舟山海星"
    assert checked["landArea"] == 120.5
    assert "remarks" in checked


def test_seed001_every_form_problem_is_reported_at_once_with_its_field() -> None:
    bad = answers(
        FORM,
        entityName="海",  # too short
        creditCode="91330900MA2A1B2C3X",  # wrong check character
        representativeId=PERSON_ID[:-1] + ("0" if PERSON_ID[-1] != "0" else "1"),
        landArea="120",  # a string for an area
        floors=2.5,  # not whole
        start="2025-12-31",  # before the earliest day
        use="shop",  # not a choice
        phone="12345",  # pattern
        historic="否",  # not a boolean
        unknown="x",
    )
    del bad["site"]  # required
    with pytest.raises(DomainError) as error:
        df.check_answers(FORM, bad)
    assert violations(error) == [
        ("formData.unknown", df.FormCode.FORM_UNKNOWN_FIELD),
        ("formData.entityName", df.FormCode.FORM_LENGTH),
        ("formData.creditCode", df.FormCode.FORM_INVALID_CREDIT_CODE),
        ("formData.representativeId", df.FormCode.FORM_INVALID_ID_NUMBER),
        ("formData.site", df.FormCode.FORM_FIELD_REQUIRED),
        ("formData.landArea", df.FormCode.FORM_WRONG_TYPE),
        ("formData.floors", df.FormCode.FORM_WRONG_TYPE),
        ("formData.start", df.FormCode.FORM_OUT_OF_RANGE),
        ("formData.use", df.FormCode.FORM_INVALID_CHOICE),
        ("formData.phone", df.FormCode.FORM_PATTERN_MISMATCH),
        ("formData.historic", df.FormCode.FORM_WRONG_TYPE),
    ]
    assert all(v.message for v in error.value.violations)


def test_seed001_numbers_are_numbers_and_within_range() -> None:
    for value in (True, "3", None):
        with pytest.raises(DomainError):
            df.check_answers(FORM, answers(FORM, floors=value))
    with pytest.raises(DomainError) as error:
        df.check_answers(FORM, answers(FORM, landArea=10000.01, floors=101))
    assert violations(error) == [
        ("formData.landArea", df.FormCode.FORM_OUT_OF_RANGE),
        ("formData.floors", df.FormCode.FORM_OUT_OF_RANGE),
    ]
    with pytest.raises(DomainError) as error:
        df.check_answers(FORM, answers(FORM, landArea=12.345))
    assert violations(error) == [("formData.landArea", df.FormCode.FORM_WRONG_TYPE)]


def test_seed001_form_data_must_be_an_object() -> None:
    with pytest.raises(DomainError) as error:
        df.check_answers(FORM, ["x"])  # type: ignore[arg-type]
    assert violations(error) == [("formData", df.FormCode.FORM_INVALID)]


def test_seed001_a_badly_made_form_is_refused_at_publication() -> None:
    bad = (
        df.FormField("Name", "名称", df.FieldType.TEXT),  # key must start lower-case
        df.FormField("area", "面积", df.FieldType.AREA, minimum=10, maximum=1),
        df.FormField("area", "重复", df.FieldType.TEXT, pattern="("),
        df.FormField("kind", "类别", df.FieldType.CHOICE),
        df.FormField("count", "数量", df.FieldType.TEXT, minimum=1),
    )
    with pytest.raises(DomainError) as error:
        dc.validate_elements(elements(form=bad), DEPARTMENTS)
    assert violations(error) == [
        ("elements.form[0].key", df.FormDefinitionCode.FORM_INVALID_KEY),
        ("elements.form[1].minimum", df.FormDefinitionCode.FORM_INVALID_RANGE),
        ("elements.form[2].key", df.FormDefinitionCode.FORM_DUPLICATE_KEY),
        ("elements.form[2].pattern", df.FormDefinitionCode.FORM_INVALID_PATTERN),
        ("elements.form[3].choices", df.FormDefinitionCode.FORM_NO_CHOICES),
        ("elements.form[4].minimum", df.FormDefinitionCode.FORM_RULE_MISMATCH),
    ]


# --- conditional materials -----------------------------------------------------------------------


def _with_conditions(*conditions: dm.MaterialCondition) -> dc.ItemElements:
    base = elements(form=FORM)
    secondary = replace(base.materials[1], applies_when=conditions)
    return replace(base, materials=(base.materials[0], secondary))


def test_seed001_conditions_naming_an_unknown_field_are_refused_at_publication() -> None:
    bad = _with_conditions(
        dm.MaterialCondition(dm.ConditionKind.FORM_ANSWER_IN, "usage", ("housing",)),
        dm.MaterialCondition(dm.ConditionKind.FORM_ANSWER_IN, "use", ("shop",)),
        dm.MaterialCondition(dm.ConditionKind.SPECIAL_CIRCUMSTANCE, "use"),
        dm.MaterialCondition(dm.ConditionKind.FILED_BY_AGENT, "use"),
        dm.MaterialCondition(dm.ConditionKind.FORM_ANSWER_IN, "floors"),
    )
    with pytest.raises(DomainError) as error:
        dc.validate_elements(bad, DEPARTMENTS)
    p = "elements.materials[1].appliesWhen"
    assert violations(error) == [
        (f"{p}[0].field", dm.ConditionCode.CONDITION_UNKNOWN_FIELD),
        (f"{p}[1].values", dm.ConditionCode.CONDITION_VALUES),
        (f"{p}[2].field", dm.ConditionCode.CONDITION_FIELD_TYPE),
        (f"{p}[3].field", dm.ConditionCode.CONDITION_VALUES),
        (f"{p}[4].values", dm.ConditionCode.CONDITION_VALUES),
    ]
    contradictory = _with_conditions(
        dm.MaterialCondition(dm.ConditionKind.APPLICANT_LEGAL_PERSON),
        dm.MaterialCondition(dm.ConditionKind.APPLICANT_NATURAL_PERSON),
    )
    with pytest.raises(DomainError) as error:
        dc.validate_elements(contradictory, DEPARTMENTS)
    assert violations(error) == [(p, dm.ConditionCode.CONDITION_CONTRADICTORY)]


def test_seed001_conditions_decide_which_materials_apply() -> None:
    def here(agent: bool = False, kind: IdentifierKind | None = None, **answered: object) -> dm.Circumstances:
        return dm.Circumstances(agent, kind, answered)  # type: ignore[arg-type]

    agent = (dm.MaterialCondition(dm.ConditionKind.FILED_BY_AGENT),)
    assert dm.applies(agent, here(agent=True)) and not dm.applies(agent, here())
    legal = (dm.MaterialCondition(dm.ConditionKind.APPLICANT_LEGAL_PERSON),)
    assert dm.applies(legal, here(kind=IdentifierKind.CREDIT_CODE))
    assert not dm.applies(legal, here(kind=IdentifierKind.RESIDENT_ID))
    assert dm.applies(legal, here())  # unknown kind: the paper is asked for
    natural = (dm.MaterialCondition(dm.ConditionKind.APPLICANT_NATURAL_PERSON),)
    assert not dm.applies(natural, here(kind=IdentifierKind.CREDIT_CODE))
    use = (dm.MaterialCondition(dm.ConditionKind.FORM_ANSWER_IN, "use", ("factory",)),)
    assert dm.applies(use, here(use="factory")) and not dm.applies(use, here(use="housing"))
    assert dm.applies(use, here(use=["housing", "factory"]))
    assert not dm.applies(use, here())
    flag = (dm.MaterialCondition(dm.ConditionKind.SPECIAL_CIRCUMSTANCE, "historic"),)
    assert dm.applies(flag, here(historic=True)) and not dm.applies(flag, here(historic=False))
    both = (*agent, *flag)
    assert not dm.applies(both, here(agent=True)) and dm.applies(both, here(agent=True, historic=True))


# --- time-limit rules (seed 004 二(三)) ---------------------------------------------------------------


def test_seed004_items_without_a_special_step_promise_at_most_two_working_days() -> None:
    """seed 004 二(三): 「除需现场踏勘、专家论证、前置审批、上报上级和特殊事项外,原则上一律实行即办,
    最长不得超过2个工作日。对重大工程及招商引资工程,应确保在30个工作日内完成」."""
    simple = elements(special_steps=(), co_reviewers=(), promised_limit_days=3)
    with pytest.raises(DomainError) as error:
        dc.validate_elements(simple, DEPARTMENTS)
    assert violations(error) == [("elements.promisedLimitDays", dc.CatalogueCode.SIMPLE_ITEM_LIMIT)]
    dc.validate_elements(replace(simple, promised_limit_days=2), DEPARTMENTS)
    for kind in (dc.SpecialStepKind.PRE_APPROVAL, dc.SpecialStepKind.REFERRAL_UPWARD):
        step = dc.SpecialStep(kind, "前置审批" if kind is dc.SpecialStepKind.PRE_APPROVAL else "上报上级", 10, False)
        dc.validate_elements(replace(simple, special_steps=(step,)), DEPARTMENTS)
    major = replace(simple, project_category=dc.ProjectCategory.MAJOR, statutory_limit_days=45, promised_limit_days=30)
    dc.validate_elements(major, DEPARTMENTS)
    for category in dc.ProjectCategory:
        with pytest.raises(DomainError) as error:
            dc.validate_elements(replace(major, project_category=category, promised_limit_days=31), DEPARTMENTS)
        assert violations(error) == [("elements.promisedLimitDays", dc.CatalogueCode.PROJECT_ITEM_LIMIT)]


def test_seed004_every_seeded_item_keeps_the_time_limit_rules() -> None:
    from infra.seed import load

    for item in load().items:
        e = item.elements
        if e.kind is dc.ItemKind.COMMITMENT and not e.special_steps:
            assert e.promised_limit_days <= 2 or e.project_category is not None, item.code
        if e.project_category is not None:
            assert e.promised_limit_days <= 30, item.code


# --- deficiency policy (seed 002 四(八)) -------------------------------------------------------------


def test_seed002_a_deficiency_policy_names_secondary_materials_and_a_supply_time() -> None:
    """seed 002 四(八): 「明确可纳入实行容缺办理和容缺后补事项」 — and only 「次要条件或申请材料」 may be missing."""
    from chalicelib.domain.deficiency_policy import DeficiencyMode, DeficiencyPolicy, DeficiencyPolicyCode

    bad = DeficiencyPolicy((DeficiencyMode.SAME_DAY,), ("M-APPLY", "M-NONE"), 0)
    with pytest.raises(DomainError) as error:
        dc.validate_elements(elements(deficiency=bad), DEPARTMENTS)
    assert violations(error) == [
        ("elements.deficiency.materialCodes[0]", DeficiencyPolicyCode.DEFICIENCY_POLICY_MATERIAL),
        ("elements.deficiency.materialCodes[1]", DeficiencyPolicyCode.DEFICIENCY_POLICY_MATERIAL),
        ("elements.deficiency.supplyDays", DeficiencyPolicyCode.DEFICIENCY_POLICY_SUPPLY_DAYS),
    ]
    good = DeficiencyPolicy((DeficiencyMode.WAIT, DeficiencyMode.SAME_DAY), ("M-ID",), 5)
    dc.validate_elements(elements(deficiency=good), DEPARTMENTS)
    assert dc.ItemElements.__dataclass_fields__["deficiency"].default_factory() == DeficiencyPolicy(  # type: ignore[misc]
        (DeficiencyMode.WAIT,), (), 0
    )


def test_form_answers_have_a_size_bound() -> None:
    """Answers are stored in the case record: a form filled to every field's limit is refused, not a crash."""
    long_form = tuple(df.FormField(f"f{i}", f"字段{i}", df.FieldType.TEXT, max_length=2000) for i in range(20))
    with pytest.raises(DomainError) as error:
        df.check_answers(long_form, {f"f{i}": "长" * 2000 for i in range(20)})
    assert violations(error) == [("formData", df.FormCode.FORM_TOO_LARGE)]
