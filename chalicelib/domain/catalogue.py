"""Service catalogue (事项清单): centres, departments and service items (staff and window posts:
`domain/staff.py`, re-exported here).

Seed 001 lists the elements every published item carries (name, conditions, materials,
procedure, limits, fees and their basis, legal basis, supervision phone); seed 003 requires
changes (add, cancel, transfer, delegate, merge, change) to be recorded and published. Seed 000
sets up the centre hierarchy (city centre, district sub-centres, functional-zone and township
centres); seed 004 names the AB post (backup) rule. Everything here is plain data plus the rules
that check it; storage and GraphQL live elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import StrEnum

from chalicelib.domain import transaction_budget
from chalicelib.domain.application_form import FormDefinitionCode, FormField, form_definition_problems
from chalicelib.domain.deficiency_policy import DeficiencyPolicy, DeficiencyPolicyCode, policy_problems
from chalicelib.domain.emergency_handling import EmergencyHandlingTerms, terms_problems
from chalicelib.domain.errors import DomainError, Violation
from chalicelib.domain.material_condition import ConditionCode, MaterialCondition, condition_problems
from chalicelib.domain.organisation import (  # re-exported: the organisation has its own module
    Centre as Centre,
)
from chalicelib.domain.organisation import (
    CentreLevel as CentreLevel,
)
from chalicelib.domain.organisation import (
    Department as Department,
)
from chalicelib.domain.organisation import (
    DepartmentKind as DepartmentKind,
)
from chalicelib.domain.organisation import (
    is_subordinate as is_subordinate,
)
from chalicelib.domain.organisation import (
    validate_hierarchy as validate_hierarchy,
)
from chalicelib.domain.staff import PostKind, Staff, WindowPost  # noqa: F401  (moved to domain/staff.py; re-exported)
from chalicelib.domain.text import INVALID_CHARACTERS, character_problem, visible


class ItemKind(StrEnum):
    IMMEDIATE = "immediate"  # 即办件: decided at the window
    COMMITMENT = "commitment"  # 承诺件: decided within the promised limit


class MaterialKind(StrEnum):
    PRIMARY = "primary"  # 主要材料: never accepted missing
    SECONDARY = "secondary"  # 次要材料: may be supplied later under a credit pledge


class MaterialForm(StrEnum):
    ORIGINAL = "original"
    COPY = "copy"
    ORIGINAL_AND_COPY = "original_and_copy"
    ELECTRONIC = "electronic"


class SpecialStepKind(StrEnum):
    EXPERT_REVIEW = "expert_review"
    SITE_INSPECTION = "site_inspection"
    HEARING = "hearing"
    PRE_APPROVAL = "pre_approval"  # 前置审批: another authority's approval this one depends on
    REFERRAL_UPWARD = "referral_upward"  # 上报上级: approved by a higher authority (三级联动)


class ProjectCategory(StrEnum):
    """Seed 004 二(三): major and investment-attracting projects may take up to 30 working days."""

    MAJOR = "major"  # 重大工程
    INVESTMENT = "investment"  # 招商引资工程


class TimeoutRule(StrEnum):
    DEEMED_APPROVAL = "deemed_approval"  # 超时默认: undecided past the limit counts as approved
    ESCALATE = "escalate"  # red flag + violation against the department


class ItemStatus(StrEnum):
    PUBLISHED = "published"
    CANCELLED = "cancelled"
    MERGED = "merged"


class ChangeKind(StrEnum):
    """Seed 003's kinds of catalogue change, each a new published version."""

    ADD = "add"
    CHANGE = "change"
    CANCEL = "cancel"
    TRANSFER = "transfer"
    DELEGATE = "delegate"
    MERGE = "merge"
    UNDELEGATE = "undelegate"  # 收回: a delegated power returns to the delegating centre (seed 003 二(二))


@dataclass(frozen=True)
class Material:
    code: str
    name: str
    kind: MaterialKind
    form: MaterialForm
    legal_basis: str
    copies: int = 1
    note: str = ""
    # Demanded only when every condition holds (e.g. a power of attorney when an agent files).
    applies_when: tuple[MaterialCondition, ...] = ()


@dataclass(frozen=True)
class ProcedureStep:
    name: str
    description: str


@dataclass(frozen=True)
class CoReviewer:
    """A co-reviewing department (协办部门) with its own working-day limit."""

    department_id: str
    limit_days: int


@dataclass(frozen=True)
class SpecialStep:
    """特别程序: whether its days count toward the limit decides if the clock pauses."""

    kind: SpecialStepKind
    name: str
    max_days: int
    counts_toward_limit: bool


