"""Shared fixtures: moto DynamoDB, the seeded catalogue, a local token issuer, a GraphQL client.

Tests run against a production-like stage ("test": no introspection, no field suggestions)
unless they ask for the local one.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from infra import local_issuer

ISSUER = "uap-test-issuer"
AUDIENCE = "uap-api"
TABLE = "uap-test-main"


@pytest.fixture(scope="session")
def issuer_keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes]:
    private_path, public_path = local_issuer.ensure_keypair(tmp_path_factory.mktemp("issuer"))
    return private_path.read_bytes(), public_path.read_bytes()


@pytest.fixture(scope="session")
def seal_pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dev PKI (CA + approval-seal key/certificate) for issuing and verifying certificates."""
    from signing.devpki import ensure_bureau_seals, ensure_dev_pki, read_authorities

    folder = tmp_path_factory.mktemp("pki")
    # One seal per issuing bureau under the dev CA, and the seal registry listing them (seed 003 二(七)).
    ensure_bureau_seals(ensure_dev_pki(folder), read_authorities(SEAL_AUTHORITIES))
    return folder


SEAL_AUTHORITIES = Path(__file__).parent.parent / "infra" / "seed" / "seal_authorities.json"


def seal_env(folder: Path) -> dict[str, str]:
    """The `UAP_SEAL_*` settings the signing package reads for a dev PKI folder."""
    from signing.devpki import REGISTRY_FILE, SEALS_DIR, read_authorities

    keys = {code: str(folder / SEALS_DIR / f"{code}-key.pem") for code, _, _ in read_authorities(SEAL_AUTHORITIES)}
    return {
        "UAP_SEAL_BACKEND": "local",
        "UAP_SEAL_KEY": str(folder / "seal-key.pem"),
        "UAP_SEAL_CERT": str(folder / "seal-cert.pem"),
        "UAP_SEAL_CHAIN": str(folder / "ca.pem"),
        "UAP_SEAL_TRUST_ROOTS": str(folder / "ca.pem"),
        "UAP_SEAL_REGISTRY": str(folder / REGISTRY_FILE),
        "UAP_SEAL_KEYS": json.dumps(keys),
    }


@pytest.fixture(autouse=True)
def _aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials so nothing can ever reach a real AWS account."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "cn-north-1",
    }.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def stage_env(
    monkeypatch: pytest.MonkeyPatch, issuer_keys: tuple[bytes, bytes], tmp_path: Path, seal_pki: Path
) -> Iterator[None]:
    """Settings for a production-like 'test' stage, read fresh for this test."""
    from chalicelib.config import get_settings

    monkeypatch.setenv("UAP_STAGE", "test")
    monkeypatch.setenv("UAP_TABLE_NAME", TABLE)
    monkeypatch.setenv("UAP_JWT_ISSUER", ISSUER)
    monkeypatch.setenv("UAP_JWT_AUDIENCE", AUDIENCE)
    monkeypatch.setenv("UAP_JWT_KEYS", issuer_keys[1].decode())
    monkeypatch.delenv("UAP_DYNAMODB_ENDPOINT", raising=False)
    # Material files go to a local blob store in a per-test folder (S3 in AWS).
    monkeypatch.setenv("UAP_BLOB_BACKEND", "local")
    monkeypatch.setenv("UAP_BLOB_DIR", str(tmp_path / "blobs"))
    monkeypatch.setenv("UAP_BLOB_SECRET", "test-upload-secret")
    for name, value in seal_env(seal_pki).items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    get_settings()
    yield
    get_settings.cache_clear()


