"""Written decisions the applicant is owed, as sealed documents (书面告知书 / 决定书).

行政许可法 art. 32: incomplete materials get one notice listing everything missing (一次性告知书);
a refused application gets a written refusal to accept (不予受理决定书). Art. 38: a refusal to
license is written (不予许可决定书), gives its reasons and tells the applicant of the right to
administrative reconsideration or litigation. Seed 004 一次告知制 (the notice names the item, the
legal basis, the procedure and every missing material) and 否认报备制 (the refusal's basis is told
in writing); seed 002 四(七) and seed 003 二(七): a document sealed with the bureau's electronic
seal has legal effect, so these documents are sealed like certificates and verifiable by anyone.

Each document is owed by one event of the case (`OWED_BY`): its text is fixed from the case as
that event left it and committed in the event's own transaction (status PENDING); the sealed PDF
is produced right after the commit and, should sealing or storing fail, by the hourly sweep
(`services/written_decisions.py`). A document is never half made: PENDING has no file, SEALED has
its file and SHA-256, and one transaction moves it from one to the other.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from chalicelib.domain import intake_refusal as ir
from chalicelib.domain.application import Application, china_date
from chalicelib.domain.audit import Event

REMEDIES = ir.REMEDIES  # art. 38: reconsideration within 60 days, litigation within 6 months


class DecisionKind(StrEnum):
    ONE_TIME_NOTICE = "one_time_notice"  # 一次性告知书 (补正通知), art. 32(4)
    INTAKE_REFUSAL = "intake_refusal"  # 不予受理决定书, art. 32(2), 38
    REFUSAL_DECISION = "refusal_decision"  # 不予许可决定书, art. 38


class DocumentStatus(StrEnum):
    PENDING = "pending"  # owed and committed with its event; the sealed PDF is being produced
    SEALED = "sealed"  # sealed with the bureau's seal, stored, its SHA-256 registered


# The case's audit action that owes each document (domain/audit.py EventAction values).
OWED_BY: dict[str, DecisionKind] = {
    "issue_notice": DecisionKind.ONE_TIME_NOTICE,
    "refuse_intake": DecisionKind.INTAKE_REFUSAL,
    "confirm_intake_refusal": DecisionKind.INTAKE_REFUSAL,  # the leader's written answer (否认报备)
    "confirm_rejection": DecisionKind.REFUSAL_DECISION,  # told only once the supervisor confirmed
}

TITLE = {
    DecisionKind.ONE_TIME_NOTICE: "一次性告知书",
    DecisionKind.INTAKE_REFUSAL: "不予受理决定书",
    DecisionKind.REFUSAL_DECISION: "不予许可决定书",
}
_NUMBER_PREFIX = {
    DecisionKind.ONE_TIME_NOTICE: "补正告知",
    DecisionKind.INTAKE_REFUSAL: "不予受理",
    DecisionKind.REFUSAL_DECISION: "不予许可",
}
_PROBLEM_LABEL = {"missing": "缺少", "defective": "不符合要求"}
# Material forms as the applicant reads them (catalogue MaterialForm values; free text stays as typed).
_FORM_LABEL = {"original": "原件", "copy": "复印件", "original_and_copy": "原件及复印件", "electronic": "电子件"}


@dataclass(frozen=True)
class WrittenDecisionDocument:
    """One written decision of one case: its fixed text and, once sealed, its stored file."""

    id: str
    kind: DecisionKind
    application_id: str
    applicant_account: str  # the applicant (own case only may download)
    tracking_code: str
    centre_id: str  # the centre that made the decision: its bureau seals the document
    number: str  # 文号
    title: str
    paragraphs: tuple[str, ...]
    issued_on: date
    event_seq: int  # the case event that owes it
    created_at: str
    status: DocumentStatus = DocumentStatus.PENDING
    issuer: str = ""  # the deciding centre's name, as printed (filled when sealed)
    authority: str = ""  # the sealing bureau (seal registry code), filled when sealed
    authority_name: str = ""
    sha256: str = ""
    blob_key: str = ""
    size: int = 0
    sealed_at: str | None = None

    @property
    def sealed(self) -> bool:
        return self.status is DocumentStatus.SEALED


def document_id(application_id: str, event_seq: int) -> str:
    """Deterministic: one document per owing event, so two producers can never make two."""
    return f"{application_id}-{event_seq:04d}"


def number(kind: DecisionKind, year: int, tracking_code: str, event_seq: int) -> str:
    """文号: kind, year, the case's tracking code and the owing event's place in the case (unique)."""
    return f"{_NUMBER_PREFIX[kind]}〔{year}〕{tracking_code}-{event_seq:02d}号"


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class NoticeLine:
    """One listed material of a one-time notice, as the applicant reads it."""

    material_name: str
    problem: str  # "missing" | "defective"
    description: str
    legal_basis: str
    form: str


def notice_paragraphs(
    *,
    applicant_name: str,
    item_name: str,
    tracking_code: str,
    submitted_on: date,
    lines: tuple[NoticeLine, ...],
    procedure: str,
    promised_limit_days: int,
    item_legal_basis: str,
) -> tuple[str, ...]:
    """一次性告知书: every missing or defective material at once, each with its basis and form
    (seed 004 一次告知制: item name, legal basis, procedure, materials, time limit)."""
    body = [
        f"{applicant_name}:",
        f"你(单位)于{cn_date(submitted_on)}提出的“{item_name}”申请(受理编号{tracking_code}),"
        f"经审查,申请材料不齐全或者不符合法定形式,现一次性告知需要补正的全部内容如下:",
    ]
    for i, line in enumerate(lines, start=1):
        body.append(
            f"{i}. {line.material_name}({_PROBLEM_LABEL.get(line.problem, line.problem)}):{line.description}"
            f";依据:{line.legal_basis or '—'};形式:{_FORM_LABEL.get(line.form, line.form) or '—'}。"
        )
    body.append(f"补正程序:{procedure}")
    if item_legal_basis:
        body.append(f"事项设定依据:{item_legal_basis}")
    body.append(
        f"请按上述要求一并补正。补齐全部材料后,本中心依法受理,并在{promised_limit_days}个工作日的承诺时限内办结。"
        "根据《中华人民共和国行政许可法》第三十二条的规定,特此告知。"
    )
    return tuple(body)


def refusal_decision_paragraphs(
    *,
    applicant_name: str,
    item_name: str,
    tracking_code: str,
    submitted_on: date,
    reason: str,
    legal_basis: str,
) -> tuple[str, ...]:
    """不予许可决定书: the reasons, the legal basis and the remedies (art. 38)."""
    return (
        f"{applicant_name}:",
        f"你(单位)于{cn_date(submitted_on)}提出的“{item_name}”申请(受理编号{tracking_code}),经审查,决定不予许可。",
        f"理由:{reason}",
        f"依据:{legal_basis}",
        "根据《中华人民共和国行政许可法》第三十八条第二款的规定,作出本决定。",
        REMEDIES,
    )


def pending_document(
    *,
    kind: DecisionKind,
    application_id: str,
    applicant_account: str,
    tracking_code: str,
    centre_id: str,
    title: str,
    paragraphs: tuple[str, ...],
    issued_on: date,
    event_seq: int,
    created_at: str,
) -> WrittenDecisionDocument:
    return WrittenDecisionDocument(
        id=document_id(application_id, event_seq),
        kind=kind,
        application_id=application_id,
        applicant_account=applicant_account,
        tracking_code=tracking_code,
        centre_id=centre_id,
        number=number(kind, issued_on.year, tracking_code, event_seq),
        title=title,
        paragraphs=paragraphs,
        issued_on=issued_on,
        event_seq=event_seq,
        created_at=created_at,
    )


def sealed(
    doc: WrittenDecisionDocument,
    *,
    issuer: str,
    authority: str,
    authority_name: str,
    sha256: str,
    blob_key: str,
    size: int,
    at: str,
) -> WrittenDecisionDocument:
    return replace(
        doc,
        status=DocumentStatus.SEALED,
        issuer=issuer,
        authority=authority,
        authority_name=authority_name,
        sha256=sha256,
        blob_key=blob_key,
        size=size,
        sealed_at=at,
    )


def owed_document(case: Application, event: Event) -> WrittenDecisionDocument | None:
    """The document the event owes the applicant (None: the event owes none), its text fixed
    from the case as the event left it."""
    kind = OWED_BY.get(event.action)
    if kind is None:
        return None
    moment = datetime.fromisoformat(event.at)
    today = china_date(moment)
    elements = case.item.elements
    centre_id = case.centre_id  # the window decides notices and refusals at intake
    title = TITLE[kind]
    if kind is DecisionKind.ONE_TIME_NOTICE:
        notice = case.notices[-1]
        names = {m.code: m.name for m in elements.materials}
        lines = tuple(
            NoticeLine(
                names.get(e.material_code, e.material_code), e.problem.value, e.description, e.legal_basis, e.form
            )
            for e in notice.entries
        )
        paragraphs = notice_paragraphs(
            applicant_name=case.applicant.name,
            item_name=elements.name,
            tracking_code=case.tracking_code,
            submitted_on=case.submitted_on,
            lines=lines,
            procedure=notice.procedure,
            promised_limit_days=elements.promised_limit_days,
            item_legal_basis=";".join(elements.legal_basis),
        )
    elif kind is DecisionKind.INTAKE_REFUSAL:
        refusal = case.intake_refusals[-1]
        text = ir.written_decision(
            refusal,
            tracking_code=case.tracking_code,
            applicant_name=case.applicant.name,
            item_name=elements.name,
            centre_name="",
            submitted_on=case.submitted_on,
            refused_on=china_date(datetime.fromisoformat(refusal.refused_at)),
            resolved_on=today if refusal.resolved_at else None,
        )
        title, paragraphs = text.title, text.paragraphs
    else:
        decision = case.decision
        assert decision is not None
        centre_id = case.handling_centre_id  # the competent centre decided
        paragraphs = refusal_decision_paragraphs(
            applicant_name=case.applicant.name,
            item_name=elements.name,
            tracking_code=case.tracking_code,
            submitted_on=case.submitted_on,
            reason=decision.reason,
            legal_basis=decision.legal_basis,
        )
    return pending_document(
        kind=kind,
        application_id=case.id,
        applicant_account=case.applicant.id,
        tracking_code=case.tracking_code,
        centre_id=centre_id,
        title=title,
        paragraphs=paragraphs,
        issued_on=today,
        event_seq=event.seq,
        created_at=event.at,
    )
