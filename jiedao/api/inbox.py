"""The caller's inboxes with the number of cases in each."""

from django.http import HttpRequest
from ninja import Router

from jiedao.cases.selectors import inbox_counts

from .schemas import BoxOut

router = Router(tags=["inbox"])


@router.get("/inbox", response=list[BoxOut], summary="Your inboxes with counts")
def inbox(request: HttpRequest):
    # Boxes that grow without end ("all", "reported_by_me") are not counted: count is null.
    return [{"code": c.box.code, "label": str(c.box.label), "count": c.count, "count_is_exact": c.is_exact}
            for c in inbox_counts(user=request.auth)]
