"""Drive cases through the client operations in `graphql/operations/` (shared by e2e tests)."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from strawberry import relay

from tests.conftest import ROOT, Api
from tests.forms import answers


def gid(kind: str, key: str) -> str:
    return str(relay.GlobalID(kind, key))


def verified_account(api: Api, account: str) -> None:
    """Record a demo user's real-name verification in the identity registry (身份认证库), as the
    portal's real-name filing does: an applicant may authorise only a verified agent account
    (`agentAuthorisationGrant`, `AGENT_ACCOUNT_INVALID` otherwise)."""
    from chalicelib.domain import verified_identity as dvi
    from chalicelib.storage.identity_repository import IdentityRepository
    from chalicelib.storage.unit_of_work import UnitOfWork

    user = next(u for u in api.seed.users if u.id == account)
    identifier, kind = dvi.classify(user.identifier)
    at = "2026-11-01T09:00:00+08:00"
    seen = dvi.VerifiedIdentity(identifier, kind, user.name, account, dvi.Verification.REAL_NAME, at)
    uow = UnitOfWork()
    IdentityRepository().stage_link(uow, seen, account)
    uow.commit()


FRAGMENTS = ROOT / "graphql" / "fragments"
_SPREAD = re.compile(r"\.\.\.\s*([A-Z]\w*)")
_DEFINED = re.compile(r"^fragment\s+(\w+)", re.M)


def document(text: str) -> str:
    """An operation with the shared fragments it spreads (from `graphql/fragments/`) appended,
    as a client's build (GraphQL Code Generator, Relay, Apollo) co-locates them."""
    parts = [text]
    defined = set(_DEFINED.findall(text))
    wanted = [name for name in _SPREAD.findall(text) if name not in defined]
    while wanted:
        name = wanted.pop()
        if name in defined:
            continue
        fragment = (FRAGMENTS / f"{name}.graphql").read_text(encoding="utf-8")
        parts.append(fragment)
        defined.add(name)
        wanted += [n for n in _SPREAD.findall(fragment) if n not in defined]
    return "\n".join(parts)


def op(name: str) -> str:
    return document((ROOT / "graphql" / "operations" / f"{name}.graphql").read_text(encoding="utf-8"))


class Case:
    """Drives one joint case (ZS-ZRZY-001: two co-reviewers, an expert review that pauses the
    clock, secondary materials) through the client operations to the state a scenario needs."""

    ITEM = "ZS-ZRZY-001"

    def __init__(self, api: Api, item: str = ITEM) -> None:
        self.api = api
        self.ITEM = item
        self.item = next(i for i in api.seed.items if i.code == item)
        lead = self.item.elements.department_id
        self.centre = next(d.centre_id for d in api.seed.departments if d.id == lead)
        self.clerk = self.staff("clerk", centre=self.centre)
        self.reviewer = self.staff("reviewer", department=lead)
        self.approver = self.staff("approver", department=lead)
        self.supervisor = api.staff_with("supervisor")
        self.id = ""

    def staff(self, role: str, *, centre: str | None = None, department: str | None = None) -> str:
        return next(
            s.id
            for s in self.api.seed.staff
            if role in {r.value for r in s.roles}
            and centre in (None, s.centre_id)
            and department in (None, s.department_id)
        )

    def run(self, name: str, variables: dict[str, Any], as_: str) -> dict[str, Any]:
        body = self.api.gql(op(name), variables, as_=as_)
        (payload,) = body["data"].values()
        assert payload["userErrors"] == [], body
        result: dict[str, Any] = payload
        return result

    def file_input(self, skip: int = 0) -> dict[str, Any]:
        materials = list(self.item.elements.materials)
        secondary = [m.code for m in materials if m.kind.value == "secondary"][:skip]
        uploads = [
            self.api.upload(m.code, f"{m.code} 内容".encode(), as_="applicant-wang")
            for m in materials
            if m.code not in secondary
        ]
        return {
            "input": {
                "itemId": gid("ServiceItem", self.ITEM),
                "centreId": gid("Centre", self.centre),
                "applicant": {"name": "王海燕", "identifier": "330902199003151226"},
                "materials": uploads,
                "formData": answers(self.item.elements.form),
            }
        }

    def filed(self, skip: int = 0) -> Case:
        self.id = self.run("ApplicationFile", self.file_input(skip), "applicant-wang")["application"]["id"]
        return self

    def accepted(self) -> Case:
        self.filed().run("ApplicationAccept", {"input": {"id": self.id}}, self.clerk)
        return self

    def reviewed(self) -> Case:
        self.accepted()
        for task in self.item.elements.co_reviewers:
            self.run("ApplicationReview", self.review_input(), self.staff("reviewer", department=task.department_id))
        self.run("ApplicationReview", self.review_input(), self.reviewer)
        return self

    def approved(self) -> Case:
        self.reviewed()
        approve = {"outcome": "APPROVED", "reason": "符合条件,准予许可"}
        self.run("ApplicationDecide", {"input": {"id": self.id, **approve}}, self.approver)
        return self

    def refused(self) -> Case:
        self.reviewed()
        refuse = {"outcome": "REJECTED", "reason": "不符合规划条件", "legalBasis": "《城乡规划法》第四十条"}
        self.run("ApplicationDecide", {"input": {"id": self.id, **refuse}}, self.approver)
        return self

    # --- refusal at intake (不予受理) and 否认报备 -------------------------------------------------

    REFUSAL: ClassVar[dict[str, str]] = {
        "ground": "INADMISSIBLE",
        "reason": "申请事项依法不需要取得行政许可",
        "legalBasis": "《行政许可法》第三十二条第一款第(一)项",
    }

    @property
    def unit_leader(self) -> str:
        """The head of the window clerk's department (否认报备 goes to them)."""
        clerk = next(s for s in self.api.seed.staff if s.id == self.clerk)
        head = next(d.head_staff_id for d in self.api.seed.departments if d.id == clerk.department_id)
        assert head is not None
        return head

    def intake_refused(self) -> Case:
        self.filed().run("IntakeRefusalIssue", {"input": {"id": self.id, **self.REFUSAL}}, self.clerk)
        return self

    def intake_objected(self) -> Case:
        objection = {"input": {"id": self.intake_refused().id, "objection": "本事项依法需要许可,请复核"}}
        self.run("IntakeRefusalObject", objection, "applicant-wang")
        return self

    # --- approval on pledge (告知承诺制): items whose terms allow it --------------------------------

    def pledge_noticed(self) -> Case:
        self.filed().run("ApplicationPledgeNoticeIssue", {"input": {"id": self.id}}, self.clerk)
        return self

    def pledge_approved(self) -> Case:
        self.pledge_noticed().run("ApplicationPledgeSign", {"input": {"id": self.id}}, "applicant-wang")
        approve = {"outcome": "APPROVED", "reason": "申请人承诺符合条件,准予许可"}
        self.run("ApplicationDecide", {"input": {"id": self.id, **approve}}, self.approver)
        return self

    def review_input(self) -> dict[str, Any]:
        return {"input": {"id": self.id, "opinion": "AGREE", "text": "符合要求"}}
