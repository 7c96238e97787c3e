"""Application forms (申请表): the typed fields an item publishes, and the check of a filing's answers.

A form is part of an item's elements, so it is versioned and published with the item (seed 001,
003) and a case keeps the version it was filed under. Answers are checked at filing and every
problem is reported at once with the path of the field (`formData.<key>`), like a one-time
notice for the form. ID fields are checked with the national check characters (GB 11643,
GB 32100). Answers are stored normalised (trimmed text, upper-case IDs, ISO dates, numbers as
numbers) so that certificates and conditions read one spelling.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from chalicelib.domain.errors import DomainError, Violation
from chalicelib.domain.identifiers import validate_credit_code, validate_resident_id

FormValue = str | int | float | bool | list[str]

KEY_PATTERN = re.compile(r"^[a-z][a-zA-Z0-9_]{0,39}$")
MAX_FIELDS = 60
MAX_CHOICES = 100
MAX_LABEL = 100
MAX_PATTERN = 200
TEXT_LIMIT = 2000  # the longest text any field may allow
DEFAULT_TEXT_MAX = 500
DEFAULT_ADDRESS_MAX = 200
MAX_NUMBER = 1e15  # keeps every accepted number exact in JSON and DynamoDB
# The answers live in the case record next to the item version (DynamoDB items hold 400 KB).
MAX_ANSWER_BYTES = 32 * 1024


class FieldType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"  # ISO 8601 calendar date
    CHOICE = "choice"  # one of the published choices (several when `multiple`)
    BOOLEAN = "boolean"  # a yes/no declaration, e.g. a special circumstance (特殊情形)
    ADDRESS = "address"  # a postal address, e.g. 经营场所
    AREA = "area"  # square metres (面积), at most two decimals
    PERSON_ID = "person_id"  # 居民身份证号码 (GB 11643)
    ORGANISATION_ID = "organisation_id"  # 统一社会信用代码 (GB 32100)


_TEXTUAL = frozenset({FieldType.TEXT, FieldType.ADDRESS})
_NUMERIC = frozenset({FieldType.NUMBER, FieldType.AREA})


@dataclass(frozen=True)
class FormChoice:
    value: str
    label: str


@dataclass(frozen=True)
class FormField:
    """One field and its rules; a rule that does not fit the type is refused at publication."""

    key: str
    label: str
    type: FieldType
    required: bool = True
    help: str = ""
    minimum: float | None = None  # NUMBER, AREA
    maximum: float | None = None
    integer: bool = False  # NUMBER: whole numbers only
    min_length: int | None = None  # TEXT, ADDRESS
    max_length: int | None = None
    pattern: str = ""  # TEXT: a regular expression the whole answer must match
    choices: tuple[FormChoice, ...] = ()  # CHOICE
    multiple: bool = False  # CHOICE: several answers allowed
    earliest: date | None = None  # DATE
    latest: date | None = None


class FormDefinitionCode:
    """Catalogue errors of a published form (the catalogue error enum includes them)."""

    FORM_INVALID_KEY = "FORM_INVALID_KEY"
    FORM_DUPLICATE_KEY = "FORM_DUPLICATE_KEY"
    FORM_RULE_MISMATCH = "FORM_RULE_MISMATCH"
    FORM_INVALID_RANGE = "FORM_INVALID_RANGE"
    FORM_INVALID_PATTERN = "FORM_INVALID_PATTERN"
    FORM_NO_CHOICES = "FORM_NO_CHOICES"


class FormCode:
    """Application errors of a filing's answers (the application error enum includes them)."""

    FORM_INVALID = "FORM_INVALID"
    FORM_FIELD_REQUIRED = "FORM_FIELD_REQUIRED"
    FORM_UNKNOWN_FIELD = "FORM_UNKNOWN_FIELD"
    FORM_WRONG_TYPE = "FORM_WRONG_TYPE"
    FORM_OUT_OF_RANGE = "FORM_OUT_OF_RANGE"
    FORM_LENGTH = "FORM_LENGTH"
    FORM_PATTERN_MISMATCH = "FORM_PATTERN_MISMATCH"
    FORM_INVALID_CHOICE = "FORM_INVALID_CHOICE"
    FORM_INVALID_ID_NUMBER = "FORM_INVALID_ID_NUMBER"
    FORM_INVALID_CREDIT_CODE = "FORM_INVALID_CREDIT_CODE"
    FORM_TOO_LARGE = "FORM_TOO_LARGE"
    FORM_CORRECTION_NOT_ALLOWED = "FORM_CORRECTION_NOT_ALLOWED"  # only a 补正 after a one-time notice
    FORM_CORRECTIONS_EXHAUSTED = "FORM_CORRECTIONS_EXHAUSTED"  # the case record keeps a bounded history


