"""load_demo on an empty database: quiet at verbosity 0, right in January, and it refuses what it must not do."""

import datetime as dt

import pytest
import time_machine
from django.core.management import CommandError

from hourbook.accounts.models import User
from hourbook.demo import data
from hourbook.demo.services import cases_year, demo_logins
from hourbook.ledger.choices import Category
from hourbook.ledger.engine import employee_year
from hourbook.ledger.models import Record
from hourbook.org.models import Employee, Unit

from .helpers import NOW, load


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_verbosity_zero_prints_nothing(db):
    assert load(verbosity=0) == ""
    assert Employee.objects.exists()


def test_refuses_a_cas_tree_it_did_not_make(db):
    """A CAS root without load_demo's marker is someone's real academy: never rebuilt, never deleted."""
    Unit.objects.create(code=data.ROOT_CODE, name="中国科学院")
    with pytest.raises(CommandError):
        load(verbosity=0)
    with pytest.raises(CommandError):
        load(verbosity=0, reset=True)
    assert Unit.objects.filter(code=data.ROOT_CODE).exists()
    assert Employee.objects.count() == 0


def test_refuses_fewer_employees_than_named_logins(db):
    with pytest.raises(CommandError):
        load(verbosity=0, employees=len(data.PERSONAS) - 1)
    assert not Unit.objects.exists()


def test_in_january_the_cases_show_in_last_year(db):
    """Early in January the new year holds a few days of records; the table then shows last year, where
    every case holds, and no record ends after today."""
    january = dt.datetime(2027, 1, 3, 2, 0, tzinfo=dt.UTC)
    with time_machine.travel(january, tick=False):
        out = load(verbosity=1)
        assert cases_year() == 2026
        assert "choose 2026" in out
        assert not Record.objects.filter(end_date__gt=dt.date(2027, 1, 3)).exists()
        rows = {row.account: row for row in demo_logins()}
        assert rows["complete"].met == "达标"
        assert rows["nonstaff"].met == "无要求"
        capped = employee_year(User.objects.get(username="capped").employee, 2026).result
        assert capped.categories[Category.SELF_STUDY].capped > 0
        assert capped.buckets["training"].met is False
        leader = employee_year(User.objects.get(username="leader").employee, 2026).result
        assert 90 * 3600 <= leader.buckets["training"].effective < 110 * 3600
