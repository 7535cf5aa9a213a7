"""The problem catalogue, searched as the reporter types (name, pinyin or code)."""

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from jiedao.catalogue.selectors import catalogue_search

from .schemas import CategoryOut, category_data

router = Router(tags=["catalogue"])


class CatalogueFilters(Schema):
    q: str = Field("", description="Chinese name, pinyin (full or initials) or code prefix")
    limit: int = Field(20, ge=1, le=50)


@router.get("/catalogue", response=list[CategoryOut], summary="Search the problem catalogue")
def catalogue(request: HttpRequest, filters: Query[CatalogueFilters]):
    return [category_data(item) for item in catalogue_search(query=filters.q, limit=filters.limit)]
