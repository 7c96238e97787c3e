"""What operators see (issue 16, point 3): JSON log lines with the request's correlation id,
operation, subject and roles; EMF metrics; an error id shared by the masked answer and its log
line; scheduled runs that fail after every phase ran, and that stop before Lambda's timeout.

Requests go through the Lambda entry point itself (`app.app(event, context)`, an API Gateway
proxy event with a request id), as in AWS, so the middleware and the log configuration are
the deployed ones.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from chalicelib import observability
from chalicelib.domain.notification import Message, MessageKind, make_message
from chalicelib.domain.working_days import DEFAULT_CALENDAR
from chalicelib.services import sweep as sweep_module
from chalicelib.services.budget import Budget
from chalicelib.services.outbox import NoChannel, Relay, RelayFailed, scheduled_relay
from chalicelib.storage.application_repository import ApplicationRepository
from chalicelib.storage.outbox_repository import OutboxRepository
from chalicelib.storage.unit_of_work import UnitOfWork
from tests.conftest import Api, Clock
from tests.flows import Case


@pytest.fixture(autouse=True)
def _in_lambda(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the Lambda runtime sets; metrics are written only there."""
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "uap-prod-api")


@pytest.fixture
def logs() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    observability.configure_logging(stream)
    yield stream
    observability.unconfigure_logging()


def _lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def _emf(out: str) -> list[dict[str, Any]]:
    return [blob for line in out.splitlines() if line.startswith("{") and "_aws" in (blob := json.loads(line))]


# What EventBridge sends a scheduled function.
SCHEDULED_EVENT = {
    "version": "0",
    "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "account": "123456789012",
    "time": "2026-11-02T02:00:00Z",
    "region": "cn-north-1",
    "resources": ["arn:aws-cn:events:cn-north-1:123456789012:rule/uap-prod-sweep"],
    "detail": {},
}


class Context:
    """Lambda's context object as the runtime passes it: a request id and the time left."""

    def __init__(self, remaining: list[int] | None = None) -> None:
        self.aws_request_id = "lambda-req-1"
        self.function_name = "unified-approval-prod"
        self.memory_limit_in_mb = 512
        self.invoked_function_arn = "arn:aws-cn:lambda:cn-north-1:123456789012:function:unified-approval-prod"
        self.remaining = remaining or []

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining.pop(0) if len(self.remaining) > 1 else (self.remaining or [600_000])[0]


def _invoke(body: dict[str, Any], token: str | None = None, request_id: str = "apigw-req-42") -> tuple[int, Any, dict]:
    from app import app

    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    event = {
        "resource": "/graphql",
        "path": "/graphql",
        "httpMethod": "POST",
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/graphql",
            "httpMethod": "POST",
            "path": "/api/graphql",
            "requestId": request_id,
            "stage": "api",
            "identity": {"sourceIp": "203.0.113.9"},
        },
        "body": json.dumps(body),
        "isBase64Encoded": False,
    }
    response = app(event, Context())
    return response["statusCode"], json.loads(response["body"]), response["headers"]


def test_log_lines_carry_correlation_id_operation_subject_and_roles(api: Api, logs: io.StringIO) -> None:
    staff = api.staff_with("supervisor")
    status, body, headers = _invoke({"query": "query Who { me { subject roles } }"}, api.token_for(staff))
    assert status == 200 and body["data"]["me"]["subject"] == staff
    assert headers["x-request-id"] == "apigw-req-42"
    (done,) = [line for line in _lines(logs) if line["message"] == "graphql query:me done"]
    assert done["level"] == "INFO"  # kept: the level is INFO, not Lambda's WARNING default
    assert done["correlation_id"] == "apigw-req-42"
    assert done["operation"] == "Who" and done["subject"] == staff and "supervisor" in done["roles"]
    assert done["service"] == "unified-approval" and done["errors"] == 0 and done["path"] == "/graphql"

    # The next request of this warm process starts clean: anonymous, another id, no operation name.
    _invoke({"query": "{ centres { edges { node { name } } } }"}, request_id="apigw-req-43")
    last = _lines(logs)[-1]
    assert (last["correlation_id"], last["subject"], last["roles"]) == ("apigw-req-43", "anonymous", [])
    assert last["operation"] == "query:centres"


