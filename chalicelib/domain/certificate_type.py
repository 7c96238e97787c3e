"""Certificate types (证照类型) and their templates, handed over to the bureau (统一制证, seed 002 四(六)).

Seed 002 四(六): 「各行业主管部门将空白证照(批文)和电子证照模板全部移交行政审批和营商环境服务局统一制发证,
原审批部门不再留存。」 A type is owned by a line department, which defines its template (the fields it
shows, the layout, the validity rule) and then hands it over (交接) to the approval bureau. From
then on the bureau alone issues the type and bureau staff (or catalogue administrators) edit its
template; the department that handed it over can neither edit nor issue it any more. A type not
handed over cannot be issued at all.

Every change of a type is a new version; a certificate records the version it was rendered with,
and the handover records the version handed over. A type is either a licence (CERTIFICATE) or an
approval letter (批文, APPROVAL_LETTER); both go through the same issuance and the same seal
(seed 002 四(七): every result of a transferred item carries the approval seal).

A template field shows either an answer of the item's application form (`formData.<key>`) or a
fact of the case (holder, item, decision date, validity...). A field naming a form key that an
item issuing the type does not have is refused when the template is saved or handed over, and
again at issuance (an item changed later cannot print an empty licence).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from chalicelib.domain.application_form import KEY_PATTERN as FORM_KEY_PATTERN
from chalicelib.domain.certificate import valid_until
from chalicelib.domain.errors import DomainError, Violation
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.text import INVALID_CHARACTERS, character_problem, visible

CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9-]{1,39}$")
MAX_NAME = 30  # the renderer's title limit
MAX_LABEL = 16  # the renderer's label limit
MAX_FIELDS = 10  # what fits one page next to the seal and the QR code
MAX_VALIDITY_YEARS = 100
MAX_REASON = 500


class IssuingKind(StrEnum):
    CERTIFICATE = "certificate"  # 证照: a licence
    APPROVAL_LETTER = "approval_letter"  # 批文: a sealed approval letter instead of a licence


class Layout(StrEnum):
    LICENCE_PORTRAIT = "licence_portrait"
    LICENCE_LANDSCAPE = "licence_landscape"
    LETTER = "letter"


class CaseFact(StrEnum):
    """What a template field may show besides form answers: facts the case itself records."""

    HOLDER_NAME = "holder_name"  # 持证人 / 申请单位
    HOLDER_CODE = "holder_code"  # 证件号码 / 统一社会信用代码
    ITEM_NAME = "item_name"  # 事项名称
    DECISION_DATE = "decision_date"  # 决定日期
    VALIDITY = "validity"  # 有效期限 (from the decision date)
    TRACKING_CODE = "tracking_code"  # 申请编号


class CertificateTypeCode:
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    INVALID_CODE = "INVALID_CODE"
    DUPLICATE_CODE = "DUPLICATE_CODE"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    TOO_MANY_FIELDS = "TOO_MANY_FIELDS"
    FIELD_SOURCE = "FIELD_SOURCE"  # a field needs exactly one source: a form key or a case fact
    DUPLICATE_LABEL = "DUPLICATE_LABEL"
    LAYOUT_MISMATCH = "LAYOUT_MISMATCH"  # an approval letter uses the letter layout, a licence not
    UNKNOWN_FORM_FIELD = "UNKNOWN_FORM_FIELD"  # the template names a form field an item lacks
    INVALID_FORM_FIELD = "INVALID_FORM_FIELD"  # not the shape of an application form key
    INVALID_CHARACTERS = INVALID_CHARACTERS  # control, zero-width or bidi characters in text
    UNKNOWN_DEPARTMENT = "UNKNOWN_DEPARTMENT"
    STALE_VERSION = "STALE_VERSION"  # the caller edited an older version than the current one
    ALREADY_HANDED_OVER = "ALREADY_HANDED_OVER"
    HANDED_OVER = "HANDED_OVER"  # after the handover the department no longer edits its template
    TEMPLATE_NOT_HANDED_OVER = "TEMPLATE_NOT_HANDED_OVER"  # issuance of a type still with its department
    NO_TEMPLATE = "NO_TEMPLATE"  # issuance of a type the registry does not know
    DEPARTMENT_CANNOT_ISSUE = "DEPARTMENT_CANNOT_ISSUE"  # 原审批部门不再留存: only the bureau issues
    VALIDITY_LAPSED = "VALIDITY_LAPSED"  # counted from the decision date, the validity ended before issuance
    CONTENT_DOES_NOT_FIT = "CONTENT_DOES_NOT_FIT"  # the filled template does not fit its one page


#: The codes issuance may add to the certificate errors (api/certificates/errors.py).
ISSUANCE_CODES = (
    CertificateTypeCode.NO_TEMPLATE,
    CertificateTypeCode.TEMPLATE_NOT_HANDED_OVER,
    CertificateTypeCode.DEPARTMENT_CANNOT_ISSUE,
    CertificateTypeCode.UNKNOWN_FORM_FIELD,
    CertificateTypeCode.VALIDITY_LAPSED,
    CertificateTypeCode.CONTENT_DOES_NOT_FIT,
)


FACT_LABEL = {
    CaseFact.HOLDER_NAME: "持证人",
    CaseFact.HOLDER_CODE: "证件号码",
    CaseFact.ITEM_NAME: "事项名称",
    CaseFact.DECISION_DATE: "决定日期",
    CaseFact.VALIDITY: "有效期限",
    CaseFact.TRACKING_CODE: "申请编号",
}


@dataclass(frozen=True)
class TemplateField:
    """One line of the certificate: its printed label and where its value comes from."""

    label: str
    form_field: str = ""  # a key of the item's application form
    fact: CaseFact | None = None


@dataclass(frozen=True)
class TemplateHandover:
    """交接: the department handed this version of its template to the bureau (seed 002 四(六))."""

    department_id: str
    by: str
    at: str
    version: int


@dataclass(frozen=True)
class CertificateTypeDraft:
    """What an editor submits: everything but the version and the handover."""

    code: str
    name: str
    kind: IssuingKind
    department_id: str
    layout: Layout
    fields: tuple[TemplateField, ...]
    validity_years: int | None = None


@dataclass(frozen=True)
class CertificateType:
    code: str
    name: str
    kind: IssuingKind
    department_id: str  # the owning line department (行业主管部门)
    layout: Layout
    fields: tuple[TemplateField, ...]
    validity_years: int | None  # from the decision date; None: 长期有效
    version: int
    changed_by: str
    changed_at: str
    reason: str = ""
    handover: TemplateHandover | None = None

    @property
    def handed_over(self) -> bool:
        return self.handover is not None

    def form_keys(self) -> set[str]:
        return {f.form_field for f in self.fields if f.form_field}


def _fail(code: str, message: str, field_: str | None = None) -> DomainError:
    return DomainError.one(code, message, field_)


# --- checks ------------------------------------------------------------------------------------


def draft_problems(draft: CertificateTypeDraft, departments: Iterable[str]) -> list[Violation]:
    """Every problem of a draft at once (paths as in the input)."""
    out: list[Violation] = []

    def add(path: str, code: str, message: str) -> None:
        out.append(Violation(code, message, path))

    C = CertificateTypeCode
    if not CODE_PATTERN.match(draft.code):
        add("code", C.INVALID_CODE, "证照类型编码应为大写字母开头的2至40位大写字母、数字或连字符")
    name = draft.name.strip()
    if not visible(name):
        add("name", C.REQUIRED, "请填写证照类型名称")
    elif len(name) > MAX_NAME:
        add("name", C.TOO_LONG, f"证照类型名称不能超过{MAX_NAME}字")
    elif problem := character_problem(name, "证照类型名称"):
        add("name", C.INVALID_CHARACTERS, problem)
    if draft.department_id not in set(departments):
        add("departmentId", C.UNKNOWN_DEPARTMENT, "所属部门不存在")
    if draft.validity_years is not None and not 1 <= draft.validity_years <= MAX_VALIDITY_YEARS:
        add("validityYears", C.OUT_OF_RANGE, f"有效期应在1至{MAX_VALIDITY_YEARS}年之间,长期有效请留空")
    letter = draft.kind is IssuingKind.APPROVAL_LETTER
    if letter != (draft.layout is Layout.LETTER):
        add("layout", C.LAYOUT_MISMATCH, "批文使用公文版式,证照使用证照版式(横版或竖版)")
    if not draft.fields:
        add("fields", C.REQUIRED, "模板至少要有一个栏目")
    if len(draft.fields) > MAX_FIELDS:
        add("fields", C.TOO_MANY_FIELDS, f"模板栏目不能超过{MAX_FIELDS}个(一页证照的容量)")
    seen: set[str] = set()
    for i, f in enumerate(draft.fields[:MAX_FIELDS]):
        path = f"fields[{i}]"
        label = f.label.strip()
        if not visible(label):
            add(f"{path}.label", C.REQUIRED, "请填写栏目名称")
        elif len(label) > MAX_LABEL:
            add(f"{path}.label", C.TOO_LONG, f"栏目名称不能超过{MAX_LABEL}字")
        elif problem := character_problem(label, "栏目名称"):
            add(f"{path}.label", C.INVALID_CHARACTERS, problem)
        elif label in seen:
            add(f"{path}.label", C.DUPLICATE_LABEL, f"栏目名称「{label}」重复")
        seen.add(label)
        form_field = f.form_field.strip()
        if bool(form_field) == (f.fact is not None):
            add(path, C.FIELD_SOURCE, "每个栏目须且只能取自申请表字段或办件信息之一")
        elif form_field and not FORM_KEY_PATTERN.match(form_field):
            # The catalogue's form-key shape: anything else can name no form field (and is bounded).
            add(
                f"{path}.formField",
                C.INVALID_FORM_FIELD,
                "申请表字段标识须以小写字母开头,由字母、数字或下划线组成,不超过40位",
            )
    return out


def form_problems(
    fields: tuple[TemplateField, ...], forms: Mapping[str, Iterable[str]], prefix: str = "fields"
) -> list[Violation]:
    """Template fields naming a form key that an item issuing this type does not have.

    `forms` maps each such item's code to the keys of its application form."""
    out: list[Violation] = []
    for item_code, keys in sorted(forms.items()):
        known = set(keys)
        for i, f in enumerate(fields):
            # A key of the wrong shape is reported once, as INVALID_FORM_FIELD, by draft_problems.
            if f.form_field and FORM_KEY_PATTERN.match(f.form_field.strip()) and f.form_field not in known:
                out.append(
                    Violation(
                        CertificateTypeCode.UNKNOWN_FORM_FIELD,
                        f"事项{item_code}的申请表没有字段「{f.form_field}」,模板栏目「{f.label}」无从取值",
                        f"{prefix}[{i}].formField",
                    )
                )
    return out


