"""Process-wide settings read once from the environment.

Every stage (local, dev, prod, tests) differs only in these values, so nothing else in the code
branches on the stage name except through `Settings`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


@dataclass(frozen=True)
class Settings:
    """Deployment settings; see `.chalice/config.json` for the per-stage values."""

    stage: str = "local"
    table_name: str = "uap-local-main"
    region: str = "cn-north-1"
    dynamodb_endpoint: str | None = None
    jwt_issuer: str = "uap-local-issuer"
    jwt_audience: str = "uap-api"
    # PEM text or JWKS JSON of the keys that sign bearer tokens (file path or inline).
    jwt_keys: str = ""
    max_query_depth: int = 10
    max_query_tokens: int = 2000
    max_aliases: int = 15
    # 2 MiB: room for a certificate PDF in base64 (certificateVerifyUpload); larger files go to POST /verify.
    max_body_bytes: int = 2 * 1024 * 1024
    page_max: int = 100
    page_default: int = 20
    # Electronic supervision: yellow warnings this many working days before a deadline.
    warning_lead_days: int = 2
    # SNS FIFO topic for the outbox (warnings, result push); empty = stored feeds only (local).
    events_topic_arn: str = ""
    # Public progress lookups per caller per minute.
    public_lookups_per_minute: int = 20

    @property
    def is_local(self) -> bool:
        """GraphiQL, introspection and field suggestions exist only on the local stage."""
        return self.stage == "local"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the environment once per process (Lambda reuses the process across requests)."""
    env = os.environ
    return Settings(
        stage=env.get("UAP_STAGE", "local"),
        table_name=env.get("UAP_TABLE_NAME", "uap-local-main"),
        region=env.get("AWS_DEFAULT_REGION", env.get("AWS_REGION", "cn-north-1")),
        dynamodb_endpoint=env.get("UAP_DYNAMODB_ENDPOINT") or None,
        jwt_issuer=env.get("UAP_JWT_ISSUER", "uap-local-issuer"),
        jwt_audience=env.get("UAP_JWT_AUDIENCE", "uap-api"),
        jwt_keys=env.get("UAP_JWT_KEYS", ""),
        max_query_depth=_int("UAP_MAX_QUERY_DEPTH", 10),
        max_query_tokens=_int("UAP_MAX_QUERY_TOKENS", 2000),
        max_aliases=_int("UAP_MAX_ALIASES", 15),
        max_body_bytes=_int("UAP_MAX_BODY_BYTES", 2 * 1024 * 1024),
        warning_lead_days=_int("UAP_WARNING_LEAD_DAYS", 2),
        events_topic_arn=env.get("UAP_EVENTS_TOPIC_ARN", ""),
        public_lookups_per_minute=_int("UAP_PUBLIC_LOOKUPS_PER_MINUTE", 20),
    )
