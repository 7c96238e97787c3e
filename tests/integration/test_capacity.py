"""Province scale in a test: a scaled day of mixed work, metered per partition (infra/CAPACITY.md).

A batch of cases runs the whole lifecycle through the services (filing, one-time notice and
supplement for some, acceptance, a review per co-reviewer, the decision, the certificate, public
progress lookups, verifications, a rating, the outbox relay) on moto. A meter wrapped around
PynamoDB's low-level call counts, for every partition key the requests touch (table and both
indexes), the write and read capacity units DynamoDB would charge: items rounded up to 1 KB
(writes) and 4 KB (reads), transactional items twice. The per-case figures are scaled to the
province peak of infra/CAPACITY.md (20 million cases a year, 250 working days, 5% of a day in
the peak hour) with the share of the province's cases that can land on one key of that pattern,
and each key must stay under half of DynamoDB's per-partition limits (1,000 WCU/s, 3,000 RCU/s).
No timing is involved: only counts.

The one partition that needed sharding is the province-wide catalogue listing (its 4 read
replicas, storage/catalogue_repository.py): with `LISTING_REPLICAS = 1` this test fails
(`LIST#ALL` at about 1,900 RCU/s against a budget of 1,500).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from chalicelib.domain import application as da
from chalicelib.domain.certificate import VerificationChannel
from chalicelib.domain.identity import Principal
from chalicelib.domain.rating import Indicators, RatingLevel
from chalicelib.domain.transaction_budget import TRANSACTION_LIMIT
from chalicelib.services.applications import MaterialRef

CASES_PER_YEAR = 20_000_000
WORKING_DAYS = 250
PEAK_HOUR_SHARE = 0.05
PEAK_CASES_PER_SECOND = CASES_PER_YEAR / WORKING_DAYS * PEAK_HOUR_SHARE / 3600  # 1.11
WCU_LIMIT, RCU_LIMIT = 1_000, 3_000
BUDGET = 0.5  # of each per-partition limit: what the note calls "within 50%" is already a finding

SIMULATED_CASES = 8
NOTICE_EVERY = 2  # every second case gets a one-time notice and a supplement
LAGGARD_EVERY = 4  # every fourth case: co-reviewers stay silent, the sweep deems consent and warns
PROGRESS_LOOKUPS = 3  # public progress lookups per case
VERIFICATIONS = 2  # third-party verifications per certificate
CATALOGUE_PAGES = 10  # province-wide catalogue pages of 50 browsed per case filed
KEYWORD_SEARCHES = 3  # keyword searches of the province-wide catalogue per case filed
KEYWORD = "zs-zrzy-001"  # matches one item: a search reads its full capped budget (4 Queries)
CATALOGUE_ITEMS = 480  # a province's published catalogue (the seed's 32 items, copied)

# Share of the province's peak work that can land on ONE key of a pattern (infra/CAPACITY.md).
PROVINCE = 1.0
CENTRE = 0.15  # the busiest centre (a capital city's) takes 15% of the province
DEPARTMENT = 0.10  # the busiest department or issuing authority, 10%
ITEM = 0.10  # the most requested item, 10%
PERSON = 0.01  # a busy clerk, reviewer or a large agency's account: 1%
ONE_CASE = 1 / (PEAK_CASES_PER_SECOND * 60)  # a case's whole life squeezed into one minute

SHARES: list[tuple[str, float]] = [  # first match wins; patterns on the partition key
    (r"^STAT#month:", PROVINCE),
    (r"^STAT#(centre):", CENTRE),
    (r"^STAT#(department):", DEPARTMENT),
    (r"^STAT#item:", ITEM),
    (r"^STAT#staff:", PERSON),
    (r"^DUE#", PROVINCE),
    (r"^OUTBOX#PENDING$", PROVINCE),
    (r"^INBOX#rejection#supervision$", PROVINCE),
    (r"^LEDGER#", PROVINCE),
    (r"^(LIST#ALL(#\d+)?|CENTRES|DEPTS|CALENDAR.*|BULLETINS|MEMOS|TIERS)$", PROVINCE),
    (r"^(VIOLATIONS|CONDUCTS)#", PROVINCE),
    (r"^COMPLAINTS#", PROVINCE),
    (r"^SEQ#CERT#", CENTRE),  # the approval bureau issues for its whole centre (one seal)
    (r"^(INBOX#(intake|issuance|revocation_review)#|OPEN#CENTRE#|LIST#CENTRE#|CENTRE#|POSTWORK#|WINAUTH#)", CENTRE),
    (r"^(BLACKLIST#|PERSONNEL#|BULLETIN#)", CENTRE),
    (r"^(INBOX#|OPEN#DEPT#|LIST#DEPT#|DEPT#|DEPTREF#|VIOLATION#|VIOLSEQ#|WARNINGS#|RATINGS#|RECTIF)", DEPARTMENT),
    (r"^(NOTIFY#department:|INSPECTIONS#|COUNTERPART#|CPWARN#|DEPTWINDOW#)", DEPARTMENT),
    (r"^ITEM#", ITEM),
    (r"^(STAFF#|NOTIFY#|IDEM#|APPLICANT#|HOLDER#|CREDIT#|IDENTITY#|ACCOUNT#|AGENT#|CONSULTEE#)", PERSON),
    (r"^(CONDUCT#|CONDUCTSEQ#|HEADWORK#|REFERRALS#|RATE#|COMPLAINANT#)", PERSON),
    (r"^(APP#|TRACK#|CERT#|CERTNO#|CERTCODE#|CERTSHA#|MSG#|WARN#|RATING#|CHARGE#|VERIFYLOG#)", ONE_CASE),
    (r"^(HEADOVERSIGHT#|INSPECT#|CONSULT#|COMPLAINT#)", ONE_CASE),
    # issue 13: licence identifiers, renewals and written decisions per case; status lists per bureau;
    # the pending written decisions (GSI2) and the certificate-type registry province-wide
    (r"^(CERTLID#|RENEWAL#|WDOC#(?!PENDING$)|WDOCSHA#|WDOCS#)", ONE_CASE),
    (r"^(STATUSLIST#|DEPTS#)", CENTRE),
    (r"^(WDOC#PENDING|CTYPES)$", PROVINCE),
    (r"^CTYPE#", ITEM),
]


def share_of(pk: str) -> float:
    for pattern, share in SHARES:
        if re.match(pattern, pk):
            return share
    raise AssertionError(f"no share stated for partition {pk!r}: add its pattern to CAPACITY.md and SHARES")


def _size(value: dict[str, Any]) -> int:
    """DynamoDB's item-size rules, closely enough to round to the right KB."""
    ((kind, inner),) = value.items()
    if kind == "S":
        return len(inner.encode())
    if kind == "N":
        return len(inner.lstrip("-").replace(".", "")) // 2 + 2
    if kind == "B":
        return len(inner)
    if kind in ("SS", "NS", "BS"):
        return sum(len(str(v).encode()) for v in inner)
    if kind == "L":
        return 3 + sum(1 + _size(v) for v in inner)
    if kind == "M":
        return 3 + sum(len(k.encode()) + 1 + _size(v) for k, v in inner.items())
    return 1