# --- commands ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateHolder:
    """Who holds a handed-over template: the approval bureau that issues the owning department's
    items (the bureau of the department's centre, else the nearest one above it, as for issuance)
    and the centres whose catalogue administrators may edit it (the department's centre and above)."""

    bureau_id: str | None
    centres: tuple[str, ...]


def may_edit(
    current: CertificateType | None,
    draft_department: str,
    actor: Principal,
    holder: TemplateHolder | None = None,
    owner_centres: tuple[str, ...] | None = (),
) -> None:
    """Before the handover the owning department holds the template: its approvers, and catalogue
    administrators of the department's centre or a centre above it (`owner_centres`: scopes follow
    the organisation, as after the handover; None when the department is unknown, which the draft
    check reports as UNKNOWN_DEPARTMENT); an administrator of a lower or sibling centre is refused.
    After it the bureau it was handed to holds it (that bureau's staff, and catalogue administrators
    of the department's centre or above) and the department that handed it over no longer does
    (原审批部门不再留存). Any other bureau is refused like anyone else."""
    C = CertificateTypeCode
    if actor.subject is None:
        raise _fail(C.FORBIDDEN, "请先登录")
    if current is not None and current.handed_over:
        held = holder or TemplateHolder(None, ())
        holding_bureau = actor.has_any(Role.BUREAU) and held.bureau_id is not None
        if holding_bureau and actor.department_id == held.bureau_id != current.department_id:
            return
        if actor.has_any(Role.ADMIN) and actor.centre_id is not None and actor.centre_id in held.centres:
            return
        raise _fail(C.HANDED_OVER, "模板已移交行政审批局,原审批部门不能再修改;请由审批局修改")
    department = current.department_id if current is not None else draft_department
    if actor.has_any(Role.ADMIN) and (owner_centres is None or (actor.centre_id or "") in owner_centres):
        return
    if actor.has_any(Role.APPROVER) and actor.department_id == department:
        return
    raise _fail(C.FORBIDDEN, "只有所属部门的审批负责人或该部门所在中心(含上级中心)的事项管理员可以编制该证照模板")