# ---------------------------------------------------------------------------------------------
# Publication: is the form itself well made?
# ---------------------------------------------------------------------------------------------


def form_definition_problems(fields: tuple[FormField, ...], prefix: str) -> list[Violation]:
    """Every problem of a form definition (the catalogue reports them with its own)."""
    out: list[Violation] = []

    def add(path: str, code: str, message: str) -> None:
        out.append(Violation(code, message, f"{prefix}{path}"))

    if len(fields) > MAX_FIELDS:
        add("", "TOO_MANY", f"申请表字段不能超过{MAX_FIELDS}个")
    seen: set[str] = set()
    for i, f in enumerate(fields[:MAX_FIELDS]):
        p = f"[{i}]"
        if not KEY_PATTERN.match(f.key):
            add(
                f"{p}.key",
                FormDefinitionCode.FORM_INVALID_KEY,
                "字段标识须以小写字母开头,由字母、数字或下划线组成,不超过40位",
            )
        elif f.key in seen:
            add(f"{p}.key", FormDefinitionCode.FORM_DUPLICATE_KEY, f"字段标识{f.key}重复")
        seen.add(f.key)
        if not f.label.strip() or len(f.label) > MAX_LABEL:
            add(f"{p}.label", "REQUIRED", f"字段名称不能为空且不超过{MAX_LABEL}个字符")
        if len(f.help) > 500:
            add(f"{p}.help", "TOO_LONG", "填写说明不能超过500个字符")
        _rule_problems(f, add, p)
    return out


def _rule_problems(f: FormField, emit: Callable[[str, str, str], None], p: str) -> None:
    mismatch = FormDefinitionCode.FORM_RULE_MISMATCH
    if (f.minimum is not None or f.maximum is not None) and f.type not in _NUMERIC:
        emit(f"{p}.minimum", mismatch, "只有数字或面积字段可以设置取值范围")
    if f.integer and f.type is not FieldType.NUMBER:
        emit(f"{p}.integer", mismatch, "只有数字字段可以要求整数")
    if (f.min_length is not None or f.max_length is not None) and f.type not in _TEXTUAL:
        emit(f"{p}.maxLength", mismatch, "只有文本或地址字段可以设置长度")
    if f.pattern and f.type is not FieldType.TEXT:
        emit(f"{p}.pattern", mismatch, "只有文本字段可以设置格式")
    if (f.choices or f.multiple) and f.type is not FieldType.CHOICE:
        emit(f"{p}.choices", mismatch, "只有选择字段可以设置选项")
    if (f.earliest is not None or f.latest is not None) and f.type is not FieldType.DATE:
        emit(f"{p}.earliest", mismatch, "只有日期字段可以设置日期范围")
    for name, value in (("minimum", f.minimum), ("maximum", f.maximum)):
        if value is not None and (not math.isfinite(value) or abs(value) > MAX_NUMBER):
            emit(f"{p}.{name}", FormDefinitionCode.FORM_INVALID_RANGE, "取值范围超出允许的数值")
    if f.minimum is not None and f.maximum is not None and f.minimum > f.maximum:
        emit(f"{p}.minimum", FormDefinitionCode.FORM_INVALID_RANGE, "最小值不能大于最大值")
    if f.type is FieldType.AREA and f.minimum is not None and f.minimum < 0:
        emit(f"{p}.minimum", FormDefinitionCode.FORM_INVALID_RANGE, "面积不能为负数")
    for name, length in (("minLength", f.min_length), ("maxLength", f.max_length)):
        if length is not None and not 0 <= length <= TEXT_LIMIT:
            emit(f"{p}.{name}", FormDefinitionCode.FORM_INVALID_RANGE, f"长度应在0至{TEXT_LIMIT}之间")
    if f.min_length is not None and f.max_length is not None and f.min_length > f.max_length:
        emit(f"{p}.minLength", FormDefinitionCode.FORM_INVALID_RANGE, "最小长度不能大于最大长度")
    if f.earliest is not None and f.latest is not None and f.earliest > f.latest:
        emit(f"{p}.earliest", FormDefinitionCode.FORM_INVALID_RANGE, "最早日期不能晚于最晚日期")
    if f.pattern:
        if len(f.pattern) > MAX_PATTERN:
            emit(f"{p}.pattern", FormDefinitionCode.FORM_INVALID_PATTERN, f"格式不能超过{MAX_PATTERN}个字符")
        else:
            try:
                re.compile(f.pattern)
            except re.error:
                emit(f"{p}.pattern", FormDefinitionCode.FORM_INVALID_PATTERN, "格式不是有效的正则表达式")
    if f.type is FieldType.CHOICE:
        if not f.choices:
            emit(f"{p}.choices", FormDefinitionCode.FORM_NO_CHOICES, "选择字段至少需要一个选项")
        elif len(f.choices) > MAX_CHOICES:
            emit(f"{p}.choices", "TOO_MANY", f"选项不能超过{MAX_CHOICES}个")
        values = [c.value for c in f.choices]
        if len(set(values)) != len(values):
            emit(f"{p}.choices", FormDefinitionCode.FORM_DUPLICATE_KEY, "选项值重复")
        for j, choice in enumerate(f.choices[:MAX_CHOICES]):
            if not choice.value.strip() or not choice.label.strip() or len(choice.label) > MAX_LABEL:
                emit(f"{p}.choices[{j}]", "REQUIRED", "选项的值和名称不能为空")


