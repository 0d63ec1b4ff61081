"""API v1 of the campaigns module: new-user tasks, the points mall, trials and campaigns.
ROUTERS lists (mount prefix, router) pairs that config.api mounts."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from shequ.accounts.api_auth import user_auth
from shequ.accounts.schemas import ErrorOut
from shequ.analytics.services import track
from shequ.campaigns import points, selectors
from shequ.campaigns.services import campaign_join, mall_redeem, task_claim, trial_apply
from shequ.campaigns.services.campaigns import campaign_links

router = Router(tags=["campaigns"], auth=user_auth)
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class TaskOut(Schema):
    code: str
    title: str
    points: int
    coupon: str
    link: str
    completed: bool
    claimed: bool


class TasksOut(Schema):
    done: int
    total: int
    tasks: list[TaskOut]


def _tasks(user) -> dict:
    board = selectors.task_board(user=user)
    return {
        "done": board.done,
        "total": board.total,
        "tasks": [
            {
                "code": row.code,
                "title": str(row.task.get_code_display()),
                "points": row.task.points,
                "coupon": row.task.coupon_template.name if row.task.coupon_template else "",
                "link": row.task.link,
                "completed": row.completed,
                "claimed": row.claimed,
            }
            for row in board.rows
        ],
    }


@router.get("/tasks", response={200: TasksOut, **ERRORS})
def tasks(request: HttpRequest):
    """My new-user tasks: done, collected, and what each rewards."""
    body = _tasks(request.user)
    track(request.user, "tasks_viewed", {"done": body["done"], "total": body["total"], "source": "api"})
    return body


@router.post("/tasks/{code}/claim", response={200: TasksOut, **ERRORS})
def tasks_claim(request: HttpRequest, code: str):
    """Collect a finished task's reward (409 ``task_not_completed`` / ``task_already_claimed``)."""
    task_claim(user=request.user, code=code)
    return _tasks(request.user)


class MallItemOut(Schema):
    id: int
    kind: str
    title: str
    description: str
    image_url: str
    points_cost: int
    stock: int
    per_user_limit: int | None
    coupon: str | None = Field(None, alias="coupon_template.name")


class MallOut(Schema):
    balance: int
    items: list[MallItemOut]


@router.get("/mall", response={200: MallOut, **ERRORS})
def mall(request: HttpRequest):
    """Points-mall items on sale now, and my points balance."""
    items = list(selectors.mall_items())
    balance = points.balance(user_id=request.user.pk)
    track(request.user, "mall_viewed", {"count": len(items), "balance": balance, "source": "api"})
    return {"balance": balance, "items": items}


class RedeemIn(Schema):
    address_id: int | None = Field(None, description="Required for a product")
    idempotency_key: str = Field("", max_length=64, description="Or the Idempotency-Key header")


class RedemptionOut(Schema):
    id: int
    item_id: int
    title: str = Field(..., alias="item.title")
    points: int
    order_id: int | None
    issued_coupon_id: int | None
    created_at: datetime


@router.post("/mall/{item_id}/redeem", response={200: RedemptionOut, 201: RedemptionOut, **ERRORS})
def mall_item_redeem(request: HttpRequest, item_id: int, payload: RedeemIn):
    """Spend points on an item (send an Idempotency-Key: a repeat returns the same redemption with 200).
    409 ``points_insufficient`` / ``mall_sold_out`` / ``mall_limit_reached``; nothing is spent then."""
    key = request.headers.get("Idempotency-Key") or payload.idempotency_key
    redeemed = mall_redeem(user=request.user, item_id=item_id, idempotency_key=key, address_id=payload.address_id)
    return Status(201 if redeemed.created else 200, redeemed.redemption)


class HistoryOut(Schema):
    items: list[RedemptionOut]


@router.get("/mall/history", response={200: HistoryOut, **ERRORS})
def mall_history(request: HttpRequest, limit: int = 50):
    """My redemptions, newest first."""
    return {"items": list(selectors.mall_history(user=request.user)[: max(1, min(limit, 100))])}


class TrialOut(Schema):
    id: int
    title: str
    description: str
    product_id: int = Field(..., alias="sku.product_id")
    sku_id: int
    units: int
    apply_starts_at: datetime
    apply_ends_at: datetime
    review_deadline: datetime
    status: str
    my_status: str = ""


@router.get("/trials", response={200: list[TrialOut], **ERRORS})
def trials(request: HttpRequest):
    """Open and recently drawn trials, with my application's status ("" if I did not apply)."""
    found = list(selectors.trial_list()[:50])
    mine = selectors.my_applications(user=request.user, trial_ids=[t.pk for t in found])
    for trial in found:
        trial.my_status = mine[trial.pk].status if trial.pk in mine else ""
    track(request.user, "trials_viewed", {"count": len(found), "source": "api"})
    return found


class ApplyIn(Schema):
    reason: str = Field(..., max_length=1000)
    address_id: int


class ApplicationOut(Schema):
    id: int
    trial_id: int
    status: str
    created_at: datetime


@router.post("/trials/{trial_id}/apply", response={201: ApplicationOut, **ERRORS})
def trials_apply(request: HttpRequest, trial_id: int, payload: ApplyIn):
    """Apply for a trial (once: again is 409 ``trial_already_applied``)."""
    trial = selectors.trial_get(trial_id=trial_id)
    return Status(
        201, trial_apply(user=request.user, trial=trial, reason=payload.reason, address_id=payload.address_id)
    )


class CampaignOut(Schema):
    code: str
    name: str
    description: str
    starts_at: datetime
    ends_at: datetime
    topic_id: int | None
    participation_points: int
    links: list[list[str]]


@router.get("/c/{code}", response={200: CampaignOut, **ERRORS})
def campaign(request: HttpRequest, code: str):
    """A running campaign and its channel links."""
    found = selectors.campaign_get_live(code=code)
    found.links = [list(pair) for pair in campaign_links(campaign=found)]
    track(request.user, "campaign_viewed", {"campaign": found.code, "source": "api"})
    return found


class JoinedOut(Schema):
    campaign: str


@router.post("/c/{code}/join", response={201: JoinedOut, **ERRORS})
def campaign_take_part(request: HttpRequest, code: str):
    """Take part: the campaign's coupons and points, once (again is 409 ``campaign_already_joined``)."""
    found = selectors.campaign_get_live(code=code)
    campaign_join(user=request.user, campaign=found)
    return Status(201, {"campaign": found.code})


ROUTERS = [("/campaigns", router)]
