"""Filing and intake at the comprehensive window (一窗受理).

Seed clauses: 002 四(四) 综合窗口受理 and 000 三(一) 在地受理、按职权内部流转 (`file`, routed to the
competent centre, 同权审批 at a receiving centre); 004 二(五) 首问负责制 and 一次性告知 (`issue_notice`
lists every defect once, with basis and form; no new demand afterwards); 002 四(八) 容缺办理/容缺后补
(`accept_with_deficiency`, secondary materials only, under a credit pledge; `supplement` honours
it); Administrative Licensing Law art. 32 (the 5-working-day intake clock is in deadlines.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime

from chalicelib.domain.application.case import (
    PLEDGE_STATES,
    Applicant,
    Application,
    Channel,
    CreditPledge,
    NoticeEntry,
    OneTimeNotice,
    PledgeStatus,
    ReportStatus,
    State,
    SubmittedMaterial,
    china_date,
)
from chalicelib.domain.application.transition import (
    Code,
    Transition,
    _check_materials,
    _fail,
    _first_contact,
    _move,
    _open_tasks,
    _require_centre,
    _require_role,
    _require_state,
    _text,
)
from chalicelib.domain.application_form import FormCode, FormValue, check_answers, correct_answers
from chalicelib.domain.audit import make_event
from chalicelib.domain.catalogue import ItemStatus, MaterialKind, ServiceItem
from chalicelib.domain.deficiency_policy import (
    DeficiencyCode,
    DeficiencyMode,
    ReviewOutcome,
    check_deficiency,
    close_review,
)
from chalicelib.domain.errors import DomainError, Violation
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.material_condition import ApplicabilityCode
from chalicelib.domain.working_days import WorkingDayCalendar


def check_window_centre(actor: Principal, centre_id: str) -> None:
    """Window staff file only at their own centre (OUTSIDE_CENTRE). Checked before anything about
    the applicant's account or identity is read, so staff who may not file there learn nothing
    about it (whether an account is linked, a binding code, a verified name)."""
    if actor.has_any(Role.CLERK):
        _require_centre(centre_id, actor)


def file(
    *,
    application_id: str,
    tracking_code: str,
    item: ServiceItem,
    applicant: Applicant,
    actor: Principal,
    channel: Channel,
    centre_id: str,
    materials: tuple[SubmittedMaterial, ...],
    now: datetime,
    agent_authorised: bool,
    form_data: Mapping[str, object] | None = None,
    first_contact: tuple[str, str] | None = None,
    competent_centre_id: str | None = None,
    oversight_centre_ids: tuple[str, ...] = (),
) -> Transition:
    """File for the current published version (by the applicant, an authorised agent or a clerk).
    The form is checked together with the materials: every problem is reported at once.
    `first_contact` is (consultation id, staff id) of the person's earlier consultation at this
    centre (domain/consultation.py): whoever was asked first is the first-contact officer.

    `centre_id` is the window taking the case; `competent_centre_id` (default: the same) the
    centre that holds the power, found by routing (seed 000 在地受理、按职权内部流转). At a centre
    the power is delegated to, its receiving departments exercise it (同权审批)."""
    who = _require_role(actor, Role.APPLICANT, Role.AGENT, Role.CLERK)
    if item.status is not ItemStatus.PUBLISHED:
        raise _fail(Code.ITEM_NOT_PUBLISHED, "该事项已取消或合并,不能申请", "itemId")
    competent = competent_centre_id or centre_id
    if competent not in item.centre_ids:
        raise _fail(Code.ITEM_NOT_AT_CENTRE, "该中心不办理此事项", "centreId")
    delegation = item.delegation_at(competent)
    if actor.has_any(Role.CLERK):
        _require_centre(centre_id, actor)
    elif actor.has_any(Role.AGENT) and applicant.id != who:
        if not agent_authorised:
            raise _fail(Code.NOT_AUTHORISED_AGENT, "代办员未获得申请人授权", "applicant")
    elif applicant.id != who:
        raise _fail(Code.FORBIDDEN, "只能为本人提出申请", "applicant")
    _text(applicant.name, Code.OUT_OF_RANGE, "申请人姓名不能为空", "applicant.name", multiline=False)
    _text(applicant.identifier, Code.OUT_OF_RANGE, "申请人证件号码不能为空", "applicant.identifier")
    problems = []
    answers: dict[str, FormValue] = {}
    try:
        answers = check_answers(item.elements.form, form_data)
    except DomainError as error:
        problems += error.violations
    try:
        _check_materials(item, materials, "materials")
    except DomainError as error:
        problems += error.violations
    if problems:
        raise DomainError(problems)
    at = now.isoformat(timespec="seconds")
    draft = Application(
        id=application_id,
        tracking_code=tracking_code,
        item=item,
        applicant=applicant,
        filed_by=who,
        filed_by_role=",".join(sorted(r.value for r in actor.roles)),
        channel=channel,
        centre_id=centre_id,
        state=State.SUBMITTED,
        submitted_at=at,
        submitted_on=china_date(now),
        materials=materials,
        first_contact_officer=first_contact[1] if first_contact else (who if actor.has_any(Role.CLERK) else None),
        consultation_id=first_contact[0] if first_contact else None,
        form_data=answers,
        competent_centre_id=competent,
        exercised_lead_department_id=delegation.lead_department_id if delegation else None,
        exercised_co_reviewers=delegation.co_reviewers if delegation else None,
        oversight_centre_ids=oversight_centre_ids or (centre_id, competent),
    )
    event = make_event(
        draft.last_hash,
        1,
        at,
        "file",
        who,
        draft.filed_by_role,
        None,
        State.SUBMITTED.value,
        "提交申请",
        actor.post or "",
        actor.acting_as or "",
    )
    return Transition(replace(draft, events=1, last_hash=event.hash), event)


def accept(case: Application, actor: Principal, now: datetime) -> Transition:
    """Accept a complete submission: review opens for the lead and every co-reviewer at once."""
    who = _require_role(actor, Role.CLERK)
    _require_state(case, State.SUBMITTED)
    _require_centre(case.centre_id, actor)
    missing = case.missing_materials()
    if missing:
        raise _fail(
            Code.MATERIALS_INCOMPLETE,
            f"材料不全({', '.join(missing)}),请出具一次性告知书或按容缺受理",
            "materials",
        )
    accepted = replace(
        case,
        state=State.IN_REVIEW,
        first_contact_officer=_first_contact(case, who),
        accepted_by=who,
        accepted_on=china_date(now),
        review_opened_on=china_date(now),
        tasks=_open_tasks(case),
    )
    return _move(case, accepted, "accept", actor, now.isoformat(timespec="seconds"), "材料齐全,予以受理")


def accept_with_deficiency(
    case: Application,
    actor: Principal,
    now: datetime,
    missing_codes: tuple[str, ...],
    pledge_due: date,
    credit_default_in_force: bool,
    calendar: WorkingDayCalendar,
    mode: DeficiencyMode = DeficiencyMode.WAIT,
) -> Transition:
    """容缺受理: only secondary materials may be missing, under a pledge due within the limit
    (容缺办理) or within the item's set time (容缺后补), as the item's deficiency policy allows."""
    who = _require_role(actor, Role.CLERK)
    _require_state(case, State.SUBMITTED)
    _require_centre(case.centre_id, actor)
    if credit_default_in_force:
        raise _fail(Code.CREDIT_DEFAULT, "申请人存在未消除的失信记录,不适用容缺受理", "applicant")
    materials = {m.code: m for m in case.item.elements.materials}
    actually_missing = set(case.missing_materials())
    if not missing_codes or set(missing_codes) != actually_missing:
        raise _fail(
            Code.DEFICIENCY_NOT_MISSING,
            f"容缺材料应与实际欠缺材料一致:{', '.join(sorted(actually_missing)) or '无'}",
            "missingMaterialCodes",
        )
    primary = [c for c in missing_codes if materials[c].kind is MaterialKind.PRIMARY]
    if primary:
        raise _fail(
            Code.DEFICIENCY_PRIMARY_MATERIAL,
            f"主要材料({', '.join(primary)})欠缺,不能容缺受理",
            "missingMaterialCodes",
        )
    check_deficiency(case.item.elements.deficiency, mode, missing_codes)
    today = china_date(now)
    if pledge_due <= today:
        raise _fail(Code.PLEDGE_IN_PAST, "承诺补正日期须晚于今天", "pledgeDueOn")
    if mode is DeficiencyMode.SAME_DAY:
        supply_end = calendar.add_working_days(today, case.item.elements.deficiency.supply_days)
        if pledge_due > supply_end:
            raise _fail(
                DeficiencyCode.PLEDGE_AFTER_SUPPLY_LIMIT,
                f"容缺后补的补齐日期不得晚于事项规定的期限({supply_end.isoformat()})",
                "pledgeDueOn",
            )
    limit_end = calendar.add_working_days(today, case.item.elements.promised_limit_days)
    if mode is DeficiencyMode.WAIT and pledge_due > limit_end:
        raise _fail(
            Code.PLEDGE_AFTER_LIMIT,
            f"承诺补正日期不得晚于承诺办结时限({limit_end.isoformat()})",
            "pledgeDueOn",
        )
    at = now.isoformat(timespec="seconds")
    accepted = replace(
        case,
        state=State.IN_REVIEW,
        first_contact_officer=_first_contact(case, who),
        accepted_by=who,
        accepted_on=today,
        review_opened_on=today,
        tasks=_open_tasks(case),
        pledge=CreditPledge(tuple(sorted(missing_codes)), pledge_due, PledgeStatus.OPEN, at, mode=mode),
    )
    label = "容缺后补" if mode is DeficiencyMode.SAME_DAY else "容缺受理"
    return _move(case, accepted, "accept_with_deficiency", actor, at, f"{label},承诺{pledge_due.isoformat()}前补齐")


def issue_notice(
    case: Application,
    actor: Principal,
    now: datetime,
    entries: tuple[NoticeEntry, ...],
    procedure: str,
    admit_omission: bool = False,
) -> Transition:
    """一次性告知: one notice per submission, listing everything at once. A later notice may ask for
    something an earlier one left out only when the clerk admits the omission (`admit_omission`):
    the applicant is then told, and the earlier notice's issuer is charged (domain/conduct.py)."""
    who = _require_role(actor, Role.CLERK)
    if case.state is State.NOTICE_ISSUED or any(n.round == case.round for n in case.notices):
        raise _fail(Code.NOTICE_ALREADY_ISSUED, "本次提交已出具过一次性告知书,不得再次告知")
    _require_state(case, State.SUBMITTED)
    _require_centre(case.centre_id, actor)
    if not entries:
        raise _fail(Code.NOTICE_EMPTY, "告知书至少列明一项需补正的材料", "entries")
    materials = {m.code: m for m in case.item.elements.materials}
    required = {m.code for m in case.required_materials()}
    filled: list[NoticeEntry] = []
    for i, entry in enumerate(entries):
        material = materials.get(entry.material_code)
        if material is None:
            raise _fail(Code.UNKNOWN_MATERIAL, f"材料{entry.material_code}不属于该事项", f"entries[{i}].materialCode")
        if entry.material_code not in required:
            raise _fail(
                ApplicabilityCode.MATERIAL_NOT_APPLICABLE,
                f"材料{entry.material_code}不适用于本申请(适用条件不满足),不得要求补正",
                f"entries[{i}].materialCode",
            )
        _text(entry.description, Code.REASON_REQUIRED, "请说明需补正的内容", f"entries[{i}].description")
        filled.append(
            replace(
                entry,
                legal_basis=entry.legal_basis.strip() or material.legal_basis,
                form=entry.form.strip() or material.form.value,
            )
        )
    if case.notices:
        listed = {e.material_code for n in case.notices for e in n.entries}
        resupplied = {m.code for m in case.materials if m.round == case.round}
        new = sorted({e.material_code for e in filled} - listed - resupplied)
        if new and not admit_omission:
            raise _fail(
                Code.NOTICE_NEW_DEMAND,
                f"一次性告知后不得提出新的补正要求:{', '.join(new)}未在首次告知中列明"
                "(确属首次告知遗漏的,须确认遗漏后方可补充告知,并记入首次告知人的效能记录)",
                "entries",
            )
    omitted = sorted(set(case.missing_materials()) - {e.material_code for e in filled})
    if omitted:
        raise _fail(
            Code.NOTICE_INCOMPLETE,
            f"一次性告知须列明全部欠缺材料,尚未列入:{', '.join(omitted)}",
            "entries",
        )
    at = now.isoformat(timespec="seconds")
    notice = OneTimeNotice(
        case.round, tuple(filled), _text(procedure, Code.REASON_REQUIRED, "请说明补正程序", "procedure"), who, at
    )
    noticed = replace(
        case,
        state=State.NOTICE_ISSUED,
        first_contact_officer=_first_contact(case, who),
        notices=(*case.notices, notice),
    )
    return _move(case, noticed, "issue_notice", actor, at, f"一次性告知{len(filled)}项")


