"""The GraphQL schema: every domain's queries and mutations, plus the protective extensions."""

from __future__ import annotations

from functools import lru_cache

import strawberry

from chalicelib.api.applications.mutations.agent_authorisation_grant import (
    AgentAuthorisationGrantPayload,
    agent_authorisation_grant,
)
from chalicelib.api.applications.mutations.agent_authorisation_revoke import (
    AgentAuthorisationRevokePayload,
    agent_authorisation_revoke,
)
from chalicelib.api.applications.mutations.application_accept import ApplicationAcceptPayload, application_accept
from chalicelib.api.applications.mutations.application_accept_with_deficiency import (
    ApplicationAcceptWithDeficiencyPayload,
    application_accept_with_deficiency,
)
from chalicelib.api.applications.mutations.application_decide import ApplicationDecidePayload, application_decide
from chalicelib.api.applications.mutations.application_extension_grant import (
    ApplicationExtensionGrantPayload,
    application_extension_grant,
)
from chalicelib.api.applications.mutations.application_file import ApplicationFilePayload, application_file
from chalicelib.api.applications.mutations.application_meeting_record import (
    ApplicationMeetingRecordPayload,
    application_meeting_record,
)
from chalicelib.api.applications.mutations.application_notice_issue import (
    ApplicationNoticeIssuePayload,
    application_notice_issue,
)
from chalicelib.api.applications.mutations.application_review import ApplicationReviewPayload, application_review
from chalicelib.api.applications.mutations.application_special_step_end import (
    ApplicationSpecialStepEndPayload,
    application_special_step_end,
)
from chalicelib.api.applications.mutations.application_special_step_start import (
    ApplicationSpecialStepStartPayload,
    application_special_step_start,
)
from chalicelib.api.applications.mutations.application_supplement import (
    ApplicationSupplementPayload,
    application_supplement,
)
from chalicelib.api.applications.mutations.application_withdraw import ApplicationWithdrawPayload, application_withdraw
from chalicelib.api.applications.mutations.material_upload_create import (
    MaterialUploadCreatePayload,
    material_upload_create,
)
from chalicelib.api.applications.mutations.rejection_report_confirm import (
    RejectionReportConfirmPayload,
    rejection_report_confirm,
)
from chalicelib.api.applications.mutations.rejection_report_correct import (
    RejectionReportCorrectPayload,
    rejection_report_correct,
)
from chalicelib.api.applications.queries import ApplicationQuery
from chalicelib.api.applications.types import Application

# --- approval on pledge (告知承诺制) -------------------------------------------------------------
from chalicelib.api.approval_on_pledge.mutations.application_pledge_notice_issue import (
    ApplicationPledgeNoticeIssuePayload,
    application_pledge_notice_issue,
)
from chalicelib.api.approval_on_pledge.mutations.application_pledge_sign import (
    ApplicationPledgeSignPayload,
    application_pledge_sign,
)
from chalicelib.api.approval_on_pledge.mutations.application_pledge_verify import (
    ApplicationPledgeVerifyPayload,
    application_pledge_verify,
)
from chalicelib.api.calendar.mutations.working_day_arrangement_load import (
    WorkingDayArrangementLoadPayload,
    working_day_arrangement_load,
)
from chalicelib.api.calendar.queries import CalendarQuery
from chalicelib.api.catalogue.mutations.service_item_cancel import ServiceItemCancelPayload, service_item_cancel
from chalicelib.api.catalogue.mutations.service_item_change import ServiceItemChangePayload, service_item_change
from chalicelib.api.catalogue.mutations.service_item_create import ServiceItemCreatePayload, service_item_create
from chalicelib.api.catalogue.mutations.service_item_delegate import (
    ServiceItemDelegatePayload,
    service_item_delegate,
)
from chalicelib.api.catalogue.mutations.service_item_merge import ServiceItemMergePayload, service_item_merge
from chalicelib.api.catalogue.mutations.service_item_transfer import (
    ServiceItemTransferPayload,
    service_item_transfer,
)
from chalicelib.api.catalogue.queries import CatalogueQuery
from chalicelib.api.catalogue.types import Centre, Department, ServiceItem, ServiceItemVersion