@dataclass(frozen=True)
class Fee:
    name: str
    amount_fen: int
    basis: str


@dataclass(frozen=True)
class CertificateType:
    code: str
    name: str
    validity_years: int | None = None


# --- 告知承诺制 terms (seed 002 三(二), 004 二(四); the rules are in domain/approval_on_pledge.py) ---


@dataclass(frozen=True)
class ApprovalOnPledgeTerms:
    """The item may be approved on the applicant's written pledge (告知承诺制), then verified."""

    verification_days: int  # working days after approval within which the pledge is verified (核查)
    bar_days: int  # a false pledge bars the applicant from 告知承诺 and 容缺受理 for this many days
    liability: str  # the liability for a false pledge, as the written notice states it


MAX_BAR_DAYS = 1825  # five years


def _check_approval_on_pledge(c: _Checker, p: str, e: ItemElements) -> None:
    terms = e.approval_on_pledge
    if terms is None:
        return
    f = f"{p}.approvalOnPledge"
    c.days(f"{f}.verificationDays", terms.verification_days, "告知承诺核查期限", 1)
    if not 1 <= terms.bar_days <= MAX_BAR_DAYS:
        c.add(f"{f}.barDays", CatalogueCode.OUT_OF_RANGE, f"虚假承诺限制期应在1至{MAX_BAR_DAYS}天之间")
    c.text(f"{f}.liability", terms.liability, "虚假承诺的法律责任")
    if e.kind is ItemKind.IMMEDIATE:
        c.add(f, CatalogueCode.IMMEDIATE_ITEM_JOINT, "即办件当场办结,不适用告知承诺制")


# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemElements:
    """Every element seed 001 requires an item to publish; edited as a whole per version."""

    name: str
    department_id: str
    level: CentreLevel
    kind: ItemKind
    conditions: tuple[str, ...]
    materials: tuple[Material, ...]
    procedure: tuple[ProcedureStep, ...]
    statutory_limit_days: int
    promised_limit_days: int
    legal_basis: tuple[str, ...]
    supervision_phone: str
    timeout_rule: TimeoutRule
    co_reviewers: tuple[CoReviewer, ...] = ()
    special_steps: tuple[SpecialStep, ...] = ()
    fees: tuple[Fee, ...] = ()
    certificate_type: CertificateType | None = None
    # Seed 001 四(四)2: the handling of items involving state secrets, trade secrets or personal
    # privacy is not published (public progress lookups answer as if the case did not exist).
    confidential: bool = False
    # 审管联动 (seed 002): the line department that supervises holders after approval; unset means
    # the owning department supervises its own item.
    supervising_department_id: str | None = None
    # 申请表: the typed fields an application answers, versioned with the item.
    form: tuple[FormField, ...] = ()
    project_category: ProjectCategory | None = None
    deficiency: DeficiencyPolicy = field(default_factory=DeficiencyPolicy)  # 容缺办理 / 容缺后补 (seed 002 四(八))
    # 告知承诺制 (domain/approval_on_pledge.py): None when the item does not allow it.
    approval_on_pledge: ApprovalOnPledgeTerms | None = None
    # 先予办理 (domain/emergency_handling.py): None when no law allows it for this item.
    emergency_handling: EmergencyHandlingTerms | None = None

    @property
    def is_joint(self) -> bool:
        """并联审批: the owning department leads and co-reviewers review concurrently."""
        return bool(self.co_reviewers)

    @property
    def effective_supervising_department_id(self) -> str:
        """谁主管谁监管: who receives pushed results and inspects holders of this item."""
        return self.supervising_department_id or self.department_id


@dataclass(frozen=True)
class Delegation:
    """同权审批 (seed 000 三(一)2, seed 003 二(三)4): who exercises a delegated power at the
    receiving centre: its lead department and, for joint items, the co-reviewers (departments of
    the receiving centre, or the item's own city co-reviewers where the delegation keeps them)."""

    centre_id: str
    lead_department_id: str
    co_reviewers: tuple[CoReviewer, ...] = ()


@dataclass(frozen=True)
class ServiceItem:
    """One published version of an item, as the public and new applications see it."""

    code: str
    version: int
    status: ItemStatus
    home_centre_id: str
    elements: ItemElements
    delegated_centre_ids: tuple[str, ...] = ()
    merged_into: str | None = None
    merged_from: tuple[str, ...] = ()
    # The receiving departments per delegated centre; a delegation recorded before they were
    # named (none in the seed) leaves the power with the owning department.
    delegations: tuple[Delegation, ...] = ()

    def delegation_at(self, centre_id: str) -> Delegation | None:
        return next((d for d in self.delegations if d.centre_id == centre_id), None)

    @property
    def centre_ids(self) -> tuple[str, ...]:
        """Where the item can be applied for: its home centre plus delegated centres."""
        return (self.home_centre_id, *self.delegated_centre_ids)

    @property
    def is_listed(self) -> bool:
        return self.status is ItemStatus.PUBLISHED

    def search_text(self) -> str:
        """What a keyword filter matches: code and name, case-folded."""
        return f"{self.code} {self.elements.name}".casefold()