# ---------------------------------------------------------------------------------------------
# Filing: are the answers right?
# ---------------------------------------------------------------------------------------------


def check_answers(
    fields: tuple[FormField, ...], data: Mapping[str, object] | None, prefix: str = "formData"
) -> dict[str, FormValue]:
    """The normalised answers, or DomainError with every problem (field path per problem)."""
    problems: list[Violation] = []
    answers: dict[str, FormValue] = {}
    given: Mapping[str, object] = data or {}
    if not isinstance(given, Mapping):
        raise DomainError.one(FormCode.FORM_INVALID, "申请表数据须为对象(字段标识: 值)", prefix)
    known = {f.key for f in fields}
    for key in given:
        if key not in known:
            problems.append(Violation(FormCode.FORM_UNKNOWN_FIELD, f"申请表没有字段“{key}”", f"{prefix}.{key}"))
    for f in fields:
        path = f"{prefix}.{f.key}"
        raw = given.get(f.key)
        if raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []:
            if f.required:
                problems.append(Violation(FormCode.FORM_FIELD_REQUIRED, f"请填写“{f.label}”", path))
            continue
        value, problem = _answer(f, raw)
        if problem is not None:
            problems.append(Violation(problem[0], f"“{f.label}”{problem[1]}", path))
        elif value is not None:
            answers[f.key] = value
    if problems:
        raise DomainError(problems)
    if len(json.dumps(answers, ensure_ascii=False).encode()) > MAX_ANSWER_BYTES:
        raise DomainError.one(FormCode.FORM_TOO_LARGE, f"申请表内容过长(不超过{MAX_ANSWER_BYTES // 1024} KB)", prefix)
    return answers


Problem = tuple[str, str]


def _answer(f: FormField, raw: object) -> tuple[FormValue | None, Problem | None]:
    if f.type in _TEXTUAL or f.type is FieldType.PERSON_ID or f.type is FieldType.ORGANISATION_ID:
        if not isinstance(raw, str):
            return None, (FormCode.FORM_WRONG_TYPE, "应为文字")
        text = raw.strip()
        if f.type is FieldType.PERSON_ID:
            code = text.upper()
            why = validate_resident_id(code)
            return (
                (code, None)
                if why is None
                else (None, (FormCode.FORM_INVALID_ID_NUMBER, f"不是有效的居民身份证号码:{why}"))
            )
        if f.type is FieldType.ORGANISATION_ID:
            code = text.upper()
            why = validate_credit_code(code)
            return (
                (code, None)
                if why is None
                else (None, (FormCode.FORM_INVALID_CREDIT_CODE, f"不是有效的统一社会信用代码:{why}"))
            )
        return text, _length(f, text)
    if f.type in _NUMERIC:
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
            return None, (FormCode.FORM_WRONG_TYPE, "应为数字")
        return raw, _number(f, raw)
    if f.type is FieldType.DATE:
        if not isinstance(raw, str):
            return None, (FormCode.FORM_WRONG_TYPE, "应为日期(YYYY-MM-DD)")
        try:
            day = date.fromisoformat(raw.strip())
        except ValueError:
            return None, (FormCode.FORM_WRONG_TYPE, "应为日期(YYYY-MM-DD)")
        if (f.earliest and day < f.earliest) or (f.latest and day > f.latest):
            span = f"{f.earliest.isoformat() if f.earliest else '不限'}至{f.latest.isoformat() if f.latest else '不限'}"
            return None, (FormCode.FORM_OUT_OF_RANGE, f"应在{span}之间")
        return day.isoformat(), None
    if f.type is FieldType.BOOLEAN:
        if not isinstance(raw, bool):
            return None, (FormCode.FORM_WRONG_TYPE, "应为是或否(true/false)")
        return raw, None
    return _choice(f, raw)


