"""The demo academy's units, people and accounts: the unit tree of DOMAIN.md, generated employees with
Chinese names, ARP numbers and phones, the personas and their roles.

Everything is written through the org services (employee_create, employee_set_level) and the account
models; the same seed gives the same academy.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from hourbook.accounts.choices import Role
from hourbook.accounts.models import RoleAssignment, User
from hourbook.accounts.services import account_username
from hourbook.common.dates import today
from hourbook.org.choices import PositionLevel
from hourbook.org.models import Employee, Unit
from hourbook.org.services import employee_create, employee_set_level

from . import data


@dataclass
class Person:
    """An employee of the demo with their account and what the record generator needs to know."""

    employee: Employee
    user: User
    unit: Unit
    persona: data.Persona | None = None
    diligence: float = 1.0  # scales how much the person learns in a year
    leader: bool = False  # 处级及以上 before this year (attends the 处级干部 class)


@dataclass
class Academy:
    """What the build made, by code and username, for the record generator and the logins table."""

    units: dict[str, Unit] = field(default_factory=dict)
    people: list[Person] = field(default_factory=list)
    personas: dict[str, Person] = field(default_factory=dict)
    admin: User | None = None
    reviewers: list[tuple[Unit, User]] = field(default_factory=list)  # most specific unit first

    def reviewer_for(self, unit: Unit, owner: Employee) -> User:
        """Who reviews a record of `unit`: the closest HR above it, never the owner (nobody reviews their own)."""
        for scope_unit, user in self.reviewers:
            if unit.path.startswith(scope_unit.path) and user.employee_id != owner.pk:
                return user
        return self.admin


def build_units() -> dict[str, Unit]:
    """The unit tree, parents first; Unit.save keeps the materialised path."""
    units: dict[str, Unit] = {}
    for order, spec in enumerate(data.UNITS):
        unit = Unit(
            code=spec.code,
            name=spec.name,
            kind=spec.kind,
            parent=units[spec.parent] if spec.parent else None,
            sort_order=order,
        )
        unit.full_clean(exclude=["path"])
        unit.save()
        units[spec.code] = unit
    return units


class NameMaker:
    """Deterministic Chinese names, ARP numbers and phone numbers from one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.serial = 0
        weights = [max(1, 40 - i) for i in range(len(data.SURNAMES))]  # common surnames first
        self._surname_weights = weights

    def name(self) -> str:
        surname = self.rng.choices(data.SURNAMES, weights=self._surname_weights)[0]
        given = self.rng.choice(data.GIVEN_CHARS)
        if self.rng.random() < 0.7:
            given += self.rng.choice(data.GIVEN_CHARS)
        return surname + given

    def arp(self, hired: int) -> str:
        """员工ARP编号: the hiring year and a serial, unique across the demo."""
        self.serial += 1
        return f"{hired}{self.serial:05d}"

    def phones(self, area_code: str) -> tuple[str, str]:
        digits = 7 if len(area_code) == 4 else 8
        landline = (
            f"{area_code}-{self.rng.randint(6, 8)}{self.rng.randrange(10 ** (digits - 1)):0{digits - 1}d}"
        )
        mobile = self.rng.choice(data.MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
        return landline, mobile


def _account(
    *, username: str, employee: Employee | None, password_hash: str, superuser: bool = False
) -> User:
    user = User(
        username=username,
        employee=employee,
        password=password_hash,
        is_staff=superuser,
        is_superuser=superuser,
        must_change_password=False,
    )
    user.save()
    return user


def build_people(*, rng: random.Random, units: dict[str, Unit], employees: int) -> Academy:
    """Personas first (fixed names and roles), then generated employees spread over the units by weight.

    Every account shares the documented demo password; it is hashed once, so 300 accounts cost one hash.
    """
    academy = Academy(units=units)
    names = NameMaker(rng)
    password_hash = make_password(data.PASSWORD)
    area = {spec.code: spec.area_code for spec in data.UNITS}
    year = today().year

    for persona in data.PERSONAS:
        hired = rng.randint(2003, 2016)
        landline, mobile = names.phones(area[persona.unit])
        employee = employee_create(
            arp=names.arp(hired),
            name=persona.name,
            unit=units[persona.unit],
            level=persona.level,
            level_since=dt.date(2016, 7, 1) if persona.level == PositionLevel.SECTION_AND_ABOVE else None,
            joined_on=dt.date(hired, 7, 1),
            is_registered=persona.registered,
            phone=landline,
            mobile=mobile,
        )
        user = _account(
            username=persona.username,
            employee=employee,
            password_hash=password_hash,
            superuser=persona.superuser,
        )
        if persona.role:
            RoleAssignment.objects.create(user=user, role=persona.role, unit=units[persona.role_unit])
        person = Person(
            employee=employee,
            user=user,
            unit=units[persona.unit],
            persona=persona,
            leader=persona.level == PositionLevel.SECTION_AND_ABOVE,
        )
        academy.personas[persona.username] = person
        academy.people.append(person)
        if persona.superuser:
            academy.admin = user

    # Reviewers: the HR personas, the most specific unit first (institutes before 北京分院 and 院机关).
    hr = [p for p in academy.personas.values() if p.persona.role == Role.UNIT_HR]
    hr.sort(key=lambda p: -units[p.persona.role_unit].depth)
    academy.reviewers = [(units[p.persona.role_unit], p.user) for p in hr]

    specs = [spec for spec in data.UNITS if spec.weight]
    weights = [spec.weight for spec in specs]
    generated: list[tuple[Employee, bool]] = []
    for _ in range(max(employees - len(data.PERSONAS), 0)):
        spec = rng.choices(specs, weights=weights)[0]
        hired = rng.choices([rng.randint(1995, year - 2), year - 1, year], weights=[90, 6, 4])[0]
        joined = dt.date(hired, rng.randint(1, 12), 1)
        if joined > today():
            joined = dt.date(hired, 1, 1)
        roll = rng.random()
        if roll < 0.10:  # 处级及以上 for years
            level, since = PositionLevel.SECTION_AND_ABOVE, dt.date(rng.randint(2008, year - 1), 7, 1)
        else:
            level, since = PositionLevel.ORDINARY, joined
        landline, mobile = names.phones(spec.area_code)
        employee = employee_create(
            arp=names.arp(hired),
            name=names.name(),
            unit=units[spec.code],
            level=level,
            level_since=max(since, joined),
            joined_on=joined,
            is_registered=rng.random() >= 0.04,  # a few are not 在册正式职工 (第二条)
            phone=landline,
            mobile=mobile,
        )
        if level == PositionLevel.ORDINARY and 0.10 <= roll < 0.13 and hired < year:
            # Promoted this year: the level on the reference day sets the requirement (110, 第八条).
            promoted = day_this_year(rng, latest=today())
            if promoted > joined:
                employee_set_level(employee=employee, level=PositionLevel.SECTION_AND_ABOVE, since=promoted)
        generated.append((employee, level == PositionLevel.SECTION_AND_ABOVE))

    # Every generated employee logs in with their ARP number and the demo password.
    users = User.objects.bulk_create(
        [
            User(username=account_username(e), employee=e, password=password_hash, must_change_password=False)
            for e, _ in generated
        ],
        batch_size=500,
    )
    by_employee = {u.employee_id: u for u in users}
    if any(u.pk is None for u in users):  # backends that do not return ids on bulk insert
        by_employee = {u.employee_id: u for u in User.objects.filter(employee__in=[e for e, _ in generated])}
    for employee, leader in generated:
        academy.people.append(
            Person(
                employee=employee,
                user=by_employee[employee.pk],
                unit=employee.unit,
                diligence=rng.uniform(0.55, 1.5),
                leader=leader,
            )
        )
    return academy


def day_this_year(rng: random.Random, *, latest: dt.date) -> dt.date:
    """A day between 1 February and `latest` of the current year (1 January if the year is that young)."""
    first = dt.date(latest.year, 2, 1)
    if latest <= first:
        return dt.date(latest.year, 1, 1)
    return first + dt.timedelta(days=rng.randrange((latest - first).days + 1))


def is_case(person: Person) -> bool:
    """A persona whose records are fixed to show its case (the role holders get ordinary years)."""
    return person.persona is not None and person.persona.username in data.PERSONA_PROGRAMMES
