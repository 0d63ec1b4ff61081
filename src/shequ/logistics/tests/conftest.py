import pytest

from shequ.logistics.testing import seed_carriers


@pytest.fixture
def carriers(db):
    seed_carriers()


@pytest.fixture
def sandbox_payments(settings):
    settings.SHEQU_PAYMENTS = {**settings.SHEQU_PAYMENTS, "SANDBOX_ENABLED": True}
