"""GraphQL types of the public catalogue: centres, departments, window posts, service items.

Everything here is public (seed 001 阳光审批: the catalogue and its history are published),
except staff identities on window posts and the actor of a catalogue change.
"""

from __future__ import annotations

from functools import cached_property

import strawberry
from strawberry import relay
from strawberry.types import Info

from chalicelib.api.catalogue.deficiency_types import DeficiencyPolicy
from chalicelib.api.catalogue.form_types import FormField, MaterialCondition
from chalicelib.api.catalogue.keywords import normalise_keyword
from chalicelib.api.catalogue.listing_selection import summary_answers
from chalicelib.api.organisation.types import CentreVersion, DepartmentKind, DepartmentVersion, OrgStatus
from chalicelib.api.permissions import PUBLIC, STAFF, field, require_centre_scope, visible_to
from chalicelib.api.relay import Connection, global_id, page_size, to_connection
from chalicelib.api.scalars import DateTime
from chalicelib.domain import catalogue as dc
from chalicelib.domain.listing_summary import ListingSummary, summary_fields

CentreLevel = strawberry.enum(dc.CentreLevel, name="CentreLevel")
ItemKind = strawberry.enum(dc.ItemKind, name="ItemKind")
MaterialKind = strawberry.enum(dc.MaterialKind, name="MaterialKind")
MaterialForm = strawberry.enum(dc.MaterialForm, name="MaterialForm")
SpecialStepKind = strawberry.enum(dc.SpecialStepKind, name="SpecialStepKind")
TimeoutRule = strawberry.enum(dc.TimeoutRule, name="TimeoutRule")
ProjectCategory = strawberry.enum(dc.ProjectCategory, name="ProjectCategory")
ItemStatus = strawberry.enum(dc.ItemStatus, name="ItemStatus")
ChangeKind = strawberry.enum(dc.ChangeKind, name="CatalogueChangeKind")
PostKind = strawberry.enum(dc.PostKind, name="WindowPostKind")