# --- certificate types and their templates, handed over to the bureau (seed 002 四(六)) ---------
from chalicelib.api.certificate_types.mutations.certificate_type_change import (
    CertificateTypeChangePayload,
    certificate_type_change,
)
from chalicelib.api.certificate_types.mutations.certificate_type_create import (
    CertificateTypeCreatePayload,
    certificate_type_create,
)
from chalicelib.api.certificate_types.mutations.certificate_type_hand_over import (
    CertificateTypeHandOverPayload,
    certificate_type_hand_over,
)
from chalicelib.api.certificate_types.queries import CertificateTypeQuery
from chalicelib.api.certificates.mutations.certificate_correct import CertificateCorrectPayload, certificate_correct
from chalicelib.api.certificates.mutations.certificate_deliver import CertificateDeliverPayload, certificate_deliver
from chalicelib.api.certificates.mutations.certificate_issue import CertificateIssuePayload, certificate_issue
from chalicelib.api.certificates.mutations.certificate_revoke import CertificateRevokePayload, certificate_revoke
from chalicelib.api.certificates.mutations.certificate_status_change import (
    CertificateStatusChangePayload,
    certificate_status_change,
)
from chalicelib.api.certificates.mutations.certificate_status_change_cancel import CERTIFICATE_STATUS_CHANGE_CANCEL
from chalicelib.api.certificates.mutations.certificate_verification_upload_create import (
    CertificateVerificationUploadCreatePayload,
    certificate_verification_upload_create,
)
from chalicelib.api.certificates.mutations.certificate_verification_upload_verify import (
    CertificateVerificationUploadVerifyPayload,
    certificate_verification_upload_verify,
)
from chalicelib.api.certificates.queries import CertificateQuery
from chalicelib.api.certificates.types import Certificate
from chalicelib.api.complaints.mutations.complaint_file import ComplaintFilePayload, complaint_file
from chalicelib.api.complaints.mutations.complaint_resolve import (
    ComplaintResolvePayload,
    complaint_resolve,
)
from chalicelib.api.complaints.queries import ComplaintQuery
from chalicelib.api.conduct.mutations.staff_violation_record import (
    StaffViolationRecordPayload,
    staff_violation_record,
)
from chalicelib.api.conduct.queries import ConductQuery

# --- consultations (咨询, seed 004 首问负责制) ---------------------------------------------------
from chalicelib.api.consultations.mutations.consultation_record import ConsultationRecordPayload, consultation_record
from chalicelib.api.counterpart.mutations.oversight_answer import OversightAnswerPayload, oversight_answer
from chalicelib.api.counterpart.mutations.oversight_inspection_record import (
    OversightInspectionRecordPayload,
    oversight_inspection_record,
)
from chalicelib.api.counterpart.mutations.oversight_letter_issue import (
    OversightLetterIssuePayload,
    oversight_letter_issue,
)
from chalicelib.api.counterpart.mutations.oversight_opinion_issue import (
    OversightOpinionIssuePayload,
    oversight_opinion_issue,
)
from chalicelib.api.counterpart.queries import CounterpartQuery
from chalicelib.api.credit.queries import CreditQuery
from chalicelib.api.delegation.mutations.adjustment_memo_apply import (
    AdjustmentMemoApplyPayload,
    adjustment_memo_apply,
)
from chalicelib.api.delegation.mutations.adjustment_request_approve import (
    AdjustmentRequestApprovePayload,
    adjustment_request_approve,
)
from chalicelib.api.delegation.mutations.adjustment_request_review import (
    AdjustmentRequestReviewPayload,
    adjustment_request_review,
)
from chalicelib.api.delegation.mutations.adjustment_request_submit import (
    AdjustmentRequestSubmitPayload,
    adjustment_request_submit,
)
from chalicelib.api.delegation.mutations.centre_tier_assign import CentreTierAssignPayload, centre_tier_assign
from chalicelib.api.delegation.mutations.guidance_catalogue_set import (
    GuidanceCatalogueSetPayload,
    guidance_catalogue_set,
)
from chalicelib.api.delegation.queries import DelegationQuery
from chalicelib.api.duty.mutations.duty_bulletins_issue import DutyBulletinsIssuePayload, duty_bulletins_issue
from chalicelib.api.duty.mutations.duty_check_in import DutyCheckInPayload, duty_check_in
from chalicelib.api.duty.mutations.duty_check_out import DutyCheckOutPayload, duty_check_out
from chalicelib.api.duty.mutations.duty_roster_set import DutyRosterSetPayload, duty_roster_set
from chalicelib.api.duty.queries import DutyQuery