@dataclass(frozen=True)
class ItemVersion:
    """An immutable record of one change: who, when, why, and the resulting item."""

    item: ServiceItem
    change: ChangeKind
    actor_id: str
    at: str  # ISO-8601 UTC timestamp
    reason: str
    related_codes: tuple[str, ...] = field(default=())


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,39}$")
PHONE_PATTERN = re.compile(r"^[0-9][0-9-]{5,19}$")
MAX_LIMIT_DAYS = 365
MAX_TEXT = 500
MAX_NAME = 100
MAX_LIST = 60
# 并联审批: every change of a joint case must fit one DynamoDB transaction; the bound on co-reviewers
# is computed from the worst case's writes in domain/transaction_budget.py (12 today).
MAX_CO_REVIEWERS = transaction_budget.max_co_reviewers()
# Seed 004 二(三): without a special step an item is handled at once, in at most 2 working days;
# major and investment-attracting projects within 30.
SIMPLE_ITEM_MAX_DAYS = 2
PROJECT_MAX_DAYS = 30


class CatalogueCode:
    """English error codes of the catalogue domain (the API exposes them as an enum)."""

    NOT_FOUND = "NOT_FOUND"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    TOO_MANY = "TOO_MANY"
    INVALID_CODE = "INVALID_CODE"
    DUPLICATE_CODE = "DUPLICATE_CODE"
    DUPLICATE = "DUPLICATE"
    INVALID_PHONE = "INVALID_PHONE"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    UNKNOWN_DEPARTMENT = "UNKNOWN_DEPARTMENT"
    UNKNOWN_CENTRE = "UNKNOWN_CENTRE"
    PROMISED_EXCEEDS_STATUTORY = "PROMISED_EXCEEDS_STATUTORY"
    IMMEDIATE_ITEM_LIMIT = "IMMEDIATE_ITEM_LIMIT"
    COMMITMENT_ITEM_LIMIT = "COMMITMENT_ITEM_LIMIT"
    NO_PRIMARY_MATERIAL = "NO_PRIMARY_MATERIAL"
    CO_REVIEWER_IS_LEAD = "CO_REVIEWER_IS_LEAD"
    CO_REVIEWER_LIMIT = "CO_REVIEWER_LIMIT"
    IMMEDIATE_ITEM_JOINT = "IMMEDIATE_ITEM_JOINT"
    LEVEL_MISMATCH = "LEVEL_MISMATCH"
    ITEM_NOT_PUBLISHED = "ITEM_NOT_PUBLISHED"
    STALE_VERSION = "STALE_VERSION"
    NOT_SUBORDINATE_CENTRE = "NOT_SUBORDINATE_CENTRE"
    ALREADY_DELEGATED = "ALREADY_DELEGATED"
    NOT_DELEGATED = "NOT_DELEGATED"
    OUTSIDE_TIER = "OUTSIDE_TIER"
    SAME_DEPARTMENT = "SAME_DEPARTMENT"
    MERGE_SELF = "MERGE_SELF"
    REASON_REQUIRED = "REASON_REQUIRED"
    INVALID_HIERARCHY = "INVALID_HIERARCHY"
    SIMPLE_ITEM_LIMIT = "SIMPLE_ITEM_LIMIT"
    PROJECT_ITEM_LIMIT = "PROJECT_ITEM_LIMIT"
    CENTRE_CLOSED = "CENTRE_CLOSED"
    DEPARTMENT_CLOSED = "DEPARTMENT_CLOSED"
    RECEIVING_DEPARTMENT_REQUIRED = "RECEIVING_DEPARTMENT_REQUIRED"
    DEPARTMENT_OUTSIDE_CENTRE = "DEPARTMENT_OUTSIDE_CENTRE"
    CO_REVIEWERS_REQUIRED = "CO_REVIEWERS_REQUIRED"
    OUTSIDE_SCOPE = "OUTSIDE_SCOPE"
    TRANSACTION_TOO_LARGE = "TRANSACTION_TOO_LARGE"  # a case change would exceed one transaction


# Codes of the concepts the elements embed (forms, material conditions, deficiency policies), for the API enum.
CATALOGUE_CODES = tuple(
    v
    for cls in (CatalogueCode, FormDefinitionCode, ConditionCode, DeficiencyPolicyCode)
    for k, v in vars(cls).items()
    if k.isupper()
)