def create(draft: CertificateTypeDraft, by: str, at: str, reason: str) -> CertificateType:
    return CertificateType(
        code=draft.code,
        name=draft.name.strip(),
        kind=draft.kind,
        department_id=draft.department_id,
        layout=draft.layout,
        fields=_normalised(draft.fields),
        validity_years=draft.validity_years,
        version=1,
        changed_by=by,
        changed_at=at,
        reason=reason,
    )


def change(
    current: CertificateType, draft: CertificateTypeDraft, expected_version: int, by: str, at: str, reason: str
) -> CertificateType:
    """A new version; the owning department stays (a type moves to another department as a new type)."""
    C = CertificateTypeCode
    if expected_version != current.version:
        raise _fail(C.STALE_VERSION, f"模板已更新为第{current.version}版,请按最新版本修改", "expectedVersion")
    if draft.department_id != current.department_id:
        raise _fail(C.UNKNOWN_DEPARTMENT, "证照类型的所属部门不能更改", "departmentId")
    return replace(
        current,
        name=draft.name.strip(),
        kind=draft.kind,
        layout=draft.layout,
        fields=_normalised(draft.fields),
        validity_years=draft.validity_years,
        version=current.version + 1,
        changed_by=by,
        changed_at=at,
        reason=reason,
    )


