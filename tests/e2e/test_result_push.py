"""Result push and inspections (审管联动) through `/graphql`, seed 002 (九)(十一).

Seed 002 (十一): 「按照“谁审批谁负责、谁主管谁监管”…构建形成“审批—监管”全闭环」 and
「形成“一处违法、处处受限”工作格局」; seed 002 (九): 「建立…行政审批结果推送制度及监管结果抄告制度」.
Every certificate event (issued, superseded, revoked) reaches the supervising department's feed
exactly once; the supervising department's inspections are copied back to the issuing bureau, and a
serious violation bars the holder from deficiency acceptance in any later application.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from chalicelib.domain import catalogue as dc
from chalicelib.domain.certificate import mask_name
from chalicelib.domain.notification import Message, MessageKind
from chalicelib.domain.supervision import department_feed
from tests.conftest import Api, CallCounter, Clock
from tests.flows import Case, gid, op
from tests.forms import conditions_input, intake_elements_input

DAY = date(2026, 11, 2)  # a Monday (the pinned clock's day)
ISSUER = "city-bureau"
RECORD = op("InspectionRecord")
LIST = op("Inspections")
ACCEPT_WITH_DEFICIENCY = op("ApplicationAcceptWithDeficiency")


@pytest.fixture(autouse=True)
def _monday(clock: Clock) -> None:
    clock.set_china(DAY)


def feed(department_id: str) -> list[Message]:
    """What the department's staff read, after the scheduled relay delivered anything left."""
    from chalicelib.services.outbox import Relay
    from chalicelib.storage.outbox_repository import OutboxRepository

    Relay().run()
    return [m for m, _ in OutboxRepository().feed(department_feed(department_id), 100, None).items]


def pushes(department_id: str) -> list[tuple[str, str]]:
    """(action, certificate id) of every result pushed to the department, sorted."""
    found = [m for m in feed(department_id) if m.kind is MessageKind.RESULT_PUSH and "action" in m.data]
    return sorted((m.data["action"], m.data["certificateId"]) for m in found)


def pending() -> int:
    from chalicelib.storage.outbox_repository import OutboxRepository

    return len(OutboxRepository().pending())


def issue(case: Case) -> dict[str, Any]:
    cert: dict[str, Any] = case.run("CertificateIssue", {"input": {"applicationId": case.id}}, case.staff("bureau"))[
        "certificate"
    ]
    return cert


def issued(api: Api, item: str = Case.ITEM) -> tuple[Case, dict[str, Any]]:
    case = Case(api, item).approved()
    return case, issue(case)


def record(api: Api, as_: str, cert_id: str, **changes: Any) -> dict[str, Any]:
    value = {
        "certificateId": cert_id,
        "inspectedOn": DAY.isoformat(),
        "outcome": "COMPLIANT",
        "findings": "现场检查:经营场所、设施与许可条件一致",
        **changes,
    }
    body = api.gql(RECORD, {"input": value}, as_=as_)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["inspectionRecord"]
    return payload


def inspections(api: Api, as_: str, **variables: Any) -> Any:
    return api.gql(LIST, {"first": 50, **variables}, as_=as_)


def listed(api: Api, as_: str, cert_id: str) -> list[dict[str, Any]]:
    body = inspections(api, as_, certificateId=cert_id)
    assert "errors" not in body, body
    return [e["node"] for e in body["data"]["inspections"]["edges"]]


def elements_input(e: dc.ItemElements, **changes: Any) -> dict[str, Any]:
    """A seeded item's elements as `ServiceItemElementsInput` (to change one element)."""
    value: dict[str, Any] = {
        "name": e.name,
        "departmentId": gid("Department", e.department_id),
        "level": e.level.name,
        "kind": e.kind.name,
        "conditions": list(e.conditions),
        "materials": [
            {
                "code": m.code,
                "name": m.name,
                "kind": m.kind.name,
                "form": m.form.name,
                "legalBasis": m.legal_basis,
                "copies": m.copies,
                "note": m.note,
                "appliesWhen": conditions_input(m),
            }
            for m in e.materials
        ],
        "procedure": [{"name": s.name, "description": s.description} for s in e.procedure],
        "statutoryLimitDays": e.statutory_limit_days,
        "promisedLimitDays": e.promised_limit_days,
        "legalBasis": list(e.legal_basis),
        "supervisionPhone": e.supervision_phone,
        "timeoutRule": e.timeout_rule.name,
        "coReviewers": [
            {"departmentId": gid("Department", c.department_id), "limitDays": c.limit_days} for c in e.co_reviewers
        ],
        "specialSteps": [
            {"kind": s.kind.name, "name": s.name, "maxDays": s.max_days, "countsTowardLimit": s.counts_toward_limit}
            for s in e.special_steps
        ],
        "fees": [{"name": f.name, "amountFen": f.amount_fen, "basis": f.basis} for f in e.fees],
        "certificateType": (
            {
                "code": e.certificate_type.code,
                "name": e.certificate_type.name,
                "validityYears": e.certificate_type.validity_years,
            }
            if e.certificate_type
            else None
        ),
        **intake_elements_input(e),
    }
    value.update(changes)
    return value