class _Checker:
    """Collects violations so one call reports every problem at once (like 一次性告知)."""

    def __init__(self) -> None:
        self.violations: list[Violation] = []

    def add(self, field_: str, code: str, message: str) -> None:
        self.violations.append(Violation(code, message, field_))

    def text(self, field_: str, value: str, label: str, limit: int = MAX_TEXT) -> None:
        if not visible(value):
            self.add(field_, CatalogueCode.REQUIRED, f"{label}不能为空")
        elif len(value) > limit:
            self.add(field_, CatalogueCode.TOO_LONG, f"{label}不能超过{limit}个字符")
        elif problem := character_problem(value, label, multiline=limit > MAX_NAME):
            self.add(field_, INVALID_CHARACTERS, problem)

    def count(self, field_: str, values: tuple[object, ...], label: str, minimum: int) -> None:
        if len(values) < minimum:
            self.add(field_, CatalogueCode.REQUIRED, f"至少需要{minimum}项{label}")
        elif len(values) > MAX_LIST:
            self.add(field_, CatalogueCode.TOO_MANY, f"{label}不能超过{MAX_LIST}项")

    def days(self, field_: str, value: int, label: str, minimum: int = 0) -> None:
        if not minimum <= value <= MAX_LIMIT_DAYS:
            self.add(
                field_,
                CatalogueCode.OUT_OF_RANGE,
                f"{label}应在{minimum}至{MAX_LIMIT_DAYS}个工作日之间",
            )

    def raise_if_any(self) -> None:
        if self.violations:
            raise DomainError(self.violations)


def validate_code(code: str, field_: str = "code") -> None:
    if not CODE_PATTERN.match(code):
        raise DomainError.one(
            CatalogueCode.INVALID_CODE,
            "事项编码须为3至40位大写字母、数字或连字符",
            field_,
        )


def validate_elements(elements: ItemElements, departments: dict[str, Department], prefix: str = "elements") -> None:
    """Check every published element of seed 001; raises with all violations found."""
    c = _Checker()
    p = prefix
    c.text(f"{p}.name", elements.name, "事项名称", MAX_NAME)
    if elements.department_id not in departments:
        c.add(f"{p}.departmentId", CatalogueCode.UNKNOWN_DEPARTMENT, "实施部门不存在")
    if elements.supervising_department_id is not None and elements.supervising_department_id not in departments:
        c.add(f"{p}.supervisingDepartmentId", CatalogueCode.UNKNOWN_DEPARTMENT, "监管部门不存在")
    c.count(f"{p}.conditions", elements.conditions, "受理条件", 1)
    for i, condition in enumerate(elements.conditions[:MAX_LIST]):
        c.text(f"{p}.conditions[{i}]", condition, "受理条件")
    _check_materials(c, p, elements.materials)
    c.violations += form_definition_problems(elements.form, f"{p}.form")
    for i, m in enumerate(elements.materials[:MAX_LIST]):
        c.violations += condition_problems(m.applies_when, elements.form, f"{p}.materials[{i}].appliesWhen")
    secondary = [m.code for m in elements.materials if m.kind is MaterialKind.SECONDARY]
    known = [m.code for m in elements.materials]
    c.violations += policy_problems(elements.deficiency, secondary, known, f"{p}.deficiency")
    c.count(f"{p}.procedure", elements.procedure, "办理流程", 1)
    for i, step in enumerate(elements.procedure[:MAX_LIST]):
        c.text(f"{p}.procedure[{i}].name", step.name, "流程环节名称", MAX_NAME)
        c.text(f"{p}.procedure[{i}].description", step.description, "流程环节说明")
    _check_limits(c, p, elements)
    _check_co_reviewers(c, p, elements, departments)
    for i, special in enumerate(elements.special_steps[:MAX_LIST]):
        c.text(f"{p}.specialSteps[{i}].name", special.name, "特别程序名称", MAX_NAME)
        c.days(f"{p}.specialSteps[{i}].maxDays", special.max_days, "特别程序时限", 1)
    if len(elements.special_steps) > MAX_LIST:
        c.add(f"{p}.specialSteps", CatalogueCode.TOO_MANY, f"特别程序不能超过{MAX_LIST}项")
    for i, fee in enumerate(elements.fees[:MAX_LIST]):
        c.text(f"{p}.fees[{i}].name", fee.name, "收费项目名称", MAX_NAME)
        c.text(f"{p}.fees[{i}].basis", fee.basis, "收费依据")
        if fee.amount_fen < 0:
            c.add(f"{p}.fees[{i}].amountFen", CatalogueCode.OUT_OF_RANGE, "收费金额不能为负数")
    c.count(f"{p}.legalBasis", elements.legal_basis, "设定依据", 1)
    for i, basis in enumerate(elements.legal_basis[:MAX_LIST]):
        c.text(f"{p}.legalBasis[{i}]", basis, "设定依据")
    _check_approval_on_pledge(c, p, elements)
    c.violations += terms_problems(elements.emergency_handling, f"{p}.emergencyHandling")
    if not PHONE_PATTERN.match(elements.supervision_phone):
        c.add(f"{p}.supervisionPhone", CatalogueCode.INVALID_PHONE, "监督电话格式不正确")
    if elements.certificate_type is not None:
        cert = elements.certificate_type
        if not CODE_PATTERN.match(cert.code):
            c.add(f"{p}.certificateType.code", CatalogueCode.INVALID_CODE, "证照类型编码格式不正确")
        c.text(f"{p}.certificateType.name", cert.name, "证照类型名称", MAX_NAME)
        if cert.validity_years is not None and not 1 <= cert.validity_years <= 100:
            c.add(
                f"{p}.certificateType.validityYears",
                CatalogueCode.OUT_OF_RANGE,
                "证照有效期应在1至100年之间",
            )
    c.raise_if_any()


