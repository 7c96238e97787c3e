"""What resolvers read about the catalogue and the organisation: items, versions, published
listings, centres, departments, window posts (the pattern: services/application_reads.py).

Each method is one repository read, so request counts stay those of the repository; the
request-scoped batch loaders (`info.context.departments` / `centres`) are built on
`read_departments` / `read_centres`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chalicelib.domain.catalogue import Centre, Department, ItemVersion, ServiceItem, WindowPost
from chalicelib.domain.listing_summary import ListingSummary
from chalicelib.domain.organisation import CentreVersion, DepartmentVersion
from chalicelib.domain.pages import Page
from chalicelib.storage.catalogue_repository import CatalogueRepository
from chalicelib.storage.organisation_repository import OrganisationRepository


class CatalogueReads:
    def __init__(self, catalogue: CatalogueRepository, organisation: OrganisationRepository | None = None) -> None:
        self.catalogue = catalogue
        self.organisation = organisation or OrganisationRepository()
        # First history pages read with their item in this request (`read_item_with_history`).
        self._histories: dict[tuple[str, int], Page[ItemVersion]] = {}

    # --- service items ---------------------------------------------------------------------------

    def read_item(self, code: str) -> ServiceItem | None:
        """The item's current version."""
        found = self.catalogue.get_item(code)
        return found[0] if found else None

    def read_item_with_history(self, code: str, first: int) -> ServiceItem | None:
        """The current version, and the first `first` history entries kept for `page_item_versions`:
        one Query where item detail with its history used a GetItem and a Query."""
        found = self.catalogue.item_with_versions(code, first)
        if found is None:
            return self.read_item(code)
        item, page = found
        self._histories[(code, first)] = page
        return item

    def read_item_version(self, code: str, number: int) -> ItemVersion | None:
        return self.catalogue.get_version(code, number)

    def page_item_versions(self, code: str, first: int, after: str | None) -> Page[ItemVersion]:
        """Newest version first (no request for a first page read with its item in this request)."""
        if after is None and (code, first) in self._histories:
            return self._histories[(code, first)]
        return self.catalogue.versions_page(code, first, after)

    def page_published(self, scope: str, keyword: str | None, first: int, after: str | None) -> Page[ServiceItem]:
        """One published listing (`scope`), optionally filtered by a normalised keyword."""
        return self.catalogue.published_page(scope, keyword, first, after)

    def page_published_summaries(
        self, scope: str, keyword: str | None, first: int, after: str | None
    ) -> Page[ListingSummary] | Page[ServiceItem]:
        """`page_published` reading only the listing summaries (for a selection they answer whole);
        the same page read in full when one of its rows has no summary yet (written before them)."""
        slim = self.catalogue.published_summaries(scope, keyword, first, after)
        return slim if slim is not None else self.catalogue.published_page(scope, keyword, first, after)

    # --- centres, departments, window posts ------------------------------------------------------

    def read_centre(self, centre_id: str) -> Centre | None:
        return self.catalogue.get_centre(centre_id)

    def read_department(self, department_id: str) -> Department | None:
        return self.catalogue.get_department(department_id)

    def read_centres(self, ids: Iterable[str]) -> dict[str, Centre]:
        """Many at once (one BatchGetItem): what the request's centre loader calls."""
        return self.catalogue.centres_by_id(ids)

    def read_departments(self, ids: Iterable[str]) -> dict[str, Department]:
        """Many at once (one BatchGetItem): what the request's department loader calls."""
        return self.catalogue.departments_by_id(ids)

    def read_references(self, ids: dict[str, set[str]]) -> dict[str, dict[str, Any]]:
        """Centres (`"centre"`) and departments (`"department"`) at once, in one BatchGetItem: what the
        request's joint reference loader calls."""
        centres, departments = self.catalogue.references_by_id(ids.get("centre", ()), ids.get("department", ()))
        return {"centre": centres, "department": departments}

    def page_centres(self, first: int, after: str | None) -> Page[Centre]:
        return self.catalogue.centres_page(first, after)

    def page_departments(self, centre_id: str | None, first: int, after: str | None) -> Page[Department]:
        """A centre's departments, or every department when `centre_id` is None."""
        return self.catalogue.departments_page(centre_id, first, after)

    def read_posts_of_centre(self, centre_id: str) -> list[WindowPost]:
        return self.catalogue.posts_of_centre(centre_id)

    def page_centre_versions(self, centre_id: str, first: int, after: str | None) -> Page[CentreVersion]:
        return self.organisation.centre_versions(centre_id, first, after)

    def page_department_versions(self, department_id: str, first: int, after: str | None) -> Page[DepartmentVersion]:
        return self.organisation.department_versions(department_id, first, after)
