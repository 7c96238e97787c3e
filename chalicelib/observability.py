"""Logs, metrics and time budgets for operators (AWS Lambda Powertools for Python).

- **Logs**: one JSON object per line (Powertools' formatter) for every logger of ours
  (`chalicelib.*`, `signing.*`, `app`, strawberry's). Each line of a request carries its
  `correlation_id` (API Gateway's request id, or the Lambda request id of a schedule) and, once
  known, the GraphQL `operation`, the caller's `subject` and `roles`. The level comes from
  `POWERTOOLS_LOG_LEVEL` (INFO by default): Lambda's root logger would drop INFO lines otherwise.
- **Metrics**: CloudWatch embedded metric format (EMF) blobs printed to stdout; CloudWatch turns
  them into metrics in the namespace `UnifiedApproval` without any API call from the function.
  Only inside Lambda (`AWS_LAMBDA_FUNCTION_NAME` set): elsewhere stdout belongs to the CLI tools
  and the local server. `POWERTOOLS_METRICS_DISABLED=true` turns them off in Lambda too.

Logging is configured only where it is wanted (in Lambda by app.py, or a test with its own
stream): a process-wide JSON handler would otherwise hide records from pytest's `caplog`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:  # Powertools is imported where it is used: outside Lambda nothing needs it
    from aws_lambda_powertools import Logger

SERVICE = "unified-approval"
NAMESPACE = "UnifiedApproval"
# Every logger of the deployed code: children (chalicelib.services.sweep, ...) propagate to these.
APP_LOGGERS = ("chalicelib", "signing", "app", "strawberry")

_logger: Logger | None = None


def configure_logging(stream: IO[str] | None = None) -> Logger:
    """JSON lines for all our loggers at `POWERTOOLS_LOG_LEVEL` (default INFO); idempotent.
    `stream` redirects the output (tests); Powertools writes to stdout otherwise."""
    global _logger
    if _logger is None:
        from aws_lambda_powertools import Logger

        _logger = Logger(service=SERVICE, level=os.environ.get("POWERTOOLS_LOG_LEVEL", "INFO"), utc=True)
    handler = _logger.registered_handler
    if stream is not None and isinstance(handler, logging.StreamHandler):
        handler.setStream(stream)
    for name in APP_LOGGERS:
        target = logging.getLogger(name)
        target.handlers = [handler]
        target.setLevel(_logger.log_level)
        target.propagate = False  # Lambda's root handler would print WARNING lines a second time
    return _logger


def unconfigure_logging() -> None:
    """Hand our loggers back to the root logger (tests that configured JSON logging)."""
    for name in APP_LOGGERS:
        target = logging.getLogger(name)
        target.handlers = []
        target.setLevel(logging.NOTSET)
        target.propagate = True
    if _logger is not None:
        _logger.clear_state()


def is_configured() -> bool:
    return _logger is not None and logging.getLogger("chalicelib").handlers == [_logger.registered_handler]


def append_keys(**keys: Any) -> None:
    """Add fields to every following log line of this invocation (until `scope` ends)."""
    if _logger is not None:
        _logger.append_keys(**keys)


@contextmanager
def scope(correlation_id: str | None, **keys: Any) -> Iterator[None]:
    """One request or scheduled run: its lines carry `correlation_id` and `keys`; whatever was
    appended inside (operation, subject, roles) is dropped at the end, so the next request of
    this warm process starts clean."""
    if _logger is None:
        yield
        return
    _logger.clear_state()
    _logger.set_correlation_id(correlation_id)
    _logger.append_keys(**keys)
    try:
        yield
    finally:
        _logger.clear_state()


def emit(
    dimensions: Mapping[str, str],
    counts: Mapping[str, float] | None = None,
    seconds: Mapping[str, float] | None = None,
) -> None:
    """One EMF blob: `counts` (unit Count) and `seconds` (unit Seconds) under `dimensions`
    (plus `service`). Keep dimension values bounded (phase names, root fields), never user text:
    each distinct combination is a billed custom metric."""
    if not os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
        return
    from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit

    metrics = EphemeralMetrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", NAMESPACE), service=SERVICE)
    for dimension, label in dimensions.items():
        metrics.add_dimension(name=dimension, value=label)
    for name, count in (counts or {}).items():
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=count)
    for name, duration in (seconds or {}).items():
        metrics.add_metric(name=name, unit=MetricUnit.Seconds, value=duration)
    if counts or seconds:
        metrics.flush_metrics()
