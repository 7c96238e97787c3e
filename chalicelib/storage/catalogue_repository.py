"""Catalogue storage: centres, departments, staff, window posts and versioned service items.

Key scheme (see infra/ACCESS_PATTERNS.md):
    CENTRE#<id> / #              centre            GSI1: CENTRES / <level rank>#<id>
    CENTRE#<id> / POST#<id>      window post
    DEPT#<id>   / #              department        GSI1: DEPTS / <id>, GSI2: DEPTS#<centre> / <id>
    STAFF#<id>  / #              staff member      GSI1: STAFF#<department> / <id>
    ITEM#<code> / #              current version (head, guarded by its revision)
    ITEM#<code> / V#<000001>     immutable version with who/when/why
    LIST#ALL | LIST#CENTRE#<id> | LIST#DEPT#<id> / <code>
                                 published-item listings: one Query serves a catalogue page; each
                                 row holds the item, its keyword text and its listing summary (a
                                 page the summary answers reads only that: `published_summaries`)
    LIST#ALL#<1..3> / <code>     read replicas of LIST#ALL (infra/CAPACITY.md): the province-wide
                                 listing is the one partition every public page and keyword search
                                 reads; each read takes one replica, so no page costs an extra request
    DEPTREF#<department> / <code>
                                 the item names the department (lead, co-reviewer, supervising,
                                 a delegation's); written when a version first names it, never
                                 deleted: readers check the item's head (a stale row is harmless)
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable
from typing import Any

from chalicelib.domain.catalogue import (
    Centre,
    CentreLevel,
    Department,
    DepartmentKind,
    ItemVersion,
    ServiceItem,
    Staff,
    WindowPost,
)
from chalicelib.domain.department_references import named_departments
from chalicelib.domain.listing_summary import ListingSummary, listing_summary
from chalicelib.storage.batch_reads import Ref
from chalicelib.storage.codec import decode_as, encode
from chalicelib.storage.decoded_documents import decoded_data, text_decoder
from chalicelib.storage.pagination import Page, cursor_partition, query_items_page, query_page
from chalicelib.storage.raw_items import batch_get_raw
from chalicelib.storage.tables import Record
from chalicelib.storage.unit_of_work import UnitOfWork

HEAD = "#"
_LEVEL_RANK = {
    CentreLevel.CITY: 1,
    CentreLevel.DISTRICT: 2,
    CentreLevel.ZONE: 3,
    CentreLevel.TOWNSHIP: 4,
    CentreLevel.COMMUNITY: 5,
}
BATCH_GET_MAX = 100
_PK: str = Record.pk.attr_name


ALL_LISTING = "LIST#ALL"
# Copies of the province-wide listing (the first keeps the key `LIST#ALL`). At province peak its
# pages and keyword searches would take most of one partition's 3,000 RCU/s (infra/CAPACITY.md);
# each copy is a partition of its own and a read goes to one copy only. A catalogue change writes
# every copy in its transaction (3 more items per item changed).
LISTING_REPLICAS = 4
_next_replica = itertools.count()


def listing_replicas() -> list[str]:
    return [ALL_LISTING, *(f"{ALL_LISTING}#{n}" for n in range(1, LISTING_REPLICAS))]


def listing_scopes(item: ServiceItem) -> set[str]:
    """Every listing partition a published item appears in (empty once cancelled/merged)."""
    if not item.is_listed:
        return set()
    scopes = {*listing_replicas(), f"LIST#DEPT#{item.elements.department_id}"}
    scopes.update(f"LIST#CENTRE#{c}" for c in item.centre_ids)
    return scopes


def read_partition(scope: str, after: str | None) -> str:
    """The partition that serves a page of `scope`: for the province-wide listing, the next
    replica in turn (per process: spread across the fleet), or the one a cursor was made on."""
    if scope != ALL_LISTING:
        return scope
    replicas = listing_replicas()
    if after is not None:
        started = cursor_partition(after)
        return started if started in replicas else scope  # a foreign cursor is refused as before
    return replicas[next(_next_replica) % LISTING_REPLICAS]


REFERENCES_READ = 100  # reference rows a closure reads (one Query, one BatchGetItem)


def reference_record(department_id: str, code: str) -> Record:
    """`DEPTREF#<department>` / `<code>`: item `code` names the department (see the module doc)."""
    return Record(f"DEPTREF#{department_id}", code, entity="DepartmentReference", data={"code": code})


def new_references(item: ServiceItem, previous: ServiceItem | None) -> list[str]:
    """Departments `item` names that `previous` did not: their reference rows are written."""
    before = set(named_departments(previous)) if previous is not None else set()
    return sorted(set(named_departments(item)) - before)


def _listed_item(raw: dict[str, Any]) -> ServiceItem:
    """A listing row's item, straight from the raw row (no PynamoDB model per row), decoded once
    per process while its stored text stays the same (storage/decoded_documents.py)."""
    return decoded_data(ServiceItem, raw)


def _item_version(raw: dict[str, Any]) -> ItemVersion:
    """A version row (`V#...`) as `_listed_item` reads a listing row."""
    return decoded_data(ItemVersion, raw)


def _record(pk: str, sk: str, entity: str, data: Any, **keys: Any) -> Record:
    return Record(pk, sk, entity=entity, data=encode(data), **keys)


_SUMMARY: str = Record.summary.attr_name
# A slim page reads the keys (its cursors are made of them) and the summary; a keyword filter
# still tests `search` server-side (a FilterExpression may use attributes it does not return).
_SLIM_PROJECTION = (_PK, Record.sk.attr_name, _SUMMARY)
# Summaries are ~400 bytes of text each: a few catalogue pages' worth, decoded once per text.
_decode_summary = text_decoder(ListingSummary, 1024)
#: Per process: pages served from summaries ("slim") and pages that met a row without one (written
#: before summaries existed, until `infra.migrate listing-summaries` ran) and were read in full.
LISTING_READS: Counter[str] = Counter()


def summary_text(item: ServiceItem) -> str:
    """The listing summary of `item` as stored on its listing rows (JSON, as `data` is stored)."""
    return str(Record.data.serialize(encode(listing_summary(item))))


def listing_record(scope: str, item: ServiceItem) -> Record:
    """A listing row: the whole item (`data`), what a keyword matches (`search`) and the summary."""
    return _record(scope, item.code, "Listing", item, search=item.search_text(), summary=summary_text(item))


def _listed_summary(raw: dict[str, Any]) -> ListingSummary | None:
    value = raw.get(_SUMMARY)
    return None if value is None else _decode_summary(value["S"])


def centre_record(centre: Centre) -> Record:
    """The centre's head record with its hierarchy index keys (GSI1 `CENTRES`, city first)."""
    rank = _LEVEL_RANK[centre.level]
    return _record(f"CENTRE#{centre.id}", HEAD, "Centre", centre, gsi1pk="CENTRES", gsi1sk=f"{rank}#{centre.id}")


