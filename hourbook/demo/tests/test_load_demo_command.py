"""load_demo on an empty database: quiet at verbosity 0, and it refuses what it must not do."""

import pytest
import time_machine
from django.core.management import CommandError

from hourbook.demo import data
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