def item_size(item: dict[str, Any]) -> int:
    return sum(len(name.encode()) + _size(value) for name, value in item.items())


@dataclass
class PartitionMeter:
    """Capacity units per partition key (table and index partitions), as DynamoDB would charge."""

    wcu: Counter[str] = field(default_factory=Counter)
    rcu: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))  # halves: eventual reads
    sizes: dict[str, int] = field(default_factory=dict)  # largest item seen per partition
    operation: str = "-"  # the use case running now (set by the simulation)
    transactions: dict[str, int] = field(default_factory=dict)  # use case -> most items in one

    def reset(self) -> None:
        self.wcu.clear()
        self.rcu.clear()

    def _write(self, item: dict[str, Any], size: int, factor: int) -> None:
        pk = item["PK"]["S"]
        units = factor * max(1, math.ceil(size / 1024))
        self.wcu[pk] += units
        self.sizes[pk] = max(self.sizes.get(pk, 0), size)
        for index in ("GSI1PK", "GSI2PK"):  # a put that carries an index key writes the index too
            if index in item:
                self.wcu[f"{index[:4]}:{item[index]['S']}"] += max(1, math.ceil(size / 1024))

    def _read(self, pk: str, size: int, consistent: bool, factor: float = 1.0) -> None:
        self.rcu[pk] += factor * max(1, math.ceil(size / 4096)) * (1.0 if consistent else 0.5)

    def scale_since(self, wcu: Counter[str], rcu: dict[str, float], times: int) -> None:
        """Count what happened since the snapshot `times` times in all (a repeated read)."""
        for key in set(self.rcu):
            self.rcu[key] = rcu.get(key, 0.0) + (self.rcu[key] - rcu.get(key, 0.0)) * times
        for key in set(self.wcu):
            self.wcu[key] = wcu[key] + (self.wcu[key] - wcu[key]) * times

    def record(self, operation: str, kwargs: dict[str, Any], response: Any) -> None:
        if operation == "TransactWriteItems":
            size = len(kwargs["TransactItems"])
            self.transactions[self.operation] = max(self.transactions.get(self.operation, 0), size)
            for entry in kwargs["TransactItems"]:
                ((_kind, body),) = entry.items()
                item = body.get("Item") or body["Key"]
                self._write(item, item_size(item), 2)
        elif operation == "PutItem":
            self._write(kwargs["Item"], item_size(kwargs["Item"]), 1)
        elif operation in ("UpdateItem", "DeleteItem"):
            self._write(kwargs["Key"], item_size(kwargs["Key"]), 1)
        elif operation == "GetItem":
            item = (response or {}).get("Item") or kwargs["Key"]
            self._read(kwargs["Key"]["PK"]["S"], item_size(item), bool(kwargs.get("ConsistentRead")))
        elif operation == "BatchGetItem":
            for table, found in (response or {}).get("Responses", {}).items():
                consistent = bool(kwargs["RequestItems"][table].get("ConsistentRead"))
                for item in found:
                    self._read(item["PK"]["S"], item_size(item), consistent)
        elif operation == "Query":
            index = kwargs.get("IndexName")
            names = kwargs.get("ExpressionAttributeNames", {})
            hash_name = next(k for k, v in names.items() if v in ("PK", "GSI1PK", "GSI2PK"))
            found = re.search(re.escape(hash_name) + r"\s*=\s*(:\w+)", kwargs["KeyConditionExpression"])
            assert found is not None, kwargs
            pk_value = kwargs["ExpressionAttributeValues"][found.group(1)]["S"]
            pk = f"{index[:4]}:{pk_value}" if index else pk_value
            size = sum(item_size(i) for i in (response or {}).get("Items", []))
            self._read(pk, size, bool(kwargs.get("ConsistentRead")))


