"""Certificate numbers under concurrency, on DynamoDB Local (real transactions).

Numbers are unique per issuing authority and year with no gaps (seed 002 统一制证), and issuing
the same case twice at once yields exactly one certificate.
"""

from __future__ import annotations

import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor

from chalicelib.domain import application as da
from chalicelib.domain.certificate import Certificate
from chalicelib.domain.identity import Principal
from chalicelib.services import certificate_parts
from chalicelib.services.certificates import CertificateService
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.certificate_repository import CertificateRepository
from infra.seed import Seed, apply
from tests.integration.test_lifecycle_concurrency import APPROVER, Lifecycle

BUREAU = "bureau-sun"


class MemoryBlobs:
    """Stands in for S3 here: the subject is numbering, not storage."""

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}
        self.lock = threading.Lock()

    def put(self, key: str, data: bytes, content_type: str) -> None:
        with self.lock:
            self.data[key] = data

    def get(self, key: str) -> bytes | None:
        return self.data.get(key)


def approved(life: Lifecycle) -> da.Application:
    case = life.reviewed()
    return life.service.decide(life.principal(APPROVER), case.id, da.Outcome.APPROVED, "准予许可", "")


def service(life: Lifecycle, blobs: MemoryBlobs) -> CertificateService:
    return CertificateService(
        CertificateRepository(),
        life.service,
        CatalogueRepository(),
        blobs,
        certificate_parts.render,
        certificate_parts.seal,
        certificate_parts.verify,
    )


def bureau(life: Lifecycle) -> Principal:
    return life.principal(BUREAU)


def test_concurrent_issuance_numbers_are_unique_and_gap_free(local_table: str, seed_data: Seed) -> None:
    apply(seed_data)
    life = Lifecycle(seed_data)
    cases = [approved(life) for _ in range(5)]
    blobs = MemoryBlobs()
    with ThreadPoolExecutor(max_workers=5) as pool:
        certs: list[Certificate] = list(pool.map(lambda c: service(life, blobs).issue(bureau(life), c.id), cases))
    sequences = sorted(int(c.number.rsplit("-", 1)[1]) for c in certs)
    assert sequences == [1, 2, 3, 4, 5]
    assert len({c.application_id for c in certs}) == 5
    # Each registry record points at the stored PDF it describes (re-rendered after a lost race).
    assert all(hashlib.sha256(blobs.data[c.blob_key]).hexdigest() == c.sha256 for c in certs)
    stored = {CertificateRepository().by_number(c.number)[0].id for c in certs}  # type: ignore[index]
    assert stored == {c.id for c in certs}


def test_the_same_case_issued_twice_at_once_has_one_certificate(local_table: str, seed_data: Seed) -> None:
    apply(seed_data)
    life = Lifecycle(seed_data)
    case = approved(life)
    blobs = MemoryBlobs()
    with ThreadPoolExecutor(max_workers=2) as pool:
        first, second = pool.map(lambda _: service(life, blobs).issue(bureau(life), case.id), range(2))
    assert first.id == second.id and first.number == second.number
    found = CertificateRepository().last_sequence(first.authority_code, first.issued_on.year)
    assert found[0] == 1  # the loser's attempt consumed no number
