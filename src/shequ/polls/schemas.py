"""API shapes for polls."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema


class ErrorOut(Schema):
    code: str
    message: str
    details: dict | None = None


class VoteIn(Schema):
    option_ids: list[int] = Field(..., max_length=10)


class OptionIn(Schema):
    text: str = Field(..., max_length=200)
    product_id: int | None = None


class PollCreateIn(Schema):
    question: str = Field(..., max_length=400)
    description: str = Field("", max_length=1000)
    options: list[OptionIn] = Field(..., min_length=2, max_length=10)
    multiple: bool = False
    max_choices: int = Field(1, ge=1, le=10)
    closes_at: datetime | None = None
    results_visibility: str = Field("after_vote", max_length=12)
    is_official: bool = False
    product_ids: list[int] = Field(default_factory=list, max_length=20)


class OptionOut(Schema):
    id: int
    text: str
    product_id: int | None
    votes: int | None
    percent: int | None
    chosen: bool


class PollOut(Schema):
    id: int
    question: str
    description: str
    is_official: bool
    multiple: bool
    max_choices: int
    closes_at: datetime | None
    results_visibility: str
    ballot_count: int
    closed: bool
    voted: bool
    show_results: bool
    can_vote: bool
    options: list[OptionOut]
    product_ids: list[int]
    post_id: int | None