@pytest.fixture
def meter(monkeypatch: pytest.MonkeyPatch) -> Iterator[PartitionMeter]:
    from pynamodb.connection.base import Connection

    found = PartitionMeter()
    original = Connection._make_api_call

    def metered(self: Connection, operation_name: str, operation_kwargs: dict[str, Any]) -> Any:
        response = original(self, operation_name, operation_kwargs)
        charged = response
        if operation_name == "Query" and "FilterExpression" in operation_kwargs:
            # DynamoDB charges a filtered Query for every item it evaluated, matched or not.
            unfiltered = {k: v for k, v in operation_kwargs.items() if k != "FilterExpression"}
            used = str(operation_kwargs["FilterExpression"])
            unfiltered["ExpressionAttributeNames"] = {
                k: v
                for k, v in operation_kwargs.get("ExpressionAttributeNames", {}).items()
                if k in operation_kwargs["KeyConditionExpression"]
            }
            unfiltered["ExpressionAttributeValues"] = {
                k: v
                for k, v in operation_kwargs.get("ExpressionAttributeValues", {}).items()
                if k in operation_kwargs["KeyConditionExpression"] and k not in used
            }
            charged = original(self, operation_name, unfiltered)
        found.record(operation_name, operation_kwargs, charged)
        return response

    monkeypatch.setattr(Connection, "_make_api_call", metered)
    yield found