def _check_materials(c: _Checker, p: str, materials: tuple[Material, ...]) -> None:
    c.count(f"{p}.materials", materials, "申请材料", 1)
    seen: set[str] = set()
    for i, m in enumerate(materials[:MAX_LIST]):
        f = f"{p}.materials[{i}]"
        if not CODE_PATTERN.match(m.code):
            c.add(f"{f}.code", CatalogueCode.INVALID_CODE, "材料编码须为3至40位大写字母、数字或连字符")
        elif m.code in seen:
            c.add(f"{f}.code", CatalogueCode.DUPLICATE, f"材料编码{m.code}重复")
        seen.add(m.code)
        c.text(f"{f}.name", m.name, "材料名称", MAX_NAME)
        c.text(f"{f}.legalBasis", m.legal_basis, "材料依据")
        if not 1 <= m.copies <= 20:
            c.add(f"{f}.copies", CatalogueCode.OUT_OF_RANGE, "材料份数应在1至20之间")
    if materials and not any(m.kind is MaterialKind.PRIMARY for m in materials):
        c.add(f"{p}.materials", CatalogueCode.NO_PRIMARY_MATERIAL, "至少需要一项主要材料")


def _check_limits(c: _Checker, p: str, e: ItemElements) -> None:
    c.days(f"{p}.statutoryLimitDays", e.statutory_limit_days, "法定时限")
    c.days(f"{p}.promisedLimitDays", e.promised_limit_days, "承诺时限")
    if e.promised_limit_days > e.statutory_limit_days:
        c.add(
            f"{p}.promisedLimitDays",
            CatalogueCode.PROMISED_EXCEEDS_STATUTORY,
            "承诺时限不得超过法定时限",
        )
    if e.kind is ItemKind.IMMEDIATE and e.promised_limit_days != 0:
        c.add(f"{p}.promisedLimitDays", CatalogueCode.IMMEDIATE_ITEM_LIMIT, "即办件当场办结,承诺时限应为0")
    if e.kind is ItemKind.COMMITMENT and e.promised_limit_days < 1:
        c.add(f"{p}.promisedLimitDays", CatalogueCode.COMMITMENT_ITEM_LIMIT, "承诺件的承诺时限至少为1个工作日")
    if e.project_category is not None and e.promised_limit_days > PROJECT_MAX_DAYS:
        c.add(
            f"{p}.promisedLimitDays",
            CatalogueCode.PROJECT_ITEM_LIMIT,
            f"重大工程及招商引资工程应在{PROJECT_MAX_DAYS}个工作日内办结",
        )
    elif (
        e.kind is ItemKind.COMMITMENT  # an immediate item's own rule (0 days) is stricter
        and e.project_category is None
        and not e.special_steps
        and e.promised_limit_days > SIMPLE_ITEM_MAX_DAYS
    ):
        c.add(
            f"{p}.promisedLimitDays",
            CatalogueCode.SIMPLE_ITEM_LIMIT,
            f"无现场踏勘、专家论证、前置审批、上报上级等特别程序的事项,承诺时限最长{SIMPLE_ITEM_MAX_DAYS}个工作日"
            "(重大工程及招商引资工程须标明项目类别)",
        )