# --- emergency first handling (先予办理, seed 004 二(三)) -----------------------------------------
from chalicelib.api.emergency_handling.mutations.application_emergency_authorise import (
    ApplicationEmergencyAuthorisePayload,
    application_emergency_authorise,
)
from chalicelib.api.handover.mutations.handover_confirm import HandoverConfirmPayload, handover_confirm
from chalicelib.api.handover.mutations.handover_deliver import HandoverDeliverPayload, handover_deliver
from chalicelib.api.handover.queries import HandoverQuery
from chalicelib.api.identity.mutations.identity_binding_code_create import (
    IdentityBindingCodeCreatePayload,
    identity_binding_code_create,
)
from chalicelib.api.identity.types import IdentityQuery

# --- result push and inspections (审管联动, seed 002) ---------------------------------------------
from chalicelib.api.inspections.mutations.inspection_record import InspectionRecordPayload, inspection_record
from chalicelib.api.inspections.queries import InspectionQuery

# --- refusal at intake (不予受理, 否认报备) ------------------------------------------------------
from chalicelib.api.intake_refusals.mutations.intake_refusal_confirm import (
    IntakeRefusalConfirmPayload,
    intake_refusal_confirm,
)
from chalicelib.api.intake_refusals.mutations.intake_refusal_correct import (
    IntakeRefusalCorrectPayload,
    intake_refusal_correct,
)
from chalicelib.api.intake_refusals.mutations.intake_refusal_issue import (
    IntakeRefusalIssuePayload,
    intake_refusal_issue,
)
from chalicelib.api.intake_refusals.mutations.intake_refusal_object import (
    IntakeRefusalObjectPayload,
    intake_refusal_object,
)

# ------------------------------------------------------------------------------------------------
from chalicelib.api.node import NodeQuery

# --- organisation administration (seed 000 一) ------------------------------------------------
from chalicelib.api.organisation.mutations.centre_change import CentreChangePayload, centre_change
from chalicelib.api.organisation.mutations.centre_close import CentreClosePayload, centre_close
from chalicelib.api.organisation.mutations.centre_create import CentreCreatePayload, centre_create
from chalicelib.api.organisation.mutations.department_change import DepartmentChangePayload, department_change
from chalicelib.api.organisation.mutations.department_close import DepartmentClosePayload, department_close
from chalicelib.api.organisation.mutations.department_create import DepartmentCreatePayload, department_create