def hand_over(current: CertificateType, expected_version: int, actor: Principal, at: str) -> CertificateType:
    """交接: the owning department hands its current template to the bureau (seed 002 四(六))."""
    C = CertificateTypeCode
    if actor.subject is None or not actor.has_any(Role.APPROVER) or actor.department_id != current.department_id:
        raise _fail(C.FORBIDDEN, "只有所属部门的审批负责人可以移交该证照模板")
    if current.handed_over:
        raise _fail(C.ALREADY_HANDED_OVER, "该证照模板已移交行政审批局")
    if expected_version != current.version:
        raise _fail(C.STALE_VERSION, f"模板已更新为第{current.version}版,请核对后移交最新版本", "expectedVersion")
    return replace(current, handover=TemplateHandover(current.department_id, actor.subject, at, current.version))


def check_issuable(cert_type: CertificateType | None, type_code: str, actor: Principal) -> CertificateType:
    """Only a handed-over template is issued, and never by the department that handed it over."""
    C = CertificateTypeCode
    if cert_type is None:
        raise _fail(C.NO_TEMPLATE, f"证照类型{type_code}没有登记模板,不能制证")
    if not cert_type.handed_over:
        raise _fail(C.TEMPLATE_NOT_HANDED_OVER, f"{cert_type.name}模板尚未由所属部门移交行政审批局,不能制证")
    if actor.department_id == cert_type.department_id:
        raise _fail(C.DEPARTMENT_CANNOT_ISSUE, f"{cert_type.name}模板已移交,由行政审批局统一制发证,原审批部门不能制证")
    return cert_type


def _normalised(fields: tuple[TemplateField, ...]) -> tuple[TemplateField, ...]:
    return tuple(TemplateField(f.label.strip(), f.form_field.strip(), f.fact) for f in fields)


# --- values ------------------------------------------------------------------------------------


def cn_date(day: date) -> str:
    """2026年11月22日, as official documents write dates."""
    return f"{day.year}年{day.month}月{day.day}日"


def validity(cert_type: CertificateType, decided_on: date, issued_on: date) -> date | None:
    """The last valid day, counted from the decision date (None: 长期有效). A decision whose
    validity already ended cannot be issued any more (VALIDITY_LAPSED)."""
    if cert_type.validity_years is None:
        return None
    years = cert_type.validity_years
    last = valid_until(decided_on, years)
    assert last is not None
    if last < issued_on:
        raise _fail(CertificateTypeCode.VALIDITY_LAPSED, f"自决定之日起{years}年的有效期已届满,不能再制证")
    return last


def validity_text(decided_on: date, last: date | None) -> str:
    return "长期有效" if last is None else f"自{cn_date(decided_on)}至{cn_date(last)}"


@dataclass(frozen=True)
class CaseFacts:
    """The case's facts a template may print, already formatted."""

    holder_name: str
    holder_code: str
    item_name: str
    decision_date: str
    validity: str
    tracking_code: str

    def get(self, fact: CaseFact) -> str:
        return str(getattr(self, fact.value))


def format_answer(value: object, choices: Mapping[str, str] | None = None) -> str:
    """One form answer as printed: choices by their label, lists joined, yes/no in Chinese."""
    labels = choices or {}
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(labels.get(str(v), str(v)) for v in value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return labels.get(str(value), str(value))


def rows(
    cert_type: CertificateType,
    facts: CaseFacts,
    answers: Mapping[str, object],
    form_keys: Iterable[str],
    choices: Mapping[str, Mapping[str, str]] | None = None,
) -> tuple[tuple[str, str], ...]:
    """The template filled in: (label, value) per field. A field whose form key the case's item
    does not have refuses the issuance (UNKNOWN_FORM_FIELD); an optional answer left empty
    prints 无."""
    known = set(form_keys)
    missing = [f.form_field for f in cert_type.fields if f.form_field and f.form_field not in known]
    if missing:
        names = "、".join(f"「{key}」" for key in missing)
        raise _fail(
            CertificateTypeCode.UNKNOWN_FORM_FIELD,
            f"本事项申请表没有{cert_type.name}模板所需的字段{names},请先修正证照模板,办件仍为待制证",
        )
    out: list[tuple[str, str]] = []
    for f in cert_type.fields:
        if f.fact is not None:
            value = facts.get(f.fact)
        else:
            raw = answers.get(f.form_field)
            value = format_answer(raw, (choices or {}).get(f.form_field)) if raw not in (None, "", []) else "无"
        out.append((f.label, value))
    return tuple(out)