@visible_to(PUBLIC)
@strawberry.type
class Centre(relay.Node):
    """行政审批服务中心: city centre, district sub-centre, functional-zone or township centre."""

    centre_id: relay.NodeID[str]
    name: str
    level: CentreLevel  # type: ignore[valid-type]
    address: str
    phone: str
    status: OrgStatus = strawberry.field(description="CLOSED centres take no new cases; kept for the record.")  # type: ignore[valid-type]
    version: int = strawberry.field(description="The centre's current published version (seed 003).")
    parent_id: strawberry.Private[str | None]

    @classmethod
    def from_domain(cls, c: dc.Centre) -> Centre:
        return cls(
            centre_id=c.id,
            name=c.name,
            level=c.level,
            address=c.address,
            phone=c.phone,
            status=c.status,
            version=c.version,
            parent_id=c.parent_id,
        )

    @field(access=PUBLIC, description="Every published change of the centre, newest first (who/when/why).")
    def history(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[CentreVersion]:
        page = info.context.catalogue_reads.page_centre_versions(self.centre_id, page_size(first), after)
        return to_connection(page, CentreVersion.from_domain)

    @field(access=PUBLIC)
    def parent(self, info: Info) -> Centre | None:
        parent = info.context.centres.get(self.parent_id) if self.parent_id else None
        return Centre.from_domain(parent) if parent else None

    @field(access=PUBLIC)
    def departments(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[Department]:
        page = info.context.catalogue_reads.page_departments(self.centre_id, page_size(first), after)
        return to_connection(page, Department.from_domain)

    @field(access=PUBLIC)
    def service_items(
        self, info: Info, first: int | None = None, after: str | None = None, keyword: str | None = None
    ) -> Connection[ServiceItem]:
        """Items that can be applied for here, including powers delegated to this centre."""
        return service_item_page(info, f"LIST#CENTRE#{self.centre_id}", first, after, keyword)

    @field(access=STAFF, description="Window posts with their AB backups: staff of this centre, supervisors, admins.")
    def window_posts(self, info: Info) -> list[WindowPost]:
        require_centre_scope(info.context.principal, self.centre_id)
        return [WindowPost.from_domain(p) for p in info.context.catalogue_reads.read_posts_of_centre(self.centre_id)]


@visible_to(STAFF)
@strawberry.type
class WindowPost:
    """A window post and its named backup (seed 004 AB岗)."""

    post_id: str
    name: str
    kind: PostKind  # type: ignore[valid-type]
    staff_id: str
    backup_staff_id: str
    department_id: str | None
    centre_id: strawberry.Private[str]

    @strawberry.field(description="Global ID for `complaintFile(windowPostId:)` (the window's complaint QR code).")
    def id(self) -> strawberry.ID:
        return global_id("WindowPost", f"{self.centre_id}/{self.post_id}")

    @classmethod
    def from_domain(cls, p: dc.WindowPost) -> WindowPost:
        return cls(
            centre_id=p.centre_id,
            post_id=p.id,
            name=p.name,
            kind=p.kind,
            staff_id=p.staff_id,
            backup_staff_id=p.backup_staff_id,
            department_id=p.department_id,
        )


@visible_to(PUBLIC)
@strawberry.type
class Department(relay.Node):
    department_id: relay.NodeID[str]
    name: str
    supervision_phone: str
    kind: DepartmentKind = strawberry.field(description="BUREAU: the centre's approval bureau (行政审批局).")  # type: ignore[valid-type]
    status: OrgStatus  # type: ignore[valid-type]
    version: int
    credit_code: str = strawberry.field(description="Unified social credit code (GB 32100); empty if not recorded.")
    division_code: str = strawberry.field(
        description="Administrative division code (GB/T 2260); empty if not recorded."
    )
    centre_id: strawberry.Private[str]

    @classmethod
    def from_domain(cls, d: dc.Department) -> Department:
        return cls(
            credit_code=d.credit_code,
            division_code=d.division_code,
            department_id=d.id,
            name=d.name,
            supervision_phone=d.supervision_phone,
            kind=d.kind,
            status=d.status,
            version=d.version,
            centre_id=d.centre_id,
        )

    @field(access=PUBLIC, description="Every published change of the department, newest first (who/when/why).")
    def history(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[DepartmentVersion]:
        page = info.context.catalogue_reads.page_department_versions(self.department_id, page_size(first), after)
        return to_connection(page, DepartmentVersion.from_domain)

    @field(access=PUBLIC)
    def centre(self, info: Info) -> Centre | None:
        centre = info.context.centres.get(self.centre_id)
        return Centre.from_domain(centre) if centre else None

    @field(access=PUBLIC)
    def service_items(
        self, info: Info, first: int | None = None, after: str | None = None, keyword: str | None = None
    ) -> Connection[ServiceItem]:
        return service_item_page(info, f"LIST#DEPT#{self.department_id}", first, after, keyword)


@visible_to(PUBLIC)
@strawberry.type
class Material:
    code: str
    name: str
    kind: MaterialKind  # type: ignore[valid-type]
    form: MaterialForm  # type: ignore[valid-type]
    copies: int
    legal_basis: str
    note: str
    applies_when: list[MaterialCondition] = strawberry.field(
        description="Demanded only when every condition holds; empty: always."
    )

    @classmethod
    def from_domain(cls, m: dc.Material) -> Material:
        return cls(**{**m.__dict__, "applies_when": [MaterialCondition.from_domain(c) for c in m.applies_when]})


@visible_to(PUBLIC)
@strawberry.type
class ProcedureStep:
    name: str
    description: str


@visible_to(PUBLIC)
@strawberry.type
class SpecialStep:
    kind: SpecialStepKind  # type: ignore[valid-type]
    name: str
    max_days: int
    counts_toward_limit: bool


@visible_to(PUBLIC)
@strawberry.type
class Fee:
    name: str
    amount_fen: int
    basis: str


@visible_to(PUBLIC)
@strawberry.type
class CertificateType:
    code: str
    name: str
    validity_years: int | None


@visible_to(PUBLIC)
@strawberry.type(description="告知承诺制 terms: verification period, bar after a false pledge, liability.")
class ApprovalOnPledgeTerms:
    verification_days: int
    bar_days: int
    liability: str


@visible_to(PUBLIC)
@strawberry.type(description="先予办理 (seed 004 二(三)): the item permits it, on this legal basis.")
class EmergencyHandlingTerms:
    legal_basis: str


@visible_to(PUBLIC)
@strawberry.type
class CoReviewer:
    """A co-reviewing department with its own working-day limit (并联审批)."""

    limit_days: int
    department_id: strawberry.Private[str]
    item_departments: strawberry.Private[tuple[str, ...]]

    @field(access=PUBLIC)
    def department(self, info: Info) -> Department | None:
        info.context.departments.want(self.item_departments)  # one batch for all co-reviewers
        found = info.context.departments.get(self.department_id)
        return Department.from_domain(found) if found else None


def _item_conditions(self: ServiceItem) -> list[str]:
    return list(self.full.elements.conditions)


def _item_materials(self: ServiceItem) -> list[Material]:
    return [Material.from_domain(m) for m in self.full.elements.materials]


def _item_procedure(self: ServiceItem) -> list[ProcedureStep]:
    return [ProcedureStep(name=s.name, description=s.description) for s in self.full.elements.procedure]


def _item_co_reviewers(self: ServiceItem) -> list[CoReviewer]:
    departments = self.item_departments
    return [
        CoReviewer(limit_days=c.limit_days, department_id=c.department_id, item_departments=departments)
        for c in self.full.elements.co_reviewers
    ]


def _item_special_steps(self: ServiceItem) -> list[SpecialStep]:
    return [SpecialStep(**s.__dict__) for s in self.full.elements.special_steps]


def _item_fees(self: ServiceItem) -> list[Fee]:
    return [Fee(**f.__dict__) for f in self.full.elements.fees]


def _item_legal_basis(self: ServiceItem) -> list[str]:
    return list(self.full.elements.legal_basis)


def _item_certificate_type(self: ServiceItem) -> CertificateType | None:
    found = self.full.elements.certificate_type
    return CertificateType(**found.__dict__) if found else None


def _item_merged_from(self: ServiceItem) -> list[str]:
    return list(self.full.merged_from)


def _item_form(self: ServiceItem) -> list[FormField]:
    return [FormField.from_domain(f) for f in self.full.elements.form]


def _item_deficiency(self: ServiceItem) -> DeficiencyPolicy:
    return DeficiencyPolicy.from_domain(self.full.elements.deficiency)


def _item_approval_on_pledge(self: ServiceItem) -> ApprovalOnPledgeTerms | None:
    terms = self.full.elements.approval_on_pledge
    return ApprovalOnPledgeTerms(**terms.__dict__) if terms else None


def _item_emergency_handling(self: ServiceItem) -> EmergencyHandlingTerms | None:
    terms = self.full.elements.emergency_handling
    return EmergencyHandlingTerms(legal_basis=terms.legal_basis) if terms else None


@visible_to(PUBLIC)
@strawberry.type
class ServiceItem(relay.Node):
    """One version of a service item with every element seed 001 requires to be published."""

    node_key: relay.NodeID[str]
    code: str
    version: int
    status: ItemStatus  # type: ignore[valid-type]
    name: str
    kind: ItemKind  # type: ignore[valid-type]
    level: CentreLevel  # type: ignore[valid-type]

    # The nested lists are built only when a query selects them (issue 14 point 3: a catalogue
    # page of 50 selects none of them, and building them was ~7% of its cost); declared in place
    # with their resolvers (_item_*, below) so the schema keeps its field order.
    conditions: list[str] = field(_item_conditions, access=PUBLIC)
    materials: list[Material] = field(_item_materials, access=PUBLIC)
    procedure: list[ProcedureStep] = field(_item_procedure, access=PUBLIC)
    statutory_limit_days: int
    promised_limit_days: int
    is_joint: bool
    co_reviewers: list[CoReviewer] = field(_item_co_reviewers, access=PUBLIC)
    special_steps: list[SpecialStep] = field(_item_special_steps, access=PUBLIC)
    fees: list[Fee] = field(_item_fees, access=PUBLIC)
    legal_basis: list[str] = field(_item_legal_basis, access=PUBLIC)
    supervision_phone: str
    certificate_type: CertificateType | None = field(_item_certificate_type, access=PUBLIC)
    timeout_rule: TimeoutRule  # type: ignore[valid-type]
    confidential: bool = strawberry.field(
        description="Seed 001: cases of this item are not shown by publicProgress (secrets or privacy)."
    )
    merged_into: str | None
    merged_from: list[str] = field(_item_merged_from, access=PUBLIC)
    form: list[FormField] = field(
        _item_form, access=PUBLIC, description="申请表: what an application answers in `formData`."
    )
    project_category: ProjectCategory | None  # type: ignore[valid-type]
    deficiency: DeficiencyPolicy = field(_item_deficiency, access=PUBLIC)
    # --- 告知承诺制 (seed 002 三(二), 004 二(四)) -------------------------------------------------
    approval_on_pledge: ApprovalOnPledgeTerms | None = field(
        _item_approval_on_pledge,
        access=PUBLIC,
        description="告知承诺制: the terms under which the item is approved on a pledge (null: not allowed).",
    )
    emergency_handling: EmergencyHandlingTerms | None = field(
        _item_emergency_handling,
        access=PUBLIC,
        description="先予办理: the legal basis on which an urgent case may be handled before its materials are "
        "complete (null: not allowed for this item).",
    )
    # A plain value, not a resolver: a catalogue page selects it for each of its items.
    is_free: bool = field(access=PUBLIC, description="Fees are charged only with a published basis; empty means free.")
    # None for an item built from its listing summary (`from_summary`): only for a selection the
    # summary answers whole (listing_selection.py), so no field ever reaches `full` without it.
    domain: strawberry.Private[dc.ServiceItem | None]
    department_id: strawberry.Private[str]
    supervising_department_id: strawberry.Private[str]
    centre_ids: strawberry.Private[tuple[str, ...]]

    @classmethod
    def from_domain(cls, item: dc.ServiceItem) -> ServiceItem:
        return cls(node_key=item.code, domain=item, **summary_fields(item))

    @classmethod
    def from_summary(cls, s: ListingSummary) -> ServiceItem:
        """A catalogue page's item from its listing summary: the same answers as `from_domain` for
        every field in `listing_selection.SUMMARY_FIELDS` (the summary's fields are named as ours)."""
        return cls(node_key=s.code, domain=None, **vars(s))

    @property
    def full(self) -> dc.ServiceItem:
        """The whole item, for fields outside the listing summary."""
        if self.domain is None:
            raise RuntimeError(f"item {self.code} was read from its listing summary, which lacks this field")
        return self.domain

    @cached_property
    def item_departments(self) -> tuple[str, ...]:
        """`referenced_departments` of the item, worked out once per object (every department field
        of a page's items wants them)."""
        if self.domain is None:  # from a summary: the departments its fields show
            return (self.department_id, self.supervising_department_id)
        return referenced_departments(self.domain)

    @field(access=PUBLIC, description="The owning department, which also leads joint review.")
    def department(self, info: Info) -> Department | None:
        info.context.departments.want(self.item_departments)
        found = info.context.departments.get(self.department_id)
        return Department.from_domain(found) if found else None

    @field(
        access=PUBLIC,
        description="The department that supervises holders after approval and receives pushed results "
        "(审管联动): the owning department unless another one is set.",
    )
    def supervising_department(self, info: Info) -> Department | None:
        info.context.departments.want(self.item_departments)
        found = info.context.departments.get(self.supervising_department_id)
        return Department.from_domain(found) if found else None

    @field(access=PUBLIC, description="Centres where the item can be applied for (home + delegated).")
    def centres(self, info: Info) -> list[Centre]:
        info.context.centres.want(self.centre_ids)
        found = (info.context.centres.get(c) for c in self.centre_ids)
        return [Centre.from_domain(c) for c in found if c is not None]

    @field(
        access=PUBLIC,
        description="同权审批: for each centre the power is delegated to, the department that exercises it there.",
    )
    def delegations(self) -> list[Delegation]:
        departments = self.item_departments
        return [
            Delegation(
                centre_id=d.centre_id,
                lead_department_id=d.lead_department_id,
                co_reviewers=[
                    CoReviewer(limit_days=c.limit_days, department_id=c.department_id, item_departments=departments)
                    for c in d.co_reviewers
                ],
                item_departments=departments,
            )
            for d in self.full.delegations
        ]

    @field(access=PUBLIC, description="Every published version, newest first (seed 003).")
    def history(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[ServiceItemVersion]:
        page = info.context.catalogue_reads.page_item_versions(self.code, page_size(first), after)
        return to_connection(page, ServiceItemVersion.from_domain)


@visible_to(PUBLIC)
@strawberry.type
class Delegation:
    """A delegated power (下放职权) as exercised at the receiving centre (seed 000 三(一)2)."""

    co_reviewers: list[CoReviewer]
    centre_id: strawberry.Private[str]
    lead_department_id: strawberry.Private[str]
    item_departments: strawberry.Private[tuple[str, ...]]

    @field(access=PUBLIC)
    def centre(self, info: Info) -> Centre | None:
        found = info.context.centres.get(self.centre_id)
        return Centre.from_domain(found) if found else None

    @field(access=PUBLIC, description="承办部门: reviews and decides the centre's cases of this power.")
    def lead_department(self, info: Info) -> Department | None:
        info.context.departments.want(self.item_departments)
        found = info.context.departments.get(self.lead_department_id)
        return Department.from_domain(found) if found else None


@visible_to(PUBLIC)
@strawberry.type
class ServiceItemVersion(relay.Node):
    """One recorded catalogue change: what changed, when and why."""

    version_id: relay.NodeID[str]
    number: int
    change: ChangeKind  # type: ignore[valid-type]
    at: DateTime
    reason: str
    related_codes: list[str]
    item: ServiceItem
    actor: strawberry.Private[str]

    @classmethod
    def from_domain(cls, v: dc.ItemVersion) -> ServiceItemVersion:
        return cls(
            version_id=f"{v.item.code}:{v.item.version}",
            number=v.item.version,
            change=v.change,
            at=v.at,
            reason=v.reason,
            related_codes=list(v.related_codes),
            item=ServiceItem.from_domain(v.item),
            actor=v.actor_id,
        )

    @field(access=STAFF, description="Staff id of the administrator who made the change.")
    def actor_id(self) -> str:
        return self.actor


def referenced_departments(item: dc.ServiceItem) -> tuple[str, ...]:
    """The lead, every co-reviewer and the supervising department: loaded together in one BatchGetItem."""
    e = item.elements
    delegated = (
        x for d in item.delegations for x in (d.lead_department_id, *(c.department_id for c in d.co_reviewers))
    )
    return (
        e.department_id,
        *(c.department_id for c in e.co_reviewers),
        e.effective_supervising_department_id,
        *delegated,
    )


def service_item_page(
    info: Info, scope: str, first: int | None, after: str | None, keyword: str | None
) -> Connection[ServiceItem]:
    """One Query for the page; departments and centres are then batch-loaded on demand. A selection
    the listing summaries answer whole reads only them (listing_selection.py)."""
    reads = info.context.catalogue_reads
    keyword, size = normalise_keyword(keyword), page_size(first)
    connection: Connection[ServiceItem]
    if summary_answers(info):
        page = reads.page_published_summaries(scope, keyword, size, after)
        connection = to_connection(page, _page_item)
    else:
        connection = to_connection(reads.page_published(scope, keyword, size, after), ServiceItem.from_domain)
    info.context.departments.want(d for edge in connection.edges for d in edge.node.item_departments)
    info.context.centres.want(c for edge in connection.edges for c in edge.node.centre_ids)
    return connection


def _page_item(found: ListingSummary | dc.ServiceItem) -> ServiceItem:
    """A page's item from its summary, or from the whole item when the page was read in full."""
    return ServiceItem.from_summary(found) if isinstance(found, ListingSummary) else ServiceItem.from_domain(found)
