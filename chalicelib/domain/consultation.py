"""Consultations at the centre (咨询), part of first contact (首问负责制), seed 004 二(五):
「服务对象到行政服务中心办事或咨询时,第一位接待的或被问及的工作人员即为首问责任人。属首问责任人职责范围内的
事项,应当认真负责、耐心细致地答复或办理;不属首问责任人职责范围内的事项,应当引导服务对象到具体承办窗口」.

Staff record who asked about what, and whether they answered it or referred the person to a
window. A later application by the same person (the same identifier) at the same centre within
`LINK_DAYS` days links the latest such consultation, and its staff member becomes the case's
first-contact officer: the first person asked is answerable, not the one who accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.domain.errors import DomainError, Violation

LINK_DAYS = 90
MAX_TEXT = 1000
MAX_NAME = 100
MAX_IDENTIFIER = 40


class ConsultationCode:
    FORBIDDEN = "FORBIDDEN"
    REQUIRED = "REQUIRED"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    ANSWER_OR_REFERRAL = "ANSWER_OR_REFERRAL"
    NOT_FOUND = "NOT_FOUND"
    INVALID_ID = "INVALID_ID"


@dataclass(frozen=True)
class Consultation:
    id: str
    centre_id: str
    person_name: str
    person_identifier: str
    topic: str
    answer: str  # the answer given, or "" when referred
    referred_post_id: str  # the window post the person was referred to, or ""
    referred_post_name: str
    recorded_by: str
    at: str


def normalise_identifier(value: str) -> str:
    """Identifiers match case-insensitively and without surrounding spaces (18-character IDs end in X)."""
    return value.strip().upper()


def record(
    *,
    consultation_id: str,
    centre_id: str,
    person_name: str,
    person_identifier: str,
    topic: str,
    answer: str,
    referred_post: tuple[str, str] | None,
    actor_id: str,
    at: str,
) -> Consultation:
    """Every problem at once; exactly one of an answer and a referral."""
    problems: list[Violation] = []
    for value, label, field, limit in (
        (person_name, "咨询人姓名", "personName", MAX_NAME),
        (person_identifier, "咨询人证件号码", "personIdentifier", MAX_IDENTIFIER),
        (topic, "咨询事项", "topic", MAX_TEXT),
    ):
        if not value.strip():
            problems.append(Violation(ConsultationCode.REQUIRED, f"请填写{label}", field))
        elif len(value.strip()) > limit:
            problems.append(Violation(ConsultationCode.OUT_OF_RANGE, f"{label}不能超过{limit}个字符", field))
    if bool(answer.strip()) == (referred_post is not None):
        problems.append(
            Violation(ConsultationCode.ANSWER_OR_REFERRAL, "请填写答复内容或引导的承办窗口(二者选一)", "answer")
        )
    elif len(answer.strip()) > MAX_TEXT:
        problems.append(Violation(ConsultationCode.OUT_OF_RANGE, f"答复内容不能超过{MAX_TEXT}个字符", "answer"))
    if problems:
        raise DomainError(problems)
    post_id, post_name = referred_post or ("", "")
    return Consultation(
        consultation_id,
        centre_id,
        person_name.strip(),
        normalise_identifier(person_identifier),
        topic.strip(),
        answer.strip(),
        post_id,
        post_name,
        actor_id,
        at,
    )


def link_for(candidates: list[Consultation], centre_id: str, filed_at: datetime) -> Consultation | None:
    """The latest consultation of the person at this centre within `LINK_DAYS` before filing."""
    since = filed_at - timedelta(days=LINK_DAYS)
    for consultation in sorted(candidates, key=lambda c: c.at, reverse=True):
        at = datetime.fromisoformat(consultation.at)
        if consultation.centre_id == centre_id and since <= at <= filed_at:
            return consultation
    return None