# ------------------------------------------------------------------------------------------------
from chalicelib.api.oversight.mutations.application_oversight_flag import (
    ApplicationOversightFlagPayload,
    application_oversight_flag,
)
from chalicelib.api.oversight.queries import OversightQuery
from chalicelib.api.permissions import ADMIN, PUBLIC, STAFF, AnyRole, mutation
from chalicelib.api.public.queries import PublicQuery
from chalicelib.api.ratings.mutations.application_rate import ApplicationRatePayload, application_rate
from chalicelib.api.ratings.mutations.rectification_record import (
    RectificationRecordPayload,
    rectification_record,
)
from chalicelib.api.ratings.queries import RatingQuery
from chalicelib.api.referrals.mutations.application_referral_result_record import (
    ApplicationReferralResultRecordPayload,
    application_referral_result_record,
)
from chalicelib.api.referrals.mutations.application_referral_start import (
    ApplicationReferralStartPayload,
    application_referral_start,
)
from chalicelib.api.referrals.queries import ReferralQuery
from chalicelib.api.renewals.mutations.renewal_apply import RenewalApplyPayload, renewal_apply
from chalicelib.api.responsibility.mutations.responsibility_matrix_set import (
    ResponsibilityMatrixSetPayload,
    responsibility_matrix_set,
)
from chalicelib.api.responsibility.queries import ResponsibilityQuery

# --- 容缺后补 revocation review closed keeping the certificate (seed 002 四(八)) --------------------
from chalicelib.api.revocation_reviews.mutations.revocation_review_close import (
    RevocationReviewClosePayload,
    revocation_review_close,
)
from chalicelib.api.schema_config import make_schema
from chalicelib.api.seal_registry.mutations.seal_rotation_register import (
    SealRotationRegisterPayload,
    seal_rotation_register,
)
from chalicelib.api.seal_registry.queries import SealRegistryQuery
from chalicelib.api.staff.mutations.department_window_set import DepartmentWindowSetPayload, department_window_set
from chalicelib.api.staff.mutations.staff_change import StaffChangePayload, staff_change
from chalicelib.api.staff.mutations.staff_create import StaffCreatePayload, staff_create
from chalicelib.api.staff.mutations.staff_return_to_unit import StaffReturnToUnitPayload, staff_return_to_unit
from chalicelib.api.staff.mutations.window_post_assign import WindowPostAssignPayload, window_post_assign
from chalicelib.api.staff.mutations.window_post_complaint_reply import (
    WindowPostComplaintReplyPayload,
    window_post_complaint_reply,
)
from chalicelib.api.staff.mutations.window_post_create import WindowPostCreatePayload, window_post_create
from chalicelib.api.staff.mutations.window_post_feedback import WindowPostFeedbackPayload, window_post_feedback
from chalicelib.api.staff.mutations.window_post_leave_request import (
    WindowPostLeaveRequestPayload,
    window_post_leave_request,
)
from chalicelib.api.staff.queries import StaffQuery
from chalicelib.api.supervision.mutations.violation_annotate import ViolationAnnotatePayload, violation_annotate
from chalicelib.api.supervision.mutations.warning_acknowledge import WarningAcknowledgePayload, warning_acknowledge
from chalicelib.api.supervision.queries import SupervisionQuery
from chalicelib.api.tuning.mutations.local_tuning_set import LocalTuningSetPayload, local_tuning_set
from chalicelib.api.tuning.queries import TuningQuery

# --- window approval of immediate items (seed 004 三(三)) ----------------------------------------
from chalicelib.api.window_authority.mutations.application_decide_at_window import (
    ApplicationDecideAtWindowPayload,
    application_decide_at_window,
)
from chalicelib.api.window_authority.mutations.window_post_authority_set import (
    WindowPostAuthoritySetPayload,
    window_post_authority_set,
)
from chalicelib.api.window_authority.queries import WindowAuthorityQuery
from chalicelib.api.written_decisions.queries import WrittenDecisionQuery
from chalicelib.config import Settings
from chalicelib.domain.identity import Role


@strawberry.type
class Query(
    CatalogueQuery,
    ApplicationQuery,
    CertificateQuery,
    SupervisionQuery,
    PublicQuery,
    InspectionQuery,
    RatingQuery,
    ComplaintQuery,
    DelegationQuery,
    CounterpartQuery,
    ReferralQuery,
    HandoverQuery,
    TuningQuery,
    StaffQuery,
    ConductQuery,
    ResponsibilityQuery,
    DutyQuery,
    OversightQuery,
    IdentityQuery,
    CalendarQuery,
    CreditQuery,
    WindowAuthorityQuery,
    WrittenDecisionQuery,
    SealRegistryQuery,
    CertificateTypeQuery,
    NodeQuery,
):
    pass