def test_request_metrics_are_emf_per_operation(api: Api, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    _invoke({"query": "{ centres { edges { node { name } } } }"})
    _invoke({"query": '{ application(id: "bad") { id } }'}, api.token_for("applicant-wang"))
    blobs = _emf(capsys.readouterr().out)
    by_operation = {b["operation"]: b for b in blobs if "Requests" in b}
    centres, application = by_operation["query:centres"], by_operation["query:application"]
    assert (centres["Requests"], centres["Errors"], centres["ClientErrors"]) == ([1.0], [0.0], [0.0])
    assert (application["Requests"], application["Errors"], application["ClientErrors"]) == ([1.0], [0.0], [1.0])
    directive = centres["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == "UnifiedApproval"
    assert directive["Dimensions"] == [["operation", "service"]]
    assert {m["Name"] for m in directive["Metrics"]} == {"Requests", "Errors", "ClientErrors"}


def test_a_free_text_operation_name_is_no_metric_dimension(api: Api, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    _invoke({"query": "query Whatever123 { nope }"})  # invalid: no such field
    (blob,) = [b for b in _emf(capsys.readouterr().out) if "Requests" in b]
    assert blob["operation"] == "query:invalid" and blob["ClientErrors"] == [1.0]


def test_masked_error_carries_an_error_id_found_in_the_log(
    api: Api, logs: io.StringIO, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from chalicelib.storage.catalogue_repository import CatalogueRepository

    def broken(self: CatalogueRepository, first: int, after: str | None) -> Any:
        raise RuntimeError("secret internals: table uap-prod-main unreachable")

    monkeypatch.setattr(CatalogueRepository, "centres_page", broken)
    capsys.readouterr()
    status, body, _ = _invoke({"query": "{ centres { edges { node { name } } } }"})
    (error,) = body["errors"]
    assert status == 200 and "secret" not in json.dumps(body, ensure_ascii=False)
    assert error["message"] == "服务内部错误,请稍后重试"
    assert error["extensions"]["code"] == "INTERNAL_ERROR"
    error_id = error["extensions"]["errorId"]
    assert len(error_id) == 32
    (logged,) = [line for line in _lines(logs) if line.get("error_id") == error_id]
    assert logged["level"] == "ERROR" and logged["correlation_id"] == "apigw-req-42"
    assert "RuntimeError: secret internals" in logged["exception"]  # the traceback, for operators only
    (blob,) = [b for b in _emf(capsys.readouterr().out) if "Requests" in b]
    assert blob["Errors"] == [1.0] and blob["ClientErrors"] == [0.0]


# --- scheduled runs -----------------------------------------------------------------------------

#: every phase of the hourly sweep, in order
PHASES = (
    "calendar",
    "renewals",
    "deadlines",
    "rectifications",
    "certificate_status",
    "certificate_expired",
    "certificate_retimestamped",
    "oversight",
    "referrals",
    "handovers",
    "written_decisions",
    "outbox_delivered",
)


def test_a_failing_sweep_phase_fails_the_invocation_after_the_other_phases_ran(
    seeded: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], logs: io.StringIO
) -> None:
    import app as app_module

    _write(_message(1))

    def broken_expiry(*args: Any) -> int:
        raise RuntimeError("certificate registry unavailable")

    monkeypatch.setattr(sweep_module, "expire_certificates", broken_expiry)
    monkeypatch.setattr("chalicelib.services.outbox.channel_from_settings", NoChannel)
    capsys.readouterr()
    with pytest.raises(sweep_module.ScheduledRunFailed, match="certificate_expired"):
        app_module.deadline_sweep(SCHEDULED_EVENT, Context())
    # The phase after the failing one still ran: the pending message was delivered.
    assert OutboxRepository().pending() == []
    blobs = {b["phase"]: b for b in _emf(capsys.readouterr().out)}
    assert set(blobs) == set(PHASES)
    assert blobs["certificate_expired"]["PhaseFailed"] == [1.0]
    assert blobs["outbox_delivered"]["OutboxDelivered"] == [1.0] and blobs["outbox_delivered"]["PhaseFailed"] == [0.0]
    assert blobs["deadlines"]["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["phase", "service"]]
    failed = [line for line in _lines(logs) if line["message"].startswith("scheduled certificate_expired failed")]
    assert failed and failed[0]["correlation_id"] == "lambda-req-1" and failed[0]["function"] == "deadline_sweep"


def test_a_clean_sweep_returns_normally_with_its_metrics(seeded: Any, capsys: pytest.CaptureFixture[str]) -> None:
    import app as app_module

    capsys.readouterr()
    done = app_module.deadline_sweep(SCHEDULED_EVENT, Context())
    assert done["outbox_delivered"] == 0
    blobs = _emf(capsys.readouterr().out)
    assert all(b["PhaseFailed"] == [0.0] and b["CasesFailed"] == [0.0] for b in blobs) and len(blobs) == len(PHASES)


def test_the_sweep_stops_before_the_timeout_and_the_next_run_takes_the_rest(api: Api, clock: Clock) -> None:
    Case(api, "ZS-SCJG-004").accepted()
    Case(api, "ZS-SCJG-004").accepted()
    clock.set_china(date(2026, 11, 2), 21)
    repo = ApplicationRepository(DEFAULT_CALENDAR)
    # Plenty of time for the first case; then only the reserve is left.
    budget = Budget.of(Context([600_000, sweep_module.SWEEP_RESERVE_MS]), sweep_module.SWEEP_RESERVE_MS)
    first = sweep_module.sweep(repo, budget=budget)
    assert (first["warning_yellow"], first["stopped_early"]) == (1, 1)
    second = sweep_module.sweep(repo)
    assert (second["warning_yellow"], second["stopped_early"]) == (1, 0)


def test_a_spent_budget_defers_the_later_phases(seeded: Any) -> None:
    done = sweep_module.run_sweep(Budget.of(Context([1_000]), sweep_module.SWEEP_RESERVE_MS))
    assert done == {f"{phase}_deferred": 1 for phase in PHASES}


def _message(n: int) -> Message:
    return make_message(
        MessageKind.WARNING,
        ("observability", str(n)),
        ("reviewer-x",),
        f"测试消息{n}",
        f"case-{n}",
        f"2026-11-02T02:0{n}:00+00:00",
    )


def _write(message: Message) -> None:
    uow = UnitOfWork()
    OutboxRepository().stage(uow, message)
    uow.commit()


def test_the_relay_stops_before_the_timeout_and_reports_the_backlog(
    seeded: Any, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    for n in (1, 2, 3):
        _write(_message(n))
    clock.set_china(date(2026, 11, 2), 11)  # 03:00 UTC
    capsys.readouterr()
    # Time for one message, then only the reserve.
    context = Context([600_000, 600_000, 5_000])
    assert scheduled_relay(context, Relay(channel=NoChannel())) == 1
    (blob,) = _emf(capsys.readouterr().out)
    assert blob["OutboxDelivered"] == [1.0] and blob["StoppedEarly"] == [1.0]
    assert blob["OutboxBacklog"] == [2.0] and blob["OutboxOldestAge"] == [58 * 60.0]  # message 2, from 02:02
    assert {m["Name"]: m["Unit"] for m in blob["_aws"]["CloudWatchMetrics"][0]["Metrics"]}[
        "OutboxOldestAge"
    ] == "Seconds"
    assert scheduled_relay(Context(), Relay(channel=NoChannel())) == 2  # the next run takes the rest
    (blob,) = _emf(capsys.readouterr().out)
    assert (blob["OutboxBacklog"], blob["OutboxOldestAge"], blob["StoppedEarly"]) == ([0.0], [0.0], [0.0])


def test_a_message_that_cannot_be_published_fails_the_relay_after_the_others(
    seeded: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    poisoned = _message(1)
    for message in (poisoned, _message(2), _message(3)):
        _write(message)

    class RefusesOne:
        def publish(self, message: Message) -> None:
            if message.id == poisoned.id:
                raise ConnectionError("SNS refused it")

    capsys.readouterr()
    with pytest.raises(RelayFailed, match="1 outbox messages"):
        scheduled_relay(Context(), Relay(channel=RefusesOne()))
    assert OutboxRepository().pending() == [poisoned]  # the other two were delivered
    (blob,) = _emf(capsys.readouterr().out)
    assert (blob["OutboxDelivered"], blob["OutboxPublishFailed"], blob["OutboxBacklog"]) == ([2.0], [1.0], [1.0])


def test_certificates_issued_and_verification_results_are_counted(api: Api, capsys: pytest.CaptureFixture[str]) -> None:
    import base64

    from tests.e2e.test_certificates import UPLOAD, issued, pdf_of

    capsys.readouterr()
    _, cert = issued(api)
    pdf = pdf_of(api, cert["id"], "applicant-wang")
    for sample in (pdf, pdf[: len(pdf) // 2]):
        api.gql(UPLOAD, {"pdf": base64.b64encode(sample).decode()})
    blobs = _emf(capsys.readouterr().out)
    (issue,) = [b for b in blobs if "CertificatesIssued" in b]
    assert issue["action"] == "issued" and issue["CertificatesIssued"] == [1.0]
    verifications = [(b["channel"], b["indication"], b["Verifications"]) for b in blobs if "Verifications" in b]
    assert verifications == [("graphql-upload", "PASSED", [1.0]), ("graphql-upload", "FAILED", [1.0])]
    directive = next(b for b in blobs if "Verifications" in b)["_aws"]["CloudWatchMetrics"][0]
    assert directive["Dimensions"] == [["channel", "indication", "service"]]
