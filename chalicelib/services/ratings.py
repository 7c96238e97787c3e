"""Rating use cases: rate an ended case, record the follow-up of a bad rating, list them.

Rating is one transaction: the rating (create-only, so a case is rated once even when two
ratings race), its rectification projections, the rating counters and, for a bad rating, the
rectification notice to the lead department and its head in the outbox. The notice is then
delivered right away, best effort (the scheduled relay delivers anything left).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from chalicelib.domain import application as da
from chalicelib.domain import rating as dr
from chalicelib.domain.errors import DomainError
from chalicelib.domain.identity import Principal, Role
from chalicelib.domain.notification import Message, MessageKind, make_message
from chalicelib.domain.rating import Indicators, Rating, RatingCode, RatingLevel
from chalicelib.domain.statistics import supervision_deltas
from chalicelib.domain.supervision import department_feed
from chalicelib.services import clock
from chalicelib.services.applications import ApplicationService
from chalicelib.services.outbox import Relay
from chalicelib.services.own_case import load_own_case
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.idempotency import IdempotencyRepository
from chalicelib.storage.outbox_repository import OutboxRepository
from chalicelib.storage.pagination import Page
from chalicelib.storage.rating_repository import RatingRepository
from chalicelib.storage.unit_of_work import CONFLICT, UnitOfWork

BAD_REQUEST = "BAD_REQUEST"
MAX_KEY = 100


def department_scope(principal: Principal, department_id: str | None) -> str:
    """Supervisors name any department; other staff see only their own (named or implied)."""
    if principal.has_any(Role.SUPERVISOR):
        if not department_id:
            raise DomainError.one(BAD_REQUEST, "请指定部门", "departmentId")
        return department_id
    own = principal.department_id
    if not own or (department_id and department_id != own):
        raise DomainError.one(RatingCode.FORBIDDEN, "只能查看本部门的评价与整改", "departmentId")
    return own


class RatingService:
    def __init__(
        self,
        applications: ApplicationService,
        ratings: RatingRepository,
        catalogue: CatalogueRepository,
        now: Callable[[], datetime] | None = None,
        relay: Relay | None = None,
    ) -> None:
        self.applications = applications
        self.ratings = ratings
        self.catalogue = catalogue
        self.now = now or (lambda: clock.utc_now())  # read at call time: tests move the clock
        self.relay = relay
        self.idempotency = IdempotencyRepository()
        self.outbox = OutboxRepository()

    # --- commands --------------------------------------------------------------------------------

    def rate(
        self,
        principal: Principal,
        application_id: str,
        level: RatingLevel,
        indicators: Indicators,
        comment: str,
        key: str | None = None,
    ) -> Rating:
        earlier = self._remembered(principal, "applicationRate", key, application_id)
        if earlier is not None:
            return earlier
        case, _ = load_own_case(self.applications, principal, application_id)
        now = self.now()
        day = da.china_date(now)
        rated = self.ratings.get(application_id) is not None
        rating = dr.rate(case, principal, level, indicators, comment, now, rated, self.ratings.calendar)
        uow = UnitOfWork()
        self.ratings.stage_new(uow, rating)
        # A rating also counts for the staff member who decided the case (a window refusal: the
        # refusing clerk) in the staff statistics, and for the department that answers for it.
        lead, decider = dr.answerable(case)
        deltas = supervision_deltas(case, lead, day, f"rating_{int(rating.level)}", decider)
        messages: list[Message] = []
        if rating.is_bad:
            deltas += supervision_deltas(case, lead, day, "rectifications_opened")
            messages.append(self._rectification_notice(rating))
            self.outbox.stage(uow, messages[0])
        self.ratings.statistics.stage(uow, deltas, case.id)
        self._commit(uow, principal, "applicationRate", key, application_id, lost=self._lost_rating)
        self._deliver(messages)
        return rating

    def record_follow_up(
        self, principal: Principal, application_id: str, follow_up: str, key: str | None = None
    ) -> Rating:
        """回访整改: the lead department records what it did about a bad rating."""
        earlier = self._remembered(principal, "rectificationRecord", key, application_id)
        if earlier is not None:
            return earlier
        found = self.ratings.get(application_id)
        if found is None:
            raise DomainError.one(RatingCode.NOT_FOUND, "没有该办件的差评整改任务", "applicationId")
        rating, rev = found
        now = self.now()
        after = dr.record_follow_up(rating, principal, follow_up, now)
        uow = UnitOfWork()
        self.ratings.stage_update(uow, rating, after, rev)
        assert after.rectification is not None
        counter = (
            "rectifications_done"
            if after.rectification.status is dr.RectificationStatus.DONE
            else "rectifications_done_late"
        )
        self.ratings.statistics.stage(uow, dr.rating_deltas(after, da.china_date(now), counter), application_id)
        self._commit(uow, principal, "rectificationRecord", key, application_id)
        return after

    # --- queries ---------------------------------------------------------------------------------

    def rectifications(
        self, principal: Principal, department_id: str | None, open_only: bool, first: int, after: str | None
    ) -> Page[Rating]:
        department = department_scope(principal, department_id)
        return self.ratings.rectifications(department, open_only, first, after)

    def department_ratings(
        self, principal: Principal, department_id: str, first: int, after: str | None
    ) -> Page[Rating]:
        return self.ratings.of_department(department_scope(principal, department_id), first, after)

    # --- helpers ---------------------------------------------------------------------------------

    def _rectification_notice(self, rating: Rating) -> Message:
        """To the lead department's feed and its head (seed 004: the department answers for it)."""
        assert rating.rectification is not None
        department = self.catalogue.get_department(rating.department_id)
        head = (department.head_staff_id or "") if department else ""
        due = rating.rectification.due_on.isoformat()
        title = (
            f"差评整改:{rating.item_name}({rating.tracking_code})收到“{dr.LEVEL_LABEL[rating.level]}”评价,"
            f"请于{due}前回访整改"
        )
        return make_message(
            MessageKind.RECTIFICATION,
            (rating.application_id, "rectification"),
            (department_feed(rating.department_id), head),
            title,
            rating.application_id,
            rating.rated_at,
            {"level": str(int(rating.level)), "dueOn": due},
        )

    def _deliver(self, messages: list[Message]) -> None:
        if messages:
            (self.relay or Relay()).deliver_soon(messages)

    def _lost_rating(self, application_id: str) -> None:
        """A commit that lost the race for `RATING#<id>`: the other rating won."""
        if self.ratings.get(application_id) is not None:
            raise DomainError.one(RatingCode.ALREADY_RATED, "该办件已评价,每件只能评价一次", "applicationId")

    def _remembered(self, principal: Principal, operation: str, key: str | None, target: str) -> Rating | None:
        if not key or principal.subject is None:
            return None
        if len(key) > MAX_KEY:
            raise DomainError.one(RatingCode.OUT_OF_RANGE, f"幂等键不能超过{MAX_KEY}个字符", "idempotencyKey")
        earlier = self.idempotency.remembered(principal.subject, operation, key)
        if earlier is None:
            return None
        if earlier.get("target") != target:
            raise DomainError.one(
                RatingCode.IDEMPOTENCY_KEY_REUSED, "该幂等键已用于另一请求,请换用新的幂等键", "idempotencyKey"
            )
        found = self.ratings.get(target)
        return found[0] if found else None

    def _commit(
        self,
        uow: UnitOfWork,
        principal: Principal,
        operation: str,
        key: str | None,
        target: str,
        lost: Callable[[str], None] | None = None,
    ) -> None:
        if key and principal.subject:
            self.idempotency.remember(uow, principal.subject, operation, key, {"id": target, "target": target})
        try:
            uow.commit()
        except DomainError as error:
            if error.violations[0].code != CONFLICT:
                raise
            if key and self._remembered(principal, operation, key, target) is not None:
                return  # the same request committed first (a retry racing itself)
            if lost is not None:
                lost(target)
            raise