def _too_large(co_reviewers: int) -> str:
    writes = transaction_budget.worst_case_writes(co_reviewers)
    limit = transaction_budget.TRANSACTION_LIMIT
    return (
        f"设{co_reviewers}个协办部门时,办件的一次变更最多需写入{writes}条记录,超过单个事务{limit}条的上限;"
        f"协办部门最多{MAX_CO_REVIEWERS}个"
    )


def _check_co_reviewers(c: _Checker, p: str, e: ItemElements, departments: dict[str, Department]) -> None:
    if e.kind is ItemKind.IMMEDIATE and (e.co_reviewers or e.special_steps):
        c.add(f"{p}.coReviewers", CatalogueCode.IMMEDIATE_ITEM_JOINT, "即办件不能设置协办部门或特别程序")
    if not transaction_budget.fits(len(e.co_reviewers)):
        c.add(f"{p}.coReviewers", CatalogueCode.TRANSACTION_TOO_LARGE, _too_large(len(e.co_reviewers)))
    seen: set[str] = set()
    for i, co in enumerate(e.co_reviewers[:MAX_CO_REVIEWERS]):
        f = f"{p}.coReviewers[{i}]"
        if co.department_id not in departments:
            c.add(f"{f}.departmentId", CatalogueCode.UNKNOWN_DEPARTMENT, "协办部门不存在")
        elif co.department_id == e.department_id:
            c.add(f"{f}.departmentId", CatalogueCode.CO_REVIEWER_IS_LEAD, "牵头部门不能同时是协办部门")
        elif co.department_id in seen:
            c.add(f"{f}.departmentId", CatalogueCode.DUPLICATE, "协办部门重复")
        seen.add(co.department_id)
        if not 1 <= co.limit_days <= max(e.promised_limit_days, 1):
            c.add(
                f"{f}.limitDays",
                CatalogueCode.CO_REVIEWER_LIMIT,
                "协办时限应在1个工作日至承诺时限之间",
            )


# ---------------------------------------------------------------------------------------------
# Changes (seed 003): each returns the new immutable version; storage commits them atomically.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeContext:
    """Who changes the catalogue, when, why, and the reference data the rules need."""

    actor_id: str
    at: str
    reason: str
    departments: dict[str, Department]
    centres: dict[str, Centre]


def _require_reason(ctx: ChangeContext) -> None:
    if not ctx.reason.strip():
        raise DomainError.one(CatalogueCode.REASON_REQUIRED, "变更原因不能为空", "reason")
    if len(ctx.reason) > MAX_TEXT:
        raise DomainError.one(CatalogueCode.TOO_LONG, f"变更原因不能超过{MAX_TEXT}个字符", "reason")


def _require_published(item: ServiceItem, expected_version: int | None) -> None:
    if item.status is not ItemStatus.PUBLISHED:
        raise DomainError.one(CatalogueCode.ITEM_NOT_PUBLISHED, "该事项已取消或已合并,不能再变更", "id")
    if expected_version is not None and expected_version != item.version:
        raise DomainError.one(
            CatalogueCode.STALE_VERSION,
            f"事项已被他人更新(当前为第{item.version}版),请刷新后重试",
            "expectedVersion",
        )


def _version(item: ServiceItem, change: ChangeKind, ctx: ChangeContext, related: tuple[str, ...] = ()) -> ItemVersion:
    return ItemVersion(item, change, ctx.actor_id, ctx.at, ctx.reason, related)


def _home_centre(elements: ItemElements, ctx: ChangeContext) -> str:
    department = ctx.departments[elements.department_id]
    centre = ctx.centres.get(department.centre_id)
    if centre is None:
        raise DomainError.one(CatalogueCode.UNKNOWN_CENTRE, "实施部门所属中心不存在", "elements.departmentId")
    if centre.level is not elements.level:
        raise DomainError.one(
            CatalogueCode.LEVEL_MISMATCH,
            "事项层级须与实施部门所属中心层级一致",
            "elements.level",
        )
    return centre.id


def add_item(code: str, elements: ItemElements, ctx: ChangeContext) -> ItemVersion:
    _require_reason(ctx)
    validate_code(code, "code")
    validate_elements(elements, ctx.departments)
    item = ServiceItem(code, 1, ItemStatus.PUBLISHED, _home_centre(elements, ctx), elements)
    return _version(item, ChangeKind.ADD, ctx)


