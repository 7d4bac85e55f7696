"""Yearly policy (第八条, 第九条五) and unit supplementary rules (第十六条). All hours are integer seconds."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from hourbook.org.models import Unit

from . import regulation

MSG_LOOSER_REQUIREMENT = _(
    "“%(field)s”为 %(value)s 学时，低于上级规定的 %(inherited)s 学时；单位规则只能更严格（第十六条）。"
)
MSG_LOOSER_CAP = _(
    "“%(field)s”上限为 %(value)s 学时，高于上级规定的上限 %(inherited)s 学时；单位规则只能更严格（第十六条）。"
)
MSG_LEADER_BELOW_ORDINARY = _(
    "处级及以上培训学时要求（%(leader)s 学时）不能低于培训学时要求（%(ordinary)s 学时）；"
    "请将处级及以上要求设为至少 %(ordinary)s 学时。"
)


def _cap_field(label):
    return models.PositiveIntegerField(label, null=True, blank=True, help_text=_("秒；留空表示不设上限"))


class YearPolicy(models.Model):
    """The academy's requirements and caps for one year. A year without one uses the latest earlier year's."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    training_required = models.PositiveIntegerField(
        _("培训学时要求"), default=regulation.DEFAULT_TRAINING_REQUIRED
    )
    training_required_leader = models.PositiveIntegerField(
        _("处级及以上培训学时要求"), default=regulation.DEFAULT_TRAINING_REQUIRED_LEADER
    )
    online_required = models.PositiveIntegerField(
        _("网络学时要求"), default=regulation.DEFAULT_ONLINE_REQUIRED
    )
    cap_in_house = _cap_field(_("院内培训项目上限"))
    cap_external_training = _cap_field(_("线下培训上限"))
    cap_self_study = models.PositiveIntegerField(
        _("在职自学上限"),
        null=True,
        blank=True,
        default=regulation.DEFAULT_SELF_STUDY_CAP,
        help_text=_("秒；第九条五：在职自学最多计入10学时"),
    )
    cap_study_abroad = _cap_field(_("公派留学上限"))
    cap_platform_online = _cap_field(_("在线学习上限"))
    cap_external_online = _cap_field(_("网络学时上限"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("年度学时政策")
        verbose_name_plural = _("年度学时政策")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(training_required__gt=0)
                & Q(training_required_leader__gt=0)
                & Q(online_required__gt=0),
                name="policy_requirements_positive",
                violation_error_message=_("学时要求必须大于零"),
            ),
            models.CheckConstraint(
                condition=Q(training_required_leader__gte=F("training_required")),
                name="policy_leader_not_below_ordinary",
                violation_error_message=_("处级及以上培训学时要求不能低于培训学时要求"),
            ),
        ]

    def __str__(self) -> str:
        return _("%(year)s 年度政策") % {"year": self.year}

    def clean(self) -> None:
        """The leaders' training requirement is never below the ordinary one (DOMAIN.md, 第十六条)."""
        errors = _leader_errors(ordinary=self.training_required, leader=self.training_required_leader)
        if errors:
            raise ValidationError(errors)


class UnitRule(models.Model):
    """A unit's own stricter rule for a year (第十六条), applying to the unit and its sub-units.

    Every field is optional; what is set must be at least as strict as what the unit inherits
    (the academy's policy and every ancestor unit's rule). `clean()` refuses anything looser.
    """

    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="rules")
    year = models.PositiveSmallIntegerField(_("年度"))
    training_required = models.PositiveIntegerField(_("培训学时要求"), null=True, blank=True)
    training_required_leader = models.PositiveIntegerField(_("处级及以上培训学时要求"), null=True, blank=True)
    online_required = models.PositiveIntegerField(_("网络学时要求"), null=True, blank=True)
    cap_in_house = _cap_field(_("院内培训项目上限"))
    cap_external_training = _cap_field(_("线下培训上限"))
    cap_self_study = _cap_field(_("在职自学上限"))
    cap_study_abroad = _cap_field(_("公派留学上限"))
    cap_platform_online = _cap_field(_("在线学习上限"))
    cap_external_online = _cap_field(_("网络学时上限"))
    note = models.CharField(_("说明"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("单位补充规定")
        verbose_name_plural = _("单位补充规定")
        ordering = ["year", "unit_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"],
                name="unitrule_one_per_unit_year",
                violation_error_message=_("该单位该年度已有规定"),
            ),
            models.CheckConstraint(
                condition=Q(training_required__isnull=True)
                | Q(training_required_leader__isnull=True)
                | Q(training_required_leader__gte=F("training_required")),
                name="unitrule_leader_not_below_ordinary",
                violation_error_message=_("处级及以上培训学时要求不能低于培训学时要求"),
            ),
        ]
        indexes = [
            # Resolving a year's rules for a set of units.
            models.Index(fields=["year", "unit"], name="unitrule_year_unit_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.year}"

    def clean(self) -> None:
        """Refuse what would loosen the inherited policy (第十六条), and a combination that would leave the
        leaders' training requirement below the ordinary one (DOMAIN.md): both at the field to change."""
        from .selectors import inherited_policy  # avoid import cycle at module load

        if not self.unit_id or not self.year:
            return
        inherited = inherited_policy(year=self.year, unit=self.unit)
        errors = {}
        for name in ("training_required", "training_required_leader", "online_required"):
            value = getattr(self, name)
            base = getattr(inherited, name)
            if value is not None and regulation.is_looser_requirement(value, base):
                errors[name] = ValidationError(
                    MSG_LOOSER_REQUIREMENT,
                    code="looser",
                    params={
                        "field": self._meta.get_field(name).verbose_name,
                        "value": _fmt(value),
                        "inherited": _fmt(base),
                    },
                )
        for category, base in inherited.caps.items():
            name = f"cap_{category}"
            value = getattr(self, name)
            if regulation.is_looser_cap(value, base):
                errors[name] = ValidationError(
                    MSG_LOOSER_CAP,
                    code="looser",
                    params={
                        "field": self._meta.get_field(name).verbose_name,
                        "value": _fmt(value),
                        "inherited": _fmt(base),
                    },
                )
        if not errors:
            # What the unit would hold with this rule applied on top of what it inherits.
            ordinary = regulation.stricter_requirement(self.training_required, inherited.training_required)
            leader = regulation.stricter_requirement(
                self.training_required_leader, inherited.training_required_leader
            )
            errors = _leader_errors(ordinary=ordinary, leader=leader)
        if errors:
            raise ValidationError(errors)


def _leader_errors(*, ordinary: int | None, leader: int | None) -> dict[str, ValidationError]:
    """{field: error} when the leaders' training requirement would lie below the ordinary one."""
    if ordinary is None or leader is None or leader >= ordinary:
        return {}
    return {
        "training_required_leader": ValidationError(
            MSG_LEADER_BELOW_ORDINARY,
            code="leader_below_ordinary",
            params={"leader": _fmt(leader), "ordinary": _fmt(ordinary)},
        )
    }


def _fmt(seconds: int) -> str:
    from hourbook.common.hours import format_hours

    return format_hours(seconds)