FILERS = AnyRole(Role.APPLICANT, Role.AGENT, Role.CLERK)
APPLICANTS = AnyRole(Role.APPLICANT, Role.AGENT)
CLERK = AnyRole(Role.CLERK)
REVIEWER = AnyRole(Role.REVIEWER)
LEAD_STAFF = AnyRole(Role.REVIEWER, Role.APPROVER)
APPROVER = AnyRole(Role.APPROVER)
SUPERVISOR = AnyRole(Role.SUPERVISOR)
BUREAU = AnyRole(Role.BUREAU)


@strawberry.type
class Mutation:
    service_item_create: ServiceItemCreatePayload = mutation(service_item_create, access=ADMIN)
    service_item_change: ServiceItemChangePayload = mutation(service_item_change, access=ADMIN)
    service_item_cancel: ServiceItemCancelPayload = mutation(service_item_cancel, access=ADMIN)
    service_item_transfer: ServiceItemTransferPayload = mutation(service_item_transfer, access=ADMIN)
    service_item_delegate: ServiceItemDelegatePayload = mutation(service_item_delegate, access=ADMIN)
    service_item_merge: ServiceItemMergePayload = mutation(service_item_merge, access=ADMIN)

    # Window-unit reviewers and approvers upload a referral's result document (seed 004 三级联动).
    material_upload_create: MaterialUploadCreatePayload = mutation(
        material_upload_create, access=AnyRole(Role.APPLICANT, Role.AGENT, Role.CLERK, Role.REVIEWER, Role.APPROVER)
    )
    agent_authorisation_grant: AgentAuthorisationGrantPayload = mutation(
        agent_authorisation_grant, access=AnyRole(Role.APPLICANT)
    )
    agent_authorisation_revoke: AgentAuthorisationRevokePayload = mutation(
        agent_authorisation_revoke, access=AnyRole(Role.APPLICANT)
    )
    application_file: ApplicationFilePayload = mutation(application_file, access=FILERS)
    application_accept: ApplicationAcceptPayload = mutation(application_accept, access=CLERK)
    application_accept_with_deficiency: ApplicationAcceptWithDeficiencyPayload = mutation(
        application_accept_with_deficiency, access=CLERK
    )
    application_notice_issue: ApplicationNoticeIssuePayload = mutation(application_notice_issue, access=CLERK)
    application_supplement: ApplicationSupplementPayload = mutation(application_supplement, access=APPLICANTS)
    application_withdraw: ApplicationWithdrawPayload = mutation(application_withdraw, access=APPLICANTS)
    application_review: ApplicationReviewPayload = mutation(application_review, access=REVIEWER)
    application_special_step_start: ApplicationSpecialStepStartPayload = mutation(
        application_special_step_start, access=LEAD_STAFF
    )
    application_special_step_end: ApplicationSpecialStepEndPayload = mutation(
        application_special_step_end, access=LEAD_STAFF
    )
    application_meeting_record: ApplicationMeetingRecordPayload = mutation(
        application_meeting_record, access=LEAD_STAFF
    )
    application_extension_grant: ApplicationExtensionGrantPayload = mutation(
        application_extension_grant, access=SUPERVISOR
    )
    application_decide: ApplicationDecidePayload = mutation(application_decide, access=APPROVER)
    rejection_report_confirm: RejectionReportConfirmPayload = mutation(rejection_report_confirm, access=SUPERVISOR)
    rejection_report_correct: RejectionReportCorrectPayload = mutation(rejection_report_correct, access=SUPERVISOR)

    certificate_issue: CertificateIssuePayload = mutation(certificate_issue, access=BUREAU)
    certificate_correct: CertificateCorrectPayload = mutation(certificate_correct, access=BUREAU)
    certificate_deliver: CertificateDeliverPayload = mutation(
        certificate_deliver, access=AnyRole(Role.BUREAU, Role.CLERK)
    )
    certificate_revoke: CertificateRevokePayload = mutation(
        certificate_revoke, access=AnyRole(Role.BUREAU, Role.SUPERVISOR)
    )
    # The seven-status model: the domain's transition table decides who may make which change.
    certificate_status_change: CertificateStatusChangePayload = mutation(
        certificate_status_change, access=AnyRole(Role.BUREAU, Role.SUPERVISOR, Role.APPLICANT)
    )
    certificate_status_change_cancel = CERTIFICATE_STATUS_CHANGE_CANCEL  # a scheduled change withdrawn
    # Public: files too large for one request (POST /verify takes 4 MiB), rate-limited, ids bound to the caller.
    certificate_verification_upload_create: CertificateVerificationUploadCreatePayload = mutation(
        certificate_verification_upload_create, access=PUBLIC
    )
    certificate_verification_upload_verify: CertificateVerificationUploadVerifyPayload = mutation(
        certificate_verification_upload_verify, access=PUBLIC
    )
    # --- 统一制证: certificate type templates (seed 002 四(六)); who exactly is checked in the domain:
    # the owning department's approvers or catalogue administrators before the handover, the bureau after.
    certificate_type_create: CertificateTypeCreatePayload = mutation(
        certificate_type_create, access=AnyRole(Role.APPROVER, Role.ADMIN)
    )
    certificate_type_change: CertificateTypeChangePayload = mutation(
        certificate_type_change, access=AnyRole(Role.APPROVER, Role.ADMIN, Role.BUREAU)
    )
    certificate_type_hand_over: CertificateTypeHandOverPayload = mutation(
        certificate_type_hand_over, access=AnyRole(Role.APPROVER)
    )

    # Electronic supervision (电子监察)
    warning_acknowledge: WarningAcknowledgePayload = mutation(warning_acknowledge, access=STAFF)
    violation_annotate: ViolationAnnotatePayload = mutation(violation_annotate, access=SUPERVISOR)
    # --- result push and inspections (审管联动, seed 002): department scope checked in the service
    inspection_record: InspectionRecordPayload = mutation(
        inspection_record, access=AnyRole(Role.REVIEWER, Role.APPROVER, Role.SUPERVISOR)
    )
    # --- identity: the holder's consent to a window linking their account (seed 001 三(二)3) -------
    identity_binding_code_create: IdentityBindingCodeCreatePayload = mutation(
        identity_binding_code_create, access=AnyRole(Role.APPLICANT)
    )
    # --- ratings and complaints (好差评) ---------------------------------------------------------
    application_rate: ApplicationRatePayload = mutation(application_rate, access=APPLICANTS)
    rectification_record: RectificationRecordPayload = mutation(rectification_record, access=LEAD_STAFF)
    complaint_file: ComplaintFilePayload = mutation(complaint_file, access=APPLICANTS)
    complaint_resolve: ComplaintResolvePayload = mutation(complaint_resolve, access=SUPERVISOR)
    # --- delegation lifecycle (seed 003 二(一)–(二)): city scope checked in the service -----------
    guidance_catalogue_set: GuidanceCatalogueSetPayload = mutation(guidance_catalogue_set, access=ADMIN)
    centre_tier_assign: CentreTierAssignPayload = mutation(centre_tier_assign, access=ADMIN)
    adjustment_request_submit: AdjustmentRequestSubmitPayload = mutation(adjustment_request_submit, access=ADMIN)
    adjustment_request_review: AdjustmentRequestReviewPayload = mutation(adjustment_request_review, access=ADMIN)
    adjustment_request_approve: AdjustmentRequestApprovePayload = mutation(adjustment_request_approve, access=ADMIN)
    adjustment_memo_apply: AdjustmentMemoApplyPayload = mutation(adjustment_memo_apply, access=ADMIN)
    # --- handover of delegated powers (seed 003 二(二)3): department/centre scope checked in the domain
    handover_deliver: HandoverDeliverPayload = mutation(handover_deliver, access=LEAD_STAFF)
    handover_confirm: HandoverConfirmPayload = mutation(
        handover_confirm, access=AnyRole(Role.REVIEWER, Role.APPROVER, Role.ADMIN)
    )
    # --- local tuning of delegated items (seed 003 二(五)1): the receiving centre's admin
    local_tuning_set: LocalTuningSetPayload = mutation(local_tuning_set, access=ADMIN)
    # --- referrals upward (上报件, seed 004 三级联动): lead-department scope checked in the domain
    application_referral_start: ApplicationReferralStartPayload = mutation(
        application_referral_start, access=LEAD_STAFF
    )
    application_referral_result_record: ApplicationReferralResultRecordPayload = mutation(
        application_referral_result_record, access=LEAD_STAFF
    )
    # --- city counterpart oversight (seed 003 二(六)): department/centre scope checked in the domain
    oversight_inspection_record: OversightInspectionRecordPayload = mutation(
        oversight_inspection_record, access=LEAD_STAFF
    )
    oversight_opinion_issue: OversightOpinionIssuePayload = mutation(oversight_opinion_issue, access=LEAD_STAFF)
    oversight_letter_issue: OversightLetterIssuePayload = mutation(oversight_letter_issue, access=LEAD_STAFF)
    oversight_answer: OversightAnswerPayload = mutation(
        oversight_answer, access=AnyRole(Role.REVIEWER, Role.APPROVER, Role.ADMIN)
    )
    # --- working-day calendar: the State Council's arrangement of a year (versioned) -------------
    working_day_arrangement_load: WorkingDayArrangementLoadPayload = mutation(
        working_day_arrangement_load, access=ADMIN
    )
    # --- approval on pledge (告知承诺制): the verifying department is checked in the domain ---------
    application_pledge_notice_issue: ApplicationPledgeNoticeIssuePayload = mutation(
        application_pledge_notice_issue, access=CLERK
    )
    application_pledge_sign: ApplicationPledgeSignPayload = mutation(application_pledge_sign, access=APPLICANTS)
    application_pledge_verify: ApplicationPledgeVerifyPayload = mutation(
        application_pledge_verify, access=AnyRole(Role.REVIEWER, Role.APPROVER, Role.SUPERVISOR)
    )
    # --- window approval of immediate items (seed 004 三(三)): the post's staff checked in the service
    window_post_authority_set: WindowPostAuthoritySetPayload = mutation(window_post_authority_set, access=ADMIN)
    # --- the seal registry: a bureau's seal rotation (seed 003 二(七)); scope checked in the service
    seal_rotation_register: SealRotationRegisterPayload = mutation(seal_rotation_register, access=ADMIN)
    application_decide_at_window: ApplicationDecideAtWindowPayload = mutation(
        application_decide_at_window, access=CLERK
    )
    # --- emergency first handling (先予办理, seed 004 二(三)) ---------------------------------------
    application_emergency_authorise: ApplicationEmergencyAuthorisePayload = mutation(
        application_emergency_authorise, access=SUPERVISOR
    )
    # --- 容缺后补 revocation review closed keeping the certificate: the issuing bureau (service) -----
    revocation_review_close: RevocationReviewClosePayload = mutation(revocation_review_close, access=BUREAU)
    # --- consultations (咨询, 首问负责制): staff of a centre ---------------------------------------
    consultation_record: ConsultationRecordPayload = mutation(consultation_record, access=STAFF)
    # --- refusal at intake (不予受理) and its 否认报备: the unit leader is checked in the service --
    intake_refusal_issue: IntakeRefusalIssuePayload = mutation(intake_refusal_issue, access=CLERK)
    intake_refusal_object: IntakeRefusalObjectPayload = mutation(intake_refusal_object, access=APPLICANTS)
    intake_refusal_confirm: IntakeRefusalConfirmPayload = mutation(
        intake_refusal_confirm, access=AnyRole(Role.APPROVER, Role.SUPERVISOR)
    )
    intake_refusal_correct: IntakeRefusalCorrectPayload = mutation(
        intake_refusal_correct, access=AnyRole(Role.APPROVER, Role.SUPERVISOR)
    )
    # --- organisation administration (seed 000 一): scoped to the admin's centre subtree -------------
    centre_create: CentreCreatePayload = mutation(centre_create, access=ADMIN)
    centre_change: CentreChangePayload = mutation(centre_change, access=ADMIN)
    centre_close: CentreClosePayload = mutation(centre_close, access=ADMIN)
    department_create: DepartmentCreatePayload = mutation(department_create, access=ADMIN)
    department_change: DepartmentChangePayload = mutation(department_change, access=ADMIN)
    department_close: DepartmentClosePayload = mutation(department_close, access=ADMIN)
    # --- staff, window posts and AB cover (seeds 001, 004): scope checked in the service --------
    staff_create: StaffCreatePayload = mutation(staff_create, access=ADMIN)
    staff_change: StaffChangePayload = mutation(staff_change, access=ADMIN)
    staff_return_to_unit: StaffReturnToUnitPayload = mutation(
        staff_return_to_unit, access=AnyRole(Role.ADMIN, Role.SUPERVISOR)
    )
    window_post_create: WindowPostCreatePayload = mutation(window_post_create, access=ADMIN)
    window_post_assign: WindowPostAssignPayload = mutation(window_post_assign, access=ADMIN)
    department_window_set: DepartmentWindowSetPayload = mutation(department_window_set, access=ADMIN)
    window_post_leave_request: WindowPostLeaveRequestPayload = mutation(window_post_leave_request, access=CLERK)
    window_post_complaint_reply: WindowPostComplaintReplyPayload = mutation(
        window_post_complaint_reply, access=AnyRole(Role.CLERK, Role.SUPERVISOR)
    )
    window_post_feedback: WindowPostFeedbackPayload = mutation(window_post_feedback, access=PUBLIC)
    staff_violation_record: StaffViolationRecordPayload = mutation(staff_violation_record, access=SUPERVISOR)
    responsibility_matrix_set: ResponsibilityMatrixSetPayload = mutation(responsibility_matrix_set, access=ADMIN)
    # --- leaders on duty at the windows (seed 004 三(一)) ------------------------------------------
    duty_roster_set: DutyRosterSetPayload = mutation(duty_roster_set, access=AnyRole(Role.ADMIN, Role.SUPERVISOR))
    duty_check_in: DutyCheckInPayload = mutation(duty_check_in, access=STAFF)
    duty_check_out: DutyCheckOutPayload = mutation(duty_check_out, access=STAFF)
    duty_bulletins_issue: DutyBulletinsIssuePayload = mutation(duty_bulletins_issue, access=SUPERVISOR)
    application_oversight_flag: ApplicationOversightFlagPayload = mutation(
        application_oversight_flag, access=SUPERVISOR
    )
    # --- 延续 (art. 50): the holder, their authorised agent, or a window clerk for the holder ------
    renewal_apply: RenewalApplyPayload = mutation(renewal_apply, access=FILERS)


@lru_cache(maxsize=4)
def build_schema(settings: Settings) -> strawberry.Schema:
    """Every domain's queries and mutations; once per process (api/view.py `schema_for`)."""
    return make_schema(
        settings,
        query=Query,
        mutation=Mutation,
        types=[Centre, Department, ServiceItem, ServiceItemVersion, Application, Certificate],
    )