def change_item(
    current: ServiceItem, elements: ItemElements, ctx: ChangeContext, expected_version: int | None
) -> ItemVersion:
    """Edit the elements; the owning department stays (moving it is a transfer)."""
    _require_reason(ctx)
    _require_published(current, expected_version)
    if elements.department_id != current.elements.department_id:
        raise DomainError.one(
            CatalogueCode.SAME_DEPARTMENT,
            "变更实施部门请使用划转(transfer)",
            "elements.departmentId",
        )
    validate_elements(elements, ctx.departments)
    _home_centre(elements, ctx)
    item = ServiceItem(
        current.code,
        current.version + 1,
        ItemStatus.PUBLISHED,
        current.home_centre_id,
        elements,
        current.delegated_centre_ids,
        merged_from=current.merged_from,
        delegations=current.delegations,
    )
    return _version(item, ChangeKind.CHANGE, ctx)


def cancel_item(current: ServiceItem, ctx: ChangeContext, expected_version: int | None) -> ItemVersion:
    _require_reason(ctx)
    _require_published(current, expected_version)
    item = _next(current, status=ItemStatus.CANCELLED)
    return _version(item, ChangeKind.CANCEL, ctx)


def transfer_item(
    current: ServiceItem, department_id: str, ctx: ChangeContext, expected_version: int | None
) -> ItemVersion:
    """划转: another department takes the item over; delegations are reset with the owner."""
    _require_reason(ctx)
    _require_published(current, expected_version)
    if department_id not in ctx.departments:
        raise DomainError.one(CatalogueCode.UNKNOWN_DEPARTMENT, "接收部门不存在", "departmentId")
    if department_id == current.elements.department_id:
        raise DomainError.one(CatalogueCode.SAME_DEPARTMENT, "接收部门与原实施部门相同", "departmentId")
    target_centre = ctx.centres.get(ctx.departments[department_id].centre_id)
    level = target_centre.level if target_centre else current.elements.level
    elements = _replace_elements(current.elements, department_id=department_id, level=level)
    validate_elements(elements, ctx.departments)
    item = ServiceItem(
        current.code,
        current.version + 1,
        ItemStatus.PUBLISHED,
        _home_centre(elements, ctx),
        elements,
        (),
        merged_from=current.merged_from,
        delegations=(),
    )
    return _version(item, ChangeKind.TRANSFER, ctx)


def delegate_item(
    current: ServiceItem,
    centre_id: str,
    ctx: ChangeContext,
    expected_version: int | None,
    *,
    lead_department_id: str,
    co_reviewers: tuple[CoReviewer, ...] = (),
) -> ItemVersion:
    """下放 with 同权审批 (seed 000 三(一)2, seed 003 二(三)4): a subordinate centre exercises the
    power itself: `lead_department_id` is the receiving centre's department that reviews and
    decides; `co_reviewers` (required for joint items) are departments of the receiving centre
    or co-reviewers the item already names (kept city departments). Every problem at once."""
    _require_reason(ctx)
    _require_published(current, expected_version)
    c = _Checker()
    centre = ctx.centres.get(centre_id)
    if centre is None:
        c.add("centreId", CatalogueCode.UNKNOWN_CENTRE, "承接中心不存在")
    elif centre_id in current.centre_ids:
        c.add("centreId", CatalogueCode.ALREADY_DELEGATED, "该中心已可办理此事项")
    elif not is_subordinate(centre_id, current.home_centre_id, ctx.centres):
        c.add("centreId", CatalogueCode.NOT_SUBORDINATE_CENTRE, "只能下放给本级中心的下级中心")
    elif not centre.is_active:
        c.add("centreId", CatalogueCode.CENTRE_CLOSED, "承接中心已撤销")
    lead = ctx.departments.get(lead_department_id) if lead_department_id else None
    if not lead_department_id.strip():
        c.add("leadDepartmentId", CatalogueCode.RECEIVING_DEPARTMENT_REQUIRED, "下放事项须指定承接中心的承办部门")
    elif lead is None:
        c.add("leadDepartmentId", CatalogueCode.UNKNOWN_DEPARTMENT, "承办部门不存在")
    elif lead.centre_id != centre_id:
        c.add("leadDepartmentId", CatalogueCode.DEPARTMENT_OUTSIDE_CENTRE, "承办部门须为承接中心的部门")
    elif not lead.is_active:
        c.add("leadDepartmentId", CatalogueCode.DEPARTMENT_CLOSED, "承办部门已撤销")
    _check_delegated_co_reviewers(c, current, centre_id, lead_department_id, co_reviewers, ctx)
    c.raise_if_any()
    delegation = Delegation(centre_id, lead_department_id, co_reviewers)
    item = _next(
        current,
        delegated_centre_ids=(*current.delegated_centre_ids, centre_id),
        delegations=(*current.delegations, delegation),
    )
    return _version(item, ChangeKind.DELEGATE, ctx, (centre_id,))


