"""The lifecycle desk: drives an application through `/graphql` only, for the scenario tests.

`Desk` runs the lifecycle mutations and reads as the seed's demo users; `run_sweep` is what the
scheduled Lambda does, on the pinned clock; `desk` is the fixture (import it as `desk as desk`).
Shared by the scenario files (`test_scenarios_*.py`), test_lifecycle_bad_input.py and the
fast-track, intake and organisation tests. Dates are in November 2026: no public holiday falls
in the month, so every Monday to Friday is a working day on the official calendar.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from strawberry import relay

from tests.conftest import Api, Clock
from tests.forms import answers

MONDAY = date(2026, 11, 2)
CITY = "zs-city"

CASE = """
id state round trackingCode submittedOn acceptedOn deemedAccepted firstContactOfficer
missingMaterialCodes deadline workingDaysLeft redFlag
applicant { accountId name }
materials { code round }
notices { round procedure issuedBy entries { materialCode problem description legalBasis form } }
pledge { materialCodes dueOn status settledAt }
tasks { role limitDays status opinion dueOn department { id } }
specialSteps { kind countsTowardLimit startedOn endedOn }
meetings { kind heldOn opinions { opinion department { id } } }
extensions { days reason }
rejectionReports { reason legalBasis status supervisorNote }
decision { outcome decidedAt reason legalBasis deemed }
"""

READ = "query($id: ID!) { application(id: $id) { " + CASE + " } }"

TIMELINE = """
query($id: ID!) { application(id: $id) {
  timeline(first: 100) { nodes { seq at action actor role fromState toState reason prevHash hash } }
  historyVerification { intact events brokenAt headHash }
} }"""

MY_APPLICATIONS = "query { myApplications(first: 50) { nodes { id state item { code } } } }"

INBOX = """
query($queue: InboxQueue!) { inbox(queue: $queue, first: 100) {
  nodes { applicationId trackingCode itemCode state dueOn queue redFlag }
} }"""

IDENTIFIERS = {  # as the seed's demo users were verified (real-name authentication)
    "applicant-wang": "330902199003151226",
    "applicant-zhou": "330903198507204418",
    "company-haixing": "91330900MA2A1B2C34",
    "company-qiandao": "91330900MA2A4E5F6E",
}


def gid(kind: str, key: str) -> str:
    return str(relay.GlobalID(kind, key))


def without(value: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in value.items() if k not in keys}


def run_sweep() -> Counter[str]:
    """What the scheduled Lambda does, on the pinned clock."""
    from chalicelib.domain.working_days import DEFAULT_CALENDAR
    from chalicelib.services.sweep import sweep
    from chalicelib.storage.application_repository import ApplicationRepository

    return sweep(ApplicationRepository(DEFAULT_CALENDAR))


@dataclass
class Desk:
    """Drives the lifecycle mutations; every call goes through `/graphql`."""

    api: Api

    # --- catalogue facts ---------------------------------------------------------------------

    def item(self, code: str) -> Any:
        return next(i for i in self.api.seed.items if i.code == code)

    def material_codes(self, item_code: str, kind: str | None = None) -> list[str]:
        return [m.code for m in self.item(item_code).elements.materials if kind is None or m.kind.value == kind]

    def material(self, item_code: str, code: str) -> Any:
        return next(m for m in self.item(item_code).elements.materials if m.code == code)

    def name_of(self, person: str) -> str:
        return next(u.name for u in self.api.seed.users if u.id == person)

    # --- commands ------------------------------------------------------------------------------

    def upload(self, item_code: str, codes: list[str], *, as_: str) -> list[dict[str, Any]]:
        return [
            self.api.upload(code, f"{item_code}/{code} uploaded by {as_}".encode(), as_=as_, file_name=f"{code}.pdf")
            for code in codes
        ]

    def file_input(
        self,
        item_code: str,
        *,
        as_: str = "applicant-wang",
        applicant: str | None = None,
        centre: str = CITY,
        omit: tuple[str, ...] = (),
        materials: list[dict[str, Any]] | None = None,
        key: str | None = None,
        form: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        who = applicant or as_
        if materials is None:
            codes = [c for c in self.material_codes(item_code) if c not in omit]
            materials = self.upload(item_code, codes, as_=as_)
        applicant_input: dict[str, Any] = {"name": self.name_of(who), "identifier": IDENTIFIERS[who]}
        if applicant is not None:
            applicant_input["accountId"] = applicant
            if applicant != as_ and any(s.id == as_ for s in self.api.seed.staff):
                # At a window the applicant gives the binding code she created in her app, so the case
                # goes to her account (tests/e2e/test_window_accounts.py covers the other paths).
                applicant_input["bindingCode"] = self.binding_code(applicant)
        value: dict[str, Any] = {
            "itemId": gid("ServiceItem", item_code),
            "centreId": gid("Centre", centre),
            "applicant": applicant_input,
            "materials": materials,
            "formData": answers(self.item(item_code).elements.form) if form is None else form,
        }
        if key is not None:
            value["idempotencyKey"] = key
        return value

    def binding_code(self, as_: str) -> str:
        """The code an applicant creates in their app so a window may file to their account."""
        body = self.api.gql("mutation { identityBindingCodeCreate(input: {}) { bindingCode { code } } }", as_=as_)
        code: str = body["data"]["identityBindingCodeCreate"]["bindingCode"]["code"]
        return code

    def verified_account(self, account: str) -> None:
        """The portal verified this demo user's real name (see `tests.flows.verified_account`)."""
        from tests.flows import verified_account

        verified_account(self.api, account)

    def file(self, item_code: str, *, as_: str = "applicant-wang", **kwargs: Any) -> dict[str, Any]:
        """File and expect success; returns the case as the filer sees it."""
        return self.ok("applicationFile", self.file_input(item_code, as_=as_, **kwargs), as_=as_)

    def mutate(
        self, name: str, value: dict[str, Any], *, as_: str | None = None, token: str | None = None
    ) -> dict[str, Any]:
        """Run one mutation; returns its payload (`application`, `userErrors`)."""
        input_type = name[0].upper() + name[1:] + "Input"
        query = (
            f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ "
            f"application {{ {CASE} }} userErrors {{ field code message }} }} }}"
        )
        body = self.api.gql(query, {"input": value}, as_=as_, token=token)
        assert "errors" not in body, body
        payload: dict[str, Any] = body["data"][name]
        return payload

    def ok(self, name: str, value: dict[str, Any], *, as_: str | None = None, token: str | None = None) -> Any:
        payload = self.mutate(name, value, as_=as_, token=token)
        assert payload["userErrors"] == [], payload["userErrors"]
        assert payload["application"] is not None
        return payload["application"]

    def refused(
        self, name: str, value: dict[str, Any], *, as_: str | None = None, token: str | None = None
    ) -> list[str]:
        """Expect a refusal: no case comes back, only the codes of the violations."""
        payload = self.mutate(name, value, as_=as_, token=token)
        assert payload["application"] is None, payload
        assert payload["userErrors"], payload
        assert all(e["message"] for e in payload["userErrors"])  # a Chinese explanation for each
        return [e["code"] for e in payload["userErrors"]]

    # common steps

    def accept(self, case_id: str, clerk: str = "clerk-li") -> Any:
        return self.ok("applicationAccept", {"id": case_id}, as_=clerk)

    def review(self, case_id: str, reviewer: str, opinion: str = "AGREE", text: str = "符合条件,同意") -> Any:
        return self.ok("applicationReview", {"id": case_id, "opinion": opinion, "text": text}, as_=reviewer)

    def decide(
        self,
        case_id: str,
        approver: str,
        outcome: str = "APPROVED",
        reason: str = "符合法定条件,准予许可",
        legal_basis: str = "",
    ) -> Any:
        value = {"id": case_id, "outcome": outcome, "reason": reason, "legalBasis": legal_basis}
        return self.ok("applicationDecide", value, as_=approver)

    # --- reads ---------------------------------------------------------------------------------

    def read(self, case_id: str, as_: str = "supervisor-fang") -> Any:
        body = self.api.gql(READ, {"id": case_id}, as_=as_)
        assert "errors" not in body, body
        return body["data"]["application"]

    def timeline(self, case_id: str, as_: str = "supervisor-fang") -> list[dict[str, Any]]:
        body = self.api.gql(TIMELINE, {"id": case_id}, as_=as_)
        assert "errors" not in body, body
        nodes: list[dict[str, Any]] = body["data"]["application"]["timeline"]["nodes"]
        return nodes

    def verification(self, case_id: str, as_: str = "supervisor-fang") -> dict[str, Any]:
        body = self.api.gql(TIMELINE, {"id": case_id}, as_=as_)
        result: dict[str, Any] = body["data"]["application"]["historyVerification"]
        return result

    def inbox(self, queue: str, as_: str) -> list[dict[str, Any]]:
        body = self.api.gql(INBOX, {"queue": queue}, as_=as_)
        assert "errors" not in body, body
        nodes: list[dict[str, Any]] = body["data"]["inbox"]["nodes"]
        return nodes

    def mine(self, as_: str) -> list[dict[str, Any]]:
        body = self.api.gql(MY_APPLICATIONS, as_=as_)
        assert "errors" not in body, body
        nodes: list[dict[str, Any]] = body["data"]["myApplications"]["nodes"]
        return nodes


@pytest.fixture
def desk(api: Api, clock: Clock) -> Desk:
    clock.set_china(MONDAY)
    return Desk(api)


def task_of(case: Any, department: str) -> Any:
    return next(t for t in case["tasks"] if t["department"]["id"] == gid("Department", department))
