"""The caller's inboxes with the number of cases in each."""

from django.http import HttpRequest
from ninja import Router

from jiedao.cases.selectors import cases_in_inbox, inbox_boxes

from .schemas import BoxOut

router = Router(tags=["inbox"])

# Counting a large box (a leader's "all") would read the whole table; beyond this a client
# shows "1000+" and the list itself pages with a cursor.
COUNT_LIMIT = 1000


@router.get("/inbox", response=list[BoxOut], summary="Your inboxes with counts")
def inbox(request: HttpRequest):
    boxes = []
    for box in inbox_boxes(user=request.auth):
        cases = cases_in_inbox(user=request.auth, box=box.code).order_by()
        count = cases.values("pk")[: COUNT_LIMIT + 1].count()
        boxes.append({"code": box.code, "label": str(box.label), "count": min(count, COUNT_LIMIT),
                      "count_is_exact": count <= COUNT_LIMIT})
    return boxes
