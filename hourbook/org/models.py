"""Units of the academy (a tree) and its employees, with their unit and position-level history."""

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.db.models import Case, DateField, F, FilteredRelation, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from hourbook.common.dates import today, year_reference_day

from .choices import PositionLevel, UnitKind
from .validators import ARP_MAX_LENGTH, ARP_REGEX, MSG_ARP_FORMAT, validate_arp


class UnitQuerySet(models.QuerySet):
    def subtree(self, unit: "Unit") -> "UnitQuerySet":
        """The unit and all its descendants: one indexed prefix range on `path`."""
        return self.filter(path__startswith=unit.path)

    def subtrees(self, units) -> "UnitQuerySet":
        condition = Q(pk__in=[])
        for unit in units:
            condition |= Q(path__startswith=unit.path)
        return self.filter(condition)


class Unit(models.Model):
    """A unit of the academy tree: the academy, its branches, institutes, departments.

    `path` is the materialised path of ids ("/1/4/17/"), so a subtree is one prefix range.
    """

    code = models.CharField(_("单位代码"), max_length=32, unique=True)
    name = models.CharField(_("单位名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=UnitKind, default=UnitKind.INSTITUTE)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("路径"), max_length=255, editable=False, default="", db_index=True)
    depth = models.PositiveSmallIntegerField(_("层级"), default=0, editable=False)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        creating = self.pk is None
        super().save(*args, **kwargs)
        old_path = self.path
        parent_path = self.parent.path if self.parent_id else "/"
        new_path = f"{parent_path}{self.pk}/"
        if new_path != old_path:
            self.path = new_path
            self.depth = new_path.count("/") - 2
            Unit.objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)
            if not creating and old_path:
                # Re-root the descendants of a moved unit.
                for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                    child.path = new_path + child.path[len(old_path) :]
                    child.depth = child.path.count("/") - 2
                    Unit.objects.filter(pk=child.pk).update(path=child.path, depth=child.depth)

    def ancestors(self) -> list["Unit"]:
        """Ancestors from the root down to the parent (one query)."""
        ids = [int(part) for part in self.path.strip("/").split("/")[:-1] if part]
        by_id = {unit.pk: unit for unit in Unit.objects.filter(pk__in=ids)}
        return [by_id[pk] for pk in ids if pk in by_id]

    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this unit itself."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def is_within(self, other: "Unit") -> bool:
        return self.path.startswith(other.path)


def _held_on_reference_day(relation: str, start: str) -> Q:
    """The history entry in force on the row's `ref_day`: begun on or before it, not yet followed by the next."""
    return Q(**{f"{relation}__{start}__lte": F("ref_day")}) & (
        Q(**{f"{relation}__until__isnull": True}) | Q(**{f"{relation}__until__gt": F("ref_day")})
    )


class EmployeeQuerySet(models.QuerySet):
    def in_units(self, unit_ids) -> "EmployeeQuerySet":
        return self.filter(unit_id__in=unit_ids)

    def with_standing(self, year: int) -> "EmployeeQuerySet":
        """Annotate each person's standing in `year`: the one definition every page and report uses.

        `ref_day`: the year's reference day (31 December; today for the current year; the leaving day if
        earlier: DOMAIN.md decisions), `unit_at`: the unit of the membership held on it (None before the
        first membership), `level_at`: the position level held on it (ordinary if none).

        Computed at query time from the histories, so it never depends on when a row was last written: a
        promotion or transfer dated in the future takes effect on its day, and a new year needs nothing. Each
        history entry carries `until` (the next entry's start, kept by `org.standing` in the writer's
        transaction), so the entry in force is a plain range join, not a lookup per person.
        """
        day = year_reference_day(year)
        return (
            self.annotate(
                ref_day=Case(
                    When(left_on__lt=day, then=F("left_on")), default=Value(day), output_field=DateField()
                )
            )
            .annotate(
                membership_at=FilteredRelation(
                    "memberships", condition=_held_on_reference_day("memberships", "start")
                ),
                position_at=FilteredRelation("levels", condition=_held_on_reference_day("levels", "since")),
            )
            .annotate(
                unit_at=F("membership_at__unit_id"),
                level_at=Coalesce(F("position_at__level"), Value(PositionLevel.ORDINARY)),
            )
        )

    def in_year(self, year: int) -> "EmployeeQuerySet":
        """A year's population, annotated as `with_standing`: people who hold a membership on the year's
        reference day and did not leave before the year began. Nobody belongs to a year still to come."""
        if year > today().year:
            return self.none()
        return (
            self.with_standing(year)
            .filter(unit_at__isnull=False)  # the same join, not a second one
            .exclude(left_on__lt=dt.date(year, 1, 1))
        )

    def visible_to(self, user) -> "EmployeeQuerySet":
        """Employees a user may see: themself; an HR or programme manager's unit trees; all for the academy."""
        from hourbook.accounts.scope import employee_scope_q  # accounts sits above org

        return self.filter(employee_scope_q(user))


class Employee(models.Model):
    """A person of the academy. `unit` is the current unit; `UnitMembership` keeps the history."""

    arp = models.CharField(
        _("员工ARP编号"),
        max_length=ARP_MAX_LENGTH,
        unique=True,
        validators=[validate_arp],
        help_text=_("由数字组成；开通账号后也可用它登录"),
    )
    name = models.CharField(_("员工姓名"), max_length=64, db_index=True)
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="employees")
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    mobile = models.CharField(_("手机号码"), max_length=32, blank=True)
    is_registered = models.BooleanField(
        _("在册正式职工"), default=True, help_text=_("第二条：只有在册正式职工有学时要求并计入完成率")
    )
    is_active = models.BooleanField(_("在职"), default=True)
    left_on = models.DateField(_("离职日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = EmployeeQuerySet.as_manager()

    class Meta:
        verbose_name = _("职工")
        verbose_name_plural = _("职工")
        ordering = ["arp"]
        indexes = [
            # Roster and report of a unit: employees of a unit by ARP number.
            models.Index(fields=["unit", "arp"], name="employee_unit_arp_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_active=True) | Q(left_on__isnull=False),
                name="employee_left_has_date",
                violation_error_message=_("离职人员必须填写离职日期"),
            ),
            # Login names are unambiguous: ARP numbers are digits, usernames never start with one.
            models.CheckConstraint(
                condition=Q(arp__regex=ARP_REGEX),
                name="employee_arp_digits",
                violation_error_message=MSG_ARP_FORMAT,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.arp}）"

    def reference_day(self, year: int) -> dt.date:
        return year_reference_day(year, left_on=self.left_on)

    def standing(self, year: int) -> "Standing":
        """The unit and level held on the year's reference day, read with `EmployeeQuerySet.with_standing`
        (the same SQL as the reports), in one query. Before the first membership the unit is None."""
        unit_id, level = (
            Employee.objects.filter(pk=self.pk).with_standing(year).values_list("unit_at", "level_at").get()
        )
        return Standing(unit_id=unit_id, level=level)

    def unit_and_level_for_year(self, year: int) -> tuple[Unit, str]:
        """The unit and the position level held on the year's reference day (DOMAIN.md: 31 December, today,
        or the leaving day), in one or two queries. Before the first membership: the current unit (where a
        record dated then is filed)."""
        held = self.standing(year)
        if held.unit_id is None or held.unit_id == self.unit_id:
            return self.unit, held.level
        return Unit.objects.get(pk=held.unit_id), held.level

    def unit_for_year(self, year: int) -> Unit:
        return self.unit_and_level_for_year(year)[0]

    def level_for_year(self, year: int) -> str:
        return self.standing(year).level

    def current_level(self) -> str:
        return self.level_for_year(today().year)


@dataclass(frozen=True)
class Standing:
    """A person's unit and level on a year's reference day (`EmployeeQuerySet.with_standing`)."""

    unit_id: int | None
    level: str


class UnitMembership(models.Model):
    """The unit an employee belongs to from `start` on, until the next membership begins."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="memberships"
    )
    start = models.DateField(_("起始日期"))
    # The next membership's start (exclusive end of this one), None for the latest: kept by org.standing.
    until = models.DateField(_("截止日期"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("单位归属")
        verbose_name_plural = _("单位归属历史")
        ordering = ["employee_id", "start", "pk"]
        indexes = [
            # Unit for a year: latest membership of an employee starting on or before a day.
            models.Index(fields=["employee", "start"], name="membership_emp_start_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} → {self.unit_id} @ {self.start}"


class PositionHistory(models.Model):
    """The position level an employee holds from `since` on (处级及以上 raises the requirement, 第八条)."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="levels")
    level = models.CharField(_("职级"), max_length=16, choices=PositionLevel, default=PositionLevel.ORDINARY)
    since = models.DateField(_("起始日期"))
    # The next entry's start (exclusive end of this one), None for the latest: kept by org.standing.
    until = models.DateField(_("截止日期"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("职级")
        verbose_name_plural = _("职级历史")
        ordering = ["employee_id", "since", "pk"]
        indexes = [
            # Level for a year: latest level of an employee starting on or before a day.
            models.Index(fields=["employee", "since"], name="position_emp_since_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "since"],
                name="position_one_level_per_day",
                violation_error_message=_("同一天只能有一个职级"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id}: {self.level} @ {self.since}"