def undelegate_item(
    current: ServiceItem, centre_id: str, ctx: ChangeContext, expected_version: int | None
) -> ItemVersion:
    """收回: the centre no longer takes new cases of the power; cases already filed there keep the
    version they were filed under and finish where they were filed."""
    _require_reason(ctx)
    _require_published(current, expected_version)
    if centre_id not in current.delegated_centre_ids:
        raise DomainError.one(CatalogueCode.NOT_DELEGATED, "该事项未下放给此中心,无需收回", "centreId")
    remaining = tuple(c for c in current.delegated_centre_ids if c != centre_id)
    item = _next(
        current,
        delegated_centre_ids=remaining,
        delegations=tuple(d for d in current.delegations if d.centre_id != centre_id),
    )
    return _version(item, ChangeKind.UNDELEGATE, ctx, (centre_id,))


def _check_delegated_co_reviewers(
    c: _Checker,
    item: ServiceItem,
    centre_id: str,
    lead_department_id: str,
    co_reviewers: tuple[CoReviewer, ...],
    ctx: ChangeContext,
) -> None:
    e = item.elements
    if e.is_joint and not co_reviewers:
        c.add("coReviewers", CatalogueCode.CO_REVIEWERS_REQUIRED, "联办事项下放须指定协办部门")
    if not e.is_joint and co_reviewers:
        c.add("coReviewers", CatalogueCode.TOO_MANY, "非联办事项不能指定协办部门")
    if not transaction_budget.fits(len(co_reviewers)):
        c.add("coReviewers", CatalogueCode.TRANSACTION_TOO_LARGE, _too_large(len(co_reviewers)))
    kept = {co.department_id for co in e.co_reviewers}
    seen: set[str] = set()
    for i, co in enumerate(co_reviewers[:MAX_CO_REVIEWERS]):
        f = f"coReviewers[{i}]"
        department = ctx.departments.get(co.department_id)
        if department is None:
            c.add(f"{f}.departmentId", CatalogueCode.UNKNOWN_DEPARTMENT, "协办部门不存在")
        elif department.centre_id != centre_id and co.department_id not in kept:
            c.add(
                f"{f}.departmentId",
                CatalogueCode.DEPARTMENT_OUTSIDE_CENTRE,
                "协办部门须为承接中心的部门,或本事项原有的协办部门",
            )
        elif not department.is_active:
            c.add(f"{f}.departmentId", CatalogueCode.DEPARTMENT_CLOSED, "协办部门已撤销")
        elif co.department_id == lead_department_id:
            c.add(f"{f}.departmentId", CatalogueCode.CO_REVIEWER_IS_LEAD, "承办部门不能同时是协办部门")
        elif co.department_id in seen:
            c.add(f"{f}.departmentId", CatalogueCode.DUPLICATE, "协办部门重复")
        seen.add(co.department_id)
        if not 1 <= co.limit_days <= max(e.promised_limit_days, 1):
            c.add(f"{f}.limitDays", CatalogueCode.CO_REVIEWER_LIMIT, "协办时限应在1个工作日至承诺时限之间")


def merge_items(
    target: ServiceItem,
    sources: list[ServiceItem],
    ctx: ChangeContext,
    expected_version: int | None,
) -> tuple[ItemVersion, list[ItemVersion]]:
    """合并: the sources close as merged into the target, which records where it came from."""
    _require_reason(ctx)
    _require_published(target, expected_version)
    if not sources:
        raise DomainError.one(CatalogueCode.REQUIRED, "至少需要一个被合并事项", "sourceIds")
    codes = [s.code for s in sources]
    if target.code in codes:
        raise DomainError.one(CatalogueCode.MERGE_SELF, "事项不能与自身合并", "sourceIds")
    if len(set(codes)) != len(codes):
        raise DomainError.one(CatalogueCode.DUPLICATE, "被合并事项重复", "sourceIds")
    for i, source in enumerate(sources):
        if source.status is not ItemStatus.PUBLISHED:
            raise DomainError.one(
                CatalogueCode.ITEM_NOT_PUBLISHED, f"事项{source.code}已取消或已合并", f"sourceIds[{i}]"
            )
    merged_target = _next(target, merged_from=(*target.merged_from, *codes))
    closed = [
        _version(_next(s, status=ItemStatus.MERGED, merged_into=target.code), ChangeKind.MERGE, ctx, (target.code,))
        for s in sources
    ]
    return _version(merged_target, ChangeKind.MERGE, ctx, tuple(codes)), closed


def _next(item: ServiceItem, **changes: object) -> ServiceItem:
    return replace(item, version=item.version + 1, **changes)  # type: ignore[arg-type]


def _replace_elements(elements: ItemElements, **changes: object) -> ItemElements:
    return replace(elements, **changes)  # type: ignore[arg-type]