def supervised_by(api: Api, item: str, department_id: str) -> dict[str, Any]:
    """An administrator sets the item's supervising department (serviceItemChange)."""
    seeded = next(i for i in api.seed.items if i.code == item)
    current = api.gql("query($id: ID!) { serviceItem(id: $id) { version } }", {"id": gid("ServiceItem", item)})
    value = {
        "id": gid("ServiceItem", item),
        "expectedVersion": current["data"]["serviceItem"]["version"],
        "elements": elements_input(seeded.elements, supervisingDepartmentId=gid("Department", department_id)),
        "reason": "属地监管:由所在区市场监管部门负责事中事后监管",
    }
    payload: dict[str, Any] = api.gql(op("ServiceItemChange"), {"input": value}, as_=api.staff_with("admin"))["data"][
        "serviceItemChange"
    ]
    return payload


def supervising_department_of(api: Api, item: str) -> str:
    query = "query($id: ID!) { serviceItem(id: $id) { supervisingDepartment { id } } }"
    body = api.gql(query, {"id": gid("ServiceItem", item)})
    found: str = body["data"]["serviceItem"]["supervisingDepartment"]["id"]
    return found


# --- the supervising department of an item ------------------------------------------------------


def test_seed002_item_is_supervised_by_its_own_department_unless_another_is_set(
    api: Api, ddb_calls: CallCounter
) -> None:
    """seed 002 「谁主管谁监管」: the competent line department supervises; by default the owner."""
    assert supervising_department_of(api, "ZS-SCJG-001") == gid("Department", "city-market")
    ddb_calls.reset()
    refused = supervised_by(api, "ZS-SCJG-001", "no-such-department")
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [
        ("elements.supervisingDepartmentId", "UNKNOWN_DEPARTMENT")
    ]
    assert ddb_calls.calls["TransactWriteItems"] == 0  # nothing written
    assert supervising_department_of(api, "ZS-SCJG-001") == gid("Department", "city-market")
    changed = supervised_by(api, "ZS-SCJG-001", "dinghai-market")
    assert changed["userErrors"] == [] and changed["serviceItem"]["department"]["id"] == gid(
        "Department", "city-market"
    )
    assert supervising_department_of(api, "ZS-SCJG-001") == gid("Department", "dinghai-market")


# --- result push ----------------------------------------------------------------------------------


def test_seed002_issuing_pushes_the_result_to_the_supervising_department_exactly_once(api: Api) -> None:
    """seed 002 (九) 行政审批结果推送制度: the issued certificate reaches the supervising department."""
    case, cert = issued(api)
    again = case.run("CertificateIssue", {"input": {"applicationId": case.id}}, case.staff("bureau"))
    assert again["certificate"]["id"] == cert["id"]  # the retry returns the one certificate...
    (message,) = feed("city-natural-resources")  # ...and pushes nothing more
    assert message.kind is MessageKind.RESULT_PUSH and message.subject_id == _node(cert["id"])
    assert message.data == {
        "action": "issued",
        "certificateId": _node(cert["id"]),
        "certificateNumber": cert["number"],
        "itemCode": Case.ITEM,
        "itemName": case.item.elements.name,
        "holderName": mask_name("王海燕"),
    }
    assert "王海燕" not in message.title and cert["number"] in message.title
    # Co-reviewing departments and the bureau get no push: only the supervising department.
    assert feed("city-housing") == [] and feed("city-fire") == [] and feed(ISSUER) == []
    assert pending() == 0  # delivered right after the commit