@pytest.fixture
def ddb(stage_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """An empty table in moto."""
    from moto import mock_aws

    from chalicelib.services import staff as staff_service
    from chalicelib.services.calendar import CALENDAR_CACHE
    from chalicelib.services.reference_cache import CENTRE_HIERARCHY
    from chalicelib.storage.tables import configure, create_table

    # Staff standing (token vs record) is cached per process for a bounded time: each test starts
    # with an empty cache for its fresh table, and the cache's clock stands still within a test
    # (tests/e2e/test_staff_posts.py moves it to test the bound).
    staff_service.clear_standing_cache()
    monkeypatch.setattr(staff_service, "_monotonic", lambda: 0.0)
    with mock_aws():
        configure(TABLE, None, "cn-north-1")
        create_table()
        # A new table: no arrangement loaded yet. The per-process refresh (one Query a minute in
        # production) is held off for the test so request counts stay exact however slow the
        # machine; tests/unit/test_calendar_cache.py checks the staleness bound itself.
        CALENDAR_CACHE.invalidate()
        max_age, CALENDAR_CACHE.max_age = CALENDAR_CACHE.max_age, 3600.0
        CALENDAR_CACHE.current()  # read once now, as a warm Lambda process has
        # The centre hierarchy filing routes on: empty for the new table (`seeded` reads it), held as
        # long as the test; tests/unit/test_reference_cache.py checks the bound and an administrator's
        # change being seen.
        CENTRE_HIERARCHY.invalidate()
        centres_max_age, CENTRE_HIERARCHY.max_age = CENTRE_HIERARCHY.max_age, 3600.0
        yield
        CALENDAR_CACHE.max_age = max_age
        CENTRE_HIERARCHY.max_age = centres_max_age
    configure(TABLE, None)
    CALENDAR_CACHE.invalidate()
    CENTRE_HIERARCHY.invalidate()


@pytest.fixture(scope="session")
def seed_data() -> Any:
    from infra.seed import load

    return load()


@pytest.fixture
def seeded(ddb: None, seed_data: Any) -> Any:
    from chalicelib.domain.staff import seeded_standing
    from chalicelib.services.staff import prime_standing
    from infra.seed import apply

    apply(seed_data)
    # As in a warm Lambda: the seeded staff's standing is known (request counts measure warm paths;
    # the cold path's one GetItem is tested in tests/e2e/test_staff_posts.py).
    prime_standing([seeded_standing(s, list(seed_data.posts)) for s in seed_data.staff], list(seed_data.posts))
    # Likewise the centre hierarchy filing routes on (services/reference_cache.py): read once now; the
    # cold filing's one Query more is tested in tests/e2e/test_multilevel.py.
    from chalicelib.services.reference_cache import CENTRE_HIERARCHY

    CENTRE_HIERARCHY.current()
    return seed_data


@dataclass
class Clock:
    """The application's wall clock, pinned and moved by tests (tokens keep real time)."""

    now: datetime

    def advance(self, days: int = 0, hours: int = 0, minutes: int = 0) -> None:
        self.now += timedelta(days=days, hours=hours, minutes=minutes)

    def set_china(self, day: date, hour: int = 10) -> None:
        """Set to `hour` o'clock China time on `day`."""
        self.now = datetime(day.year, day.month, day.day, hour, tzinfo=timezone(timedelta(hours=8))).astimezone(UTC)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Monday 2026-11-02, 10:00 in China, unless a test moves it."""
    pinned = Clock(datetime(2026, 11, 2, 2, 0, tzinfo=UTC))
    monkeypatch.setattr("chalicelib.services.clock.utc_now", lambda: pinned.now)
    return pinned


@dataclass
class CallCounter:
    """Counts DynamoDB API calls by operation; tests keep them at small constants."""

    calls: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.calls.values())

    def reset(self) -> None:
        self.calls.clear()


@pytest.fixture
def ddb_calls(monkeypatch: pytest.MonkeyPatch) -> CallCounter:
    from pynamodb.connection.base import Connection

    counter = CallCounter()
    original = Connection._make_api_call

    def counting(self: Connection, operation_name: str, operation_kwargs: dict[str, Any]) -> Any:
        counter.calls[operation_name] += 1
        return original(self, operation_name, operation_kwargs)

    monkeypatch.setattr(Connection, "_make_api_call", counting)
    return counter


@dataclass
class Api:
    """Drives `/graphql` through Chalice's test client, with tokens from the local issuer."""

    private_pem: bytes
    seed: Any

    def token(
        self,
        subject: str,
        roles: list[str] | None = None,
        *,
        department: str | None = None,
        centre: str | None = None,
        **kwargs: Any,
    ) -> str:
        return local_issuer.issue(
            self.private_pem,
            subject,
            roles or [],
            issuer=kwargs.pop("issuer", ISSUER),
            audience=kwargs.pop("audience", AUDIENCE),
            department=department,
            centre=centre,
            **kwargs,
        )

    def token_for(self, staff_id: str) -> str:
        """A token for a seeded staff member or demo user, with their real roles and scope."""
        for person in self.seed.staff:
            if person.id == staff_id:
                return self.token(
                    person.id,
                    sorted(r.value for r in person.roles),
                    department=person.department_id,
                    centre=person.centre_id,
                    name=person.name,
                )
        for user in self.seed.users:
            if user.id == staff_id:
                # As the portal's real-name authentication issues it: with the verified identifier.
                verified = {"custom:identifier": user.identifier} if user.identifier else None
                return self.token(user.id, sorted(r.value for r in user.roles), name=user.name, extra=verified)
        raise KeyError(staff_id)

    def posted_token(self, account: str, roles: list[str], *, department: str, centre: str) -> str:
        """A token for a window clerk the test makes up (dual-role officers and the like): the
        account gets a staff record posted as A to a window of its own, as the centre would post
        them (seed 004 三(二)), since a clerk token without a posted staff record is refused."""
        from datetime import date

        from chalicelib.domain.identity import Role
        from chalicelib.domain.staff import PostKind, Staff, StaffStatus, StaffVersion, WindowPost
        from chalicelib.services.staff import prime_standing
        from chalicelib.storage.staff_repository import StaffRepository
        from chalicelib.storage.unit_of_work import UnitOfWork

        repo = StaffRepository()
        if repo.get(account) is None:
            post = WindowPost(f"post-{account}", centre, f"{account}窗口", PostKind.COMPREHENSIVE, account, "")
            staff = Staff(
                account,
                account,
                frozenset(Role(r) for r in roles),
                department,
                centre,
                staff_number=f"T-{account}",
                established=True,
                joined_unit_on=date(2018, 1, 1),
                enforcement_cert_no=f"执{account}",
                status=StaffStatus.POSTED,
                post_ref=post.ref,
            )
            uow = UnitOfWork()
            repo.stage_post_new(uow, post)
            repo.stage_new(uow, StaffVersion(staff, "post", "test", "2026-01-01T00:00:00", "测试派驻"))
            uow.commit()
            prime_standing([staff])  # warm, as for the seeded staff (request counts stay exact)
        return self.token(account, roles, department=department, centre=centre, name=account)

    def staff_with(self, role: str) -> str:
        return next(s.id for s in self.seed.staff if role in {r.value for r in s.roles})

    def post(self, body: Any, token: str | None = None, raw: bytes | None = None) -> tuple[int, Any]:
        from chalice.test import Client

        from app import app

        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        with Client(app, stage_name="local") as client:
            response = client.http.post(
                "/graphql", headers=headers, body=raw if raw is not None else json.dumps(body).encode()
            )
        return response.status_code, json.loads(response.body) if response.body else None

    def upload(self, code: str, content: bytes, *, as_: str, file_name: str = "材料.pdf") -> dict[str, Any]:
        """Upload one material file the way a client does (materialUploadCreate, then PUT);
        returns the `MaterialFileInput` to cite it in applicationFile/applicationSupplement."""
        import hashlib

        from chalicelib.config import get_settings
        from chalicelib.storage.blobs import LocalBlobStore, blob_store_from_config

        digest = hashlib.sha256(content).hexdigest()
        body = self.gql(
            """mutation($input: MaterialUploadCreateInput!) { materialUploadCreate(input: $input) {
                upload { url blobKey } userErrors { code message } } }""",
            {"input": {"sha256": digest, "size": len(content), "contentType": "application/pdf"}},
            as_=as_,
        )
        target = body["data"]["materialUploadCreate"]["upload"]
        assert target, body
        store = blob_store_from_config(get_settings())
        assert isinstance(store, LocalBlobStore)
        store.receive(target["url"].rsplit("/", 1)[1], content, "application/pdf")  # the client's PUT
        return {
            "code": code,
            "fileName": file_name,
            "blobKey": target["blobKey"],
            "sha256": digest,
            "size": len(content),
        }

    def gql(
        self, query: str, variables: dict[str, Any] | None = None, *, as_: str | None = None, token: str | None = None
    ) -> Any:
        """Run one operation; `as_` names a seeded person whose token to send."""
        if as_ is not None:
            token = self.token_for(as_)
        status, body = self.post({"query": query, "variables": variables or {}}, token=token)
        assert status == 200, body
        return body


@pytest.fixture
def api(seeded: Any, issuer_keys: tuple[bytes, bytes]) -> Api:
    return Api(issuer_keys[0], seeded)


ROOT = Path(__file__).resolve().parent.parent


# --- the fast subset (`pytest -m fast`, CONTRIBUTING.md) -------------------------------------------
# Every unit test, plus an e2e core of the schema-wide checks (declared access rules, atomicity,
# request counts, probing) at ~15 s of CPU: ~40 s of CPU in all, measured in CONTRIBUTING.md.
# Slow-marked tests are never fast. A file named here must exist (a rename would silently drop it).
FAST_E2E = (
    "test_permissions.py",
    "test_atomicity.py",
    "test_request_counts.py",
    "test_probing.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    e2e = ROOT / "tests" / "e2e"
    missing = [name for name in FAST_E2E if not (e2e / name).is_file()]
    if missing:
        raise pytest.UsageError(f"tests/conftest.py FAST_E2E names missing files: {missing}")
    for item in items:
        path = item.path.relative_to(ROOT / "tests")
        core = path.parts[0] == "unit" or (path.parts[0] == "e2e" and path.name in FAST_E2E)
        if core and item.get_closest_marker("slow") is None:
            item.add_marker(pytest.mark.fast)
