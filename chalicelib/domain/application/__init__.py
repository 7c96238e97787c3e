"""Applications (办件): one applicant's case for one item version, from filing to decision.

Every transition is a pure function `(case, actor, ...) -> Transition` that either returns the
new case plus the audit event and side effects, or raises `DomainError` with a specific code.
The rules, by seed:
- 002/004 one-window intake: the first clerk is the first-contact officer (首问负责制); one
  one-time notice (一次性告知) per submission lists every defect with its legal basis; deficiency
  acceptance (容缺受理) only for secondary materials, under a credit pledge due within the
  promised limit, refused to applicants with a credit default in force;
- Administrative Licensing Law art. 32 as applied by the centre: no notice within 5 working days
  of submission means the case counts as accepted;
- 000/001/002/004 parallel review: the lead department and every co-reviewer review at once,
  each with its own deadline; silence past it is deemed consent (缺席默认);
- special steps pause the clock when the item says they do not count;
- 004 rejection report (否认报备): a refusal waits for a supervisor, who confirms it (the applicant
  is told in writing with the legal basis) or corrects it (back to review);
- 004 timeout rule (超时默认): past the promised limit undecided, deemed approval or escalation;
- 002 separation of duties (受理、审核、制证三分离): whoever accepted may not review or decide.

One public import path: callers write `from chalicelib.domain.application import X` or
`from chalicelib.domain import application as da; da.X`, never a submodule. The package is split
by lifecycle phase, each module importing only those before it (case <- transition <- the rest):
- `case`: the aggregate `Application`, its states and value types, `china_date`;
- `transition`: `Transition`, `Effect`, error `Code`s and the guards every phase shares;
- `filing`: filing and intake (file, accept, deficiency acceptance, one-time notice, supplement,
  withdraw);
- `reviewing`: department review, special steps, joint meetings, extensions;
- `decision`: the decision, the rejection report, certificate events, what the applicant is told;
- `deadlines`: deadlines and the transitions the deadline sweep applies;
- `refusal`: the case's hooks for refusal at intake (不予受理; rules in domain/intake_refusal.py);
- `fast_track`: the case's hooks for approval on pledge, window authority and emergency handling
  (rules in their own domain modules).
"""

from __future__ import annotations

from chalicelib.domain.application.case import (
    AUTO_ACCEPT_WORKING_DAYS,
    CHINA,
    MAX_STEP_DAYS,
    MAX_TEXT,
    NO_ACCOUNT,
    OPEN_STATES,
    PLEDGE_STATES,
    SETTLED_PLEDGE,
    SYSTEM,
    Applicant,
    Application,
    ApplicationKind,
    Channel,
    CreditPledge,
    Decision,
    DepartmentOpinion,
    Extension,
    Meeting,
    MeetingKind,
    NoticeEntry,
    OneTimeNotice,
    Opinion,
    Outcome,
    PledgeStatus,
    Problem,
    RejectionReport,
    RenewalOf,
    ReportStatus,
    ReviewTask,
    SpecialStepRun,
    State,
    SubmittedMaterial,
    TaskRole,
    TaskStatus,
    china_date,
    storage_owner,
)
from chalicelib.domain.application.deadlines import (
    apply_timeout,
    auto_accept,
    break_pledge,
    deem_consent,
    intake_deadline,
    promised_deadline,
    task_deadline,
    working_days_left,
)
from chalicelib.domain.application.decision import (
    INTERNAL_ACTIONS,
    STAFF_LABEL,
    confirm_rejection,
    correct_rejection,
    decide,
    party_labels,
    record_certificate_event,
    record_issuance,
    shown_event,
    shown_state,
)
from chalicelib.domain.application.fast_track import (
    authorise_emergency,
    decide_at_window,
    issue_pledge_notice,
    pledge_verification_overdue,
    sign_pledge,
    verify_pledge,
)
from chalicelib.domain.application.filing import (
    accept,
    accept_with_deficiency,
    check_window_centre,
    file,
    issue_notice,
    supplement,
    withdraw,
)
from chalicelib.domain.application.refusal import (
    confirm_intake_refusal,
    correct_intake_refusal,
    object_to_intake_refusal,
    refuse_at_intake,
)
from chalicelib.domain.application.reviewing import (
    end_special_step,
    grant_extension,
    record_meeting,
    review,
    start_special_step,
)
from chalicelib.domain.application.transition import (
    Code,
    Effect,
    Transition,
    move,
    require_department,
    require_role,
    require_state,
)

__all__ = [
    "AUTO_ACCEPT_WORKING_DAYS",
    "CHINA",
    "INTERNAL_ACTIONS",
    "MAX_STEP_DAYS",
    "MAX_TEXT",
    "NO_ACCOUNT",
    "OPEN_STATES",
    "PLEDGE_STATES",
    "SETTLED_PLEDGE",
    "STAFF_LABEL",
    "SYSTEM",
    "Applicant",
    "Application",
    "ApplicationKind",
    "Channel",
    "Code",
    "CreditPledge",
    "Decision",
    "DepartmentOpinion",
    "Effect",
    "Extension",
    "Meeting",
    "MeetingKind",
    "NoticeEntry",
    "OneTimeNotice",
    "Opinion",
    "Outcome",
    "PledgeStatus",
    "Problem",
    "RejectionReport",
    "RenewalOf",
    "ReportStatus",
    "ReviewTask",
    "SpecialStepRun",
    "State",
    "SubmittedMaterial",
    "TaskRole",
    "TaskStatus",
    "Transition",
    "accept",
    "accept_with_deficiency",
    "apply_timeout",
    "authorise_emergency",
    "auto_accept",
    "break_pledge",
    "check_window_centre",
    "china_date",
    "confirm_intake_refusal",
    "confirm_rejection",
    "correct_intake_refusal",
    "correct_rejection",
    "decide",
    "decide_at_window",
    "deem_consent",
    "end_special_step",
    "file",
    "grant_extension",
    "intake_deadline",
    "issue_notice",
    "issue_pledge_notice",
    "move",
    "object_to_intake_refusal",
    "party_labels",
    "pledge_verification_overdue",
    "promised_deadline",
    "record_certificate_event",
    "record_issuance",
    "record_meeting",
    "refuse_at_intake",
    "require_department",
    "require_role",
    "require_state",
    "review",
    "shown_event",
    "shown_state",
    "sign_pledge",
    "start_special_step",
    "storage_owner",
    "supplement",
    "task_deadline",
    "verify_pledge",
    "withdraw",
    "working_days_left",
]
