import datetime as dt

import pytest

from hourbook.ledger.choices import Category, Source, Status
from hourbook.testing.factories import RecordFactory


@pytest.fixture
def make_record(cast):
    """A record of `employee` (default: the cast's employee in 物理研究所), pending unless told."""

    def _make(employee=None, **kwargs):
        kwargs.setdefault("status", Status.PENDING)
        kwargs.setdefault("source", Source.EMPLOYEE)
        kwargs.setdefault("category", Category.EXTERNAL_TRAINING)
        return RecordFactory(employee=employee or cast.employee.employee, **kwargs)

    return _make


@pytest.fixture
def year():
    return dt.date.today().year
