"""Policy screens: a unit's own rules (第十六条), the rule that applies to an employee and why, and the
academy's yearly policy (academy admin only).

Unit rules are for unit HR admins over their unit trees (a unit outside them is a 404); the model's
`clean()` refuses anything looser than what the unit inherits and its message is shown at the field.
Rules of a past year change past results, so only the academy admin edits them. Who may write is decided by
`policy.services` (a refusal is a 403); the views only choose what to show. Reads are `policy.selectors`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hourbook.accounts.scope import scope_of
from hourbook.common.dates import today
from hourbook.org.choices import PositionLevel

from .choices import CAP_FIELDS, Category
from .forms import RULE_FIELDS, UnitRuleForm, YearPolicyForm
from .models import UnitRule, YearPolicy
from .selectors import (
    REQUIREMENT_FIELDS,
    inherited_policy,
    own_year_policy,
    policy_for_unit,
    rule_units,
    sub_unit_rules,
    unit_rule_of,
    year_policies,
    year_policy,
)
from .services import MSG_RULE_PAST_YEAR, rule_editable_by, unit_rule_delete, unit_rule_save, year_policy_save

MIN_YEAR = 2019


def _year(request: HttpRequest, *, ahead: int = 0) -> int:
    """?year= within 2019 … this year (+ `ahead`), defaulting to this year."""
    current = today().year
    raw = request.GET.get("year", "")
    if raw.isdigit() and MIN_YEAR <= int(raw) <= current + ahead:
        return int(raw)
    return current


def _years(ahead: int = 0) -> list[int]:
    return list(range(today().year + ahead, MIN_YEAR - 1, -1))


def _show_errors(form, exc: ValidationError) -> None:
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def _rows(*, academy: YearPolicy, inherited, effective, form) -> list[dict]:
    """One line per requirement and cap: the academy's, the inherited (with its source), this unit's, the result."""
    labels = dict(Category.choices)
    rows = []
    for name in RULE_FIELDS:
        if name in REQUIREMENT_FIELDS:
            category = None
            inherited_value, effective_value = getattr(inherited, name), getattr(effective, name)
        else:
            category = name.removeprefix("cap_")
            inherited_value, effective_value = inherited.caps.get(category), effective.caps.get(category)
        rows.append(
            {
                "name": name,
                "label": form.fields[name].label if form is not None else labels.get(category, name),
                "is_cap": category is not None,
                "academy": getattr(academy, name),
                "inherited": inherited_value,
                "inherited_source": inherited.sources.get(name, ""),
                "effective": effective_value,
                "effective_source": effective.sources.get(name, ""),
                "field": form[name] if form is not None else None,
            }
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def unit_rules(request: HttpRequest) -> HttpResponse:
    """第十六条: for a year, a unit's own stricter rule beside what it inherits; editable by its HR admins."""
    scope = scope_of(request.user)
    if not scope.is_hr:
        raise PermissionDenied
    units = rule_units(request.user)
    if not units:
        raise Http404
    year = _year(request, ahead=1)
    raw_unit = request.GET.get("unit", "")
    if raw_unit:
        if not raw_unit.isdigit():
            raise Http404
        unit = next((u for u in units if u.pk == int(raw_unit)), None)
        if unit is None:
            raise Http404  # a unit outside the admin's trees
    else:
        unit = units[0]
    editable = rule_editable_by(request.user, year=year)
    rule = unit_rule_of(unit=unit, year=year)
    form = UnitRuleForm(request.POST or None, rule=rule)
    here = reverse("policy:rules") + "?" + urlencode({"year": year, "unit": unit.pk})

    if request.method == "POST":
        if not editable:  # a convenience: the services refuse it too
            raise PermissionDenied(MSG_RULE_PAST_YEAR)
        if request.POST.get("action") == "delete":
            if rule is not None:
                unit_rule_delete(actor=request.user, rule=rule)
                messages.success(request, _("已删除该单位本年度的补充规定"))
            return redirect(here)
        if form.is_valid():
            target = rule or UnitRule(unit=unit, year=year)
            for name, value in form.seconds().items():
                setattr(target, name, value)
            target.note = form.cleaned_data["note"]
            try:
                unit_rule_save(actor=request.user, rule=target)
            except ValidationError as exc:
                _show_errors(form, exc)
            else:
                messages.success(request, _("已保存补充规定"))
                return redirect(here)

    inherited = inherited_policy(year=year, unit=unit)
    effective = policy_for_unit(year=year, unit=unit)
    top = min(u.depth for u in units)
    context = {
        "year": year,
        "years": _years(ahead=1),
        "unit": unit,
        "units": [(u, "\u3000" * (u.depth - top) + u.name) for u in units],
        "editable": editable,
        "rule": rule,
        "form": form,
        "academy": year_policy(year),
        "rows": _rows(academy=year_policy(year), inherited=inherited, effective=effective, form=form),
        "sub_rules": sub_unit_rules(unit=unit, year=year),
    }
    return render(request, "policy/rules.html", context, status=422 if form.errors else 200)


@login_required
@require_GET
def my_rule(request: HttpRequest) -> HttpResponse:
    """适用规定: the requirements and caps that apply to the employee in a year, and where each comes from."""
    employee = getattr(request.user, "employee", None)
    if employee is None:
        raise Http404
    year = _year(request)
    unit = employee.unit_for_year(year)
    level = employee.level_for_year(year)
    policy = policy_for_unit(year=year, unit=unit)
    leader = level == PositionLevel.SECTION_AND_ABOVE
    training_field = "training_required_leader" if leader else "training_required"
    labels = dict(Category.choices)
    context = {
        "year": year,
        "years": _years(),
        "unit": unit,
        "leader": leader,
        "registered": employee.is_registered,
        "policy": policy,
        "training_required": getattr(policy, training_field),
        "training_source": policy.sources.get(training_field, ""),
        "online_source": policy.sources.get("online_required", ""),
        "caps": [
            {
                "label": labels[category],
                "cap": policy.caps.get(category),
                "source": policy.sources.get(name, ""),
            }
            for category, name in CAP_FIELDS.items()
        ],
    }
    return render(request, "policy/my_rule.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def year_policy_edit(request: HttpRequest) -> HttpResponse:
    """The academy's policy of a year (academy admin only). A past year's change alters its results: audited."""
    if not scope_of(request.user).academy_admin:
        raise PermissionDenied
    year = _year(request, ahead=1)
    own = own_year_policy(year)
    shown = own or year_policy(year)
    form = YearPolicyForm(request.POST or None, policy=shown)
    if request.method == "POST" and form.is_valid():
        target = own or YearPolicy(year=year)
        for name, value in form.seconds().items():
            setattr(target, name, value)
        try:
            year_policy_save(actor=request.user, policy=target)
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("已保存 %(year)s 年度政策") % {"year": year})
            return redirect(reverse("policy:year_policy") + "?" + urlencode({"year": year}))
    context = {
        "year": year,
        "years": _years(ahead=1),
        "form": form,
        "own": own,
        "inherited_from": None if own else (shown.year if shown.pk else None),
        "past": year < today().year,
        "policies": year_policies(),
    }
    return render(request, "policy/year_policy.html", context, status=422 if form.errors else 200)
