"""applicationNoticeIssue: 一次性告知 — every missing or defective material at once (seeds 002, 004)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from chalicelib.api.applications.mutations.base import ApplicationPayload, run
from chalicelib.api.applications.types import MaterialForm, Problem
from chalicelib.api.relay import decode_id
from chalicelib.domain import application as da


@strawberry.input
class NoticeEntryInput:
    material_code: str
    problem: Problem  # type: ignore[valid-type]
    description: str
    legal_basis: str = strawberry.field(default="", description="Defaults to the material's published basis.")
    form: MaterialForm | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Defaults to the material's published form."
    )


@strawberry.input
class ApplicationNoticeIssueInput:
    id: strawberry.ID
    entries: list[NoticeEntryInput]
    procedure: str = strawberry.field(description="What to do next and within which limit.")
    idempotency_key: str | None = None
    admit_omission: bool = strawberry.field(
        default=False,
        description=(
            "A later notice asks for a material an earlier one could have listed (else NOTICE_NEW_DEMAND): the "
            "applicant is told, and the earlier notice's issuer is charged in the conduct ledger (seed 004 二(五), 四.2)."
        ),
    )


@strawberry.type
class ApplicationNoticeIssuePayload(ApplicationPayload):
    pass


def application_notice_issue(info: Info, input: ApplicationNoticeIssueInput) -> ApplicationNoticeIssuePayload:
    ctx = info.context

    def action() -> da.Application:
        entries = [
            da.NoticeEntry(
                e.material_code, da.Problem(e.problem), e.description, e.legal_basis, e.form.value if e.form else ""
            )
            for e in input.entries[:100]
        ]
        return ctx.applications.issue_notice(
            ctx.principal,
            decode_id(input.id, "Application"),
            entries,
            input.procedure,
            input.idempotency_key,
            input.admit_omission,
        )

    return run(info, ApplicationNoticeIssuePayload, action)  # type: ignore[return-value]