LEAD_REVIEWER, CO_REVIEWERS = "reviewer-nr-yu", ("reviewer-housing-xie", "reviewer-fire-yao")
CLERK, APPROVER, PRODUCER, APPLICANT = "clerk-li", "approver-nr-chen", "bureau-sun", "applicant-wang"
JOINT_ITEM = "ZS-ZRZY-001"  # lead city-natural-resources, co-reviewers city-housing and city-fire


class Province:
    """The seed's staff as principals, each with the request context the API would build."""

    def __init__(self, seed: Any, meter: PartitionMeter) -> None:
        from chalicelib.config import get_settings

        self.seed = seed
        self.meter = meter
        self.settings = get_settings()
        self.blobs: dict[str, tuple[int, str]] = {}
        self.item = next(i for i in seed.items if i.code == JOINT_ITEM)
        self.filed = 0

    def principal(self, person_id: str) -> Principal:
        for staff in self.seed.staff:
            if staff.id == person_id:
                return Principal(
                    staff.id, frozenset(staff.roles), department_id=staff.department_id, centre_id=staff.centre_id
                )
        user = next(u for u in self.seed.users if u.id == person_id)
        return Principal(user.id, frozenset(user.roles), identifier=user.identifier or None)

    def ctx(self, person_id: str, caller_key: str = "anonymous") -> Any:
        from chalicelib.api.context import RequestContext

        context = RequestContext(self.principal(person_id), self.settings, caller_key=caller_key)
        context.applications.blob_check = self.blobs.get  # material files: a dict double of S3
        return context

    def materials(self, codes: list[str]) -> list[MaterialRef]:
        refs: list[MaterialRef] = []
        for code in codes:
            content = f"{self.filed}/{code}".encode()
            key = f"materials/{APPLICANT}/{self.filed:04d}-{code}"
            self.blobs[key] = (len(content), hashlib.sha256(content).hexdigest())
            refs.append(MaterialRef(code, f"{code}.pdf", key, self.blobs[key][1], len(content)))
        return refs

    def worklist(self, who: Any, queue: str, scope: str | None) -> None:
        """A staff member opens the worklist page before acting (one Query of 50 rows)."""
        who.application_reads.page_inbox(queue, scope or "-", 50, None)

    def one_case(self, with_notice: bool, laggard: bool) -> str:
        """A case's life: what infra/CAPACITY.md's per-case mix counts."""
        from tests.forms import answers

        self.filed += 1
        codes = [m.code for m in self.item.elements.materials]
        first = codes[1:] if with_notice else codes
        verified = next(u.identifier for u in self.seed.users if u.id == APPLICANT)
        applicant = da.Applicant(APPLICANT, "王海", verified)
        me = self.ctx(APPLICANT)
        self.meter.operation = "file"
        case = me.applications.file(
            me.principal,
            JOINT_ITEM,
            "zs-city",
            applicant,
            self.materials(first),
            da.Channel.ONLINE,
            key=f"file-{self.filed}",
            form_data=answers(self.item.elements.form),
        )
        clerk = self.ctx(CLERK)
        self.worklist(clerk, "intake", clerk.principal.centre_id)
        if with_notice:
            entry = da.NoticeEntry(codes[0], da.Problem.MISSING, "未提交", "《行政许可法》第三十二条", "")
            self.meter.operation = "notice"
            clerk.applications.issue_notice(clerk.principal, case.id, [entry], "补正后重新提交")
            self.meter.operation = "supplement"
            me.applications.supplement(me.principal, case.id, self.materials(codes[:1]))
        self.meter.operation = "accept"
        clerk.applications.accept(clerk.principal, case.id)
        for reviewer in (LEAD_REVIEWER,) if laggard else (LEAD_REVIEWER, *CO_REVIEWERS):
            who = self.ctx(reviewer)
            self.worklist(who, "review", who.principal.department_id)
            self.meter.operation = "review"
            who.applications.review(who.principal, case.id, da.Opinion.AGREE, "符合要求")
        if laggard:
            return case.id  # the sweep deems the silent co-reviewers' consent; decided afterwards
        self.finish(case.id, case.tracking_code)
        return case.id

    def finish(self, case_id: str, tracking_code: str) -> None:
        """Decision, certificate, public lookups, verifications and the rating."""
        case_id_ = case_id
        approver = self.ctx(APPROVER)
        self.worklist(approver, "decision", approver.principal.department_id)
        self.meter.operation = "decide"
        approver.applications.decide(approver.principal, case_id_, da.Outcome.APPROVED, "准予许可", "")
        producer = self.ctx(PRODUCER)
        self.worklist(producer, "issuance", producer.principal.centre_id)
        self.meter.operation = "issue certificate"
        certificate = producer.certificates.issue(producer.principal, case_id_)
        public = self.ctx(APPLICANT, caller_key=f"ip:10.0.{self.filed}.{len(case_id)}")
        self.meter.operation = "public progress"
        for _ in range(PROGRESS_LOOKUPS):
            public.public_progress.progress(tracking_code, public.caller_key)
        self.meter.operation = "verify"
        for n in range(VERIFICATIONS):
            found = public.certificates.lookup(number=None, code=certificate.verification_code)
            assert found is not None
            public.certificates.verify_registered(
                found, VerificationChannel.GRAPHQL_LOOKUP, f"ip:10.1.{self.filed}.{n}"
            )
        me = self.ctx(APPLICANT)
        self.meter.operation = "rate"
        me.ratings.rate(
            me.principal, case_id_, RatingLevel.SATISFIED, Indicators(5, 5, 4, 5), "办事快", key=f"rate-{case_id_}"
        )


