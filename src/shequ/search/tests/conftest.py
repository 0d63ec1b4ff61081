"""Fixtures for the search tests: the shop of helpers.py, indexed the way production indexes it."""

from __future__ import annotations

import pytest

from shequ.search.tests.helpers import Shop, build_shop


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed(): ...`` runs what would run after commit (search indexing) at the end of the block."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def shop(db, committed) -> Shop:
    with committed():
        return build_shop()
