from datetime import timedelta

import pytest
from django.utils import timezone

from shequ.polls.services import poll_create
from shequ.reviews.tests.conftest import operator, published  # noqa: F401 - shared fixtures


@pytest.fixture
def make_poll(operator):  # noqa: F811 - the shared fixture
    def make(**fields):
        spec = {
            "author": operator,
            "question": "下一款口味选哪个？",
            "options": ["杨枝甘露", "桂花酒酿", "青提茉莉"],
            "closes_at": timezone.now() + timedelta(days=3),
            **fields,
        }
        return poll_create(**spec)

    return make