def province_catalogue(seed: Any) -> None:
    """Copies of the seed's items under new codes, up to a province's catalogue size, so a page
    is a full 50 rows and a rare keyword reads as far as a search may (the seed has 32 items)."""
    from dataclasses import replace

    from chalicelib.storage.catalogue_repository import CatalogueRepository

    repo = CatalogueRepository()
    stored = repo.items_by_code([i.code for i in seed.items])
    originals = [stored[code] for code in sorted(stored) if stored[code].is_listed]
    chains = []
    for n in range(CATALOGUE_ITEMS - len(originals)):
        item = replace(originals[n % len(originals)], code=f"ZS-CAP-{n:04d}", version=1)
        chains.append([dc_version(item)])
    repo.import_items(chains)


def dc_version(item: Any) -> Any:
    from chalicelib.domain.catalogue import ChangeKind, ItemVersion

    return ItemVersion(item, ChangeKind.ADD, "admin-capacity", "2026-01-01T00:00:00+00:00", "容量测试")


@dataclass(frozen=True)
class Load:
    key: str
    wcu_per_s: float
    rcu_per_s: float
    share: float
    largest_item: int


def province_peak(meter: PartitionMeter, cases: int) -> list[Load]:
    """Each partition's units per simulated case, times the province's peak case rate, times the
    share of the province that one key of its pattern can carry."""
    loads = []
    for key in sorted(set(meter.wcu) | set(meter.rcu)):
        pk = key.split(":", 1)[1] if key.startswith(("GSI1:", "GSI2:")) else key
        share = share_of(pk)
        # A key of one case (or one person) carries what that case did, not the batch's average.
        rate = 1 / 60 if share == ONE_CASE else PEAK_CASES_PER_SECOND * share / cases
        loads.append(Load(key, meter.wcu[key] * rate, meter.rcu[key] * rate, share, meter.sizes.get(key, 0)))
    return loads