def department_record(department: Department) -> Record:
    """The department's head record: GSI1 `DEPTS` (all), GSI2 `DEPTS#<centre>` (of a centre)."""
    return _record(
        f"DEPT#{department.id}",
        HEAD,
        "Department",
        department,
        gsi1pk="DEPTS",
        gsi1sk=department.id,
        gsi2pk=f"DEPTS#{department.centre_id}",
        gsi2sk=department.id,
    )


class CatalogueRepository:
    """Reads go straight to DynamoDB (GetItem/Query/BatchGetItem); writes go to a unit of work."""

    # --- reference data -----------------------------------------------------------------------

    def add_centre(self, uow: UnitOfWork, centre: Centre) -> None:
        uow.upsert(centre_record(centre))

    def add_department(self, uow: UnitOfWork, department: Department) -> None:
        uow.upsert(department_record(department))

    def add_staff(self, uow: UnitOfWork, staff: Staff) -> None:
        uow.upsert(
            _record(f"STAFF#{staff.id}", HEAD, "Staff", staff, gsi1pk=f"STAFF#{staff.department_id}", gsi1sk=staff.id)
        )

    def add_post(self, uow: UnitOfWork, post: WindowPost) -> None:
        uow.upsert(_record(f"CENTRE#{post.centre_id}", f"POST#{post.id}", "WindowPost", post))

    def get_centre(self, centre_id: str) -> Centre | None:
        return self._get(f"CENTRE#{centre_id}", HEAD, Centre)

    def get_department(self, department_id: str) -> Department | None:
        return self._get(f"DEPT#{department_id}", HEAD, Department)

    def get_staff(self, staff_id: str) -> Staff | None:
        return self._get(f"STAFF#{staff_id}", HEAD, Staff)

    def all_centres(self) -> dict[str, Centre]:
        """The whole hierarchy (tens of centres): one or two Queries on GSI1."""
        return {c.id: c for c in self._query_all("CENTRES", "GSI1", Centre)}

    def all_departments(self) -> dict[str, Department]:
        return {d.id: d for d in self._query_all("DEPTS", "GSI1", Department)}

    def centres_page(self, first: int, after: str | None) -> Page[Centre]:
        return self._page("CENTRES", first, after, Centre, index="GSI1")

    def departments_page(self, centre_id: str | None, first: int, after: str | None) -> Page[Department]:
        if centre_id is None:
            return self._page("DEPTS", first, after, Department, index="GSI1")
        return self._page(f"DEPTS#{centre_id}", first, after, Department, index="GSI2")

    def staff_page(self, department_id: str, first: int, after: str | None) -> Page[Staff]:
        return self._page(f"STAFF#{department_id}", first, after, Staff, index="GSI1")

    def posts_of_centre(self, centre_id: str) -> list[WindowPost]:
        from pynamodb.expressions.operand import Path

        condition = Path("SK").startswith("POST#")
        return [
            decode_as(WindowPost, r.data) for r in Record.query(f"CENTRE#{centre_id}", range_key_condition=condition)
        ]

    def bureau_of(self, centre_id: str) -> Department | None:
        """The centre's active approval bureau (行政审批局), if it has one: one Query."""
        page = self._page(f"DEPTS#{centre_id}", 100, None, Department, index="GSI2")
        return next((d for d, _ in page.items if d.kind is DepartmentKind.BUREAU and d.is_active), None)

    def departments_by_id(self, ids: Iterable[str]) -> dict[str, Department]:
        return self._batch_get([(f"DEPT#{i}", HEAD) for i in set(ids)], Department, key=lambda d: d.id)

    def centres_by_id(self, ids: Iterable[str]) -> dict[str, Centre]:
        return self._batch_get([(f"CENTRE#{i}", HEAD) for i in set(ids)], Centre, key=lambda c: c.id)

    def references_by_id(
        self, centre_ids: Iterable[str], department_ids: Iterable[str]
    ) -> tuple[dict[str, Centre], dict[str, Department]]:
        """Centres and departments in one BatchGetItem (up to 100 keys per request)."""
        keys = [(f"CENTRE#{i}", HEAD) for i in set(centre_ids)] + [(f"DEPT#{i}", HEAD) for i in set(department_ids)]
        centres: dict[str, Centre] = {}
        departments: dict[str, Department] = {}
        # Raw items, each document decoded once per process while its text stays the same
        # (storage/decoded_documents.py): every catalogue page and item detail reads these.
        for raw in batch_get_raw(keys):
            if raw[_PK]["S"].startswith("CENTRE#"):
                centre = decoded_data(Centre, raw)
                centres[centre.id] = centre
            else:
                department = decoded_data(Department, raw)
                departments[department.id] = department
        return centres, departments

    # --- service items ------------------------------------------------------------------------

    def get_item(self, code: str) -> tuple[ServiceItem, int] | None:
        """The current version and the head's revision (for an optimistic replace)."""
        try:
            record = Record.get(f"ITEM#{code}", HEAD)
        except Record.DoesNotExist:
            return None
        return decode_as(ServiceItem, record.data), int(record.rev)

    @staticmethod
    def department_ref(department_id: str) -> Ref[Department]:
        """The department's head, to read in one `batch_reads.get_all` with other records."""
        return Ref(f"DEPT#{department_id}", HEAD, lambda r: decode_as(Department, r.data))

    @staticmethod
    def staff_ref(staff_id: str) -> Ref[Staff]:
        """The staff member's record, to read in one `batch_reads.get_all` with other records."""
        return Ref(f"STAFF#{staff_id}", HEAD, lambda r: decode_as(Staff, r.data))

    @staticmethod
    def item_ref(code: str) -> Ref[tuple[ServiceItem, int]]:
        """As `get_item`, to read in one `batch_reads.get_all` with other records."""
        return Ref(f"ITEM#{code}", HEAD, lambda r: (decode_as(ServiceItem, r.data), int(r.rev)))

    def items_by_code(self, codes: Iterable[str]) -> dict[str, ServiceItem]:
        return self._batch_get([(f"ITEM#{c}", HEAD) for c in set(codes)], ServiceItem, key=lambda i: i.code)

    def get_version(self, code: str, number: int) -> ItemVersion | None:
        return self._get(f"ITEM#{code}", f"V#{number:06d}", ItemVersion)

    def versions_page(self, code: str, first: int, after: str | None) -> Page[ItemVersion]:
        """Newest version first."""
        from pynamodb.expressions.operand import Path

        return query_items_page(
            f"ITEM#{code}",
            _item_version,
            first=first,
            after=after,
            range_condition=Path("SK").startswith("V#"),
            forward=False,
        )

    def item_with_versions(self, code: str, first: int) -> tuple[ServiceItem, Page[ItemVersion]] | None:
        """The current version and the first page of its history in one Query: every change writes
        the head and its version record with the same item in one transaction, so the newest
        version's item is the head. None when the item has no version record (read the head then)."""
        page = self.versions_page(code, first, None)
        if not page.items:
            return None
        return page.items[0][0].item, page

    def published_page(self, scope: str, keyword: str | None, first: int, after: str | None) -> Page[ServiceItem]:
        """A catalogue page from one listing partition, optionally filtered by keyword."""
        condition = Record.search.contains(keyword.casefold()) if keyword else None
        partition = read_partition(scope, after)
        page = query_items_page(partition, _listed_item, first=first, after=after, filter_condition=condition)
        if not page.items and partition != scope and after is None and keyword is None:
            # An empty replica before `infra.migrate listing-replicas` ran: the primary still serves
            # (one Query more, only while the replica is empty).
            page = query_items_page(scope, _listed_item, first=first, after=None, filter_condition=None)
        return page

    def published_summaries(
        self, scope: str, keyword: str | None, first: int, after: str | None
    ) -> Page[ListingSummary] | None:
        """`published_page` reading only each row's keys and listing summary (a projection: ~400
        bytes a row instead of ~10 KB), the same rows and cursors. None when a row of the page has no
        summary yet (written before summaries existed): the caller then reads the page in full."""
        condition = Record.search.contains(keyword.casefold()) if keyword else None
        partition = read_partition(scope, after)
        page = query_items_page(
            partition,
            _listed_summary,
            first=first,
            after=after,
            filter_condition=condition,
            projection=_SLIM_PROJECTION,
        )
        if not page.items and partition != scope and after is None and keyword is None:
            page = query_items_page(scope, _listed_summary, first=first, after=None, projection=_SLIM_PROJECTION)
        if any(summary is None for summary, _ in page.items):
            LISTING_READS["fallback"] += 1
            return None
        LISTING_READS["slim"] += 1
        return Page([(s, c) for s, c in page.items if s is not None], page.has_next_page, page.end_cursor)

    def stage_listing_summaries(self, uow: UnitOfWork, item: ServiceItem) -> int:
        """Every listing row of a published item, rewritten with its summary (the backfill for rows
        written before summaries existed; upserts of what `stage_version` writes, so running it
        again changes nothing). Returns how many rows."""
        scopes = sorted(listing_scopes(item))
        for scope in scopes:
            uow.upsert(listing_record(scope, item))
        return len(scopes)

    def stage_listing_replicas(self, uow: UnitOfWork, item: ServiceItem) -> int:
        """The replica rows of a published item (the backfill for listings written before the
        replicas existed; upserts, so running it again changes nothing). Returns how many."""
        if not item.is_listed:
            return 0
        for scope in listing_replicas()[1:]:
            uow.upsert(listing_record(scope, item))
        return LISTING_REPLICAS - 1

    def items_naming(self, department_id: str) -> list[ServiceItem]:
        """The current items whose reference rows name `department_id` (up to REFERENCES_READ):
        one Query for the rows, one BatchGetItem for the items' heads (none when there are no
        rows). The caller checks what each current item still names."""
        codes = [r.sk for r in Record.query(f"DEPTREF#{department_id}", limit=REFERENCES_READ)]
        found = self.items_by_code(codes) if codes else {}
        return [found[c] for c in codes if c in found]

    def stage_references(self, uow: UnitOfWork, item: ServiceItem) -> int:
        """Every reference row of a published item (the backfill for items stored before the rows
        existed; upserts, so running it again changes nothing). Returns how many were staged."""
        departments = new_references(item, None) if item.is_listed else []
        for department_id in departments:
            uow.upsert(reference_record(department_id, item.code))
        return len(departments)

    def stage_version(
        self,
        uow: UnitOfWork,
        version: ItemVersion,
        previous: ServiceItem | None,
        expected_rev: int | None,
    ) -> None:
        """Stage one change: the immutable version, the head, and the listings it moves."""
        item = version.item
        uow.create(_record(f"ITEM#{item.code}", f"V#{item.version:06d}", "ItemVersion", version))
        head = _record(f"ITEM#{item.code}", HEAD, "ServiceItem", item)
        if previous is None or expected_rev is None:
            uow.create(head)
        else:
            uow.replace(head, expected_rev)
        new_scopes = listing_scopes(item)
        for scope in sorted(listing_scopes(previous) - new_scopes if previous else set()):
            uow.delete(Record(scope, item.code))
        for scope in sorted(new_scopes):
            uow.upsert(listing_record(scope, item))
        for department_id in new_references(item, previous):
            uow.upsert(reference_record(department_id, item.code))

    def import_items(self, chains: list[list[ItemVersion]]) -> None:
        """Bulk import (seeding): every version and listing of each item, its head last.

        BatchWriteItem upserts, not a transaction: an interrupted import leaves items without a
        head, which `items_by_code` reports as missing, so re-running repairs them with the
        same content. Administrators' changes always go through `stage_version` instead."""
        with Record.batch_write() as batch:
            for chain in chains:
                final = chain[-1].item
                for version in chain:
                    batch.save(_record(f"ITEM#{final.code}", f"V#{version.item.version:06d}", "ItemVersion", version))
                for scope in sorted(listing_scopes(final)):
                    batch.save(listing_record(scope, final))
                for department_id in new_references(final, None):
                    batch.save(reference_record(department_id, final.code))
        with Record.batch_write() as batch:
            for chain in chains:
                final = chain[-1].item
                head = _record(f"ITEM#{final.code}", HEAD, "ServiceItem", final)
                head.rev = 1
                batch.save(head)

    def import_reference(
        self, centres: list[Centre], departments: list[Department], staff: list[Staff], posts: list[WindowPost]
    ) -> None:
        """Bulk upsert of reference data (seeding); idempotent."""
        uow = UnitOfWork()  # stages the records with their keys, then written in batches
        for centre in centres:
            self.add_centre(uow, centre)
        for department in departments:
            self.add_department(uow, department)
        for person in staff:
            self.add_staff(uow, person)
        for post in posts:
            self.add_post(uow, post)
        with Record.batch_write() as batch:
            for record in uow.staged_records():
                batch.save(record)

    # --- helpers ------------------------------------------------------------------------------

    @staticmethod
    def _get(pk: str, sk: str, cls: type[Any]) -> Any:
        try:
            return decode_as(cls, Record.get(pk, sk).data)
        except Record.DoesNotExist:
            return None

    @staticmethod
    def _query_all(hash_value: str, index: str, cls: type[Any]) -> list[Any]:
        source = Record.gsi1 if index == "GSI1" else Record.gsi2
        return [decode_as(cls, r.data) for r in source.query(hash_value)]

    @staticmethod
    def _page(hash_value: str, first: int, after: str | None, cls: type[Any], index: str | None) -> Page[Any]:
        page = query_page(hash_value, first=first, after=after, index=index)
        return Page([(decode_as(cls, r.data), c) for r, c in page.items], page.has_next_page, page.end_cursor)

    @staticmethod
    def _batch_get(keys: list[tuple[str, str]], cls: type[Any], key: Any) -> dict[str, Any]:
        """BatchGetItem in chunks of 100: one request for a page's worth of references."""
        result: dict[str, Any] = {}
        for i in range(0, len(keys), BATCH_GET_MAX):
            for record in Record.batch_get(keys[i : i + BATCH_GET_MAX]):
                value = decode_as(cls, record.data)
                result[key(value)] = value
        return result