def supplement(
    case: Application,
    actor: Principal,
    now: datetime,
    materials: tuple[SubmittedMaterial, ...],
    form_data: Mapping[str, object] | None = None,
) -> Transition:
    """The applicant supplies materials after a notice (a new submission) or for a pledge.

    Under a pledge only the pledged materials may be supplied: what was reviewed stays as reviewed.
    A pledge past due (credit default recorded) can still be honoured late, so the case can end.
    A 补正 after a notice may also carry corrected form answers (`form_data`, the whole form),
    checked like at filing; the answers replaced are kept (`form_history`).
    """
    who = _require_role(actor, Role.APPLICANT, Role.AGENT)
    if who not in {case.applicant.id, case.filed_by}:
        raise _fail(Code.FORBIDDEN, "只能补正本人的办件")
    if not materials and form_data is None:
        raise _fail(Code.NOTHING_TO_SUPPLEMENT, "请至少提交一份材料或更正后的申请表", "materials")
    if form_data is not None and case.state is not State.NOTICE_ISSUED:
        raise _fail(FormCode.FORM_CORRECTION_NOT_ALLOWED, "只有按一次性告知书补正时可以更正申请表", "formData")
    at = now.isoformat(timespec="seconds")
    problems: list[Violation] = []
    try:
        _check_materials(case.item, materials, "materials")
    except DomainError as error:
        problems += error.violations
    answers, history = case.form_data, case.form_history
    if form_data is not None:
        try:
            answers, history = correct_answers(
                case.item.elements.form, case.form_data, case.form_history, form_data, case.round, at, who
            )
        except DomainError as error:
            problems += error.violations
    if problems:  # every problem of the materials and of the form at once; nothing is written
        raise DomainError(problems)
    if case.state is State.NOTICE_ISSUED:
        merged = {m.code: m for m in case.materials}
        merged.update({m.code: replace(m, round=case.round + 1) for m in materials})
        resubmitted = replace(
            case,
            state=State.SUBMITTED,
            round=case.round + 1,
            materials=tuple(merged.values()),
            submitted_on=china_date(now),
            form_data=answers,
            form_history=history,
        )
        corrected = "并更正申请表" if form_data is not None else ""
        return _move(case, resubmitted, "supplement", actor, at, f"按告知书补正材料{corrected},重新提交")
    pledge = case.pledge
    if case.state in PLEDGE_STATES and pledge and pledge.status in (PledgeStatus.OPEN, PledgeStatus.BROKEN):
        for i, material in enumerate(materials):
            if material.code not in pledge.material_codes:
                raise _fail(
                    Code.NOT_PLEDGED,
                    f"材料{material.code}不在容缺承诺范围内,不能替换已审查的材料",
                    f"materials[{i}].code",
                )
        merged = {m.code: m for m in case.materials}
        merged.update({m.code: replace(m, round=case.round) for m in materials})
        updated = replace(case, materials=tuple(merged.values()))
        if not set(pledge.material_codes) - updated.material_codes():
            done = PledgeStatus.FULFILLED if pledge.status is PledgeStatus.OPEN else PledgeStatus.FULFILLED_LATE
            review = close_review(case.revocation_review, ReviewOutcome.SUPPLIED_LATE, at)
            updated = replace(updated, pledge=replace(pledge, status=done, settled_at=at), revocation_review=review)
        return _move(case, updated, "supplement", actor, at, "按信用承诺补齐容缺材料")
    raise _fail(Code.ILLEGAL_TRANSITION, "当前办件无需补正材料")


def withdraw(case: Application, actor: Principal, now: datetime, reason: str) -> Transition:
    """Before the decision is final. A refusal awaiting the supervisor is not final (the applicant
    has not been told), so withdrawing then closes the pending report as withdrawn."""
    who = _require_role(actor, Role.APPLICANT, Role.AGENT)
    if who not in {case.applicant.id, case.filed_by}:
        raise _fail(Code.FORBIDDEN, "只能撤回本人的办件")
    _require_state(case, State.SUBMITTED, State.NOTICE_ISSUED, State.IN_REVIEW, State.REJECTION_REPORTED)
    at = now.isoformat(timespec="seconds")
    reports = tuple(
        replace(r, status=ReportStatus.WITHDRAWN, resolved_at=at) if r.status is ReportStatus.PENDING else r
        for r in case.reports
    )
    withdrawn = replace(case, state=State.WITHDRAWN, reports=reports)
    return _move(case, withdrawn, "withdraw", actor, at, reason.strip() or "申请人撤回")