def test_province_peak_fits_every_partition(seeded: Any, clock: Any, meter: PartitionMeter) -> None:
    from chalicelib.domain.working_days import DEFAULT_CALENDAR
    from chalicelib.services.outbox import Relay
    from chalicelib.services.sweep import sweep
    from chalicelib.storage.application_repository import ApplicationRepository

    province = Province(seeded, meter)
    meter.reset()
    laggards = []
    for n in range(SIMULATED_CASES):
        case_id = province.one_case(with_notice=n % NOTICE_EVERY == 0, laggard=n % LAGGARD_EVERY == LAGGARD_EVERY - 1)
        if n % LAGGARD_EVERY == LAGGARD_EVERY - 1:
            laggards.append(case_id)
        clock.advance(hours=1)
    meter.operation = "outbox relay"
    Relay().run()
    clock.advance(days=14)  # past the co-reviewers' deadlines: warnings, deemed consent
    meter.operation = "sweep"
    sweep(ApplicationRepository(DEFAULT_CALENDAR))
    for case_id in laggards:
        head = ApplicationRepository(DEFAULT_CALENDAR).get(case_id)
        assert head is not None and head[0].state is da.State.IN_REVIEW, head and head[0].state
        province.finish(case_id, head[0].tracking_code)
    meter.operation = "outbox relay"
    Relay().run()
    # Public catalogue traffic per filed case: one page and one search of each replica, counted
    # as many times as the mix says (the reads do not change with repetition, only the counts).
    from chalicelib.storage.catalogue_repository import LISTING_REPLICAS

    reader = province.ctx(APPLICANT)
    # (Loaded only now: moto copies the whole table for every transaction, and the lifecycle's
    # transactions do not read the catalogue's listings.)
    province_catalogue(seeded)
    for keyword, per_case in ((None, CATALOGUE_PAGES), (KEYWORD, KEYWORD_SEARCHES)):
        wcu, rcu = Counter(meter.wcu), dict(meter.rcu)
        for _ in range(LISTING_REPLICAS):  # each replica in turn, as a fleet of processes would
            reader.catalogue_reads.page_published("LIST#ALL", keyword, 50, None)
        print(
            f"catalogue {'search' if keyword else 'page'}: {(sum(meter.rcu.values()) - sum(rcu.values())) / LISTING_REPLICAS} RCU"
        )
        meter.scale_since(wcu, rcu, SIMULATED_CASES * per_case // LISTING_REPLICAS)
    loads = province_peak(meter, SIMULATED_CASES)
    report = "\n".join(
        f"{load.key:60s} {load.wcu_per_s:9.3f} WCU/s {load.rcu_per_s:9.3f} RCU/s share {load.share:.4f}"
        for load in sorted(loads, key=lambda x: -max(x.wcu_per_s / WCU_LIMIT, x.rcu_per_s / RCU_LIMIT))
    )
    print(report)
    print("\n".join(f"transaction {op:20s} {n:3d} items" for op, n in sorted(meter.transactions.items())))
    # Every change fits one TransactWriteItems (domain/transaction_budget.py bounds the largest).
    assert max(meter.transactions.values()) <= TRANSACTION_LIMIT, meter.transactions
    over = [load for load in loads if load.wcu_per_s > BUDGET * WCU_LIMIT or load.rcu_per_s > BUDGET * RCU_LIMIT]
    assert not over, report