def test_a_lost_number_race_and_a_sealing_failure_still_push_exactly_once(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The push is in the issuing transaction: a failed attempt pushes nothing, the retry once."""
    from chalicelib.domain.errors import DomainError
    from chalicelib.services import certificate_parts
    from chalicelib.storage import unit_of_work

    case = Case(api).approved()
    real_seal = certificate_parts.seal

    def broken(pdf: bytes, authority: str) -> bytes:
        raise RuntimeError("HSM unavailable")

    monkeypatch.setattr(certificate_parts, "seal", broken)
    body = api.gql(op("CertificateIssue"), {"input": {"applicationId": case.id}}, as_=case.staff("bureau"))
    assert [e["code"] for e in body["data"]["certificateIssue"]["userErrors"]] == ["SEALING_FAILED"]
    assert feed("city-natural-resources") == [] and pending() == 0
    monkeypatch.setattr(certificate_parts, "seal", real_seal)

    # Another issuer takes the number first: the first commit is refused, the loop renders again.
    real_commit = unit_of_work.UnitOfWork.commit
    lost: list[int] = []

    def lose_once(self: unit_of_work.UnitOfWork, token: str | None = None) -> None:
        if not lost:
            lost.append(len(self))
            raise DomainError.one(unit_of_work.CONFLICT, "lost the number race")
        real_commit(self, token)

    monkeypatch.setattr(unit_of_work.UnitOfWork, "commit", lose_once)
    cert = issue(case)
    monkeypatch.setattr(unit_of_work.UnitOfWork, "commit", real_commit)
    assert lost, "the race was simulated"
    assert pushes("city-natural-resources") == [("issued", _node(cert["id"]))]
    assert pending() == 0


def test_correction_pushes_the_new_certificate_and_the_superseded_one(api: Api) -> None:
    """更正: the new certificate is pushed as issued and the old one as superseded, in one transaction."""
    case, cert = issued(api)
    corrected = case.run(
        "CertificateCorrect", {"input": {"id": cert["id"], "reason": "持证人名称更正"}}, case.staff("bureau")
    )["certificate"]
    assert pushes("city-natural-resources") == sorted(
        [("issued", _node(cert["id"])), ("issued", _node(corrected["id"])), ("superseded", _node(cert["id"]))]
    )
    superseded = next(m for m in feed("city-natural-resources") if m.data["action"] == "superseded")
    assert superseded.data["supersededBy"] == _node(corrected["id"]) and superseded.data["reason"] == "持证人名称更正"


def test_revocation_pushes_once_and_a_refused_revocation_pushes_nothing(api: Api, ddb_calls: CallCounter) -> None:
    case, cert = issued(api)
    case.run("CertificateRevoke", {"input": {"id": cert["id"], "reason": "以欺骗手段取得"}}, case.supervisor)
    ddb_calls.reset()
    again = api.gql(op("CertificateRevoke"), {"input": {"id": cert["id"], "reason": "再次撤销"}}, as_=case.supervisor)[
        "data"
    ]["certificateRevoke"]
    assert [e["code"] for e in again["userErrors"]] == ["ILLEGAL_STATUS_TRANSITION"]
    assert ddb_calls.calls["TransactWriteItems"] == 0  # nothing written, nothing pushed
    assert pushes("city-natural-resources") == [("issued", _node(cert["id"])), ("revoked", _node(cert["id"]))]
    revoked = next(m for m in feed("city-natural-resources") if m.data["action"] == "revoked")
    assert revoked.data["reason"] == "以欺骗手段取得"


def test_seed002_push_and_inspection_follow_a_configured_supervising_department(api: Api) -> None:
    """属地监管: a city item supervised by the district department where the holder operates."""
    assert supervised_by(api, "ZS-SCJG-001", "dinghai-market")["userErrors"] == []
    _case, cert = issued(api, "ZS-SCJG-001")
    assert pushes("dinghai-market") == [("issued", _node(cert["id"]))]
    assert feed("city-market") == []  # the owning department approved; it does not supervise this item
    # The owner's reviewer cannot inspect; the district department's reviewer can.
    refused = record(api, "reviewer-market-zhao", cert["id"])
    assert [e["code"] for e in refused["userErrors"]] == ["NOT_FOUND"]
    done = record(api, "reviewer-dhmk-ying", cert["id"])
    assert done["userErrors"] == [] and done["inspection"]["supervisingDepartment"]["id"] == gid(
        "Department", "dinghai-market"
    )


# --- inspections ----------------------------------------------------------------------------------


def test_who_may_record_and_read_inspections(api: Api, ddb_calls: CallCounter) -> None:
    """Reviewers/approvers of the supervising department and supervisors record; the supervising
    department, the issuing bureau and supervisors read; anyone else finds no such certificate."""
    case, cert = issued(api)
    for who in ("reviewer-nr-yu", "approver-nr-chen", case.supervisor):
        payload = record(api, who, cert["id"])
        assert payload["userErrors"] == [] and payload["inspection"]["inspectorId"] == who
    ddb_calls.reset()
    for outsider in ("reviewer-market-zhao", "approver-housing-ding"):  # other departments (one co-reviewed)
        assert [e["code"] for e in record(api, outsider, cert["id"])["userErrors"]] == ["NOT_FOUND"]
    assert ddb_calls.calls["TransactWriteItems"] == 0
    for role_refused in ("bureau-sun", "clerk-li", "applicant-wang"):
        body = api.gql(RECORD, {"input": _input(cert["id"])}, as_=role_refused)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN" and body["data"] is None
    assert ddb_calls.calls["TransactWriteItems"] == 0

    for reader in ("reviewer-nr-le", "bureau-sun", "clerk-li", case.supervisor):  # clerk-li: the issuing bureau's staff
        assert len(listed(api, reader, cert["id"])) == 3, reader
    outsider = inspections(api, "reviewer-market-zhao", certificateId=cert["id"])
    assert outsider["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    holder = inspections(api, "applicant-wang", certificateId=cert["id"])
    assert holder["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_inspections_are_listed_per_supervising_department(api: Api) -> None:
    case, cert = issued(api)
    record(api, "reviewer-nr-yu", cert["id"])
    own = inspections(api, "approver-nr-chen", departmentId=gid("Department", "city-natural-resources"))
    assert [n["node"]["certificateId"] for n in own["data"]["inspections"]["edges"]] == [cert["id"]]
    other = inspections(api, "reviewer-market-zhao", departmentId=gid("Department", "city-natural-resources"))
    assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    both = inspections(api, case.supervisor, certificateId=cert["id"], departmentId=gid("Department", "city-market"))
    assert both["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_seed002_compliant_inspection_is_copied_back_to_the_bureau_without_a_credit_record(api: Api) -> None:
    """seed 002 (九) 监管结果抄告制度: the outcome reaches the issuing bureau's feed."""
    _case, cert = issued(api)
    payload = record(api, "reviewer-nr-yu", cert["id"])
    inspection = payload["inspection"]
    assert inspection["outcome"] == "COMPLIANT" and inspection["creditRecorded"] is False
    assert inspection["holderName"] == mask_name("王海燕") and inspection["certificateNumber"] == cert["number"]
    (copy,) = feed(ISSUER)
    assert copy.data["outcome"] == "compliant" and copy.data["certificateNumber"] == cert["number"]
    assert (
        copy.data["holderName"] == mask_name("王海燕")
        and copy.data["supervisingDepartmentId"] == "city-natural-resources"
    )
    # The holder may still use deficiency acceptance.
    later = Case(api).filed(skip=1)
    accepted = api.gql(ACCEPT_WITH_DEFICIENCY, _deficiency(later), as_=later.clerk)["data"]
    assert accepted["applicationAcceptWithDeficiency"]["userErrors"] == []


def test_seed002_serious_violation_limits_the_holder_everywhere(api: Api) -> None:
    """seed 002 (十一) 「一处违法、处处受限」: a serious violation found by the supervising department
    becomes a credit record, and the holder's next deficiency acceptance is refused (CREDIT_DEFAULT)."""
    from chalicelib.services.credit import is_barred

    _case, cert = issued(api)
    wang = "330902199003151226"  # the holder's verified resident ID number
    assert not is_barred(wang)
    payload = record(
        api, "approver-nr-chen", cert["id"], outcome="SERIOUS_VIOLATION", findings="擅自改变规划用途,情节严重"
    )
    assert payload["userErrors"] == [] and payload["inspection"]["creditRecorded"] is True
    assert is_barred(wang)
    (copy,) = feed(ISSUER)
    assert copy.data["outcome"] == "serious_violation"
    # A later application, for another item at the same window: deficiency acceptance refused.
    later = Case(api, "ZS-SCJG-001").filed(skip=1)
    refused = api.gql(ACCEPT_WITH_DEFICIENCY, _deficiency(later), as_=later.clerk)["data"]
    assert [(e["field"], e["code"]) for e in refused["applicationAcceptWithDeficiency"]["userErrors"]] == [
        ("applicant", "CREDIT_DEFAULT")
    ]


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"inspectedOn": (DAY + timedelta(days=1)).isoformat()}, "inspectedOn", "OUT_OF_RANGE"),
        ({"inspectedOn": (DAY - timedelta(days=1)).isoformat()}, "inspectedOn", "OUT_OF_RANGE"),
        ({"findings": "   "}, "findings", "REQUIRED"),
        ({"findings": "查" * 2001}, "findings", "TOO_LONG"),
        ({"certificateId": gid("Application", "x")}, "certificateId", "INVALID_ID"),
        ({"certificateId": gid("Certificate", "no-such-certificate")}, "certificateId", "NOT_FOUND"),
        ({"idempotencyKey": "k" * 101}, "idempotencyKey", "OUT_OF_RANGE"),
    ],
    ids=["future", "before-issue", "blank-findings", "long-findings", "wrong-id-type", "unknown", "long-key"],
)
def test_bad_inspection_input_is_refused_and_writes_nothing(
    api: Api, ddb_calls: CallCounter, changes: dict[str, Any], field: str, code: str
) -> None:
    _, cert = issued(api)  # issued on DAY
    ddb_calls.reset()
    payload = record(api, "reviewer-nr-yu", cert["id"], outcome="SERIOUS_VIOLATION", **changes)
    assert payload["inspection"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert ddb_calls.calls["TransactWriteItems"] == 0 and ddb_calls.calls["PutItem"] == 0
    assert listed(api, "reviewer-nr-yu", cert["id"]) == [] and feed(ISSUER) == []


def test_every_problem_is_reported_at_once(api: Api, ddb_calls: CallCounter) -> None:
    _, cert = issued(api)
    ddb_calls.reset()
    payload = record(api, "reviewer-nr-yu", cert["id"], findings="", inspectedOn="2027-01-01")
    assert sorted((e["field"], e["code"]) for e in payload["userErrors"]) == [
        ("findings", "REQUIRED"),
        ("inspectedOn", "OUT_OF_RANGE"),
    ]
    assert ddb_calls.calls["TransactWriteItems"] == 0


def test_a_retried_inspection_with_its_idempotency_key_is_recorded_once(api: Api, ddb_calls: CallCounter) -> None:
    _case, cert = issued(api)
    first = record(api, "reviewer-nr-yu", cert["id"], outcome="SERIOUS_VIOLATION", idempotencyKey="insp-1")
    ddb_calls.reset()
    again = record(api, "reviewer-nr-yu", cert["id"], outcome="SERIOUS_VIOLATION", idempotencyKey="insp-1")
    assert again["inspection"]["id"] == first["inspection"]["id"] and again["userErrors"] == []
    assert ddb_calls.calls["TransactWriteItems"] == 0
    assert len(listed(api, "reviewer-nr-yu", cert["id"])) == 1 and len(feed(ISSUER)) == 1
    # The same key for another certificate is a mistake, not a retry.
    other = issue(Case(api).approved())
    ddb_calls.reset()
    reused = record(api, "reviewer-nr-yu", other["id"], idempotencyKey="insp-1")
    assert [e["code"] for e in reused["userErrors"]] == ["IDEMPOTENCY_KEY_REUSED"]
    assert ddb_calls.calls["TransactWriteItems"] == 0 and listed(api, "reviewer-nr-yu", other["id"]) == []


def _input(cert_id: str) -> dict[str, Any]:
    return {"certificateId": cert_id, "inspectedOn": DAY.isoformat(), "outcome": "COMPLIANT", "findings": "合格"}


def _deficiency(case: Case) -> dict[str, Any]:
    missing = [m.code for m in case.item.elements.materials if m.kind.value == "secondary"][:1]
    due = (DAY + timedelta(days=3)).isoformat()
    return {"input": {"id": case.id, "missingMaterialCodes": missing, "pledgeDueOn": due}}


def _node(global_id: str) -> str:
    from strawberry import relay

    return relay.GlobalID.from_id(global_id).node_id