def _length(f: FormField, text: str) -> Problem | None:
    default = DEFAULT_ADDRESS_MAX if f.type is FieldType.ADDRESS else DEFAULT_TEXT_MAX
    longest = f.max_length if f.max_length is not None else default
    shortest = f.min_length or 0
    if not shortest <= len(text) <= longest:
        return FormCode.FORM_LENGTH, f"长度应在{shortest}至{longest}个字符之间"
    if f.pattern and re.fullmatch(f.pattern, text) is None:
        return FormCode.FORM_PATTERN_MISMATCH, "格式不正确"
    return None


def _number(f: FormField, value: int | float) -> Problem | None:
    if abs(value) > MAX_NUMBER:
        return FormCode.FORM_OUT_OF_RANGE, "数值过大"
    if f.integer and value != int(value):
        return FormCode.FORM_WRONG_TYPE, "应为整数"
    if f.type is FieldType.AREA and round(value, 2) != value:
        return FormCode.FORM_WRONG_TYPE, "面积最多保留两位小数(平方米)"
    low = f.minimum if f.minimum is not None else (0.0 if f.type is FieldType.AREA else None)
    if (low is not None and value < low) or (f.maximum is not None and value > f.maximum):
        return FormCode.FORM_OUT_OF_RANGE, f"应在{_fmt(low)}至{_fmt(f.maximum)}之间"
    return None


def _fmt(value: float | None) -> str:
    if value is None:
        return "不限"
    return str(int(value)) if value == int(value) else str(value)


def _choice(f: FormField, raw: object) -> tuple[FormValue | None, Problem | None]:
    allowed = {c.value for c in f.choices}
    picked = raw if f.multiple and isinstance(raw, list) else [raw] if not f.multiple else None
    if picked is None or not all(isinstance(v, str) for v in picked):
        return None, (FormCode.FORM_WRONG_TYPE, "应为选项值的列表" if f.multiple else "应为一个选项值")
    values = [str(v) for v in picked]
    wrong = [v for v in values if v not in allowed]
    if wrong:
        return None, (FormCode.FORM_INVALID_CHOICE, f"不是可选的选项:{', '.join(wrong[:5])}")
    if len(set(values)) != len(values):
        return None, (FormCode.FORM_INVALID_CHOICE, "选项重复")
    return (values if f.multiple else values[0]), None


def field_by_key(fields: tuple[FormField, ...]) -> dict[str, FormField]:
    return {f.key: f for f in fields}


# --- corrections (补正) ---------------------------------------------------------------------------

MAX_FORM_REVISIONS = 5  # each revision keeps up to MAX_ANSWER_BYTES in the case record (400 KB item)


@dataclass(frozen=True)
class FormRevision:
    """Answers replaced by a 补正 supplement, kept as they were (who replaced them, when, in which round)."""

    round: int  # the submission round whose answers these were
    answers: dict[str, FormValue]
    replaced_at: str
    replaced_by: str


def correct_answers(
    fields: tuple[FormField, ...],
    current: dict[str, FormValue],
    history: tuple[FormRevision, ...],
    data: Mapping[str, object] | None,
    round_: int,
    at: str,
    by: str,
) -> tuple[dict[str, FormValue], tuple[FormRevision, ...]]:
    """A 补正 supplement's corrected answers replace the form as a whole, checked like at filing
    (every problem at once, `formData.<key>`); the answers replaced are kept in the history."""
    if len(history) >= MAX_FORM_REVISIONS:
        raise DomainError.one(
            FormCode.FORM_CORRECTIONS_EXHAUSTED, f"申请表最多更正{MAX_FORM_REVISIONS}次,请重新申请", "formData"
        )
    answers = check_answers(fields, data)
    return answers, (*history, FormRevision(round_, dict(current), at, by))
