import datetime as dt

import pytest

from hourbook.ledger import summary
from hourbook.ledger.choices import Category, Source, Status
from hourbook.testing.factories import RecordFactory


@pytest.fixture
def make_record(cast):
    """A record of `employee` (default: the cast's employee in 物理研究所), pending unless told; the yearly
    summary is refreshed as every ledger write does (the cap flag reads it)."""

    def _make(employee=None, **kwargs):
        kwargs.setdefault("status", Status.PENDING)
        kwargs.setdefault("source", Source.EMPLOYEE)
        kwargs.setdefault("category", Category.EXTERNAL_TRAINING)
        record = RecordFactory(employee=employee or cast.employee.employee, **kwargs)
        summary.refresh_records([record])
        return record

    return _make


@pytest.fixture
def year():
    return dt.date.today().year
