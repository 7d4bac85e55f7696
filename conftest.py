"""Shared fixtures: a fixed cast of personas in a small academy (STYLE.md §5).

The tree:  中国科学院 (root) ─ 北京分院 (parent) ─┬─ 物理研究所 (unit) ─ 人力资源处 (dept)
                                                  └─ 化学研究所 (sibling)
Personas: employee and colleague in 物理研究所; outsider in 化学研究所; hr of 物理研究所; parent_hr of 北京分院;
manager (programme manager) of 物理研究所; academy (academy admin at the root).
"""

import os

import pytest
from django.db import connection

from hourbook.accounts.choices import Role
from hourbook.org.choices import UnitKind
from hourbook.testing.factories import (
    EmployeeFactory,
    EmployeeUserFactory,
    RoleFactory,
    UnitFactory,
    UserFactory,
)


def pytest_collection_modifyitems(config, items):
    """`postgres` tests skip on SQLite; the PostgreSQL run fails if any of them would skip."""
    using_pg = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))
    for item in items:
        if "postgres" in item.keywords and not using_pg:
            item.add_marker(pytest.mark.skip(reason="PostgreSQL only"))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if os.environ.get("HOURBOOK_REQUIRE_POSTGRES_TESTS") and terminalreporter.stats.get("skipped"):
        for report in terminalreporter.stats["skipped"]:
            if "postgres" in report.keywords:
                terminalreporter.write_line("A postgres-marked test skipped on the PostgreSQL run", red=True)
                config._hourbook_pg_skip = True


def pytest_sessionfinish(session, exitstatus):
    if getattr(session.config, "_hourbook_pg_skip", False) and exitstatus == 0:
        session.exitstatus = 1


@pytest.fixture
def units(db):
    root = UnitFactory(code="CAS", name="中国科学院", kind=UnitKind.ACADEMY)
    parent = UnitFactory(code="BJ", name="北京分院", kind=UnitKind.BRANCH, parent=root)
    unit = UnitFactory(code="IOP", name="物理研究所", parent=parent)
    dept = UnitFactory(code="IOP-HR", name="人力资源处", kind=UnitKind.DEPARTMENT, parent=unit)
    sibling = UnitFactory(code="ICCAS", name="化学研究所", parent=parent)
    return {"root": root, "parent": parent, "unit": unit, "dept": dept, "sibling": sibling}


class Cast(dict):
    """Personas by name; attribute access for brevity (cast.employee)."""

    __getattr__ = dict.__getitem__


@pytest.fixture
def cast(units):
    employee = EmployeeUserFactory(
        username="employee", employee=EmployeeFactory(name="张三", unit=units["unit"])
    )
    colleague = EmployeeUserFactory(
        username="colleague", employee=EmployeeFactory(name="李四", unit=units["dept"])
    )
    outsider = EmployeeUserFactory(
        username="outsider", employee=EmployeeFactory(name="王五", unit=units["sibling"])
    )
    hr = EmployeeUserFactory(username="hr", employee=EmployeeFactory(name="赵人事", unit=units["unit"]))
    RoleFactory(user=hr, role=Role.UNIT_HR, unit=units["unit"])
    parent_hr = EmployeeUserFactory(
        username="parent_hr", employee=EmployeeFactory(name="钱分院", unit=units["parent"])
    )
    RoleFactory(user=parent_hr, role=Role.UNIT_HR, unit=units["parent"])
    manager = EmployeeUserFactory(
        username="manager", employee=EmployeeFactory(name="孙培训", unit=units["unit"])
    )
    RoleFactory(user=manager, role=Role.PROGRAMME_MANAGER, unit=units["unit"])
    sibling_hr = EmployeeUserFactory(
        username="sibling_hr", employee=EmployeeFactory(name="周化学", unit=units["sibling"])
    )
    RoleFactory(user=sibling_hr, role=Role.UNIT_HR, unit=units["sibling"])
    academy = UserFactory(username="academy")
    RoleFactory(user=academy, role=Role.ACADEMY_ADMIN, unit=units["root"])
    return Cast(
        employee=employee,
        colleague=colleague,
        outsider=outsider,
        hr=hr,
        parent_hr=parent_hr,
        manager=manager,
        sibling_hr=sibling_hr,
        academy=academy,
        units=units,
    )


@pytest.fixture
def login(client):
    """Log a persona in: `login(cast.hr)` returns the logged-in test client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"
